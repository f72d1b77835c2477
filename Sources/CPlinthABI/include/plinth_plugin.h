/*
 * plinth_plugin.h: the C ABI of Plinth shared-object plugins, version 1.2.
 *
 * A plugin is a shared object (`.so`) that exports ONE symbol:
 *
 *     PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void);
 *
 * Build it with `cc -std=c99 -shared -fPIC -I <this folder> plugin.c -o plugin.so`. The header
 * needs C99 (`inline`, <stdint.h>); a C++ compiler (C++11 and later) takes it as it is, since its
 * declarations sit inside extern "C", so a C++ definition of the entry point gets C linkage.
 * PLINTH_EXPORT matters to a build with -fvisibility=hidden: such a build exports only what is
 * marked visibility("default"), and without the mark it exports nothing, so the host refuses
 * the file ("no entry point"). The declaration below carries the mark and a definition that sees
 * it inherits it; write PLINTH_EXPORT on the definition too, so the intent shows where it counts.
 *
 * Drop it in the plugin directory (PLINTH_PLUGIN_DIR, default ./plugins.d; files ending in .so,
 * in name order) and start Plinth.
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
 * Threads, because a plugin that guesses wrong either races or serialises for nothing:
 *   - init runs on the host's loading thread, one plugin after another, before any other call
 *     into the plugin. The register_* functions may be called only there, on that thread.
 *   - Handlers, hooks and deinit run on a pool of worker threads shared by every shared-object
 *     plugin (PLINTH_PLUGIN_THREADS in the process environment, default four per core); a
 *     handler waiting in db_query or emit_event holds one of them. Without
 *     PLINTH_PLUGIN_THREAD_SAFE the host holds one lock per plugin around every handler, hook
 *     and deinit call (inline handlers included), so no two overlap and a /ready poll waits for
 *     a running request; with it, any of them may run at the same time on several threads, and
 *     the plugin guards its own state.
 *   - Host functions may be called from any thread, threads the plugin started included, while
 *     the pointers they get are valid: a plinth_call, plinth_response, plinth_error or
 *     plinth_row only until the call into the plugin that handed it out returns; ctx (for
 *     config_get) for good. log(NULL, ...) finds its plugin only on a thread the host is
 *     calling the plugin on, or on any thread while init runs; otherwise the line is dropped.
 *
 * Memory rules, for every pointer in this file:
 *   - The host never frees what the plugin allocated, and the plugin never frees what the host
 *     allocated.
 *   - plinth_bytes handed to the plugin (request fields, rows, config values) are BORROWED:
 *     valid until the call that handed them out returns, unless a comment says otherwise.
 *     Copy what you keep.
 *   - plinth_bytes handed to the host (log text, response bodies, SQL, errors) are copied by
 *     the host before the host function returns; the plugin may free or reuse them at once.
 *   - Strings in plinth_bytes are UTF-8 and NOT NUL-terminated; use `len`. In what the host
 *     reads as text (SQL, TEXT parameters, names, header values, log lines, messages), bytes
 *     that are not valid UTF-8 become U+FFFD; response bodies and PLINTH_BLOB parameters are
 *     taken as raw bytes.
 *   - The descriptor and the strings it points to must stay valid for the life of the process
 *     (make them static).
 *
 * NULL, for every pointer in this file:
 *   - plinth_bytes may have a NULL `ptr` when `len` is 0, both ways: the host hands out empty
 *     values (no query, no tenant, a NULL column, no message) as {NULL, 0}, so check
 *     `len` before using `ptr` (memcpy, memcmp and printf's "%.*s" want a real pointer even for
 *     0 bytes). Hand the host {NULL, 0} (or any pointer with `len` 0) for empty bytes.
 *   - Arrays of plinth_bytes in plinth_request are NULL when their count is 0.
 *   - Pointers the host passes to plugin functions are never NULL, except the `state` of
 *     handlers, hooks and deinit (what init stored in *state, NULL by default) and the `user`
 *     of a row callback (what the plugin gave db_query).
 *   - Every host function takes NULL for each opaque pointer (ctx, call, response, error, row)
 *     without crashing: a function that needs it fails with PLINTH_ERR (with a message when
 *     `error` is given); set_error and response_* do nothing; row_* and error_message answer 0
 *     or empty bytes; log says what its NULL `call` means. NULL `error` only loses the message.
 *     Other NULLs each function states. A non-NULL opaque pointer must be one the host handed
 *     out and still valid: only config_get checks it (a foreign ctx answers PLINTH_ERR);
 *     anything else is undefined behaviour.
 *   - Function pointers given to register_* must not be NULL (PLINTH_ERR); on_row may be.
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
 * PLINTH_EXPORT is a macro, not part of the ABI: a plugin built with an older copy of this
 * header, which lacks it, marks its entry point itself (__attribute__((visibility("default")))).
 */
#ifndef PLINTH_PLUGIN_H
#define PLINTH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

/** Exports the entry point even from a -fvisibility=hidden build (see the top). A definition made
 *  before this header is kept, for a compiler that spells the attribute differently. */
#ifndef PLINTH_EXPORT
#if defined(__GNUC__) || defined(__clang__)
#define PLINTH_EXPORT __attribute__((visibility("default")))
#else
#define PLINTH_EXPORT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** 'PLNT': the first field of every descriptor. */
#define PLINTH_PLUGIN_MAGIC 0x504C4E54u
#define PLINTH_ABI_MAJOR 1
#define PLINTH_ABI_MINOR 3

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

/** Hooks get a plinth_call in no tenant (see db_query). */
typedef enum plinth_hook_kind {
    /** After every plugin is migrated and mounted, before the server accepts requests. A BOOT
     *  hook that returns PLINTH_ERR stops startup with its message. */
    PLINTH_HOOK_BOOT = 1,
    /** After the server drained, before deinit. */
    PLINTH_HOOK_SHUTDOWN = 2,
    /** Run on every GET /ready; return PLINTH_ERR with a message when not healthy. /ready is
     *  public: it shows that message to anyone who asks (plugins.<name>.detail), so name what is
     *  wrong without secrets, hosts or database errors, and log those instead. Anyone can make it
     *  run, so keep it cheap; one slower than PLINTH_HEALTH_TIMEOUT (default 2 s) counts as
     *  unhealthy. */
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
    /** The plugin's handlers and hooks may be called on several threads at once. Without it
     *  the host makes one call into the plugin at a time (see "Threads" at the top). */
    PLINTH_PLUGIN_THREAD_SAFE = 1u << 0,
    /** The plugin's route handlers never call a blocking host function (db_query,
     *  emit_event): they compute a response from the request alone. The host may then call them
     *  directly on its request threads instead of handing each call to a worker thread, which
     *  saves two thread switches per request. If such a handler calls db_query or emit_event
     *  anyway, the call fails with PLINTH_ERR. Hooks still run on worker threads and may query. */
    PLINTH_PLUGIN_INLINE_HANDLERS = 1u << 1
};

/** Opaque, host-owned. The plugin's handle to the host during init: registrations through it
 *  work until init returns, config_get through it for the life of the process. */
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
    plinth_bytes method;   /* "GET"; "HEAD" when a HEAD request runs a GET route's handler */
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
    /** The verified tenant of the caller, or empty. db_query runs inside it (see db_query for
     *  what that does and does not do for the plugin's tables). */
    plinth_bytes tenant;
    /** The verified user id of the caller, or empty when anonymous. */
    plinth_bytes subject;
} plinth_request;

/** A query parameter ($1, $2, ... in the SQL). */
typedef struct plinth_param {
    plinth_value_type type;
    plinth_bytes text;   /* for PLINTH_TEXT and PLINTH_BLOB; copied by the host */
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
/** Called once per result row; return PLINTH_ERR to skip the rest (db_query still returns
 *  PLINTH_OK). */
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
     *  NULL the line goes under the plugin whose handler or hook is running on this thread, or,
     *  while an init runs, under that plugin; anywhere else (a thread of the plugin's own,
     *  after init) the line is dropped. */
    void (*log)(plinth_call *call, plinth_log_level level, plinth_bytes message);
    /** Puts `message` into `error` (the host copies it), replacing what was there. */
    void (*set_error)(plinth_error *error, plinth_bytes message);
    /** The plugin's setting `key`: the variable PLINTH_<NAME>_<KEY>, where NAME is the
     *  descriptor's name and KEY is `key`, both upper-cased, with every character other than a
     *  letter or digit ('.', '-') as '_': key "max.items" of plugin "acme.billing" is
     *  PLINTH_ACME_BILLING_MAX_ITEMS. Settings are read once, at startup, from the process
     *  environment and then from the file .env in the working directory if there is one (the
     *  environment wins); a later setenv() is not seen.
     *  Returns PLINTH_OK and the value, or PLINTH_ERR when unset or empty. The value is
     *  host-owned and stays valid for the life of the process; each call makes a new copy that
     *  is never freed, so read a setting once (in init or a BOOT hook) and keep the bytes rather
     *  than reading it per request. NULL `value` only asks whether the setting is set. `ctx` is
     *  the one init received: keep it to read settings later, from hooks, handlers or any
     *  thread; NULL or any other pointer answers PLINTH_ERR. */
    plinth_status (*config_get)(plinth_host_ctx *ctx, plinth_bytes key, plinth_bytes *value);

    /* Registration: only inside init, on the thread running it (PLINTH_ERR afterwards). The
     * host copies every byte. */

    /** A route: `method` (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS, in any case), `path`
     *  relative to /api/<name>/ with ":param" segments ("items/:id") or "**" for the rest of the
     *  path. Leading and trailing '/' are trimmed ("/items/" is "items"); a path holding "//" or
     *  whitespace is refused. Every GET route also answers HEAD, unless the plugin registers HEAD
     *  for the same path itself or declares the answer a download ({"type": "string", "format":
     *  "binary"} in register_route_spec): the host runs the GET handler, request->method "HEAD",
     *  and sends its status, its headers and the body's length, not the body. A GET handler with
     *  side effects has them on HEAD too, unless it checks the method. */
    plinth_status (*register_route)(plinth_host_ctx *ctx, plinth_bytes method, plinth_bytes path,
                                    plinth_handler_fn handler, plinth_error *error);
    /** A migration, applied once in the order registered. `name` must be unique within the
     *  plugin ("001_create_items"); each SQL text may hold several statements separated by ';'
     *  (none inside string literals). Both dialects are required. Never edit an applied one. */
    plinth_status (*register_migration)(plinth_host_ctx *ctx, plinth_bytes name, plinth_bytes sqlite_sql,
                                        plinth_bytes postgres_sql, plinth_error *error);
    /** A hook of `kind`; several of a kind run in the order registered. NULL `hook` or an
     *  unknown kind is refused. */
    plinth_status (*register_hook)(plinth_host_ctx *ctx, plinth_hook_kind kind, plinth_hook_fn hook,
                                   plinth_error *error);
    /** ABI 1.3 (PLINTH_UNSUPPORTED before): a workflow node for the Workscript plugin, usable
     *  in every workflow as the step key `type` ("wordCount"; letters, digits, '_' and '-',
     *  unique across all plugins: a clash stops start-up naming both). `schema_json` describes
     *  it, every member optional: {"name", "description", "category", "edges": ["success",
     *  "error"], "config": [{"name": "text", "type": "string" or ["string", "number"],
     *  "required": true, "description": "..."}]}; a literal config value of another type is a
     *  validation error of the workflow. Each run calls `handler` on a worker thread with
     *  request->method "NODE", request->path `type` and request->body the JSON object
     *  {"config": {...} ($. references resolved), "state": {...}, "inputs": {...}, "nodeId",
     *  "executionId", "workflowId"}; db_query and log work as in a route. The handler answers
     *  status 200 and the body {"edge": "success", "data": {...}, "state": {"key": value}}:
     *  the edge taken, its data for the next step, and the state keys to set. Any other status,
     *  or PLINTH_ERR with set_error, is an error thrown by the node, with the body (or the
     *  error) as its message: the workflow's string `error?` route catches it, otherwise the
     *  execution fails. Without the Workscript plugin enabled the nodes are unused. */
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
     *  with a warning), and neither does HEAD (see register_route for how GET routes answer it).
     *  A body over PLINTH_PLUGIN_RESPONSE_LIMIT bytes (default 64 MiB) in all is dropped and the
     *  answer is 500, logged under the plugin. */
    void (*response_body)(plinth_response *response, plinth_bytes chunk);

    /* The database. */

    /** Runs one SQL statement with parameters $1..$n (also on SQLite) in its own transaction.
     *  It refuses, on both databases, SQL with a second statement after ';', a '?' placeholder,
     *  or a $n past `param_count` ('$', '?' and ';' inside string literals, quoted names and
     *  comments are text). `params` may be NULL when `param_count` is 0. Every result row is read
     *  and the transaction committed before the first row is passed to `on_row` with `user`, so
     *  bound what you select; NULL `on_row` ignores rows. Tables are the plugin's own: name them
     *  with the plugin's name as prefix. Blocks until done.
     *  Tenants: in a handler the transaction is scoped to request->tenant, and on PostgreSQL the
     *  host sets app.current_tenant to it (set_config(..., true)); hooks and migrations run in no
     *  tenant. That is all the host does: it enables no row level security, creates no policy,
     *  and knows no tenant column or setting for a plugin's tables, and SQLite has nothing of
     *  the kind. A plugin whose tables hold tenant rows stores the tenant in a column of its own
     *  and filters every statement by request->tenant (as a $n parameter) on both databases. On
     *  PostgreSQL it may add a policy in its migration: ALTER TABLE t ENABLE ROW LEVEL SECURITY;
     *  ALTER TABLE t FORCE ROW LEVEL SECURITY (the plugin's role owns t, and owners skip policies
     *  otherwise); CREATE POLICY t_tenant ON t USING (tenant = NULLIF(current_setting(
     *  'app.current_tenant', true), '')). Hooks then see none of those rows, and a superuser or
     *  BYPASSRLS role (DATABASE_URL) sees all of them regardless. */
    plinth_status (*db_query)(plinth_call *call, plinth_bytes sql, const plinth_param *params, size_t param_count,
                              plinth_row_fn on_row, void *user, plinth_error *error);
    /** Number of columns of a row; 0 for NULL. */
    size_t (*row_column_count)(const plinth_row *row);
    /** Column `index` of a row; sets *type and returns the value as text, except a BLOB's raw
     *  bytes, and empty bytes for NULL. Borrowed until the row callback returns. An index past
     *  the last column answers empty bytes and leaves *type as it was (initialise it); `type` may
     *  be NULL.
     *  SQLite gives INTEGER, REAL, TEXT, BLOB and NULL as stored. PostgreSQL gives int2, int4,
     *  int8 and oid as INTEGER; float4 and float8 as REAL (shortest exact decimal, NaN,
     *  Infinity); bytea as BLOB; everything else as TEXT in PostgreSQL's own text output
     *  (numeric keeps its scale: "12.50"; bool "t"/"f"; uuid lower-case; arrays "{1,2}";
     *  json and jsonb as JSON text), except times, which are ISO 8601: timestamptz
     *  "2026-12-02T15:30:00.25Z" (UTC), timestamp without the Z, date "2026-12-02", time
     *  "15:30:00", interval "P1Y2M3DT4H5M6S". A type with no text form here (geometric, network,
     *  range types) comes as a BLOB of PostgreSQL's binary form: cast it ("col::text"). */
    plinth_bytes (*row_column)(const plinth_row *row, size_t index, plinth_value_type *type);
    /** Name of column `index` (empty past the last). Borrowed until the row callback returns. */
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
     *  '/'), settings under PLINTH_<NAME>_* (dots become '_'). Not NULL. */
    const char *name;
    /** Semantic version, "1.4.2". Not NULL. */
    const char *version;
    /** One line for `plinth plugins`; may be NULL. */
    const char *description;
    /** Registers what the plugin offers through `host` and sets *state (passed back to every
     *  handler and hook; it starts NULL and may stay so). On failure return PLINTH_ERR after
     *  host->set_error(error, ...): the message is shown to the operator as is. Not NULL. */
    plinth_status (*init)(const plinth_host_api *host, plinth_host_ctx *ctx, void **state, plinth_error *error);
    /** Releases `state` at shutdown. May be NULL. */
    void (*deinit)(void *state);
} plinth_plugin_descriptor;

/** The one symbol a plugin exports; it should only return the static descriptor, since the host
 *  calls it before checking anything. PLINTH_EXPORT keeps it exported under -fvisibility=hidden. */
PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void);

/** Convenience: plinth_bytes of a NUL-terminated string (no copy); NULL gives empty bytes. */
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
