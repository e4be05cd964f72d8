/* A shared object that is not an ATS plugin: it exports no ats_plugin_entry. */
#include "ats_plugin.h"

int32_t not_an_entry(void);
int32_t not_an_entry(void) { return 42; }
