#include "operation_support.hpp"

#include "api_error.hpp"
#include "operations.hpp"
#include "tenant.hpp"

namespace ats::serve {

std::optional<std::string> not_supported(const ats::host::Tenant &tenant, const std::string &operation) {
    const auto &plugin = *tenant.plugin();
    return ats::host::not_supported(plugin.provider(), plugin.capability(operation));
}

void require_supported(const ats::host::Tenant &tenant, const std::string &operation) {
    if (auto refusal = not_supported(tenant, operation)) throw ApiError(501, "not_supported", std::move(*refusal));
}

} // namespace ats::serve
