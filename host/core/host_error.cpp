#include "host_error.hpp"

#include "ats_plugin.h"

namespace ats::host {

const char *status_name(int32_t status) noexcept { return ats_status_name(status); }

} // namespace ats::host
