/* One source, several ways to fail screening after the entry symbol was found (each variant is a
 * separate library; see tests/abi/CMakeLists.txt):
 *   INIT_FAILS      init() returns an error            -> rejected with init's message
 *   BAD_ENUM        provider enum "Bad-Enum"           -> rejected naming the pattern
 *   BAD_SCHEMA      config schema uses "oneOf"         -> rejected naming the keyword
 *   UNKNOWN_OP      matrix names an unknown operation  -> rejected (same minor: not a newer plugin)
 *   NULL_FUNCTION   invoke is NULL                     -> rejected
 *   UNRESOLVED      calls a function nobody defines    -> dlopen(RTLD_NOW) fails at load time */
#include "ats_plugin.h"

#include <stdio.h>

#if defined(INIT_FAILS)
#define PROVIDER "test_init_fails"
#elif defined(BAD_ENUM)
#define PROVIDER "Bad-Enum"
#elif defined(BAD_SCHEMA)
#define PROVIDER "test_bad_schema"
#elif defined(UNKNOWN_OP)
#define PROVIDER "test_unknown_op"
#elif defined(NULL_FUNCTION)
#define PROVIDER "test_null_function"
#else
#define PROVIDER "test_unresolved"
#endif

#ifdef BAD_SCHEMA
#define SCHEMA "{\"type\":\"object\",\"oneOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}"
#else
#define SCHEMA "{\"type\":\"object\"}"
#endif

#ifdef UNRESOLVED
int32_t ats_test_function_nobody_defines(void);
#endif

static const ats_capability_t caps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
#ifdef UNKNOWN_OP
    {"jobs.teleport", ATS_SUPPORTED, ""},
#endif
};

static const ats_plugin_descriptor_t descriptor = {
    sizeof(ats_plugin_descriptor_t), PROVIDER, "Badly described", "1.0.0", "ats-host tests", "", caps,
    sizeof caps / sizeof caps[0],    SCHEMA};

static int32_t b_init(const ats_host_info_t *h, ats_error_t *e) {
    (void)h;
#ifdef INIT_FAILS
    e->code = ATS_ERR_INTERNAL;
    e->retryable = 0;
    snprintf(e->message, sizeof e->message, "init: the licence file is missing");
    return ATS_ERR_INTERNAL;
#else
    (void)e;
#ifdef UNRESOLVED
    return ats_test_function_nobody_defines();
#else
    return ATS_OK;
#endif
#endif
}
static void b_deinit(void) {}
static const ats_plugin_descriptor_t *b_desc(void) { return &descriptor; }
static int32_t b_create(const ats_host_services_t *s, const char *t, const char *c, size_t n, ats_instance_t **out,
                        ats_error_t *e) {
    (void)s;
    (void)t;
    (void)c;
    (void)n;
    (void)e;
    *out = NULL;
    return ATS_ERR_INTERNAL;
}
static void b_destroy(ats_instance_t *i) { (void)i; }
static int32_t b_invoke(ats_instance_t *i, const ats_call_t *c, const char *op, const char *a, size_t al,
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

/* The formatter does not settle on an initializer split by #ifdef: the layout is by hand. */
/* clang-format off */
ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {
    sizeof(ats_plugin_entry_t), {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
    b_init, b_deinit, b_desc, b_create, b_destroy,
#ifdef NULL_FUNCTION
    NULL,
#else
    b_invoke,
#endif
    NULL};
/* clang-format on */
