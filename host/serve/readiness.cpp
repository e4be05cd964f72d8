#include "readiness.hpp"

#include "ats_plugin.h"
#include "event_log.hpp"
#include "record_sinks.hpp"
#include "serve_state.hpp"

#include <boost/json.hpp>

namespace ats::serve {

Readiness::Readiness(ServeState &state, EventLog &log, std::chrono::seconds interval,
                     std::chrono::milliseconds check_timeout)
    : state_(state), log_(log), interval_(interval), check_timeout_(check_timeout) {}

Readiness::~Readiness() { stop(); }

void Readiness::start() {
    thread_ = std::thread([this] { loop(); });
}

void Readiness::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    {
        std::lock_guard<std::mutex> lock(shared_->mutex);
        shared_->stopping = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    // Check threads still inside a plugin are not waited for: they hold only shared state.
}

void Readiness::start_round(uint64_t generation) {
    auto tenants = state_.tenants();
    if (!tenants) return;
    for (const auto &[tenant, runtime] : tenants->tenants) {
        std::shared_ptr<Shared> shared = shared_;
        auto started = std::chrono::steady_clock::now();
        {
            std::lock_guard<std::mutex> lock(shared->mutex);
            if (shared->running.count(tenant)) continue; // the previous check has not returned
            shared->running[tenant] = started;
        }
        auto deadline = started + check_timeout_;
        EventLog *log = &log_;
        std::thread([shared, runtime = runtime, tenant = tenant, generation, deadline, log] {
            Check c;
            c.generation = generation;
            c.provider = runtime->plugin()->provider();
            // The plugin sees the call cancelled at the deadline; a worker-process plugin that
            // ignores it is killed shortly after.
            ats::host::CallOptions call;
            call.request_id = "readyz-" + tenant;
            call.cancelled = [shared, deadline] {
                if (std::chrono::steady_clock::now() >= deadline) return true;
                std::lock_guard<std::mutex> l(shared->mutex);
                return shared->stopping;
            };
            SingleRecord result; // the check's report is not kept: its status is the answer
            ats::host::InvokeResult outcome;
            try {
                outcome = runtime->invoke(ATS_OP_CHECK, "{}", result.sink(), call);
            } catch (const std::exception &e) {
                outcome.status = ATS_ERR_INTERNAL;
                outcome.message = e.what();
            }
            c.ok = outcome.status == ATS_OK;
            c.error = outcome.failure.empty() ? outcome.message : outcome.failure + ": " + outcome.message;
            c.at = utc_now_iso8601();
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->running.erase(tenant);
            if (shared->stopping) return;
            if (!c.ok) log->event("check_failed", {{"tenant", tenant}, {"provider", c.provider}, {"error", c.error}});
            auto &slot = shared->checks[tenant];
            if (slot.generation <= generation) slot = c;
        }).detach();
    }
}

void Readiness::loop() {
    uint64_t checked_generation = 0;
    auto last_round = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        auto generation = state_.generation();
        auto now = std::chrono::steady_clock::now();
        if (generation != checked_generation || now - last_round >= interval_) {
            lock.unlock();
            start_round(generation);
            lock.lock();
            checked_generation = generation;
            last_round = now;
        }
        // A check past its timeout is reported as failed now, while it keeps running.
        {
            std::lock_guard<std::mutex> s(shared_->mutex);
            for (const auto &[tenant, started] : shared_->running) {
                if (now - started < check_timeout_) continue;
                auto &slot = shared_->checks[tenant];
                if (slot.generation == checked_generation && !slot.ok && !slot.error.empty()) continue;
                slot.generation = checked_generation;
                slot.ok = false;
                slot.at = utc_now_iso8601();
                slot.error = "check did not finish within " + std::to_string(check_timeout_.count()) + " ms";
                log_.event("check_failed", {{"tenant", tenant}, {"error", slot.error}});
            }
        }
        wake_.wait_for(lock, std::chrono::milliseconds(100)); // notices a new generation quickly
    }
}

boost::json::object Readiness::report() const {
    auto set = state_.tenants();
    auto generation = state_.generation();
    boost::json::array tenants;
    boost::json::array problems;
    bool ready = set != nullptr;
    std::lock_guard<std::mutex> lock(shared_->mutex);
    const decltype(set->tenants) none;
    for (const auto &[tenant, runtime] : set ? set->tenants : none) {
        // Every tenant of a set is loaded (the set is built whole or not at all).
        boost::json::object t{{"tenant_id", tenant}, {"loaded", true}};
        t["provider"] = runtime->plugin()->provider();
        auto it = shared_->checks.find(tenant);
        if (it == shared_->checks.end() || it->second.generation != generation) {
            t["check"] = nullptr; // not checked yet under this configuration
            ready = false;
        } else {
            t["check"] = boost::json::object{
                {"ok", it->second.ok},
                {"at", it->second.at},
                {"error", it->second.ok ? boost::json::value(nullptr) : boost::json::value(it->second.error)}};
            ready = ready && it->second.ok;
        }
        {
            auto iso = runtime->isolation_status();
            t["isolation"] = iso.isolated ? "process" : "in_process";
            if (iso.isolated) {
                t["worker"] = boost::json::object{{"running", iso.running},
                                                  {"pid", iso.pid},
                                                  {"starts", iso.starts},
                                                  {"crashes", iso.crashes},
                                                  {"timeouts", iso.timeouts},
                                                  {"crash_loop", iso.crash_loop},
                                                  {"last_failure", iso.last_failure.empty()
                                                                       ? boost::json::value(nullptr)
                                                                       : boost::json::value(iso.last_failure)}};
                if (iso.crash_loop) {
                    ready = false;
                    problems.push_back(boost::json::value(
                        "tenant " + tenant + ": provider " + runtime->plugin()->provider() + " is in a crash loop (" +
                        std::to_string(iso.crashes_in_a_row) + " crashes in a row, last: " + iso.last_failure + ")"));
                }
            }
        }
        tenants.push_back(std::move(t));
    }
    if (set)
        for (const auto &p : set->problems) problems.push_back(boost::json::value(p));
    return {{"ready", ready},
            {"generation", generation},
            {"tenants", std::move(tenants)},
            {"problems", std::move(problems)}};
}

} // namespace ats::serve
