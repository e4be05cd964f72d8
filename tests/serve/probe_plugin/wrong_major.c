/* wrong_major.c - a plugin built for ABI major 2: the reload test drops it in place of a working
 * plugin and expects the reload to be refused (naming the file) while the old one keeps serving. */
#include "ats_plugin.h"

ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = {sizeof(ats_plugin_entry_t), {2, 0}, 0, 0, 0, 0, 0, 0, 0};
