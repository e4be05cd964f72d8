#include "host_error.hpp"

#include "ats_plugin.h"

namespace ats::host {

const char *status_name(int32_t status) noexcept {
    switch (status) {
    case ATS_OK: return "ok";
    case ATS_ERR_NOT_SUPPORTED: return "not_supported";
    case ATS_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case ATS_ERR_NOT_FOUND: return "not_found";
    case ATS_ERR_UNAUTHORIZED: return "unauthorized";
    case ATS_ERR_RATE_LIMITED: return "rate_limited";
    case ATS_ERR_TRANSIENT: return "transient";
    case ATS_ERR_CONFLICT: return "conflict";
    case ATS_ERR_INTERNAL: return "internal";
    case ATS_ERR_UPSTREAM: return "upstream";
    case ATS_ERR_CANCELLED: return "cancelled";
    case ATS_ERR_VERSION: return "version";
    case ATS_ERR_FORBIDDEN: return "forbidden";
    default: return "unknown";
    }
}

} // namespace ats::host
