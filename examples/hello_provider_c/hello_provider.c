/* hello_c: a provider plugin in plain C11, built with nothing but pkg-config (see Makefile):
 *   check        {"ok":true,"details":{"language":"C","tenant":...}}
 *   jobs.stream  three jobs, one record each, stopping when the consumer says so
 * Every other operation answers ATS_ERR_NOT_SUPPORTED. */
#include "ats_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ats_capability_t capabilities[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
};

static const ats_plugin_descriptor_t descriptor = {
    sizeof(ats_plugin_descriptor_t),
    "hello_c",
    "Hello (C example)",
    "1.0.0",
    "ats-host examples",
    "Example provider in C, built out of tree with pkg-config ats-plugin.",
    capabilities,
    sizeof capabilities / sizeof capabilities[0],
    "{\"type\":\"object\",\"additionalProperties\":false}"};

struct ats_instance {
    char tenant[80];
};

static int32_t fail(ats_error_t *err, int32_t code, const char *message) {
    if (err) {
        err->code = code;
        err->retryable = 0;
        snprintf(err->message, sizeof err->message, "%s", message);
    }
    return code;
}

static int32_t hello_init(const ats_host_info_t *host, ats_error_t *err) {
    if (!host || host->abi_version.major != ATS_ABI_VERSION_MAJOR)
        return fail(err, ATS_ERR_VERSION, "hello_c: host ABI major differs");
    return ATS_OK;
}

static void hello_deinit(void) {}

static const ats_plugin_descriptor_t *hello_get_descriptor(void) { return &descriptor; }

static int32_t hello_create(const ats_host_services_t *services, const char *tenant_id, const char *config_json,
                            size_t config_len, ats_instance_t **out, ats_error_t *err) {
    struct ats_instance *inst;
    (void)services;
    (void)config_json;
    (void)config_len;
    *out = NULL;
    inst = (struct ats_instance *)calloc(1, sizeof *inst);
    if (!inst) return fail(err, ATS_ERR_INTERNAL, "hello_c: out of memory");
    snprintf(inst->tenant, sizeof inst->tenant, "%s", tenant_id ? tenant_id : "");
    *out = inst;
    return ATS_OK;
}

static void hello_destroy(ats_instance_t *inst) { free(inst); }

static int32_t hello_invoke(ats_instance_t *inst, const ats_call_t *call, const char *operation, const char *args,
                            size_t args_len, const ats_sink_t *sink, ats_error_t *err) {
    char buf[256];
    int i, n;
    (void)args;
    (void)args_len;
    if (strcmp(operation, ATS_OP_CHECK) == 0) {
        /* Tenant ids are letters, digits and `_.-` (the manifest schema): nothing to escape. */
        n = snprintf(buf, sizeof buf, "{\"ok\":true,\"details\":{\"language\":\"C\",\"tenant\":\"%s\"}}", inst->tenant);
        sink->record(sink->user, buf, (size_t)n);
        return ATS_OK;
    }
    if (strcmp(operation, ATS_OP_JOBS_STREAM) == 0) {
        for (i = 1; i <= 3; ++i) {
            if (call->is_cancelled(call->call_data)) return fail(err, ATS_ERR_CANCELLED, "jobs.stream: cancelled");
            n = snprintf(buf, sizeof buf, "{\"id\":\"hello-c-%d\",\"name\":\"Hello C job %d\"}", i, i);
            if (sink->record(sink->user, buf, (size_t)n) == ATS_SINK_STOP) return ATS_OK;
        }
        return ATS_OK;
    }
    snprintf(buf, sizeof buf, "%s is not supported by hello_c", operation);
    return fail(err, ATS_ERR_NOT_SUPPORTED, buf);
}

ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {sizeof(ats_plugin_entry_t),
                                                               {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
                                                               hello_init,
                                                               hello_deinit,
                                                               hello_get_descriptor,
                                                               hello_create,
                                                               hello_destroy,
                                                               hello_invoke,
                                                               NULL};
