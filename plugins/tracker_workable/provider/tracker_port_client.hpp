// tracker_port_client.hpp - TrackerPort (sync/tracker_port.hpp) on the shared Tracker client
// library (plugins/tracker/client, ats::tracker::TrackerClient): credentials, paging, overlap
// de-duplication, error mapping, local-time filters and status names all come from there. This
// adapter only translates types, so the sync engine never sees a Tracker wire detail.
//
// Widget methods used (tracker-api.md) and the assumptions they rest on:
//   getRecords O with custom fields (A7, A13)   - job mapping by custom field / title
//   getRecords R, updatedafter local (A7, A8, A12) - the identity index
//   getRecords OR with resourceid (A2)          - read-back of a person's links
//   createResource + assigntoopportunity (A1)   - person and first link in one request
//   resourceApplication (A1)                    - further links
//   updateRecord OR opportunityresourcestatusid (A3, A4) - status by name
#pragma once

#include "ats/tracker/client.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class TrackerPortClient : public TrackerPort {
public:
    TrackerPortClient(const ats::tracker::TrackerClient &client, const ats_call_t *call) : client_(client), call_(call) {}

    void for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) override;
    void for_each_resource(const std::string &updated_after_utc,
                           const std::function<void(const TrackerResourceRow &)> &fn) override;
    void for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) override;
    std::vector<TrackerLinkRow> links_of_resource(const std::string &resource_id) override;
    CreatedTrackerPerson create_person_on_opportunity(const NewTrackerPerson &person,
                                                      const std::string &opportunity_id) override;
    std::string create_link(const std::string &resource_id, const std::string &opportunity_id,
                            const std::string &source) override;
    void set_link_status(const std::string &link_id, const std::string &status_name) override;
    int64_t request_count() const override { return static_cast<int64_t>(client_.requests_sent()); }

private:
    const ats::tracker::TrackerClient &client_;
    const ats_call_t *call_;
};

// "812" -> 812; throws ats::sdk::Error(INVALID_ARGUMENT) naming `what` when not a Tracker id.
int64_t tracker_id(const std::string &id, const std::string &what);

} // namespace ats::tracker_workable
