/*
 * plinth_plugin.h: the C ABI of Plinth shared-object plugins, version 1.1.
 *
 * A plugin is a shared object (`.so`) that exports ONE symbol:
 *
 *     const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void);
 *
 * Drop it in the plugin directory (PLINTH_PLUGIN_DIR, default ./plugins.d) and start Plinth.
 * The host loads it with dlopen(RTLD_NOW | RTLD_LOCAL) and never unloads it. It then:
 *
 *   1. calls plinth_plugin_descriptor_v1() and checks the descriptor (magic, struct_size,
 *      ABI version, name) before running any other plugin code;
 *   2. calls descriptor->init(host, ctx, &state, err) once. Inside init, and only there, the
 *      plugin registers routes, migrations and hooks through `host`. Registrations are staged:
 *      if init returns anything but PLINTH_OK, none of them takes effect;
 *   3. runs the plugin's migrations (in order, each in a transaction), mounts its routes under
 *      /api/<name>/, and calls its BOOT hooks;
 *   4. serves: route handlers and HEALTH hooks are called on host worker threads (never on
 *      the network event loop), one call at a time unless the descriptor sets
 *      PLINTH_PLUGIN_THREAD_SAFE (handlers of PLINTH_PLUGIN_INLINE_HANDLERS plugins run on the
 *      host's request threads instead);
 *   5. at shutdown calls the SHUTDOWN hooks, then descriptor->deinit(state).
 *
 * Memory rules, for every pointer in this file:
 *   - The host never frees what the plugin allocated, and the plugin never frees what the host
 *     allocated.
 *   - plinth_bytes handed to the plugin (request fields, rows, config values) are BORROWED:
 *     valid until the call that handed them out returns, unless a comment says otherwise.
 *     Copy what you keep.
 *   - plinth_bytes handed to the host (log text, response bodies, SQL, errors) are copied by
 *     the host before the host function returns; the plugin may free or reuse them at once.
 *   - Strings in plinth_bytes are UTF-8 and NOT NUL-terminated; use `len`.
 *   - The descriptor and the strings it points to must stay valid for the life of the process
 *     (make them static).
 *
 * Versioning: PLINTH_ABI_MAJOR changes only when something here changes incompatibly; the
 * host refuses a plugin of another major version. PLINTH_ABI_MINOR grows when functions are
 * APPENDED to plinth_host_api; a plugin built against minor N runs on hosts with minor >= N.
 * A plugin that wants to use a function added later must check host->struct_size first.
 *
 * 1.1 added register_route_spec: a route with what /openapi.json says about it (a summary, the
 * caller it admits, JSON Schemas of its body and answers), whose body the host checks before
 * the handler runs. A 1.0 plugin loads and serves unchanged.
 * 1.2 added register_migration_down: how `plinth migrate down` reverts a migration.
 */
#ifndef PLINTH_PLUGIN_H
#define PLINTH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** 'PLNT': the first field of every descriptor. */
#define PLINTH_PLUGIN_MAGIC 0x504C4E54u
#define PLINTH_ABI_MAJOR 1
#define PLINTH_ABI_MINOR 2

/** A byte string: pointer and length, not NUL-terminated. Ownership: see the memory rules. */
typedef struct plinth_bytes {
    const uint8_t *ptr;
    size_t len;
} plinth_bytes;

/** Results of plugin and host functions. */
typedef enum plinth_status {
    PLINTH_OK = 0,
    PLINTH_ERR = 1,
    /** The host does not offer this function (yet); not a failure of the plugin. */
    PLINTH_UNSUPPORTED = 2
} plinth_status;

typedef enum plinth_log_level {
    PLINTH_LOG_DEBUG = 0,
    PLINTH_LOG_INFO = 1,
    PLINTH_LOG_WARNING = 2,
    PLINTH_LOG_ERROR = 3
} plinth_log_level;

typedef enum plinth_hook_kind {
    /** After every plugin is migrated and mounted, before the server accepts requests. */
    PLINTH_HOOK_BOOT = 1,
    /** After the server drained, before deinit. */
    PLINTH_HOOK_SHUTDOWN = 2,
    /** Polled by GET /ready; return PLINTH_ERR with a message when not healthy. */
    PLINTH_HOOK_HEALTH = 3
} plinth_hook_kind;

/** Types of query parameters and column values (see row_column for what each database gives). */
typedef enum plinth_value_type {
    PLINTH_NULL = 0,
    PLINTH_TEXT = 1,
    PLINTH_INTEGER = 2,
    PLINTH_REAL = 3,
    /** ABI 1.2: raw bytes (SQLite BLOB, PostgreSQL bytea); as a parameter, `text` holds them. */
    PLINTH_BLOB = 4
} plinth_value_type;

/** Descriptor flags. */
enum {
    /** The plugin's handlers may be called on several threads at once. Without it the host
     *  calls the plugin one request at a time. */
    PLINTH_PLUGIN_THREAD_SAFE = 1u << 0,
    /** The plugin's route handlers never call a blocking host function (db_query,
     *  emit_event): they compute a response from the request alone. The host may then call them
     *  directly on its request threads instead of handing each call to a worker thread, which
     *  saves two thread switches per request. If such a handler calls db_query or emit_event
     *  anyway, the call fails with PLINTH_ERR. Hooks still run on worker threads and may query. */
    PLINTH_PLUGIN_INLINE_HANDLERS = 1u << 1
};

/** Opaque, host-owned. The plugin's handle to the host during init; valid until init returns. */
typedef struct plinth_host_ctx plinth_host_ctx;
/** Opaque, host-owned. One call into the plugin (a request, a hook); valid until it returns. */
typedef struct plinth_call plinth_call;
/** Opaque, host-owned. The response a handler builds; valid until the handler returns. */
typedef struct plinth_response plinth_response;
/** Opaque, host-owned. Where a failing function puts its message (see set_error). The host
 *  hands one to every call into the plugin (init, handler, hook); host functions that take an
 *  `error` argument expect that same one back, and fill it when they fail. */
typedef struct plinth_error plinth_error;
/** Opaque, host-owned. One result row; valid until the row callback returns. */
typedef struct plinth_row plinth_row;

/** A request as a handler sees it. Every field is borrowed for the handler call. */
typedef struct plinth_request {
    /** sizeof(plinth_request) of the host; fields are only appended. */
    uint32_t struct_size;
    plinth_bytes method;   /* "GET" */
    plinth_bytes path;     /* "/api/hello/greetings/ann", percent-encoded as received */
    plinth_bytes query;    /* "a=1&b=2", without '?'; empty when none */
    plinth_bytes body;     /* the whole body (at most PLINTH_MAX_BODY_SIZE) */
    /** Headers, lower-case names; header_names[i] goes with header_values[i]. */
    const plinth_bytes *header_names;
    const plinth_bytes *header_values;
    size_t header_count;
    /** Path parameters of the route pattern (":id" gives name "id"), decoded. */
    const plinth_bytes *param_names;
    const plinth_bytes *param_values;
    size_t param_count;
    /** The verified tenant of the caller, or empty. db_query runs inside it. */
    plinth_bytes tenant;
    /** The verified user id of the caller, or empty when anonymous. */
    plinth_bytes subject;
} plinth_request;

/** A query parameter ($1, $2, ... in the SQL). */
typedef struct plinth_param {
    plinth_value_type type;
    plinth_bytes text;   /* for PLINTH_TEXT; copied by the host */
    int64_t integer;     /* for PLINTH_INTEGER */
    double real;         /* for PLINTH_REAL */
} plinth_param;

/**
 * ABI 1.1: a route as register_route_spec registers it. Zero-initialise it, set struct_size to
 * sizeof(plinth_route_spec), and fill what you state; empty bytes mean "not stated". The host
 * copies every byte during the call.
 */
typedef struct plinth_route_spec {
    /** sizeof(plinth_route_spec) as the plugin was compiled; fields are only appended. */
    uint32_t struct_size;
    /** "GET", "POST", ...; required. */
    plinth_bytes method;
    /** As for register_route: relative to /api/<name>/, ":param" segments or a final "**". */
    plinth_bytes path;
    /** Unique on the server and stable ("greeter_c.greetings.create"); it must start with the
     *  plugin's name and a '.'. Empty: the name, the method and the path's words. */
    plinth_bytes operation_id;
    /** One line for the document. Empty: "<METHOD> <path>, served by a shared object". */
    plinth_bytes summary;
    /** Who may call it, checked before the body is read: empty or "public" (anyone; the handler
     *  decides), "signed-in" (401 without credentials), or a permission name, which the caller
     *  must hold in its tenant (401/403; without an auth plugin the gateway's X-Tenant-ID is
     *  trusted). */
    plinth_bytes policy;
    /** JSON Schema (2020-12, as OpenAPI 3.1 uses it) of the JSON request body. When set, a body
     *  that is not JSON gets 415 or 400, one that breaks the schema 422 with JSON pointers, and
     *  the handler is not called. Empty: the body reaches the handler unchecked. */
    plinth_bytes request_schema;
    /** A JSON object from status code to the JSON Schema of that answer's JSON body, or null
     *  for an answer whose body is not JSON: {"200": {"type": "object", ...}, "404": null}.
     *  Empty: {"200": {}} (any answer). */
    plinth_bytes responses;
} plinth_route_spec;

/** Route handler. Must set a status with host->response_status; a handler that sets none
 *  answers 500 "handler set no status". Return PLINTH_ERR (with set_error) to answer 500 with
 *  the message logged, not shown. Called on a host worker thread. */
typedef plinth_status (*plinth_handler_fn)(void *state, plinth_call *call, const plinth_request *request,
                                           plinth_response *response, plinth_error *error);
/** Boot, shutdown and health hooks. */
typedef plinth_status (*plinth_hook_fn)(void *state, plinth_call *call, plinth_error *error);
/** Called once per result row; return PLINTH_ERR to stop reading rows. */
typedef plinth_status (*plinth_row_fn)(void *user, const plinth_row *row);

/**
 * The host's functions. Host-owned and valid for the life of the process. APPEND-ONLY: new
 * functions go at the end and raise PLINTH_ABI_MINOR; check struct_size before calling one
 * your header is newer than the host for.
 */
typedef struct plinth_host_api {
    /** sizeof(plinth_host_api) of the host. */
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /** Writes a log line tagged with the plugin (and the request, given a call). With `call`
     *  NULL the line goes under the plugin whose init, handler or hook is running on this
     *  thread (and under the host's own label outside any). */
    void (*log)(plinth_call *call, plinth_log_level level, plinth_bytes message);
    /** Puts `message` into `error` (the host copies it). */
    void (*set_error)(plinth_error *error, plinth_bytes message);
    /** The plugin's setting PLINTH_<NAME>_<KEY> (upper-cased, dots as '_').
     *  Returns PLINTH_OK and the value, or PLINTH_ERR when unset. The value is host-owned and
     *  stays valid for the life of the process. `ctx` is the one init received: keep it to read
     *  settings later, from hooks and handlers; any other pointer answers PLINTH_ERR. */
    plinth_status (*config_get)(plinth_host_ctx *ctx, plinth_bytes key, plinth_bytes *value);

    /* Registration: only inside init (PLINTH_ERR afterwards). The host copies every byte. */

    /** A route: `method` ("GET", "POST", ...), `path` relative to /api/<name>/ with ":param"
     *  segments ("items/:id") or "**" for the rest of the path. */
    plinth_status (*register_route)(plinth_host_ctx *ctx, plinth_bytes method, plinth_bytes path,
                                    plinth_handler_fn handler, plinth_error *error);
    /** A migration, applied once in the order registered. `name` must be unique within the
     *  plugin ("001_create_items"); each SQL text may hold several statements separated by ';'
     *  (none inside string literals). Both dialects are required. Never edit an applied one. */
    plinth_status (*register_migration)(plinth_host_ctx *ctx, plinth_bytes name, plinth_bytes sqlite_sql,
                                        plinth_bytes postgres_sql, plinth_error *error);
    /** A hook of `kind`; several of a kind run in the order registered. */
    plinth_status (*register_hook)(plinth_host_ctx *ctx, plinth_hook_kind kind, plinth_hook_fn hook,
                                   plinth_error *error);
    /** Reserved for the Workscript plugin's workflow nodes; answers PLINTH_UNSUPPORTED until
     *  that plugin exists. */
    plinth_status (*register_workflow_node)(plinth_host_ctx *ctx, plinth_bytes type, plinth_bytes schema_json,
                                            plinth_handler_fn handler, plinth_error *error);

    /* The response of a handler call. The host copies every byte. */

    /** The status code (100-599). Required; another value answers 500 naming it. */
    void (*response_status)(plinth_response *response, uint16_t status);
    /** Sets a header. Names are case-insensitive and the last value set wins ("Content-Type"
     *  then "content-type" sends the second), except set-cookie, which adds one each time. The
     *  host frames the answer itself: content-length, transfer-encoding, connection, keep-alive
     *  and upgrade are dropped with a warning in the log. */
    void (*response_header)(plinth_response *response, plinth_bytes name, plinth_bytes value);
    /** Appends a chunk to the body. Answers 1xx, 204 and 304 send no body (one set is dropped
     *  with a warning), and neither does HEAD: every GET route also answers HEAD by running its
     *  handler and sending the status, the headers and the body's length, not the body. A body
     *  over PLINTH_PLUGIN_RESPONSE_LIMIT bytes (default 64 MiB) in all is dropped and the answer
     *  is 500, logged under the plugin. */
    void (*response_body)(plinth_response *response, plinth_bytes chunk);

    /* The database. */

    /** Runs one SQL statement with parameters $1..$n (also on SQLite), in its own transaction,
     *  and refuses, on both databases, SQL with a second statement after ';' or a '?'
     *  placeholder ('$', '?' and ';' inside string literals, quoted names and comments are text),
     *  inside the tenant of the call (row level security applies). Each result row is passed to
     *  `on_row` with `user`; NULL `on_row` ignores rows. Tables are the plugin's own: name them
     *  with the plugin's name as prefix. Blocks until done. */
    plinth_status (*db_query)(plinth_call *call, plinth_bytes sql, const plinth_param *params, size_t param_count,
                              plinth_row_fn on_row, void *user, plinth_error *error);
    /** Number of columns of a row. */
    size_t (*row_column_count)(const plinth_row *row);
    /** Column `index` of a row; sets *type and returns the value as text, except a BLOB's raw
     *  bytes, and empty bytes for NULL. Borrowed until the row callback returns.
     *  SQLite gives INTEGER, REAL, TEXT, BLOB and NULL as stored. PostgreSQL gives int2, int4,
     *  int8 and oid as INTEGER; float4 and float8 as REAL (shortest exact decimal, NaN,
     *  Infinity); bytea as BLOB; everything else as TEXT in PostgreSQL's own text output
     *  (numeric keeps its scale: "12.50"; bool "t"/"f"; uuid lower-case; arrays "{1,2}";
     *  json and jsonb as JSON text), except times, which are ISO 8601: timestamptz
     *  "2026-12-02T15:30:00.25Z" (UTC), timestamp without the Z, date "2026-12-02", time
     *  "15:30:00", interval "P1Y2M3DT4H5M6S". A type with no text form here (geometric, network,
     *  range types) comes as a BLOB of PostgreSQL's binary form: cast it ("col::text"). */
    plinth_bytes (*row_column)(const plinth_row *row, size_t index, plinth_value_type *type);
    /** Name of column `index`. Borrowed until the row callback returns. */
    plinth_bytes (*row_column_name)(const plinth_row *row, size_t index);

    /** Publishes an event on the kernel's event bus. `name` must start with "<plugin name>.";
     *  `payload_json` must be a JSON object. The host copies both. */
    plinth_status (*emit_event)(plinth_call *call, plinth_bytes name, plinth_bytes payload_json, plinth_error *error);

    /* ABI 1.1 (check host->struct_size >= offsetof(plinth_host_api, register_route_spec) +
     * sizeof(void *) before calling it on an older host; register_route still works). */

    /** A route with its declaration (see plinth_route_spec). Only inside init. A schema that is
     *  not valid JSON Schema, or a policy or operation id that cannot be, is refused with
     *  PLINTH_ERR and the reason in `error`, and the plugin does not load even if init goes on. */
    plinth_status (*register_route_spec)(plinth_host_ctx *ctx, const plinth_route_spec *spec, plinth_handler_fn handler,
                                         plinth_error *error);
    /** ABI 1.1. The message a host function (or set_error) put into `error`, such as why
     *  db_query failed; empty bytes when there is none. Borrowed: valid until `error` is filled
     *  again or the call that handed it out returns. */
    plinth_bytes (*error_message)(const plinth_error *error);

    /* ABI 1.2 (check host->struct_size >= offsetof(plinth_host_api, register_migration_down) +
     * sizeof(void *) before calling it on an older host). */

    /** How `plinth migrate down --plugin <name>` reverts the migration `name`, registered
     *  earlier in the same init: SQL for SQLite and for PostgreSQL, both required, under the
     *  rules of register_migration. A migration without it cannot be reverted by the host (the
     *  operator reverts it by hand). Only inside init. */
    plinth_status (*register_migration_down)(plinth_host_ctx *ctx, plinth_bytes name, plinth_bytes sqlite_sql,
                                             plinth_bytes postgres_sql, plinth_error *error);
} plinth_host_api;

/**
 * What plinth_plugin_descriptor_v1 returns. Make it `static const`; the host reads it before
 * running any other plugin code and refuses the plugin when a field is wrong.
 */
typedef struct plinth_plugin_descriptor {
    /** PLINTH_PLUGIN_MAGIC. */
    uint32_t magic;
    /** sizeof(plinth_plugin_descriptor) as the plugin was compiled. */
    uint32_t struct_size;
    /** PLINTH_ABI_MAJOR and PLINTH_ABI_MINOR as the plugin was compiled. */
    uint16_t abi_major;
    uint16_t abi_minor;
    /** PLINTH_PLUGIN_* flags. */
    uint32_t flags;
    /** The plugin id: lowercase letters, digits and '_', starting with a letter; dots separate
     *  segments ("acme_billing", "acme.billing"). Routes live under /api/<name>/ (dots become
     *  '/'), settings under PLINTH_<NAME>_* (dots become '_'). */
    const char *name;
    /** Semantic version, "1.4.2". */
    const char *version;
    /** One line for `plinth plugins`; may be NULL. */
    const char *description;
    /** Registers what the plugin offers through `host` and sets *state (passed back to every
     *  handler and hook; may stay NULL). On failure return PLINTH_ERR after
     *  host->set_error(error, ...): the message is shown to the operator as is. */
    plinth_status (*init)(const plinth_host_api *host, plinth_host_ctx *ctx, void **state, plinth_error *error);
    /** Releases `state` at shutdown. May be NULL. */
    void (*deinit)(void *state);
} plinth_plugin_descriptor;

/** The one symbol a plugin exports. */
const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void);

/** Convenience: plinth_bytes of a NUL-terminated string (no copy). */
static inline plinth_bytes plinth_str(const char *text) {
    plinth_bytes bytes;
    size_t len = 0;
    while (text && text[len]) len++;
    bytes.ptr = (const uint8_t *)text;
    bytes.len = len;
    return bytes;
}

#ifdef __cplusplus
}
#endif

#endif /* PLINTH_PLUGIN_H */
