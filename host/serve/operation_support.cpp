#include "operation_support.hpp"

#include "api_error.hpp"
#include "operations.hpp"
#include "provider_catalog.hpp"

namespace ats::serve {

std::optional<std::string> not_supported(const TenantRuntime &tenant, const std::string &operation) {
    auto support = tenant.support(operation);
    return ats::host::not_supported(tenant.provider(), {operation, support.support, support.reason});
}

void require_supported(const TenantRuntime &tenant, const std::string &operation) {
    if (auto refusal = not_supported(tenant, operation)) throw ApiError(501, "not_supported", std::move(*refusal));
}

}  // namespace ats::serve
