// isolation.hpp - where a tenant's plugin runs: in the host process, or in an ats-plugin-worker
// process of its own (manifest host.isolation; host-wide default HostEnvironment::Options).
#pragma once

#include <optional>
#include <string>

namespace ats::host {

enum class Isolation { in_process, process };
const char *isolation_name(Isolation i);
std::optional<Isolation> parse_isolation(const std::string &text);

} // namespace ats::host
