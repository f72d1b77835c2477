/*
 * One plugin source, many faults: compile with -DFAULT_<NAME> to get the fixture of that fault
 * (see DylibFaultTests). Without a FAULT_ macro it is a small working plugin.
 */
#ifdef FAULT_HIDDEN
/* As built against a header without PLINTH_EXPORT: with -fvisibility=hidden nothing is exported. */
#define PLINTH_EXPORT
#endif
#include "plinth_plugin.h"

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "fixture"
#endif

#ifdef FAULT_MISSING_DEPENDENCY
extern int plinth_fixture_dependency(void);
#endif

static const plinth_host_api *host;

#ifdef CONCURRENCY
#include <stdio.h>
#include <unistd.h>
static int running, most;
/* Reports how many calls overlapped: with the host's serialisation it stays 1. */
static plinth_status slow(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    int now = __atomic_add_fetch(&running, 1, __ATOMIC_SEQ_CST);
    int seen = __atomic_load_n(&most, __ATOMIC_SEQ_CST);
    while (now > seen && !__atomic_compare_exchange_n(&most, &seen, now, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {}
    usleep(100000);
    __atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST);
    char body[16];
    int length = snprintf(body, sizeof body, "%d", __atomic_load_n(&most, __ATOMIC_SEQ_CST));
    host->response_status(response, 200);
    plinth_bytes chunk = {(const uint8_t *)body, (size_t)length};
    host->response_body(response, chunk);
    return PLINTH_OK;
}
#endif

static plinth_status ok(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
#ifdef FAULT_NO_STATUS
    (void)response;
#else
    host->response_status(response, 200);
    host->response_body(response, plinth_str("ok"));
#endif
    return PLINTH_OK;
}

#ifdef TENANT
#include <stdio.h>
static plinth_status copy_value(void *user, const plinth_row *row) {
    plinth_value_type type;
    plinth_bytes value = host->row_column(row, 0, &type);
    snprintf((char *)user, 128, "%.*s", (int)value.len, (const char *)value.ptr);
    return PLINTH_OK;
}
/* Answers the tenant the database session is scoped to, as PostgreSQL sees it. */
static plinth_status tenant(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)request;
    char value[128] = "";
    if (host->db_query(call, plinth_str("SELECT COALESCE(current_setting('app.current_tenant', true), '') AS t"), 0, 0, copy_value, value, error) != PLINTH_OK) return PLINTH_ERR;
    host->response_status(response, 200);
    host->response_body(response, plinth_str(value));
    return PLINTH_OK;
}
#endif

#ifdef INLINE
/* Breaks the inline promise: the host must refuse the query. */
static plinth_status query(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)request;
    if (host->db_query(call, plinth_str("SELECT 1"), 0, 0, 0, 0, error) != PLINTH_OK) return PLINTH_ERR;
    host->response_status(response, 200);
    return PLINTH_OK;
}
#endif

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    (void)state;
    host = api;
#ifdef FAULT_MISSING_DEPENDENCY
    if (plinth_fixture_dependency() != 42) return PLINTH_ERR;
#endif
#ifdef FAULT_INIT_FAILS
    api->register_route(ctx, plinth_str("GET"), plinth_str("never"), ok, error);
    api->set_error(error, plinth_str("license file /etc/fixture.lic is missing"));
    return PLINTH_ERR;
#endif
#ifdef FAULT_MIGRATION
    if (api->register_migration(ctx, plinth_str("001_good"), plinth_str("CREATE TABLE fixture_good (id INTEGER)"),
                                plinth_str("CREATE TABLE fixture_good (id INTEGER)"), error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_migration(ctx, plinth_str("002_bad"), plinth_str("CREATE TABLE fixture_half (id INTEGER); CREATE TABLEX oops"),
                                plinth_str("CREATE TABLE fixture_half (id INTEGER); CREATE TABLEX oops"), error) != PLINTH_OK) return PLINTH_ERR;
#endif
#ifdef MIGRATIONS
    /* Two migrations; with MIGRATION_DOWN the second can be reverted, the first never. */
    if (api->register_migration(ctx, plinth_str("001_kept"), plinth_str("CREATE TABLE fixture_kept (id INTEGER)"),
                                plinth_str("CREATE TABLE fixture_kept (id INTEGER)"), error) != PLINTH_OK) return PLINTH_ERR;
    if (api->register_migration(ctx, plinth_str("002_items"), plinth_str("CREATE TABLE fixture_items (id INTEGER)"),
                                plinth_str("CREATE TABLE fixture_items (id INTEGER)"), error) != PLINTH_OK) return PLINTH_ERR;
#ifdef MIGRATION_DOWN
    if (api->register_migration_down(ctx, plinth_str("002_items"), plinth_str("DROP TABLE fixture_items"),
                                     plinth_str("DROP TABLE fixture_items"), error) != PLINTH_OK) return PLINTH_ERR;
    /* Down SQL for a migration never registered is refused with a reason. */
    if (api->register_migration_down(ctx, plinth_str("003_ghost"), plinth_str("SELECT 1"), plinth_str("SELECT 1"), error) == PLINTH_OK) return PLINTH_ERR;
#endif
#endif
#ifdef CONCURRENCY
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("slow"), slow, error) != PLINTH_OK) return PLINTH_ERR;
#endif
#ifdef INLINE
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("query"), query, error) != PLINTH_OK) return PLINTH_ERR;
#endif
#ifdef TENANT
    if (api->register_route(ctx, plinth_str("GET"), plinth_str("tenant"), tenant, error) != PLINTH_OK) return PLINTH_ERR;
#endif
#ifdef ROUTE
    return api->register_route(ctx, plinth_str(ROUTE_METHOD), plinth_str(ROUTE), ok, error);
#else
    return api->register_route(ctx, plinth_str("GET"), plinth_str("ok"), ok, error);
#endif
}

static const plinth_plugin_descriptor descriptor = {
#ifdef FAULT_BAD_MAGIC
    .magic = 0x12345678u,
#else
    .magic = PLINTH_PLUGIN_MAGIC,
#endif
#ifdef FAULT_SMALL_DESCRIPTOR
    .struct_size = 16,
#else
    .struct_size = sizeof(plinth_plugin_descriptor),
#endif
#ifdef FAULT_MAJOR
    .abi_major = PLINTH_ABI_MAJOR + 1,
#else
    .abi_major = PLINTH_ABI_MAJOR,
#endif
#ifdef FAULT_MINOR
    .abi_minor = PLINTH_ABI_MINOR + 7,
#else
    .abi_minor = PLINTH_ABI_MINOR,
#endif
#if defined(INLINE)
    .flags = PLINTH_PLUGIN_THREAD_SAFE | PLINTH_PLUGIN_INLINE_HANDLERS,
#elif defined(THREAD_SAFE)
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
#else
    .flags = 0,
#endif
    .name = PLUGIN_NAME,
    .version = "0.1.0",
    .description = "fault fixture",
    .init = init,
    .deinit = 0,
};

#ifndef FAULT_NO_ENTRY
PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
#else
const plinth_plugin_descriptor *plinth_plugin_descriptor_v0(void) { return &descriptor; }
#endif
