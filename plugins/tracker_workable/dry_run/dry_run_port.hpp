// dry_run_port.hpp - a TrackerPort for `sync --dry-run`: reads go to the real port, writes become
// plan items and are never sent.
//
// So that the rest of a dry run decides exactly as a real run would, every recorded write is also
// answered as Tracker would answer it: a created person gets an id ("new-person-N"), a created
// link an id ("new-link-N"), and later reads of this run see them (a new person's links, notes,
// documents and fields; a status set on a link). Synthetic ids never reach the real port.
//
// Each plan item carries the Tracker method a real run would send and what it targets, so a plan
// can be compared item for item with the write log of the real run that follows it (the test
// `dry_run_plan_equals_the_following_real_sync`). The engine tells the port why it writes through
// TrackerPort::explain (per thread: one person's writes run on one thread).
#pragma once

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class DryRunPort : public TrackerPort {
public:
    explicit DryRunPort(TrackerPort &real) : real_(real) {}

    // The plan: one JSON object per write, in the order they were decided (see README "Dry run").
    boost::json::array plan() const;

    void explain(const std::string &application_id, const std::string &why, const std::string &from) override;

    void for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) override {
        real_.for_each_opportunity(fn);
    }
    void for_each_resource(const std::string &updated_after_utc,
                           const std::function<void(const TrackerResourceRow &)> &fn) override {
        real_.for_each_resource(updated_after_utc, fn);
    }
    void for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) override;
    std::vector<TrackerLinkRow> links_of_resource(const std::string &resource_id) override;
    std::vector<TrackerLinkRow> links_by_ids(const std::vector<std::string> &link_ids) override;
    TrackerResourceRow get_person(const std::string &resource_id) override;
    std::vector<TrackerResourceRow> find_people_by_name(const std::string &first_name,
                                                        const std::string &last_name) override {
        return real_.find_people_by_name(first_name, last_name);
    }
    std::vector<TrackerNoteRow> notes_of_person(const std::string &resource_id) override;
    std::vector<TrackerDocumentRow> documents_of_person(const std::string &resource_id) override;
    std::vector<std::string> link_status_names() override { return real_.link_status_names(); }
    // A dry run refuses what the real run would refuse.
    void before_writes() override { real_.before_writes(); }

    CreatedTrackerPerson create_person_on_opportunity(const NewTrackerPerson &person,
                                                      const std::string &opportunity_id) override;
    std::string create_link(const std::string &resource_id, const std::string &opportunity_id,
                            const std::string &source) override;
    void set_link_status(const std::string &link_id, const std::string &status_name) override;
    void update_person(const std::string &resource_id, const PersonFieldUpdate &update) override;
    std::string add_person_note(const std::string &resource_id, const std::string &subject,
                                const std::string &text) override;
    std::string attach_resume(const std::string &resource_id, const std::string &file_name,
                              const std::string &bytes) override;
    int64_t request_count() const override { return real_.request_count(); }

    static bool is_synthetic(const std::string &id) { return id.rfind("new-", 0) == 0; }

private:
    struct Why {
        std::string application_id, why, from;
    };
    // Appends one item (under mu_) with the calling thread's explanation, which it consumes.
    void record(boost::json::object item);
    void apply_status(TrackerLinkRow &row) const;

    TrackerPort &real_;
    mutable std::mutex mu_;
    boost::json::array plan_;
    std::map<std::thread::id, Why> why_;
    int people_ = 0, links_ = 0, notes_ = 0, documents_ = 0;
    std::map<std::string, TrackerResourceRow> new_people_;            // synthetic id -> as created
    std::map<std::string, PersonFieldUpdate> updates_;                // resource -> fields filled
    std::map<std::string, std::vector<TrackerLinkRow>> new_links_;    // resource -> links created
    std::map<std::string, std::string> statuses_;                     // link -> status set
    std::map<std::string, std::vector<TrackerNoteRow>> new_notes_;    // resource -> notes added
    std::map<std::string, std::vector<TrackerDocumentRow>> new_docs_; // resource -> documents added
};

} // namespace ats::tracker_workable
