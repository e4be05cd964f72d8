/* A plugin built against a newer minor (1.5) whose entry struct has an extra trailing field and
 * whose matrix names an operation this host does not know: the host must accept it, ignore what
 * it does not know, and call only the fields of its own minor. */
#include "ats_plugin.h"

#include <stdio.h>
#include <string.h>

typedef struct entry_v1_5 {
    ats_plugin_entry_t v1_2;           /* everything this host knows ... */
    int32_t (*a_future_function)(int); /* ... and a field appended in 1.5 */
} entry_v1_5_t;

static const ats_capability_t caps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {"future.operation", ATS_SUPPORTED, ""},
};

static const ats_plugin_descriptor_t descriptor = {sizeof(ats_plugin_descriptor_t),
                                                   "test_newer_minor",
                                                   "Test ATS 1.5",
                                                   "1.5.0",
                                                   "ats-host tests",
                                                   "Built against ABI 1.5.",
                                                   caps,
                                                   2,
                                                   "{\"type\":\"object\"}"};

static int32_t n_init(const ats_host_info_t *h, ats_error_t *e) {
    (void)h;
    (void)e;
    return ATS_OK;
}
static void n_deinit(void) {}
static const ats_plugin_descriptor_t *n_desc(void) { return &descriptor; }
static int dummy;
static int32_t n_create(const ats_host_services_t *s, const char *t, const char *c, size_t n, ats_instance_t **out,
                        ats_error_t *e) {
    (void)s;
    (void)t;
    (void)c;
    (void)n;
    (void)e;
    *out = (ats_instance_t *)&dummy;
    return ATS_OK;
}
static void n_destroy(ats_instance_t *i) { (void)i; }
static int32_t n_invoke(ats_instance_t *i, const ats_call_t *call, const char *op, const char *a, size_t al,
                        const ats_sink_t *sink, ats_error_t *e) {
    static const char ok[] = "{\"ok\":true,\"details\":{\"abi\":\"1.5\"}}";
    (void)i;
    (void)call;
    (void)a;
    (void)al;
    if (strcmp(op, ATS_OP_CHECK) != 0) {
        e->code = ATS_ERR_NOT_SUPPORTED;
        e->retryable = 0;
        snprintf(e->message, sizeof e->message, "%s not supported", op);
        return ATS_ERR_NOT_SUPPORTED;
    }
    sink->record(sink->user, ok, sizeof ok - 1);
    return ATS_OK;
}
static const void *n_ext(const char *id) {
    (void)id;
    return NULL;
}
static int32_t n_future(int x) { return x; }

ATS_PLUGIN_EXPORT const entry_v1_5_t ats_plugin_entry = {
    {sizeof(entry_v1_5_t), {1, 5}, n_init, n_deinit, n_desc, n_create, n_destroy, n_invoke, n_ext}, n_future};
