/*
 * greeter_c: an example Plinth plugin in C, written from plinth_plugin.h alone.
 *
 *   cc -std=c99 -shared -fPIC -I Sources/CPlinthABI/include Plugins/Examples/GreeterC/greeter.c -o plugins.d/greeter_c.so
 *
 * GET /api/greeter_c/greet/:name answers "<salutation> <name> (visit N)", counting visits per
 * name and tenant in its own table; PLINTH_GREETER_C_SALUTATION sets the salutation (default
 * "hello"). A boot hook reads that setting and records each start. The route is registered with
 * its declaration (ABI 1.1), so /openapi.json lists it as greeter_c.greet.
 */
#include "plinth_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const plinth_host_api *host;
/* Kept from init: settings are read through it afterwards too. */
static plinth_host_ctx *settings;
/* Set by the boot hook, which runs before the first request; only read afterwards. */
static plinth_bytes salutation;

static const char *create_tables =
    "CREATE TABLE greeter_c_visits (name TEXT NOT NULL, tenant TEXT);"
    "CREATE TABLE greeter_c_boots (booted_at TEXT NOT NULL)";

/* COUNT(*) comes back as PLINTH_INTEGER on both databases, as decimal text; anything else
 * leaves the count at -1. */
static plinth_status read_count(void *user, const plinth_row *row) {
    plinth_value_type type = PLINTH_NULL;
    plinth_bytes value = host->row_column(row, 0, &type);
    char text[32];
    if (type != PLINTH_INTEGER || value.len == 0 || value.len >= sizeof text) return PLINTH_ERR;
    memcpy(text, value.ptr, value.len);
    text[value.len] = '\0';
    *(long long *)user = strtoll(text, NULL, 10);
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

/* A host call failed: the reason (error_message, ABI 1.1) goes to the log, where it may name
 * tables or the database server; the caller gets a 503 without it. */
static plinth_status unavailable(plinth_call *call, plinth_response *response, const plinth_error *error) {
    plinth_bytes reason = host->error_message(error);
    int shown = (int)(reason.len > 250 ? 250 : reason.len);
    char line[300];
    snprintf(line, sizeof line, "greet failed: %.*s", shown, shown ? (const char *)reason.ptr : "");
    host->log(call, PLINTH_LOG_ERROR, plinth_str(line));
    host->response_status(response, 503);
    host->response_header(response, plinth_str("retry-after"), plinth_str("5"));
    return PLINTH_OK;
}

/* Also answers HEAD: the host runs it for HEAD /api/greeter_c/greet/:name with request->method
 * "HEAD" and sends the status and headers without the body. A HEAD is not a visit: it counts
 * without recording one. */
static plinth_status greet(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state;
    plinth_bytes name = parameter(request, "name");
    int head = request->method.len == 4 && memcmp(request->method.ptr, "HEAD", 4) == 0;
    /* The host enforces no tenant on this table (see db_query in the header): filter by it here. */
    plinth_param params[2] = {
        {.type = PLINTH_TEXT, .text = name},
        {.type = PLINTH_TEXT, .text = request->tenant},
    };
    if (!head && host->db_query(call, plinth_str("INSERT INTO greeter_c_visits (name, tenant) VALUES ($1, $2)"), params, 2, NULL, NULL, error) != PLINTH_OK) {
        return unavailable(call, response, error);
    }
    long long visits = -1;
    const char *count = "SELECT COUNT(*) AS visits FROM greeter_c_visits WHERE name = $1 AND COALESCE(tenant, '') = $2";
    if (host->db_query(call, plinth_str(count), params, 2, read_count, &visits, error) != PLINTH_OK) {
        return unavailable(call, response, error);
    }
    if (visits < 0) {
        host->set_error(error, plinth_str("COUNT(*) did not come back as an INTEGER"));
        return PLINTH_ERR;
    }
    char body[400];
    int said = (int)(salutation.len > 100 ? 100 : salutation.len), shown = (int)(name.len > 200 ? 200 : name.len);
    int length = snprintf(body, sizeof body, "%.*s %.*s (visit %lld)", said, (const char *)salutation.ptr,
                          shown, shown ? (const char *)name.ptr : "", visits);
    host->response_status(response, 200);
    host->response_header(response, plinth_str("content-type"), plinth_str("text/plain; charset=utf-8"));
    plinth_bytes chunk = {(const uint8_t *)body, (size_t)length};
    host->response_body(response, chunk);
    return PLINTH_OK;
}

static plinth_status boot(void *state, plinth_call *call, plinth_error *error) {
    (void)state;
    /* Read once and kept: the value lives as long as the process (each config_get copies it). */
    if (host->config_get(settings, plinth_str("SALUTATION"), &salutation) != PLINTH_OK) {
        salutation = plinth_str("hello");
    }
    host->log(call, PLINTH_LOG_INFO, plinth_str("greeter_c is ready"));
    return host->db_query(call, plinth_str("INSERT INTO greeter_c_boots (booted_at) VALUES (CURRENT_TIMESTAMP)"), NULL, 0, NULL, NULL, error);
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    settings = ctx;
    if (api->register_migration(ctx, plinth_str("001_tables"), plinth_str(create_tables), plinth_str(create_tables), error) != PLINTH_OK) return PLINTH_ERR;
    /* ABI 1.1: the route with what /openapi.json says about it; the answer is text, not JSON. */
    plinth_route_spec greet_spec = {
        .struct_size = sizeof(plinth_route_spec),
        .method = plinth_str("GET"),
        .path = plinth_str("greet/:name"),
        .operation_id = plinth_str("greeter_c.greet"),
        .summary = plinth_str("Greets a name and counts its visits"),
        .policy = plinth_str("public"),
        .responses = plinth_str("{\"200\": null, \"503\": null}"),
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

/* PLINTH_EXPORT: exported even from a -fvisibility=hidden build. */
PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
