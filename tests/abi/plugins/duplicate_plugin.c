/* Built twice (libtest_dup_a.so, libtest_dup_b.so): two files claiming one provider enum.
 * The host must refuse both, naming both files. */
#include "ats_plugin.h"

#include <stddef.h>

static const ats_plugin_descriptor_t descriptor = {
    sizeof(ats_plugin_descriptor_t), "test_dup", "Duplicate", "1.0.0", "ats-host tests", "", NULL, 0,
    "{\"type\":\"object\"}"};

static int32_t d_init(const ats_host_info_t *h, ats_error_t *e) {
    (void)h;
    (void)e;
    return ATS_OK;
}
static void d_deinit(void) {}
static const ats_plugin_descriptor_t *d_desc(void) { return &descriptor; }
static int32_t d_create(const ats_host_services_t *s, const char *t, const char *c, size_t n, ats_instance_t **out,
                        ats_error_t *e) {
    (void)s;
    (void)t;
    (void)c;
    (void)n;
    (void)e;
    *out = NULL;
    return ATS_ERR_INTERNAL;
}
static void d_destroy(ats_instance_t *i) { (void)i; }
static int32_t d_invoke(ats_instance_t *i, const ats_call_t *c, const char *op, const char *a, size_t al,
                        const ats_sink_t *s, ats_error_t *e) {
    (void)i;
    (void)c;
    (void)op;
    (void)a;
    (void)al;
    (void)s;
    (void)e;
    return ATS_ERR_NOT_SUPPORTED;
}

ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {sizeof(ats_plugin_entry_t),
                                                               {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
                                                               d_init,
                                                               d_deinit,
                                                               d_desc,
                                                               d_create,
                                                               d_destroy,
                                                               d_invoke,
                                                               NULL};
