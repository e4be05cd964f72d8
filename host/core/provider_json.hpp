// provider_json.hpp - a loaded provider plugin as JSON: the one spelling shared by
// `ats-host providers --json` and the REST API (/v1/providers, /v1/tenants/{tenant}/capabilities,
// the console).
//
//   {"provider", "display_name", "plugin_version", "vendor", "description",
//    "abi_version": "MAJOR.MINOR",
//    "operations": [{"operation", "support": "supported"|"limited"|"not_supported", "reason"}]}
//
// "operations" lists every operation the host knows, in the order of known_operations(), so a
// reader never has to guess what an absent one means; snake_case values because programs match on
// them. The CLI adds facts of its own (file, warnings, config_schema) to the same object.
#pragma once

#include "plugin_registry.hpp"

#include <boost/json/object.hpp>

#include <cstdint>

namespace ats::host {

// "supported", "limited" or "not_supported" (anything else reads as not supported).
const char *support_name(int32_t support);

boost::json::object provider_json(const LoadedPlugin &plugin);

} // namespace ats::host
