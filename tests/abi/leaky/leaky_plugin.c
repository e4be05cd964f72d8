/* Built WITHOUT ats_add_plugin (default visibility, no version script) so that it leaks symbols:
 * the export check must fail on it (abi.exports_check_detects_leaks). */
#include "ats_plugin.h"

int leaked_helper(int x);
int leaked_helper(int x) { return x + 1; }
ATS_PLUGIN_EXPORT const ats_version_t ats_plugin_entry = {1, 1};
