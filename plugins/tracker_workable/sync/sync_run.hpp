// sync_run.hpp - the state of one sync run and the steps it is made of. One object per run;
// sync_engine.cpp drives it (lock, pending list, Kombo pages, checkpoint).
//
// The steps live in files of their own:
//   sync_run.cpp          a batch: classify (classify.hpp), identities and grouping by person
//                         (identity/person_grouping.hpp), intents first, then the people run on
//                         up to max_concurrency threads, each person's writes in order
//   person_writer.cpp     one person's writes: create or find the person, links, statuses
//                         (status_rule.hpp), contact details (contact_plan.hpp)
//   document_sync.cpp     one application's CVs: Kombo attachments -> Tracker résumé documents
//   intent_reconciler.cpp write intents left by an interrupted run, resolved by reading back
//   pending_list.cpp      the pending list and the quarantine
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ats_plugin.hpp"
#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"
#include "kombo/kombo_client.hpp"
#include "sync/classify.hpp"
#include "sync/commit_log.hpp"
#include "sync/contact_plan.hpp"
#include "sync/job_mapper.hpp"
#include "sync/status_rule.hpp"
#include "sync/sync_config.hpp"
#include "sync/sync_state.hpp"
#include "sync/sync_summary.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

struct RunOptions {
    bool full = false;
    bool retry_quarantined = false;
};

// One application's work in a batch.
struct Work {
    KomboApplication app;         // sanitized
    std::optional<AppRecord> rec; // set for applications synced before
    std::string opportunity_id;
    PersonIdentity identity;
    bool had_intent = false;                   // a create intent from an interrupted run
    StatusDecision status;                     // for rec: what to do with the status
    std::optional<std::string> tracker_status; // Tracker's status today, when it was read
    bool link_exists = true;
    bool wants_documents = false; // list and attach this application's CVs
    // The identity rules keep this applicant apart from another who typed the same e-mail (other
    // name, other phones): Tracker refuses a second resource with an e-mail it has, so this person
    // is created without it (the e-mail goes into the contact note) and the e-mail never finds them.
    bool email_kept_apart = false;
};

// The writes of one person, run sequentially by one worker.
struct PersonTask {
    std::string resource_id;   // "" = a new person: the first new application creates it
    char match_kind = 0;       // 'k', 'w', 'e', 'p' when matched
    std::vector<Work *> known; // synced before: status, contacts, documents
    std::vector<Work *> news;  // to link (and create the person for)
};

class SyncRun {
public:
    SyncRun(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &tracker,
            const ats::sdk::Call &call, RunOptions options);

    SyncSummary summary;
    // Progress (read by the engine's thread while batches run): Tracker people read by an
    // identity refresh under way, and applications the run has finished with (any outcome).
    std::atomic<bool> refreshing_identity{false};
    std::atomic<int64_t> identity_rows_read{0};
    int64_t applications_finished() const {
        return summary.applications_created + summary.applications_updated + summary.applications_unchanged +
               summary.applications_pending + summary.applications_recovered + summary.applications_invalid +
               static_cast<int64_t>(summary.error_count());
    }

    // Write intents (status, contact note, document) left by an interrupted run: read back, then
    // recorded as done or dropped (intent_reconciler.cpp).
    void reconcile_leftover_intents();
    // The pending list (and, with retry_quarantined, the quarantine) in page-sized batches.
    void retry_pending();
    // Lists every quarantined application in the summary (call once, after the last batch).
    void report_quarantine();
    // One batch of applications (a group of Kombo pages, or of pending entries).
    void process_batch(std::vector<KomboApplication> apps, bool from_pending);

private:
    friend class PersonWriter;
    // sync_run.cpp
    void load_markers();
    const std::vector<std::string> &tracker_statuses();
    void ensure_person_map_loaded();
    void refresh_index(bool force);
    void read_link_statuses(std::vector<Work> &work, const std::vector<size_t> &which);
    void run_tasks(std::vector<PersonTask> &tasks);
    // pending_list.cpp
    void park(const KomboApplication &a, const std::string &kind, const std::string &reason,
              ats::sdk::Host::Batch *batch, bool counts = true);
    void fail(Work &w, const std::exception &e);
    void refuse(const KomboApplication &a, const std::string &reason, ats::sdk::Host::Batch &batch);
    void unpark(const std::string &kombo_id, ats::sdk::Host::Batch &batch);
    std::optional<PendingRecord> pending_record(const std::string &prefix, const std::string &kombo_id) const;
    // person_writer.cpp
    void run_task(PersonTask &t);
    // document_sync.cpp
    bool sync_documents(Work &w, const std::string &resource_id, StateOps &ops);

    bool created_this_run(const std::string &res);
    bool is_verified(const std::string &res);
    std::set<std::string> known_tokens(const std::string &res);

    ats::sdk::Host host_;
    const SyncConfig &cfg_;
    KomboClient &kombo_;
    TrackerPort &tracker_;
    const ats::sdk::Call &call_;
    RunOptions options_;
    SyncState state_;
    JobMapper jobs_;
    IdentityIndex index_;
    CommitLog commits_{state_};

    // Every Tracker link, read once per run when that is cheaper than one read per person.
    std::mutex links_mu_;
    bool bulk_links_loaded_ = false;
    std::unordered_map<std::string, std::vector<TrackerLinkRow>> links_by_resource_;
    void maybe_load_all_links(size_t resources_to_read);
    std::vector<TrackerLinkRow> links_of(const std::string &res);

    std::mutex mu_;
    std::unordered_set<std::string> verified_;                    // resources whose links we know
    std::unordered_set<std::string> created_;                     // resources created by this run
    std::unordered_set<std::string> intents_;                     // kombo ids with a create intent from before
    std::unordered_set<std::string> pending_ids_;                 // kombo ids in "pend/"
    std::unordered_set<std::string> quarantined_ids_;             // kombo ids in "quar/"
    std::unordered_map<std::string, std::string> tried_this_run_; // kombo id -> remote_updated_at tried
    std::unordered_set<std::string> parked_this_run_;             // kombo ids counted as pending by this run
    bool person_map_loaded_ = false;

    std::mutex refresh_mu_;
    bool refreshed_ = false;
    // Contact fields of the resources the identity refresh read in this run: a person found
    // there costs no extra read before their empty fields are filled. (Slim: a few strings each.)
    struct KnownFields {
        std::string email, cellphone, workphone, homephone, workable_source;
    };
    std::unordered_map<std::string, KnownFields> refreshed_fields_;
    std::optional<KnownFields> fields_from_refresh(const std::string &res);
    void remember_filled(const std::string &res, const PersonFieldUpdate &filled); // keeps the above current
    void remember_created(const std::string &res, const NewTrackerPerson &p);      // a person this run created

    std::mutex statuses_mu_;
    std::optional<std::vector<std::string>> tracker_statuses_;
};

} // namespace ats::tracker_workable
