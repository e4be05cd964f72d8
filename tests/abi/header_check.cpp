// Compiled as C++17 and C++20 with -Wall -Wextra -pedantic -Werror by the abi.header_* tests:
// the C header and the header-only SDK.
#include "ats_plugin.h"
#include "ats_plugin.hpp"

static_assert(sizeof(ats_error_t) == 8 + ATS_ERROR_MESSAGE_MAX, "ats_error_t layout");
static_assert(offsetof(ats_plugin_entry_t, struct_size) == 0, "struct_size first");
static_assert(offsetof(ats_plugin_entry_t, abi_version) == 4, "abi_version frozen at offset 4");

int header_check_cpp() {
    ats::sdk::Error e(ATS_ERR_NOT_FOUND, "x");
    return e.code();
}
