/* A plain C provider that fails the way a broken plugin really does, one way per build:
 *   ABORT_IN_INIT        init() calls abort()
 *   SEGV_IN_DESCRIPTOR   get_descriptor() dereferences NULL
 *   SEGV_IN_INVOKE       jobs.get dereferences NULL
 *   SEGV_IN_CHECK        check dereferences NULL
 *   HANG_IN_INVOKE       jobs.get never returns and never looks at is_cancelled
 *   HANG_IN_CHECK        check never returns and never looks at is_cancelled
 *   SEGV_EVERY_N=n       every n-th jobs.get of a process dereferences NULL
 *   SEGV_IN_STREAM_AT=n  jobs.stream dereferences NULL after sending n records
 *   IGNORES_STOP         jobs.stream sends every record although the sink answers STOP
 * Otherwise (and for the other operations) it behaves: check answers {"ok":true}, jobs.get
 * returns {"id":<job_id>,...} ({"id":..,"max_results":<the call's ats_call_t.max_results, -1 when
 * absent>} when the arguments hold "report_call"), jobs.stream sends {"count":n} records (default: provider_config
 * stream_count, 10) and honours
 * STOP and cancellation. No upstream, no state: what is measured or tested is the host. */
#include "ats_plugin.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef PROVIDER
#define PROVIDER "test_faulty"
#endif

/* A real invalid store, not caught first by UndefinedBehaviorSanitizer in a sanitizer build: the
   tests want the signal a real crash gives. */
__attribute__((unused, no_sanitize("undefined"))) static void crash(void) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
}

__attribute__((unused)) static void hang_forever(void) {
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}

static void arg_text(const char *args, size_t len, const char *key, char *out, size_t out_size);

static const ats_capability_t caps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
};

static const ats_plugin_descriptor_t descriptor = {
    sizeof(ats_plugin_descriptor_t),
    PROVIDER,
    "Faulty test ATS (" PROVIDER ")",
    "1.0.0",
    "ats-host tests",
    "Fails on purpose (tests/abi/plugins/faulty_plugin.c).",
    caps,
    sizeof caps / sizeof caps[0],
    "{\"type\":\"object\",\"properties\":{\"stream_count\":{\"type\":\"integer\",\"minimum\":0,\"default\":10}}}"};

struct ats_instance {
    const ats_host_services_t *host;
    long stream_count; /* provider_config.stream_count: records of jobs.stream */
};

static atomic_long jobs_get_calls;

static int32_t init(const ats_host_info_t *host, ats_error_t *error) {
    (void)host;
    (void)error;
#ifdef ABORT_IN_INIT
    abort();
#endif
    return ATS_OK;
}

static void deinit(void) {}

static const ats_plugin_descriptor_t *get_descriptor(void) {
#ifdef SEGV_IN_DESCRIPTOR
    crash();
#endif
    return &descriptor;
}

static int32_t create(const ats_host_services_t *services, const char *tenant_id, const char *config_json,
                      size_t config_len, ats_instance_t **out, ats_error_t *error) {
    (void)tenant_id;
    (void)error;
    char count[32];
    *out = calloc(1, sizeof(ats_instance_t));
    (*out)->host = services;
    arg_text(config_json, config_len, "stream_count", count, sizeof count);
    (*out)->stream_count = count[0] ? atol(count) : 10;
    return ATS_OK;
}

static void destroy(ats_instance_t *instance) { free(instance); }

/* The value of "key" in a flat JSON object, as text (no escapes: test input only). */
static void arg_text(const char *args, size_t len, const char *key, char *out, size_t out_size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    out[0] = '\0';
    const char *p = strstr(args, pattern);
    if (!p || (size_t)(p - args) >= len) return;
    p += strlen(pattern);
    while (*p == ' ' || *p == '"') ++p;
    size_t n = 0;
    while (p[n] && p[n] != '"' && p[n] != ',' && p[n] != '}' && n + 1 < out_size) ++n;
    memcpy(out, p, n);
    out[n] = '\0';
}

static int32_t invoke(ats_instance_t *instance, const ats_call_t *call, const char *operation, const char *args_json,
                      size_t args_len, const ats_sink_t *sink, ats_error_t *error) {
    char text[256];
    if (strcmp(operation, ATS_OP_CHECK) == 0) {
#ifdef SEGV_IN_CHECK
        crash();
#endif
#ifdef HANG_IN_CHECK
        hang_forever();
#endif
        const char *ok = "{\"ok\":true,\"details\":{}}";
        sink->record(sink->user, ok, strlen(ok));
        return ATS_OK;
    }
    if (strcmp(operation, ATS_OP_JOBS_GET) == 0) {
        long n = atomic_fetch_add(&jobs_get_calls, 1) + 1;
        (void)n;
#ifdef SEGV_IN_INVOKE
        crash();
#endif
#ifdef HANG_IN_INVOKE
        hang_forever();
#endif
#ifdef SEGV_EVERY_N
        if (n % SEGV_EVERY_N == 0) crash();
#endif
        char id[128], report[8];
        arg_text(args_json, args_len, "job_id", id, sizeof id);
        arg_text(args_json, args_len, "report_call", report, sizeof report);
        if (report[0]) { /* what this call's ats_call_t says (ABI 1.4 max_results; -1: absent) */
            long long max_results = ATS_HAS_FIELD(call, ats_call_t, max_results) ? (long long)call->max_results : -1LL;
            int len = snprintf(text, sizeof text, "{\"id\":\"%s\",\"max_results\":%lld}", id, max_results);
            sink->record(sink->user, text, (size_t)len);
            return ATS_OK;
        }
        int len = snprintf(text, sizeof text, "{\"id\":\"%s\",\"name\":\"Job %s\",\"status\":\"OPEN\"}", id, id);
        sink->record(sink->user, text, (size_t)len);
        return ATS_OK;
    }
    if (strcmp(operation, ATS_OP_JOBS_STREAM) == 0) {
        char count_text[32];
        arg_text(args_json, args_len, "count", count_text, sizeof count_text);
        long count = count_text[0] ? atol(count_text) : instance->stream_count;
        for (long i = 0; i < count; ++i) {
            if (call->is_cancelled(call->call_data)) {
                if (error) {
                    error->code = ATS_ERR_CANCELLED;
                    error->retryable = 0;
                    snprintf(error->message, sizeof error->message, "jobs.stream cancelled after %ld records", i);
                }
                return ATS_ERR_CANCELLED;
            }
            int len = snprintf(
                text, sizeof text,
                "{\"id\":\"job-%ld\",\"name\":\"Job %ld\",\"status\":\"OPEN\",\"updated_at\":\"2026-01-01T00:00:00Z\"}",
                i, i);
#ifdef SEGV_IN_STREAM_AT
            if (i == SEGV_IN_STREAM_AT) crash();
#endif
#ifdef IGNORES_STOP
            sink->record(sink->user, text, (size_t)len);
#else
            if (sink->record(sink->user, text, (size_t)len) != ATS_SINK_CONTINUE) return ATS_OK;
#endif
        }
        return ATS_OK;
    }
    if (error) {
        error->code = ATS_ERR_NOT_SUPPORTED;
        error->retryable = 0;
        snprintf(error->message, sizeof error->message, "%s is not supported", operation);
    }
    return ATS_ERR_NOT_SUPPORTED;
}

ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {sizeof(ats_plugin_entry_t),
                                                               {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
                                                               init,
                                                               deinit,
                                                               get_descriptor,
                                                               create,
                                                               destroy,
                                                               invoke,
                                                               NULL};
