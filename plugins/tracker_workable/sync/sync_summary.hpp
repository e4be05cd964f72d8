// sync_summary.hpp - counters of one sync run and their JSON form
// (plugin_api/schema/sync_summary.schema.json). Thread-safe: worker threads count concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ats::tracker_workable {

struct SyncSummary {
    std::atomic<int64_t> applications_seen{0};
    std::atomic<int64_t> people_matched_email{0};
    std::atomic<int64_t> people_matched_phone{0};
    std::atomic<int64_t> people_matched_known{0}; // by an identity remembered in state (Kombo candidate id)
    std::atomic<int64_t> people_created{0};
    std::atomic<int64_t> applications_created{0};
    std::atomic<int64_t> applications_updated{0};
    std::atomic<int64_t> applications_unchanged{0};
    std::atomic<int64_t> applications_pending{0};
    std::atomic<int64_t> applications_recovered{0};   // found in Tracker by read-back after a crash/timeout
    std::atomic<int64_t> applications_quarantined{0}; // skipped: quarantined and unchanged in Workable
    std::atomic<int64_t> applications_invalid{0};     // refused input (no name, name too long)
    std::atomic<int64_t> people_enriched{0};          // existing Tracker people given missing contact details
    std::atomic<int64_t> contact_fields_filled{0};    // email/phone fields written (new and existing people)
    std::atomic<int64_t> contact_details_noted{0};    // details kept in the labelled note
    std::atomic<int64_t> contact_details_refused{0};  // too long to be a contact detail (reported)
    std::atomic<int64_t> statuses_written{0};         // status writes (new links and Workable changes)
    std::atomic<int64_t> statuses_replaced{0};        // a recruiter's status replaced by a terminal outcome
    std::atomic<int64_t> statuses_kept{0};            // a recruiter's status kept over a Workable change
    std::atomic<int64_t> links_missing{0};            // a synced link no longer in Tracker
    std::atomic<int64_t> documents_attached{0};
    std::atomic<int64_t> documents_refused{0};
    std::atomic<int64_t> documents_failed{0};
    std::atomic<int64_t> document_bytes{0};
    std::atomic<int64_t> intents_confirmed{0};   // leftover write intents found applied in Tracker
    std::atomic<int64_t> intents_not_applied{0}; // leftover write intents Tracker does not show
    std::atomic<int64_t> kombo_pages{0};
    std::atomic<int64_t> identity_index_reads{0};         // paged reads of Tracker resources
    int64_t pending_expired = 0, quarantined_expired = 0; // retention, before the run

    struct Item {
        std::string application_id;
        std::string detail;
    };
    void add_error(std::string app, std::string msg);
    void add_deleted(std::string app);
    void add_name_only(std::string app, std::string resource_id);
    void add_pending(std::string app, std::string reason);
    // Free-form lists (statuses_replaced, statuses_kept, identity_conflicts, quarantined,
    // documents_refused, links_missing, contact_details_refused): each item a JSON object text
    // with at least "application_id".
    void add_item(const std::string &list, std::string item_json);

    // JSON with the counters plus: mode, checkpoint_before/after, requests, duration_ms.
    std::string to_json(const std::string &tenant, bool full, const std::string &checkpoint_before,
                        const std::string &checkpoint_after, int64_t kombo_requests, int64_t tracker_requests,
                        int64_t duration_ms) const;

    size_t error_count() const;

    // Distinct reasons counted per group (attention_groups); beyond it they count under
    // kOtherReasons, so the totals stay exact whatever the upstream's messages hold.
    static constexpr size_t kReasonCap = 500;
    static constexpr const char *kOtherReasons = "(other reasons)";

private:
    // Exact counts by reason of what needs an operator (pending, quarantined, errors, refused,
    // identity conflicts), whatever the lists' cap: a person's summary groups by these.
    void count_reason(const std::string &group, const std::string &reason); // mu_ held
    std::map<std::string, std::map<std::string, int64_t>> reasons_;
    // Lists keep at most kListCap items (the counts stay exact), so a run over 100,000
    // applications with thousands pending does not grow memory with them.
    static constexpr size_t kListCap = 1000;
    struct List {
        std::vector<Item> items;
        int64_t count = 0;
        void add(Item i) {
            ++count;
            if (items.size() < kListCap) items.push_back(std::move(i));
        }
    };
    mutable std::mutex mu_;
    List errors_, deleted_, name_only_, pending_;
    std::map<std::string, std::pair<int64_t, std::vector<std::string>>> extra_;
};

} // namespace ats::tracker_workable
