// tracker_port_client.hpp - TrackerPort (sync/tracker_port.hpp) on the shared Tracker client
// library (plugins/tracker/client, ats::tracker::TrackerClient): credentials, paging, overlap
// de-duplication, error mapping, local-time filters and status names all come from there. This
// adapter only translates types, so the sync engine never sees a Tracker wire detail.
//
// Widget methods used and the assumptions they rest on:
//   getRecords O with custom fields (A7, A13)   - job mapping by custom field / title
//   getRecords R, updatedafter local (A7, A8, A12) - the identity index
//   getRecords OR with resourceid (A2)          - read-back of a person's links
//   createResource + assigntoopportunity (A1)   - person and first link in one request
//   resourceApplication (A1)                    - further links
//   updateRecord OR opportunityresourcestatusid (A3, A4) - status by name
//   getRecords OR recordids (A2, A14)           - links by id
//   getIndividualRecord R (A12)                 - one person
//   getRecords R searchtext (A12)               - people by name (clock-free read-back)
//   getRecords A / D by linkrecordtype R (A6, A5) - a person's notes and documents
//   getSettings opportunityResourceStatuses (A4) - status names
//   updateRecord R email/cellphone/workphone/homephone + customfields - fill a person's contacts
//   createActivity linkRecordType R (A6)        - contact-details note
//   attachDocument documentType resume (A5)     - CV
//   createResource status 3 + recordId (A16)    - "already exists" answered as a result
#pragma once

#include "ats/tracker/client.hpp"

#include <mutex>
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class TrackerPortClient : public TrackerPort {
public:
    TrackerPortClient(const ats::tracker::TrackerClient &client, const ats_call_t *call)
        : client_(client), call_(call) {}

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
    std::vector<TrackerLinkRow> links_by_ids(const std::vector<std::string> &link_ids) override;
    TrackerResourceRow get_person(const std::string &resource_id) override;
    std::vector<TrackerResourceRow> find_people_by_name(const std::string &first_name,
                                                        const std::string &last_name) override;
    std::vector<TrackerNoteRow> notes_of_person(const std::string &resource_id) override;
    std::vector<TrackerDocumentRow> documents_of_person(const std::string &resource_id) override;
    std::vector<std::string> link_status_names() override;
    void update_person(const std::string &resource_id, const PersonFieldUpdate &update) override;
    std::string add_person_note(const std::string &resource_id, const std::string &subject,
                                const std::string &text) override;
    std::string attach_resume(const std::string &resource_id, const std::string &file_name,
                              const std::string &bytes) override;
    int64_t request_count() const override { return static_cast<int64_t>(client_.requests_sent()); }
    // The preflight of the wire assumptions the sync's writes rely on (TrackerWireProbe::
    // preflight_tags: A2, A4, A8, A12, A14), once per port (= per run); at most 9 requests, and
    // only in runs that write. Throws UPSTREAM naming each contradicted assumption.
    void before_writes() override;

private:
    TrackerResourceRow to_row(const ats::tracker::ResourceRow &r) const;
    // Custom fields by name -> [{id, value}] through getSettings; unknown names are skipped.
    std::vector<std::pair<int64_t, std::string>>
    resolve_custom_fields(const std::vector<std::pair<std::string, std::string>> &by_name) const;

    const ats::tracker::TrackerClient &client_;
    const ats_call_t *call_;
    std::mutex preflight_mu_;
    bool preflight_done_ = false;
};

// "812" -> 812; throws ats::sdk::Error(INVALID_ARGUMENT) naming `what` when not a Tracker id.
int64_t tracker_id(const std::string &id, const std::string &what);

} // namespace ats::tracker_workable
