/*
 * A plugin that declares its route (ABI 1.1): POST notes with a JSON Schema for its body and
 * its answer. The handler counts its calls, so a test can tell which requests reached it.
 *
 *   -DBAD_SCHEMA    the request schema is not a JSON Schema; init ignores the refusal
 *   -DABI_1_0       built as a 1.0 plugin: register_route only, abi_minor 0
 */
#include "plinth_plugin.h"

#include <stdio.h>

static const plinth_host_api *host;
static int calls;

static plinth_status create(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    char body[64];
    int length = snprintf(body, sizeof body, "{\"calls\":%d}", __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST));
    host->response_status(response, 201);
    host->response_header(response, plinth_str("content-type"), plinth_str("application/json"));
    plinth_bytes chunk = {(const uint8_t *)body, (size_t)length};
    host->response_body(response, chunk);
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
#ifdef ABI_1_0
    return api->register_route(ctx, plinth_str("POST"), plinth_str("notes"), create, error);
#else
    plinth_route_spec spec = {
        .struct_size = sizeof(plinth_route_spec),
        .method = plinth_str("POST"),
        .path = plinth_str("notes"),
        .operation_id = plinth_str("declared.notes.create"),
        .summary = plinth_str("Create a note"),
#ifdef BAD_SCHEMA
        .request_schema = plinth_str("{\"type\": \"text\"}"),
#else
        .request_schema = plinth_str("{\"type\": \"object\", \"properties\": {\"text\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 20}},"
                                     " \"required\": [\"text\"], \"additionalProperties\": false}"),
#endif
        .responses = plinth_str("{\"201\": {\"type\": \"object\", \"properties\": {\"calls\": {\"type\": \"integer\"}}, \"required\": [\"calls\"]}}"),
    };
    plinth_status status = api->register_route_spec(ctx, &spec, create, error);
#ifdef BAD_SCHEMA
    (void)status;
    return PLINTH_OK;
#else
    return status;
#endif
#endif
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
#ifdef ABI_1_0
    .abi_minor = 0,
#else
    .abi_minor = PLINTH_ABI_MINOR,
#endif
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "declared",
    .version = "1.0.0",
    .description = "Declares its route (ABI 1.1 test fixture)",
    .init = init,
    .deinit = NULL,
};

const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
