// status_names.hpp - the Tracker status names a tenant configures (provider_config.statuses),
// with their defaults: the one status vocabulary of `tracker` and `tracker_workable` (the record
// mapper, the provider's configuration and the hybrid's sync all use this struct).
#pragma once

#include <string>

namespace ats::tracker {

// Opportunity-resource status NAMES, resolved through getSettings (A4).
struct StatusNames {
    std::string declined = "Declined";       // set by applications.reject; outcome DECLINED
    std::string accepted = "Accepted";       // means hired; outcome HIRED
    std::string new_application = "Applied"; // what Tracker gives a new application (link)
};

} // namespace ats::tracker
