/* test_extension.h - a TEST-ONLY extension interface: the example of growth rule 3 of ats_plugin.h
 * (a capability found by id through get_extension instead of a grown struct). No production plugin
 * or host uses it; the good test plugin serves it and the loader test finds and calls it. */
#ifndef ATS_TEST_EXTENSION_H
#define ATS_TEST_EXTENSION_H

#include "ats_plugin.h"

#define ATS_TEST_GREETING_EXTENSION_ID "ats-tests.greeting/1"

/* Static, owned by the plugin, valid from init() until deinit(). */
typedef struct ats_test_greeting_extension {
    uint32_t struct_size; /* sizeof of the plugin's struct: the interface may grow by rule 2 */
    /* "hello from <provider>", NUL-terminated, static. Any thread. */
    const char *(*greeting)(void);
} ats_test_greeting_extension_t;

#endif /* ATS_TEST_EXTENSION_H */
