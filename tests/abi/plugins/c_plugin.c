/* A provider written in plain C11 and built with the C compiler: proves the ABI is C.
 * IGNORE_STOP builds a misbehaving variant (test_c_nostop) that keeps sending records after the
 * host asked it to stop; the host must drop them and carry on. */
#include "ats_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef IGNORE_STOP
#define PROVIDER "test_c_nostop"
#else
#define PROVIDER "test_c"
#endif

#define JOB_COUNT 10

static const ats_capability_t caps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
};

static const ats_plugin_descriptor_t descriptor = {
    sizeof(ats_plugin_descriptor_t),
    PROVIDER,
    "Test ATS in C",
    "0.3.0",
    "ats-host tests",
    "A plain C provider.",
    caps,
    sizeof caps / sizeof caps[0],
    "{\"type\":\"object\",\"properties\":{\"greeting\":{\"type\":\"string\",\"default\":\"hello\"}}}"};

struct ats_instance {
    const ats_host_services_t *host;
    char tenant[128];
};

static int32_t fail(ats_error_t *err, int32_t code, const char *msg) {
    if (err) {
        err->code = code;
        err->retryable = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return code;
}

static int32_t c_init(const ats_host_info_t *host, ats_error_t *err) {
    if (!host || host->abi_version.major != ATS_ABI_VERSION_MAJOR) return fail(err, ATS_ERR_VERSION, "wrong host ABI");
    return ATS_OK;
}

static void c_deinit(void) {}

static const ats_plugin_descriptor_t *c_get_descriptor(void) { return &descriptor; }

static int32_t c_create(const ats_host_services_t *services, const char *tenant_id, const char *config_json,
                        size_t config_len, ats_instance_t **out, ats_error_t *err) {
    struct ats_instance *inst;
    (void)config_json;
    (void)config_len;
    *out = NULL;
    if (!services || services->version.major != ATS_HOST_SERVICES_VERSION_MAJOR)
        return fail(err, ATS_ERR_VERSION, "host services major mismatch");
    inst = (struct ats_instance *)calloc(1, sizeof *inst);
    if (!inst) return fail(err, ATS_ERR_INTERNAL, "out of memory");
    inst->host = services;
    snprintf(inst->tenant, sizeof inst->tenant, "%s", tenant_id ? tenant_id : "");
    *out = inst;
    return ATS_OK;
}

static void c_destroy(ats_instance_t *inst) { free(inst); }

static int32_t c_invoke(ats_instance_t *inst, const ats_call_t *call, const char *op, const char *args, size_t args_len,
                        const ats_sink_t *sink, ats_error_t *err) {
    char buf[256];
    int i, n;
    (void)args;
    (void)args_len;
    if (strcmp(op, ATS_OP_CHECK) == 0) {
        n = snprintf(buf, sizeof buf, "{\"ok\":true,\"details\":{\"language\":\"C\",\"tenant\":\"%s\"}}", inst->tenant);
        sink->record(sink->user, buf, (size_t)n);
        return ATS_OK;
    }
    if (strcmp(op, ATS_OP_JOBS_STREAM) == 0) {
        for (i = 0; i < JOB_COUNT; ++i) {
            int32_t verdict;
            if (call->is_cancelled(call->call_data)) return fail(err, ATS_ERR_CANCELLED, "jobs.stream: cancelled");
            n = snprintf(buf, sizeof buf, "{\"id\":\"c-%d\",\"name\":\"C job %d\"}", i, i);
            verdict = sink->record(sink->user, buf, (size_t)n);
#ifndef IGNORE_STOP
            if (verdict == ATS_SINK_STOP) return ATS_OK;
#else
            (void)verdict;
#endif
        }
        return ATS_OK;
    }
    snprintf(buf, sizeof buf, "%s is not supported by " PROVIDER, op);
    return fail(err, ATS_ERR_NOT_SUPPORTED, buf);
}

ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {sizeof(ats_plugin_entry_t),
                                                               {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
                                                               c_init,
                                                               c_deinit,
                                                               c_get_descriptor,
                                                               c_create,
                                                               c_destroy,
                                                               c_invoke,
                                                               NULL};
