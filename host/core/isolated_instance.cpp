#include "isolated_instance.hpp"

#include "host_error.hpp"

#include "ats_plugin.hpp"

#include <cstdio>
#include <thread>

namespace ats::host {

namespace {
std::chrono::milliseconds backoff(uint64_t in_a_row) {
    if (in_a_row == 0) return std::chrono::milliseconds(0);
    int64_t ms = 100;
    for (uint64_t i = 1; i < in_a_row && ms < 30000; ++i) ms *= 2;
    return std::chrono::milliseconds(std::min<int64_t>(ms, 30000));
}
constexpr auto kMaxWaitForRestart = std::chrono::seconds(2);
} // namespace

IsolatedInstance::IsolatedInstance(WorkerProcess::Config config, std::string config_json, LogFn log)
    : config_(std::move(config)), config_json_(std::move(config_json)), log_(std::move(log)) {
    current_ = WorkerProcess::start(config_, config_json_);
    status_.starts = 1;
}

IsolatedInstance::~IsolatedInstance() {
    std::shared_ptr<WorkerProcess> w;
    {
        std::lock_guard<std::mutex> lock(mu_);
        w.swap(current_);
    }
    w.reset(); // destroy() in the worker, then it exits
}

void IsolatedInstance::note_death(const std::shared_ptr<WorkerProcess> &w) {
    // Called with mu_ held, once per worker (it is then no longer current_).
    std::string how = w->death();
    if (w->killed_by_host()) {
        ++status_.timeouts;
        status_.last_failure = "killed by the host after a call overran its deadline";
        return;
    }
    ++status_.crashes;
    ++status_.crashes_in_a_row;
    status_.last_failure = how;
    next_start_ = std::chrono::steady_clock::now() + backoff(status_.crashes_in_a_row);
    status_.crash_loop = status_.crashes_in_a_row >= kCrashLoopAfter;
    if (log_)
        log_(status_.crash_loop ? ATS_LOG_ERROR : ATS_LOG_WARN,
             "provider '" + config_.provider + "' of tenant '" + config_.tenant_id + "': plugin worker (pid " +
                 std::to_string(w->pid()) + ") " + how + "; restarting in " +
                 std::to_string(backoff(status_.crashes_in_a_row).count()) + " ms" +
                 (status_.crash_loop
                      ? " (crash loop: " + std::to_string(status_.crashes_in_a_row) + " crashes in a row)"
                      : ""));
}

std::shared_ptr<WorkerProcess> IsolatedInstance::acquire(std::string &why_not) {
    std::unique_lock<std::mutex> lock(mu_);
    if (current_ && current_->alive()) return current_;
    if (current_) {
        note_death(current_);
        current_.reset();
    }
    auto wait = next_start_ - std::chrono::steady_clock::now();
    if (wait > kMaxWaitForRestart) {
        why_not = "provider '" + config_.provider + "' of tenant '" + config_.tenant_id + "' is restarting after " +
                  std::to_string(status_.crashes_in_a_row) + " crash(es) in a row (last: " + status_.last_failure +
                  "); next attempt in " +
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + " ms";
        return nullptr;
    }
    if (wait > std::chrono::steady_clock::duration::zero()) {
        lock.unlock();
        std::this_thread::sleep_for(wait);
        lock.lock();
        if (current_ && current_->alive()) return current_; // another caller restarted it
    }
    try {
        current_ = WorkerProcess::start(config_, config_json_);
        ++status_.starts;
    } catch (const std::exception &e) {
        ++status_.crashes_in_a_row;
        status_.last_failure = e.what();
        next_start_ = std::chrono::steady_clock::now() + backoff(status_.crashes_in_a_row);
        status_.crash_loop = status_.crashes_in_a_row >= kCrashLoopAfter;
        why_not = std::string("restarting the plugin worker failed: ") + e.what();
        return nullptr;
    }
    return current_;
}

int32_t IsolatedInstance::invoke(const WorkerProcess::Call &call, const std::string &operation, const std::string &args,
                                 const ats_sink_t &sink, ats_error_t *err, WorkerFailure &failure, bool &unavailable) {
    unavailable = false;
    std::string why_not;
    auto w = acquire(why_not);
    if (!w) {
        unavailable = true;
        failure = {WorkerFailure::crashed, why_not};
        ats::sdk::fill_error(err, ATS_ERR_TRANSIENT, why_not);
        return ATS_ERR_TRANSIENT;
    }
    int32_t rc = w->invoke(call, operation, args, sink, err, failure);
    if (failure.kind == WorkerFailure::none) {
        std::lock_guard<std::mutex> lock(mu_);
        if (current_ == w) {
            status_.crashes_in_a_row = 0; // this worker works: the next crash starts a new count
            status_.crash_loop = false;
        }
    } else {
        std::lock_guard<std::mutex> lock(mu_);
        if (current_ == w) { // first to notice: account for it and let the next call restart
            note_death(w);
            current_.reset();
        }
    }
    return rc;
}

IsolatedInstance::Status IsolatedInstance::status() const {
    std::lock_guard<std::mutex> lock(mu_);
    Status s = status_;
    s.running = current_ && current_->alive();
    s.pid = s.running ? current_->pid() : 0;
    return s;
}

} // namespace ats::host
