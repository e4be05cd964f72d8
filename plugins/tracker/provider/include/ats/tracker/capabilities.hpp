// capabilities.hpp - the `tracker` provider's capability matrix, built in one place, and an owner
// of the C descriptor a provider hands to the host (strings kept alive with it).
#pragma once

#include <ats_plugin.h>

#include <memory>
#include <string>
#include <vector>

namespace ats::tracker {

struct Capability {
    std::string operation; // ATS_OP_*
    int32_t support = ATS_SUPPORTED;
    std::string reason; // "" when fully supported
};

// Every operation of ats_operations.h with Tracker's support and reason, in the order of
// TrackerProvider::operations() (provider_operations.cpp), which it is built from.
std::vector<Capability> tracker_capabilities();

// Replaces (or appends) the entry for c.operation.
void set_capability(std::vector<Capability> &matrix, Capability c);
const Capability *find_capability(const std::vector<Capability> &matrix, const std::string &operation);

struct DescriptorInfo {
    std::string provider; // enum, e.g. "tracker"
    std::string display_name;
    std::string plugin_version;
    std::string vendor;
    std::string description;
    std::vector<Capability> capabilities;
    std::string config_schema_json;
};

// Owns the strings and arrays an ats_plugin_descriptor_t points into. Build once, keep static.
class DescriptorStorage {
public:
    explicit DescriptorStorage(DescriptorInfo info);
    DescriptorStorage(const DescriptorStorage &) = delete;
    DescriptorStorage &operator=(const DescriptorStorage &) = delete;
    const ats_plugin_descriptor_t &get() const { return descriptor_; }
    const DescriptorInfo &info() const { return info_; }

private:
    DescriptorInfo info_;
    std::vector<ats_capability_t> caps_;
    ats_plugin_descriptor_t descriptor_{};
};

} // namespace ats::tracker
