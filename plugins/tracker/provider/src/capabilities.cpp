#include "ats/tracker/capabilities.hpp"

namespace ats::tracker {

void set_capability(std::vector<Capability> &matrix, Capability c) {
    for (auto &e : matrix)
        if (e.operation == c.operation) {
            e = std::move(c);
            return;
        }
    matrix.push_back(std::move(c));
}

const Capability *find_capability(const std::vector<Capability> &matrix, const std::string &operation) {
    for (const auto &e : matrix)
        if (e.operation == operation) return &e;
    return nullptr;
}

DescriptorStorage::DescriptorStorage(DescriptorInfo info) : info_(std::move(info)) {
    caps_.reserve(info_.capabilities.size());
    for (const auto &c : info_.capabilities) caps_.push_back({c.operation.c_str(), c.support, c.reason.c_str()});
    descriptor_.struct_size = sizeof(ats_plugin_descriptor_t);
    descriptor_.provider = info_.provider.c_str();
    descriptor_.display_name = info_.display_name.c_str();
    descriptor_.plugin_version = info_.plugin_version.c_str();
    descriptor_.vendor = info_.vendor.c_str();
    descriptor_.description = info_.description.c_str();
    descriptor_.capabilities = caps_.data();
    descriptor_.capability_count = caps_.size();
    descriptor_.config_schema_json = info_.config_schema_json.c_str();
}

} // namespace ats::tracker
