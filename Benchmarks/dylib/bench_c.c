/* The route of the dylib benchmark, in C: GET /api/<BENCH_NAME>/greet/:name answers
 * "hello <name>", the same text and header as the in-process route of `plinth-bench dylib`.
 * Built twice: with BENCH_FLAGS = PLINTH_PLUGIN_THREAD_SAFE (handlers on worker threads) and with
 * PLINTH_PLUGIN_INLINE_HANDLERS added (handlers on the request threads). */
#ifndef BENCH_NAME
#define BENCH_NAME "bench_c"
#endif
#ifndef BENCH_FLAGS
#define BENCH_FLAGS PLINTH_PLUGIN_THREAD_SAFE
#endif
#include "plinth_plugin.h"

#include <string.h>

static const plinth_host_api *host;

static plinth_status greet(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)error;
    plinth_bytes name = {0};
    for (size_t i = 0; i < request->param_count; i++) {
        if (request->param_names[i].len == 4 && memcmp(request->param_names[i].ptr, "name", 4) == 0) name = request->param_values[i];
    }
    uint8_t body[256];
    size_t length = name.len > 240 ? 240 : name.len;
    memcpy(body, "hello ", 6);
    memcpy(body + 6, name.ptr, length);
    host->response_status(response, 200);
    host->response_header(response, plinth_str("content-type"), plinth_str("text/plain; charset=utf-8"));
    plinth_bytes chunk = {body, length + 6};
    host->response_body(response, chunk);
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    return api->register_route(ctx, plinth_str("GET"), plinth_str("greet/:name"), greet, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC, .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR, .abi_minor = PLINTH_ABI_MINOR, .flags = BENCH_FLAGS,
    .name = BENCH_NAME, .version = "1.0.0", .description = "dylib benchmark route", .init = init, .deinit = NULL,
};

const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
