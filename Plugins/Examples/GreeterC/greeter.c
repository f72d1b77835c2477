/*
 * greeter_c: an example Plinth plugin in C, written from plinth_plugin.h alone.
 *
 *   cc -shared -fPIC -I Sources/CPlinthABI/include Plugins/Examples/GreeterC/greeter.c -o plugins.d/greeter_c.so
 *
 * GET /api/greeter_c/greet/:name answers "hello <name> (visit N)", counting visits per name
 * in its own table; a boot hook records each start. The route is registered with its
 * declaration (ABI 1.1), so /openapi.json lists it as greeter_c.greet.
 */
#include "plinth_plugin.h"

#include <stdio.h>
#include <string.h>

static const plinth_host_api *host;

static const char *create_tables =
    "CREATE TABLE greeter_c_visits (name TEXT NOT NULL, tenant TEXT);"
    "CREATE TABLE greeter_c_boots (booted_at TEXT NOT NULL)";

/* Copies the first column of the row into the caller's buffer. */
static plinth_status read_count(void *user, const plinth_row *row) {
    plinth_value_type type;
    plinth_bytes value = host->row_column(row, 0, &type);
    snprintf((char *)user, 32, "%.*s", (int)value.len, (const char *)value.ptr);
    return PLINTH_OK;
}

static plinth_bytes parameter(const plinth_request *request, const char *name) {
    plinth_bytes empty = {0};
    for (size_t i = 0; i < request->param_count; i++) {
        if (request->param_names[i].len == strlen(name) && memcmp(request->param_names[i].ptr, name, strlen(name)) == 0) {
            return request->param_values[i];
        }
    }
    return empty;
}

static plinth_status greet(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state;
    plinth_bytes name = parameter(request, "name");
    plinth_param params[2] = {
        {.type = PLINTH_TEXT, .text = name},
        {.type = request->tenant.len ? PLINTH_TEXT : PLINTH_NULL, .text = request->tenant},
    };
    if (host->db_query(call, plinth_str("INSERT INTO greeter_c_visits (name, tenant) VALUES ($1, $2)"), params, 2, NULL, NULL, error) != PLINTH_OK) {
        return PLINTH_ERR;
    }
    char visits[32] = "0";
    if (host->db_query(call, plinth_str("SELECT COUNT(*) AS visits FROM greeter_c_visits WHERE name = $1"), params, 1, read_count, visits, error) != PLINTH_OK) {
        return PLINTH_ERR;
    }
    char body[400];
    int length = snprintf(body, sizeof body, "hello %.*s (visit %s)", (int)(name.len > 200 ? 200 : name.len), (const char *)name.ptr, visits);
    host->response_status(response, 200);
    host->response_header(response, plinth_str("content-type"), plinth_str("text/plain; charset=utf-8"));
    plinth_bytes chunk = {(const uint8_t *)body, (size_t)length};
    host->response_body(response, chunk);
    return PLINTH_OK;
}

static plinth_status boot(void *state, plinth_call *call, plinth_error *error) {
    (void)state;
    host->log(call, PLINTH_LOG_INFO, plinth_str("greeter_c is ready"));
    return host->db_query(call, plinth_str("INSERT INTO greeter_c_boots (booted_at) VALUES (CURRENT_TIMESTAMP)"), NULL, 0, NULL, NULL, error);
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    if (api->register_migration(ctx, plinth_str("001_tables"), plinth_str(create_tables), plinth_str(create_tables), error) != PLINTH_OK) return PLINTH_ERR;
    /* ABI 1.1: the route with what /openapi.json says about it; the answer is text, not JSON. */
    plinth_route_spec greet_spec = {
        .struct_size = sizeof(plinth_route_spec),
        .method = plinth_str("GET"),
        .path = plinth_str("greet/:name"),
        .operation_id = plinth_str("greeter_c.greet"),
        .summary = plinth_str("Greets a name and counts its visits"),
        .policy = plinth_str("public"),
        .responses = plinth_str("{\"200\": null}"),
    };
    if (api->register_route_spec(ctx, &greet_spec, greet, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_hook(ctx, PLINTH_HOOK_BOOT, boot, error) != PLINTH_OK) return PLINTH_ERR;
    return PLINTH_OK;
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
    .abi_minor = PLINTH_ABI_MINOR,
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "greeter_c",
    .version = "1.0.0",
    .description = "Greets by name and counts visits (C example)",
    .init = init,
    .deinit = NULL,
};

const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
