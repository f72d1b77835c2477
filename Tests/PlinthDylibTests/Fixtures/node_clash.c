/* Registers a workflow node whose id the built-in library already has: start-up must stop and
 * name both plugins. NODE_SCHEMA overrides the metadata (to test a bad one). */
#include "plinth_plugin.h"

#ifndef NODE_ID
#define NODE_ID "math"
#endif
#ifndef NODE_SCHEMA
#define NODE_SCHEMA "{}"
#endif

static plinth_status run_node(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)request; (void)error;
    return PLINTH_ERR;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    *state = 0;
    return api->register_workflow_node(ctx, plinth_str(NODE_ID), plinth_str(NODE_SCHEMA), run_node, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC, .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR, .abi_minor = PLINTH_ABI_MINOR, .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "node_clash", .version = "1.0.0", .description = "clashing workflow node", .init = init, .deinit = 0,
};

PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
