// identity_rules.hpp - the per-tenant rules that decide which contact details are identities
// (configuration: provider_config.workable.identity, rows in sync/sync_config.cpp, and the
// tenant's default_phone_region).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ats/shared/phone.hpp"

namespace ats::tracker_workable {

struct IdentityRules {
    // Region for numbers written without a country code (libphonenumber): the tenant's
    // provider_config.default_phone_region.
    std::string phone_region = ats::shared::kDefaultPhoneRegion;
    // Well-known fictional ranges (Ofcom's 07700 900xxx, 01632 960xxx; North America's 555-01xx)
    // are identities only in a sandbox tenant; in production two applicants who typed one are not
    // the same person.
    bool fictional_numbers_are_identities = false;
    // Further numbers that are never identities (any written form; compared after normalisation),
    // e.g. the agency's own switchboard.
    std::vector<std::string> phone_deny_list;
    // Turns a key ("e:ann@x.org", "n:ann lee") into what is kept and compared: the host's keyed
    // hash (identity_hash), so no state key holds a readable e-mail, phone or name. Empty = keys
    // stay readable (unit tests, or a host without identity_hash).
    std::function<std::string(std::string_view)> key_hasher;
};

} // namespace ats::tracker_workable
