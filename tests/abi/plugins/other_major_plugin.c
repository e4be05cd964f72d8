/* A plugin built for a future ABI major (2.0): the host must refuse it by reading only the two
 * frozen fields, naming both versions and the file. Its other fields are never touched. */
#include "ats_plugin.h"

typedef struct entry_v2 {
    uint32_t struct_size;
    ats_version_t abi_version;
    void *a_different_layout[4];
} entry_v2_t;

ATS_PLUGIN_EXPORT const entry_v2_t ats_plugin_entry = {sizeof(entry_v2_t), {2, 0}, {0, 0, 0, 0}};
