// operation_support.hpp - the service's use of the host's one "not supported" decision
// (host::not_supported, host/core/operations.hpp) for a tenant's provider.
#pragma once

#include <optional>
#include <string>

namespace ats::host {
class Tenant;
}

namespace ats::serve {

// The refusal's message when the tenant's provider does not support `operation`, else nullopt.
std::optional<std::string> not_supported(const ats::host::Tenant &tenant, const std::string &operation);
// Throws ApiError 501 "not_supported" with that message (the provider's reason included).
void require_supported(const ats::host::Tenant &tenant, const std::string &operation);

} // namespace ats::serve
