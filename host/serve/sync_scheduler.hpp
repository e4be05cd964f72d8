// sync_scheduler.hpp - syncs as a service: per-tenant schedules (the interval comes from the
// tenant's manifest, sync.interval_seconds), on-demand runs (POST .../sync) and webhook-triggered
// runs. At most one run per tenant at a time; the last runs of each tenant are kept in memory
// with their summaries.
//
// Full reconciliation: every tenant whose provider supports `sync` also gets a scheduled FULL run
// ({"full": true}) every sync.full_every_seconds of its manifest (default daily, 0 = never), the first one interval after the tenant is first seen (start or
// reload; a changed interval restarts the count). A full run that finds another run going is
// retried on the next tick (500 ms) rather than skipped; any full run (scheduled or POST
// {"full": true}) restarts the full interval and pushes the next incremental run one interval
// out (a full run covers it). schedule_json() reports the next runs and the last full run.
#pragma once

#include "tenant.hpp"

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ats::serve {

class EventLog;
class Metrics;
class ServeState;

struct SyncRun {
    std::string id;
    std::string tenant_id;
    std::string provider;
    std::string trigger;    // "schedule" | "api" | "webhook"
    std::string request_id; // of the request that started it ("" for the schedule)
    bool full = false;
    bool retry_quarantined = false;          // sync {"retry_quarantined": true}
    bool dry_run = false;                    // sync {"dry_run": true} (answered at once, recorded in the history)
    int64_t started_ms = 0, finished_ms = 0; // wall clock, ms since the epoch
    std::string status;                      // "running" | "succeeded" | "failed"
    std::string started_at, finished_at;
    boost::json::value summary; // the provider's sync_summary (null until it succeeded)
    std::string error_code, error_message;
    boost::json::object to_json() const;
};

// Stores a finished run in the tenant's sync history; a failure is logged, never thrown (the
// run's own result stands).
void record_in_history(ats::host::Tenant &tenant, const SyncRun &run, EventLog &log);

class SyncScheduler {
public:
    SyncScheduler(ServeState &state, EventLog &log, Metrics &metrics);
    ~SyncScheduler();

    void start();
    // Cancels running syncs (the plugin sees is_cancelled) and joins every thread.
    void stop();

    enum class Start { started, already_running };
    // Starts a run of `runtime`'s tenant now. Returns the new run, or the one already running.
    std::pair<Start, SyncRun> trigger(const std::shared_ptr<ats::host::Tenant> &runtime, const std::string &trigger,
                                      bool full, const std::string &request_id, bool retry_quarantined = false);
    // Newest first.
    std::vector<SyncRun> runs(const std::string &tenant_id) const;
    // {"interval_seconds", "next_run_at", "full_every_seconds", "next_full_run_at", "last_full_run"}
    // (null where there is no schedule / no run yet; times ISO 8601 UTC).
    boost::json::object schedule_json(const std::shared_ptr<ats::host::Tenant> &runtime) const;

private:
    void loop();
    void execute(std::shared_ptr<ats::host::Tenant> runtime, std::string run_id);
    void finish_run(const std::string &tenant, const std::string &run_id, const SyncRun &final_state);
    bool stopping_snapshot() const;

    ServeState &state_;
    EventLog &log_;
    Metrics &metrics_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::map<std::string, std::deque<SyncRun>> runs_; // per tenant, newest first
    std::map<std::string, std::chrono::steady_clock::time_point> next_due_;
    struct FullSchedule {
        int every_seconds = 0;
        std::chrono::steady_clock::time_point due;
    };
    std::map<std::string, FullSchedule> next_full_; // per tenant
    std::map<std::string, SyncRun> last_full_;      // per tenant: the newest full run (any trigger)
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> workers_;
    std::thread loop_thread_;
    uint64_t counter_ = 0;
};

} // namespace ats::serve
