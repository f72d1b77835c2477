/* The database-backed route of the dylib benchmark, in C, written from plinth_plugin.h alone:
 * POST /api/bench_db/items with {"name": "..."} inserts one row into the plugin's own table
 * through the host's db_query (parameters bound, no SQL built from the request) and answers
 * 201 {"id":N}. The same SQL runs on SQLite and PostgreSQL; only the migration differs, since
 * the header takes one text per dialect.
 *
 *   cc -O2 -Wall -Wextra -shared -fPIC -I Sources/CPlinthABI/include Benchmarks/dylib/bench_db.c -o plugins.d/bench_db.so
 *
 * Flagged PLINTH_PLUGIN_THREAD_SAFE (no state of its own) and not INLINE_HANDLERS: db_query
 * blocks, so each call runs on a host worker thread (PLINTH_PLUGIN_THREADS, default 4). */
/* clock_gettime under -std=c99 too. */
#define _POSIX_C_SOURCE 200809L
#include "plinth_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const plinth_host_api *host;

static const char *sqlite_up =
    "CREATE TABLE bench_db_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at REAL NOT NULL)";
static const char *postgres_up =
    "CREATE TABLE bench_db_items (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)";
static const char *down = "DROP TABLE bench_db_items";

static const char *insert_sql = "INSERT INTO bench_db_items (name, created_at) VALUES ($1, $2) RETURNING id";

/* The host checked the body against the schema below before calling the handler: a JSON object
 * whose only member is "name", a string of 1 to 100 characters. So the first string value after
 * the first ':' is the name. Escapes are kept as sent (a benchmark needs no JSON decoder). */
static plinth_bytes body_name(plinth_bytes body) {
    plinth_bytes name = {0};
    size_t i = 0;
    while (i < body.len && body.ptr[i] != ':') i++;
    while (i < body.len && body.ptr[i] != '"') i++;
    if (i >= body.len) return name;
    size_t start = ++i;
    while (i < body.len && body.ptr[i] != '"') i += body.ptr[i] == '\\' ? 2 : 1;
    if (i > body.len) return name;
    name.ptr = body.ptr + start;
    name.len = i - start;
    return name;
}

/* The id comes back as PLINTH_INTEGER on both databases (SQLite INTEGER, PostgreSQL int8). */
static plinth_status read_id(void *user, const plinth_row *row) {
    plinth_value_type type = PLINTH_NULL;
    plinth_bytes value = host->row_column(row, 0, &type);
    char text[32];
    if (type != PLINTH_INTEGER || value.len == 0 || value.len >= sizeof text) return PLINTH_ERR;
    memcpy(text, value.ptr, value.len);
    text[value.len] = '\0';
    *(long long *)user = strtoll(text, NULL, 10);
    return PLINTH_OK;
}

/* db_query failed: the reason goes to the log (it may name tables or the server), the caller
 * gets a 503 without it. */
static plinth_status unavailable(plinth_call *call, plinth_response *response, const plinth_error *error) {
    plinth_bytes reason = host->error_message(error);
    int shown = (int)(reason.len > 250 ? 250 : reason.len);
    char line[300];
    snprintf(line, sizeof line, "insert failed: %.*s", shown, shown ? (const char *)reason.ptr : "");
    host->log(call, PLINTH_LOG_ERROR, plinth_str(line));
    host->response_status(response, 503);
    host->response_header(response, plinth_str("retry-after"), plinth_str("1"));
    return PLINTH_OK;
}

static plinth_status create_item(void *state, plinth_call *call, const plinth_request *request, plinth_response *response,
                                 plinth_error *error) {
    (void)state;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    plinth_param params[2] = {
        {.type = PLINTH_TEXT, .text = body_name(request->body)},
        {.type = PLINTH_REAL, .real = (double)now.tv_sec + (double)now.tv_nsec / 1e9},
    };
    long long id = -1;
    if (host->db_query(call, plinth_str(insert_sql), params, 2, read_id, &id, error) != PLINTH_OK) {
        return unavailable(call, response, error);
    }
    if (id < 0) {
        host->set_error(error, plinth_str("INSERT ... RETURNING id gave no INTEGER id"));
        return PLINTH_ERR;
    }
    char body[48];
    int length = snprintf(body, sizeof body, "{\"id\":%lld}", id);
    host->response_status(response, 201);
    host->response_header(response, plinth_str("content-type"), plinth_str("application/json"));
    plinth_bytes chunk = {(const uint8_t *)body, (size_t)length};
    host->response_body(response, chunk);
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
    if (api->register_migration(ctx, plinth_str("001_items"), plinth_str(sqlite_up), plinth_str(postgres_up), error) != PLINTH_OK) {
        return PLINTH_ERR;
    }
    /* ABI 1.2; an older host loads the plugin without a way back. */
    if (api->struct_size >= offsetof(plinth_host_api, register_migration_down) + sizeof(void *) &&
        api->register_migration_down(ctx, plinth_str("001_items"), plinth_str(down), plinth_str(down), error) != PLINTH_OK) {
        return PLINTH_ERR;
    }
    plinth_route_spec spec = {
        .struct_size = sizeof(plinth_route_spec),
        .method = plinth_str("POST"),
        .path = plinth_str("items"),
        .operation_id = plinth_str("bench_db.items.create"),
        .summary = plinth_str("Inserts one item (dylib database benchmark)"),
        .policy = plinth_str("public"),
        .request_schema = plinth_str("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 100}},"
                                     " \"required\": [\"name\"], \"additionalProperties\": false}"),
        .responses = plinth_str("{\"201\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]},"
                                " \"503\": null}"),
    };
    return api->register_route_spec(ctx, &spec, create_item, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
    .abi_minor = PLINTH_ABI_MINOR,
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "bench_db",
    .version = "1.0.0",
    .description = "dylib benchmark route backed by the database",
    .init = init,
    .deinit = NULL,
};

PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
