// sync_summary.hpp - counters of one sync run and their JSON form
// (plugin_api/schema/sync_summary.schema.json). Thread-safe: worker threads count concurrently.
#pragma once

#include <atomic>
#include <cstdint>
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
    std::atomic<int64_t> applications_recovered{0}; // found in Tracker by read-back after a crash/timeout
    std::atomic<int64_t> kombo_pages{0};
    std::atomic<int64_t> identity_index_reads{0}; // paged reads of Tracker resources

    struct Item {
        std::string application_id;
        std::string detail;
    };
    void add_error(std::string app, std::string msg);
    void add_deleted(std::string app);
    void add_name_only(std::string app, std::string resource_id);
    void add_pending(std::string app, std::string reason);

    // JSON with the counters plus: mode, checkpoint_before/after, requests, duration_ms.
    std::string to_json(const std::string &tenant, bool full, const std::string &checkpoint_before,
                        const std::string &checkpoint_after, int64_t kombo_requests, int64_t tracker_requests,
                        int64_t duration_ms) const;

    size_t error_count() const;

private:
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
};

} // namespace ats::tracker_workable
