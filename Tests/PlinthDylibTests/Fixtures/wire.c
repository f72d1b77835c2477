/*
 * Mistakes a plugin written from the header alone makes on the wire, each on its own route:
 * framing headers of its own, duplicate header names, a body on 204, a status outside
 * 100-599, a body of any size, columns of every type; and host calls made without a call (log(NULL, ...)) or after init (config_get with
 * the init context, from the boot hook).
 */
#include "plinth_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const plinth_host_api *host;
static plinth_host_ctx *init_ctx;

static plinth_bytes parameter(const plinth_request *request, const char *name) {
    plinth_bytes empty = {0};
    for (size_t i = 0; i < request->param_count; i++) {
        if (request->param_names[i].len == strlen(name) && memcmp(request->param_names[i].ptr, name, strlen(name)) == 0) return request->param_values[i];
    }
    return empty;
}

static plinth_status framing(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    host->response_status(response, 200);
    host->response_header(response, plinth_str("content-length"), plinth_str("3"));
    host->response_header(response, plinth_str("Connection"), plinth_str("close"));
    host->response_header(response, plinth_str("Content-Type"), plinth_str("text/plain"));
    host->response_header(response, plinth_str("content-type"), plinth_str("text/x-last"));
    host->response_body(response, plinth_str("0123456789"));
    return PLINTH_OK;
}

static plinth_status empty(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    host->response_status(response, 204);
    host->response_body(response, plinth_str("not for a 204"));
    return PLINTH_OK;
}

static plinth_status status(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)error;
    plinth_bytes code = parameter(request, "code");
    char text[16] = {0};
    memcpy(text, code.ptr, code.len < 15 ? code.len : 15);
    host->response_status(response, (uint16_t)atoi(text));
    return PLINTH_OK;
}

static plinth_status logs(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    host->log(NULL, PLINTH_LOG_INFO, plinth_str("logged without a call"));
    host->response_status(response, 200);
    return PLINTH_OK;
}

/* GET sql/two and sql/qmark: SQL each database would treat differently. 409 with the host's
 * reason as the body when refused. */
static plinth_status sql(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state;
    plinth_bytes which = parameter(request, "case");
    const char *text = (which.len == 3 && memcmp(which.ptr, "two", 3) == 0) ? "SELECT 1; SELECT 2" : "SELECT ? AS x";
    plinth_param params[1] = {{.type = PLINTH_INTEGER, .integer = 1}};
    plinth_status status = host->db_query(call, plinth_str(text), params, 1, NULL, NULL, error);
    host->response_status(response, status == PLINTH_OK ? 200 : 409);
    /* The host's reason, read back (ABI 1.1). */
    if (status != PLINTH_OK) host->response_body(response, host->error_message(error));
    return PLINTH_OK;
}

static plinth_status boot(void *state, plinth_call *call, plinth_error *error) {
    (void)state; (void)error;
    plinth_bytes value = {0};
    char line[128];
    if (host->config_get(init_ctx, plinth_str("GREETING"), &value) == PLINTH_OK) {
        snprintf(line, sizeof line, "config after init: %.*s", (int)value.len, (const char *)value.ptr);
    } else {
        snprintf(line, sizeof line, "config after init: unset");
    }
    host->log(call, PLINTH_LOG_INFO, plinth_str(line));
    /* A pointer that was never a host context answers PLINTH_ERR, not a crash. */
    int bogus = 0;
    if (host->config_get((plinth_host_ctx *)&bogus, plinth_str("GREETING"), &value) != PLINTH_ERR) {
        host->log(call, PLINTH_LOG_ERROR, plinth_str("a foreign context was accepted"));
    }
    return PLINTH_OK;
}

/* GET columns/sqlite and columns/postgres: a row of many types, $1 bound to the BLOB 00 ff 41;
 * each column as "name=TYPE:hex" on a line of its own, as row_column handed it over. */
static const char *sqlite_columns = "SELECT 7 AS k, 1.5 AS r, 'x' AS t, x'00ff' AS b, NULL AS z, $1 AS p";
static const char *postgres_columns =
    "SELECT 7::int8 AS k, 3::int2 AS s, 26::oid AS o, 1.5::float8 AS r, 'Infinity'::float8 AS inf, 'x'::text AS t, "
    "'\\x00ff'::bytea AS b, NULL AS z, $1::bytea AS p, true AS yes, false AS no, 12.50::numeric AS n, "
    "-0.0012::numeric AS small, 0::numeric AS zero, 100000000000000000000::numeric AS large, "
    "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS u, '{\"a\":1}'::jsonb AS j, "
    "ARRAY[1,2,3] AS a, ARRAY['a','b c',NULL]::text[] AS ta, ARRAY[[1,2],[3,4]] AS m, "
    "'2026-12-02 15:30:00.25+00'::timestamptz AS ts, '1969-07-20 20:17:40'::timestamp AS moon, "
    "'2026-12-02'::date AS d, '12:34:56'::time AS tm, "
    "'1 year 2 mons 3 days 04:05:06.5'::interval AS i, '0'::interval AS none, "
    "'(1,2)'::point AS pt";
static const char *type_names[] = {"NULL", "TEXT", "INTEGER", "REAL", "BLOB"};

static plinth_status column_row(void *user, const plinth_row *row) {
    plinth_response *response = user;
    for (size_t i = 0; i < host->row_column_count(row); i++) {
        plinth_value_type type = PLINTH_NULL;
        plinth_bytes value = host->row_column(row, i, &type);
        plinth_bytes name = host->row_column_name(row, i);
        char line[4096];
        int used = snprintf(line, sizeof line, "%.*s=%s:", (int)name.len, (const char *)name.ptr, type <= PLINTH_BLOB ? type_names[type] : "?");
        for (size_t k = 0; k < value.len && used < (int)sizeof line - 4; k++) used += snprintf(line + used, sizeof line - used, "%02x", value.ptr[k]);
        line[used++] = '\n';
        plinth_bytes text = { (const uint8_t *)line, (size_t)used };
        host->response_body(response, text);
    }
    return PLINTH_OK;
}

static plinth_status columns(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state;
    static const uint8_t blob[] = {0x00, 0xff, 0x41};
    plinth_param params[1] = {{.type = PLINTH_BLOB, .text = {blob, sizeof blob}}};
    plinth_bytes which = parameter(request, "case");
    const char *sql = which.len == 6 && memcmp(which.ptr, "sqlite", 6) == 0 ? sqlite_columns : postgres_columns;
    host->response_status(response, 200);
    if (host->db_query(call, plinth_str(sql), params, 1, column_row, response, error) != PLINTH_OK) {
        host->response_status(response, 409);
        host->response_body(response, host->error_message(error));
    }
    return PLINTH_OK;
}

/* GET big/:kib: a body of that many KiB, written 64 KiB at a time. */
static plinth_status big(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)error;
    static char chunk[65536];
    plinth_bytes kib = parameter(request, "kib");
    char text[16] = {0};
    memcpy(text, kib.ptr, kib.len < 15 ? kib.len : 15);
    long left = atol(text) * 1024;
    memset(chunk, 'x', sizeof chunk);
    host->response_status(response, 200);
    while (left > 0) {
        size_t size = left < (long)sizeof chunk ? (size_t)left : sizeof chunk;
        plinth_bytes piece = { (const uint8_t *)chunk, size };
        host->response_body(response, piece);
        left -= (long)size;
    }
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    init_ctx = ctx;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("framing"), framing, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("empty"), empty, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("status/:code"), status, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("logs"), logs, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("sql/:case"), sql, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("big/:kib"), big, error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("columns/:case"), columns, error) != PLINTH_OK) return PLINTH_ERR;
    return api->register_hook(ctx, PLINTH_HOOK_BOOT, boot, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
    .abi_minor = PLINTH_ABI_MINOR,
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "wire",
    .version = "1.0.0",
    .description = "Wire mistakes (test fixture)",
    .init = init,
    .deinit = NULL,
};

const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
