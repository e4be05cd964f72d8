// rows.hpp - Tracker's answer rows, typed. Field names and casing follow the documented samples
// and TRACKER-ASSUMPTION A2 (links), A12 (resources), A13 (opportunities); lookups are
// case-insensitive because Tracker mixes casing within one answer. Times stay as Tracker sends
// them (local, no offset, A8); RecordMapper converts them through the tenant's zone.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ats::tracker {

struct ResourceRow { // record type R (A12)
    int64_t id = 0;
    std::string full_name, first_name, last_name;
    std::string email, mobile_phone, work_phone, home_phone;
    std::string job_title, company, source;
    std::string date_created, last_updated; // local "YYYY-MM-DD HH:MM:SS"
    boost::json::object raw;                // the whole row (details, customfields, ...)
};

struct LinkRow { // record type OR, an application (A1, A2)
    int64_t id = 0;
    int64_t opportunity_id = 0, resource_id = 0, status_id = 0;
    std::string opportunity_name, resource_name;
    std::string list;   // "long" | "short"
    std::string status; // status name (A4)
    std::string source;
    std::string date_added, last_updated; // local
    boost::json::object raw;
};

struct OpportunityRow { // record type O, a job (A13)
    int64_t id = 0;
    std::string name, company, status;
    int64_t client_id = 0;
    std::string date_opened, last_updated; // local
    boost::json::object raw;               // getIndividualRecord adds description, location, ...
};

// A Tracker record id written as text ("812"): digits only, positive, within int64; nullopt for
// anything else (sign, spaces, zero, overflow). The one parser of ids for both providers.
std::optional<int64_t> parse_record_id(std::string_view text);

ResourceRow parse_resource_row(const boost::json::object &row);
LinkRow parse_link_row(const boost::json::object &row);
OpportunityRow parse_opportunity_row(const boost::json::object &row);

} // namespace ats::tracker
