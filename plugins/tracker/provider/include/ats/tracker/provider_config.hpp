// provider_config.hpp - the `tracker` provider's configuration (a tenant manifest's
// provider_config), its JSON Schema, and the pieces the hybrid provider composes its own schema from.
//
// {
//   "base_url": "https://evoapi.tracker-rms.com",            // required; US: evoapius, CA: evoapica
//   "auth": {"method": "api_key"|"password"|"oauth2",        // required
//            "api_key", "username", "password",               // secrets ("x-secret": true)
//            "client_id" (default "EvoApi_1.0"), "refresh_token" (secret)},
//   "timezone": "Europe/London",                              // the Tracker account's IANA zone
//   "default_phone_region": "GB",                             // for numbers without a country code
//   "statuses": {"declined": "Declined", "accepted": "Accepted", "new_application": "Applied"},
//   "page_size": 200,                                         // 1..500 (A7)
//   "request_timeout_ms": 30000
// }
#pragma once

#include "ats/tracker/options.hpp"

#include <boost/json.hpp>

#include <string>

namespace ats::tracker {

struct StatusNames { // opportunity-resource status NAMES, resolved through getSettings (A4)
    std::string declined = "Declined";
    std::string accepted = "Accepted";
    std::string new_application = "Applied";
};

struct TrackerConfig {
    ClientOptions client;
    std::string timezone = "Europe/London";
    std::string default_phone_region = "GB";
    StatusNames statuses;

    // Parses the Tracker keys of a provider_config object; other keys are ignored (the hybrid's
    // config is a superset). Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming the field
    // ("provider_config.auth.api_key is required for auth.method api_key"); never echoes a secret.
    static TrackerConfig parse(const boost::json::object &provider_config);
};

// The JSON Schema `properties` of the Tracker keys, and which of them are required. The hybrid
// adds its own properties to a copy of these.
boost::json::object tracker_config_schema_properties();
boost::json::array tracker_config_schema_required();
// {"type":"object","properties":...,"required":...,"additionalProperties":false} as text.
std::string tracker_config_schema_json();

} // namespace ats::tracker
