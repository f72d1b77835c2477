/*
 * __name__: a Plinth shared-object plugin in C, scaffolded with
 * `plinth new plugin __name__ --template dylib-c`. Build with `make`, test with `make test`.
 *
 * GET /api/__name__/greet/:name answers "<salutation> <name> (visit N)"; one migration makes
 * __name___visits; a boot hook reads the setting PLINTH___NAME___SALUTATION (default "hello")
 * and logs a line.
 */
#include "plinth_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const plinth_host_api *host;
/* The ctx init received: config_get takes it after init too. */
static plinth_host_ctx *settings;
/* Set by the boot hook before the first request, only read afterwards. */
static plinth_bytes salutation;

/* COUNT(*) is PLINTH_INTEGER on SQLite and PostgreSQL, as decimal text; check before parsing. */
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

/* GET, and HEAD too: the host runs this handler for HEAD with request->method "HEAD" and drops
 * the body, so a HEAD here also counts as a visit; check the method if that matters. */
static plinth_status greet(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state;
    plinth_bytes name = {0};
    for (size_t i = 0; i < request->param_count; i++) {
        if (request->param_names[i].len == 4 && memcmp(request->param_names[i].ptr, "name", 4) == 0) name = request->param_values[i];
    }
    plinth_param params[1] = {{.type = PLINTH_TEXT, .text = name}};
    long long visits = -1;
    if (host->db_query(call, plinth_str("INSERT INTO __name___visits (name) VALUES ($1)"), params, 1, NULL, NULL, error) != PLINTH_OK
        || host->db_query(call, plinth_str("SELECT COUNT(*) FROM __name___visits WHERE name = $1"), params, 1, read_count, &visits, error) != PLINTH_OK) {
        /* The host's reason (ABI 1.1) goes to the log; the caller gets a 503 without it. */
        host->log(call, PLINTH_LOG_ERROR, host->error_message(error));
        host->response_status(response, 503);
        return PLINTH_OK;
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
    (void)state; (void)error;
    /* Read once: the value lives as long as the process, and every config_get makes a copy. */
    if (host->config_get(settings, plinth_str("SALUTATION"), &salutation) != PLINTH_OK) {
        salutation = plinth_str("hello");
    }
    host->log(call, PLINTH_LOG_INFO, plinth_str("__name__ booted"));
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    settings = ctx;
    const char *sql = "CREATE TABLE __name___visits (name TEXT NOT NULL)";
    if (api->register_migration(ctx, plinth_str("001_visits"), plinth_str(sql), plinth_str(sql), error) != PLINTH_OK) return PLINTH_ERR;
    /* The route with what /openapi.json says about it (ABI 1.1). request_schema, when set, is
     * JSON Schema the host checks a JSON body against before greet runs (422 otherwise). */
    plinth_route_spec greet_spec = {
        .struct_size = sizeof(plinth_route_spec),
        .method = plinth_str("GET"),
        .path = plinth_str("greet/:name"),
        .operation_id = plinth_str("__name__.greet"),
        .summary = plinth_str("Greets a name and counts its visits"),
        .policy = plinth_str("public"),
        .responses = plinth_str("{\"200\": null, \"503\": null}"),
    };
    if (api->register_route_spec(ctx, &greet_spec, greet, error) != PLINTH_OK) return PLINTH_ERR;
    return api->register_hook(ctx, PLINTH_HOOK_BOOT, boot, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
    .abi_minor = PLINTH_ABI_MINOR,
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "__name__",
    .version = "0.1.0",
    .description = "Scaffolded with plinth new plugin",
    .init = init,
    .deinit = NULL,
};

/* PLINTH_EXPORT keeps the entry point exported from a -fvisibility=hidden build. */
PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
