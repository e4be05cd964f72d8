// mapper.hpp - Tracker rows -> unified records (plugin_api/schema/*.schema.json).
//
// Every Tracker timestamp is local time without offset (A8); it becomes UTC ISO 8601 through the
// tenant's zone (ats::shared::TimeZone; DST rules documented there). Outcome of an application is
// derived from its status NAME against the tenant's configured accepted/declined statuses.
#pragma once

#include "ats/shared/timezone.hpp"
#include "ats/tracker/rows.hpp"
#include "ats/tracker/settings.hpp"

#include <boost/json.hpp>

#include <map>
#include <string>

#include "ats/shared/phone.hpp"
#include "ats/tracker/status_names.hpp"

namespace ats::tracker {

struct MappingOptions {
    StatusNames statuses; // accepted -> outcome HIRED, declined -> DECLINED (rejected_at = last update)
    std::string default_phone_region = ats::shared::kDefaultPhoneRegion; // candidate phone_numbers[].e164
};

class RecordMapper {
public:
    RecordMapper(ats::shared::TimeZone zone, MappingOptions options);

    const MappingOptions &options() const { return options_; }
    const ats::shared::TimeZone &zone() const { return zone_; }

    // job.schema.json (without application_counts). `settings` decodes list custom fields (may be null).
    boost::json::object job(const OpportunityRow &row, const Settings *settings) const;
    // Adds the enhanced fields of a getIndividualRecord row: description, client, location, and
    // application_counts {total, by_stage} from the given links' status names.
    void add_enhanced(boost::json::object &job, const OpportunityRow &row,
                      const std::map<std::string, int64_t> &counts_by_status) const;
    boost::json::object application(const LinkRow &row) const;
    boost::json::object candidate(const ResourceRow &row, const Settings *settings) const;
    // note.schema.json from an activity row (A6); `link_field` is "application_id" or "candidate_id".
    boost::json::object note(const boost::json::object &activity, std::string_view link_field,
                             const std::string &link_id) const;
    // attachment.schema.json from a document row (A5).
    boost::json::object attachment(const boost::json::object &document, std::string_view link_field,
                                   const std::string &link_id) const;
    // {name: value} from a row's customfields [{id, name, value}], list values decoded to names.
    boost::json::object custom_fields(const boost::json::object &row, const Settings *settings) const;

    // Local Tracker time -> UTC ISO string; null for an empty or unreadable value (logged by caller).
    boost::json::value utc_or_null(std::string_view local, std::string_view what) const;
    // Unified attachment type of a Tracker documentType, and back.
    static std::string attachment_type(std::string_view tracker_document_type);
    static std::string tracker_document_type(std::string_view unified_type);
    // OPEN / CLOSED / DRAFT / ARCHIVED from a database-specific opportunity status name.
    static std::string job_status(std::string_view tracker_status);

private:
    ats::shared::TimeZone zone_;
    MappingOptions options_;
};

} // namespace ats::tracker
