// provider_config.hpp - the `tracker` provider's configuration (a tenant manifest's
// provider_config). Every key is one row of tracker_config_table() (provider_config.cpp): its
// type, range, description and the member below it is stored in; the member's initial value is
// the default. The descriptor's JSON Schema and the parser both come from that table, and the
// hybrid provider includes the same rows in its own table.
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

#include "ats/shared/config_table.hpp"
#include "ats/shared/phone.hpp"
#include "ats/tracker/options.hpp"
#include "ats/tracker/status_names.hpp"

#include <boost/json.hpp>

#include <string>

namespace ats::tracker {

struct TrackerConfig {
    ClientOptions client;
    std::string timezone = "Europe/London";
    // The one default phone region of a tenant (the hybrid's identity rules use it too).
    std::string default_phone_region = ats::shared::kDefaultPhoneRegion;
    StatusNames statuses;

    // Parses a provider_config object with tracker_config_table(). Throws
    // ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming the field
    // ("provider_config.auth.api_key: is required for auth.method api_key"); never echoes a secret.
    static TrackerConfig parse(const boost::json::object &provider_config);
};

// The rows of the Tracker keys.
const ats::shared::config::Table<TrackerConfig> &tracker_config_table();
// The descriptor's config_schema_json.
std::string tracker_config_schema_json();

} // namespace ats::tracker
