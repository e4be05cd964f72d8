#include "sync_scheduler.hpp"

#include "sync_history.hpp"

#include "ats_plugin.h"
#include "crypto.hpp"
#include "event_log.hpp"
#include "metrics.hpp"
#include "operation_support.hpp"
#include "serve_state.hpp"
#include "api_error.hpp"
#include "record_sinks.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

namespace ats::serve {

namespace {
constexpr size_t kRunsKept = 20;

// A steady-clock deadline as wall-clock ISO 8601 UTC (for reports).
std::string iso_of(std::chrono::steady_clock::time_point due) {
    return iso8601_utc(
        std::chrono::system_clock::now() +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(due - std::chrono::steady_clock::now()));
}

// Seconds between scheduled incremental syncs (0 = no schedule), from the tenant's manifest.
int sync_interval_seconds(const ats::host::Tenant &tenant) {
    auto v = tenant.manifest().sync_interval_seconds;
    return v ? static_cast<int>(*v) : 0;
}

// Seconds between scheduled FULL syncs, from the manifest (default daily); 0 = none, also when
// the provider does not sync at all.
int full_sync_every_seconds(const ats::host::Tenant &tenant) {
    if (not_supported(tenant, ATS_OP_SYNC)) return 0;
    auto v = tenant.manifest().sync_full_every_seconds;
    return std::max(0, static_cast<int>(v ? *v : ats::host::kDefaultFullSyncEverySeconds));
}
} // namespace

boost::json::object SyncRun::to_json() const {
    boost::json::object o{{"id", id},
                          {"tenant_id", tenant_id},
                          {"provider", provider},
                          {"trigger", trigger},
                          {"full", full},
                          {"retry_quarantined", retry_quarantined},
                          {"status", status},
                          {"started_at", started_at}};
    o["finished_at"] = finished_at.empty() ? boost::json::value(nullptr) : boost::json::value(finished_at);
    o["summary"] = summary;
    if (!error_code.empty())
        o["error"] = boost::json::object{{"code", error_code}, {"message", error_message}};
    else
        o["error"] = nullptr;
    o["request_id"] = request_id.empty() ? boost::json::value(nullptr) : boost::json::value(request_id);
    o["dry_run"] = dry_run;
    if (finished_ms > 0) o["duration_ms"] = finished_ms - started_ms;
    return o;
}

void record_in_history(ats::host::Tenant &tenant, const SyncRun &run, EventLog &log) {
    boost::json::object record = run.to_json();
    record["summary"] = ats::host::summary_for_history(run.summary);
    try {
        tenant.sync_history().record(record);
    } catch (const std::exception &e) {
        log.event("sync_history_failed", {{"tenant", run.tenant_id}, {"run_id", run.id}, {"error", e.what()}});
    }
}

SyncScheduler::SyncScheduler(ServeState &state, EventLog &log, Metrics &metrics)
    : state_(state), log_(log), metrics_(metrics) {}

SyncScheduler::~SyncScheduler() { stop(); }

void SyncScheduler::start() {
    loop_thread_ = std::thread([this] { loop(); });
}

void SyncScheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (loop_thread_.joinable()) loop_thread_.join();
    std::vector<Worker> workers;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        workers.swap(workers_);
    }
    for (auto &w : workers) w.thread.join();
}

void SyncScheduler::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(500));
        if (stopping_) break;
        auto tenants = state_.tenants();
        if (!tenants) continue;
        auto now = std::chrono::steady_clock::now();
        std::vector<std::shared_ptr<ats::host::Tenant>> due, due_full;
        for (const auto &[tenant, runtime] : tenants->tenants) {
            // Full reconciliation (see the header): due first, it covers an incremental run.
            const int full_every = full_sync_every_seconds(*runtime);
            bool full_now = false;
            if (full_every <= 0) {
                next_full_.erase(tenant);
            } else {
                auto f = next_full_.find(tenant);
                if (f == next_full_.end() || f->second.every_seconds != full_every) {
                    next_full_[tenant] = FullSchedule{full_every, now + std::chrono::seconds(full_every)};
                } else if (now >= f->second.due) {
                    full_now = true;
                    due_full.push_back(runtime);
                }
            }
            if (sync_interval_seconds(*runtime) <= 0) continue;
            auto interval = std::chrono::seconds(sync_interval_seconds(*runtime));
            auto it = next_due_.find(tenant);
            if (it == next_due_.end()) {
                // First sight of the tenant (start or reload): first run one interval from now.
                next_due_[tenant] = now + interval;
                continue;
            }
            if (now >= it->second) {
                it->second = now + interval;
                if (!full_now) due.push_back(runtime);
            }
        }
        lock.unlock();
        for (auto &runtime : due_full) trigger(runtime, "schedule", true, ""); // busy: retried next tick
        for (auto &runtime : due) trigger(runtime, "schedule", false, "");
        lock.lock();
    }
}

std::pair<SyncScheduler::Start, SyncRun> SyncScheduler::trigger(const std::shared_ptr<ats::host::Tenant> &runtime,
                                                                const std::string &trigger, bool full,
                                                                const std::string &request_id, bool retry_quarantined) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto &list = runs_[runtime->id()];
    if (!list.empty() && list.front().status == "running") return {Start::already_running, list.front()};
    if (stopping_) {
        SyncRun refused;
        refused.status = "failed";
        refused.error_code = "shutting_down";
        return {Start::already_running, refused};
    }
    SyncRun run;
    ++counter_;
    run.started_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    run.id = ats::host::SyncHistory::new_run_id(run.started_ms); // the history's id: sortable by start
    run.tenant_id = runtime->id();
    run.provider = runtime->plugin()->provider();
    run.trigger = trigger;
    run.request_id = request_id;
    run.full = full;
    run.retry_quarantined = retry_quarantined;
    run.status = "running";
    run.started_at = utc_now_iso8601();
    list.push_front(run);
    if (full) {
        // A full run (any trigger) restarts the full interval and covers the next incremental run.
        auto now = std::chrono::steady_clock::now();
        last_full_[run.tenant_id] = run;
        if (auto f = next_full_.find(run.tenant_id); f != next_full_.end())
            f->second.due = now + std::chrono::seconds(f->second.every_seconds);
        if (auto d = next_due_.find(run.tenant_id); d != next_due_.end() && sync_interval_seconds(*runtime) > 0)
            d->second = now + std::chrono::seconds(sync_interval_seconds(*runtime));
    }
    while (list.size() > kRunsKept) list.pop_back();
    // Join the threads of finished runs so a long-lived schedule does not pile them up.
    for (auto it = workers_.begin(); it != workers_.end();) {
        if (it->done->load()) {
            it->thread.join();
            it = workers_.erase(it);
        } else {
            ++it;
        }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back(Worker{std::thread([this, runtime, id = run.id, done] {
                                  execute(runtime, id);
                                  done->store(true);
                              }),
                              done});
    log_.event("sync_started", {{"tenant", run.tenant_id},
                                {"provider", run.provider},
                                {"run_id", run.id},
                                {"trigger", trigger},
                                {"request_id", request_id}});
    return {Start::started, run};
}

void SyncScheduler::execute(std::shared_ptr<ats::host::Tenant> runtime, std::string run_id) {
    SyncRun final_state;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto &r : runs_[runtime->id()])
            if (r.id == run_id) final_state = r;
    }
    auto started = std::chrono::steady_clock::now();
    ats::host::CallOptions call;
    call.request_id = final_state.request_id.empty() ? run_id : final_state.request_id;
    call.cancelled = [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return stopping_;
    };
    SingleRecord summary;
    boost::json::object args{{"full", final_state.full}};
    if (final_state.retry_quarantined) args["retry_quarantined"] = true;
    ats::host::InvokeResult outcome;
    try {
        outcome = runtime->invoke(ATS_OP_SYNC, boost::json::serialize(args), summary.sink(), call);
    } catch (const std::exception &e) {
        outcome.status = ATS_ERR_INTERNAL;
        outcome.message = e.what();
    }
    final_state.finished_at = utc_now_iso8601();
    final_state.finished_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    if (outcome.status == ATS_OK) {
        final_state.status = "succeeded";
        boost::system::error_code ec;
        final_state.summary =
            summary.record.empty() ? boost::json::value(nullptr) : boost::json::parse(summary.record, ec);
        if (ec) final_state.summary = boost::json::string(summary.record);
    } else {
        final_state.status = "failed";
        final_state.error_code = code_for_abi(outcome.status);
        final_state.error_message = outcome.message;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.add("ats_sync_runs_total",
                 {{"tenant", final_state.tenant_id}, {"trigger", final_state.trigger}, {"status", final_state.status}});
    metrics_.observe("ats_sync_duration_seconds", {{"tenant", final_state.tenant_id}}, secs);
    log_.event("sync_finished", {{"tenant", final_state.tenant_id},
                                 {"run_id", run_id},
                                 {"status", final_state.status},
                                 {"seconds", secs},
                                 {"error", final_state.error_message},
                                 {"request_id", call.request_id}});
    if (stopping_snapshot() && final_state.status == "failed") final_state.status = "cancelled";
    record_in_history(*runtime, final_state, log_);
    finish_run(final_state.tenant_id, run_id, final_state);
}

bool SyncScheduler::stopping_snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
}

void SyncScheduler::finish_run(const std::string &tenant, const std::string &run_id, const SyncRun &final_state) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto &r : runs_[tenant])
        if (r.id == run_id) r = final_state;
    if (auto l = last_full_.find(tenant); l != last_full_.end() && l->second.id == run_id) l->second = final_state;
}

boost::json::object SyncScheduler::schedule_json(const std::shared_ptr<ats::host::Tenant> &runtime) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string &tenant = runtime->id();
    boost::json::object o;
    int interval = sync_interval_seconds(*runtime);
    o["interval_seconds"] = interval > 0 ? boost::json::value(interval) : boost::json::value(nullptr);
    auto d = next_due_.find(tenant);
    o["next_run_at"] =
        interval > 0 && d != next_due_.end() ? boost::json::value(iso_of(d->second)) : boost::json::value(nullptr);
    auto f = next_full_.find(tenant);
    if (f != next_full_.end()) {
        o["full_every_seconds"] = f->second.every_seconds;
        o["next_full_run_at"] = iso_of(f->second.due);
    } else {
        int every = full_sync_every_seconds(*runtime);
        // Not seen by the loop yet (it ticks every 500 ms): the first full run is one interval out.
        o["full_every_seconds"] = every > 0 ? boost::json::value(every) : boost::json::value(nullptr);
        o["next_full_run_at"] =
            every > 0 ? boost::json::value(iso_of(std::chrono::steady_clock::now() + std::chrono::seconds(every)))
                      : boost::json::value(nullptr);
    }
    auto l = last_full_.find(tenant);
    o["last_full_run"] = l != last_full_.end() ? boost::json::value(l->second.to_json()) : boost::json::value(nullptr);
    return o;
}

std::vector<SyncRun> SyncScheduler::runs(const std::string &tenant_id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = runs_.find(tenant_id);
    if (it == runs_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

} // namespace ats::serve
