/*
 * word_count: an example Plinth plugin in C that adds a workflow node, written from
 * plinth_plugin.h alone.
 *
 *   cc -std=c99 -shared -fPIC -I Sources/CPlinthABI/include Plugins/Examples/WordCountC/word_count.c -o plugins.d/word_count.so
 *
 * The node `wordCount` counts the words (runs of characters other than white space) of its
 * config `text`: edge `success` with {"count": N}, and the state key `wordCount`. Without a
 * string `text` it takes the edge `error` with {"error": "..."}. In a workflow:
 *
 *   {"wordCount": {"text": "$.message", "success?": "next"}}
 */
#include "plinth_plugin.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const plinth_host_api *host;

static const char *metadata =
    "{\"name\": \"Word count\", \"description\": \"Counts the words of a text\", \"category\": \"dataManipulation\","
    " \"edges\": [\"success\", \"error\"],"
    " \"config\": [{\"name\": \"text\", \"type\": \"string\", \"required\": true, \"description\": \"the text to count\"}]}";

/* The host sends {"config": {...}, ...} with config first and JSON string escapes; this finds
 * the string member `text` of config and counts its words without unescaping (an escape such
 * as \n is one character that is not a word break, which is enough for an example). Returns -1
 * when config has no string `text`. */
static long count_words(plinth_bytes body) {
    const char *start = (const char *)body.ptr, *end = start + body.len;
    const char *config = NULL;
    for (const char *p = start; p + 9 <= end; p++) {
        if (memcmp(p, "\"config\":", 9) == 0) { config = p + 9; break; }
    }
    if (!config) return -1;
    int depth = 0;
    for (const char *p = config; p < end; p++) {
        if (*p == '"') {
            /* A member name or string at the config object's top level. */
            const char *q = p + 1;
            while (q < end && *q != '"') q += (*q == '\\') ? 2 : 1;
            if (depth == 1 && q - p == 5 && memcmp(p + 1, "text", 4) == 0 && q + 2 < end && q[1] == ':' && q[2] == '"') {
                long words = 0;
                int inside = 0;
                for (const char *c = q + 3; c < end && *c != '"'; c += (*c == '\\') ? 2 : 1) {
                    int space = isspace((unsigned char)*c) || (*c == '\\' && c + 1 < end && (c[1] == 'n' || c[1] == 't' || c[1] == 'r'));
                    if (!space && !inside) words++;
                    inside = !space;
                }
                return words;
            }
            p = q;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth == 0) break;
        }
    }
    return -1;
}

static plinth_status run_node(void *state, plinth_call *call, const plinth_request *request, plinth_response *response, plinth_error *error) {
    (void)state; (void)call; (void)error;
    long words = count_words(request->body);
    char answer[160];
    if (words < 0) {
        snprintf(answer, sizeof answer, "{\"edge\": \"error\", \"data\": {\"error\": \"wordCount needs a string 'text'\"}}");
    } else {
        snprintf(answer, sizeof answer, "{\"edge\": \"success\", \"data\": {\"count\": %ld}, \"state\": {\"wordCount\": %ld}}", words, words);
    }
    host->response_status(response, 200);
    host->response_body(response, plinth_str(answer));
    return PLINTH_OK;
}

static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
    host = api;
    *state = NULL;
    /* Older hosts (before ABI 1.3) answer PLINTH_UNSUPPORTED: say so rather than load half. */
    return api->register_workflow_node(ctx, plinth_str("wordCount"), plinth_str(metadata), run_node, error);
}

static const plinth_plugin_descriptor descriptor = {
    .magic = PLINTH_PLUGIN_MAGIC,
    .struct_size = sizeof(plinth_plugin_descriptor),
    .abi_major = PLINTH_ABI_MAJOR,
    .abi_minor = PLINTH_ABI_MINOR,
    .flags = PLINTH_PLUGIN_THREAD_SAFE,
    .name = "word_count",
    .version = "1.0.0",
    .description = "A workflow node that counts words (C example)",
    .init = init,
    .deinit = NULL,
};

PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }
