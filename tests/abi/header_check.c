/* Compiled as C11 with -Wall -Wextra -pedantic -Werror by the abi.header_* tests. */
#include "ats_plugin.h"

/* Use a few declarations so that nothing is optimised into irrelevance. */
static const ats_capability_t cap = {ATS_OP_CHECK, ATS_SUPPORTED, ""};
int header_check_size(void);
int header_check_size(void) {
    ats_plugin_entry_t e = {0};
    e.struct_size = sizeof e;
    return (int)(sizeof(ats_host_services_t) + sizeof(ats_sink_t) +
                 (ATS_HAS_FIELD(&e, ats_plugin_entry_t, get_extension) ? 1 : 0) +
                 (cap.support == ATS_SUPPORTED ? 1 : 0));
}
