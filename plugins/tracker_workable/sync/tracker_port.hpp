// tracker_port.hpp - the Tracker operations the Workable sync needs, as one narrow interface.
//
// The sync engine talks to Tracker only through this seam; tracker_port_client.cpp implements it
// on the shared Tracker client library (plugins/tracker/client), so every wire detail stays in that
// one adapter (tracker-api.md: "keep every Tracker wire detail in one adapter"). Tests of the
// engine still run against the real sandbox through the real client - this is not a mock seam.
//
// Error contract: failures throw ats::sdk::Error. For the three writes, ATS_ERR_TRANSIENT means
// "outcome unknown" (timeout, reset, 5xx after the request may have been applied): the caller must
// read back before trying again (sync-semantics.md, "Exactly-once effects", rule 4).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ats::tracker_workable {

struct TrackerResourceRow {
    std::string id;
    std::string first_name, last_name;
    std::string email;
    std::vector<std::string> phones; // cell, work, home as stored (any format)
    std::vector<std::pair<std::string, std::string>> custom_fields; // (name, value)
};

struct TrackerOpportunityRow {
    std::string id;
    std::string name;
    std::vector<std::pair<std::string, std::string>> custom_fields; // (name, value)
};

struct TrackerLinkRow { // an application: opportunity-resource link (TRACKER-ASSUMPTION A1/A2)
    std::string id;
    std::string opportunity_id;
    std::string resource_id;
    std::string status; // status name
};

struct NewTrackerPerson {
    std::string first_name, last_name;
    std::string email;
    std::string cellphone; // first phone that parses, as E.164; "" when none
    std::string source;
    // Resource custom fields by NAME (the adapter resolves ids through getSettings; a name the
    // database does not have is skipped).
    std::vector<std::pair<std::string, std::string>> custom_fields;
};

struct CreatedTrackerPerson {
    std::string resource_id;
    std::string link_id; // link on the opportunity it was assigned to (A1: createResource answers linkId)
};

class TrackerPort {
public:
    virtual ~TrackerPort() = default;

    // Every opportunity (paged to the end), with custom fields, for the job mapping.
    virtual void for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) = 0;
    // Every resource updated at/after `updated_after_utc` (ISO 8601 UTC; "" = all), paged to the end.
    virtual void for_each_resource(const std::string &updated_after_utc,
                                   const std::function<void(const TrackerResourceRow &)> &fn) = 0;
    // Every link in Tracker (A2, paged to the end).
    virtual void for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) = 0;
    // Every link of one resource (A2 with filter resourceid).
    virtual std::vector<TrackerLinkRow> links_of_resource(const std::string &resource_id) = 0;

    // Writes (non-idempotent creates: see the error contract above).
    // createResource with instructions.assigntoopportunity (A1): the person and the link at once.
    virtual CreatedTrackerPerson create_person_on_opportunity(const NewTrackerPerson &person,
                                                              const std::string &opportunity_id) = 0;
    // resourceApplication: answers the link id (A1).
    virtual std::string create_link(const std::string &resource_id, const std::string &opportunity_id,
                                     const std::string &source) = 0;
    // updateRecord OR opportunityresourcestatusid (A3), the status given by NAME (resolved via A4).
    // Idempotent: setting the same status twice is harmless.
    virtual void set_link_status(const std::string &link_id, const std::string &status_name) = 0;

    // HTTP requests sent to Tracker so far (for the summary and the benchmark).
    virtual int64_t request_count() const = 0;
};

} // namespace ats::tracker_workable
