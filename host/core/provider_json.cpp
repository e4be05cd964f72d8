#include "provider_json.hpp"

#include <boost/json.hpp>

namespace ats::host {

const char *support_name(int32_t support) {
    switch (support) {
    case ATS_SUPPORTED: return "supported";
    case ATS_LIMITED: return "limited";
    default: return "not_supported";
    }
}

boost::json::object provider_json(const LoadedPlugin &plugin) {
    boost::json::array operations;
    for (const auto &name : known_operations()) {
        Capability cap = plugin.capability(name);
        operations.push_back(boost::json::object{
            {"operation", cap.operation}, {"support", support_name(cap.support)}, {"reason", cap.reason}});
    }
    const ats_version_t abi = plugin.abi_version();
    return {{"provider", plugin.provider()},
            {"display_name", plugin.display_name()},
            {"plugin_version", plugin.plugin_version()},
            {"vendor", plugin.vendor()},
            {"description", plugin.description()},
            {"abi_version", std::to_string(abi.major) + "." + std::to_string(abi.minor)},
            {"operations", std::move(operations)}};
}

} // namespace ats::host
