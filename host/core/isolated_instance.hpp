// isolated_instance.hpp - a tenant's provider instance living in a worker process, restarted
// after a crash with exponential backoff (100 ms doubling up to 30 s; reset by the first call a
// new worker completes). A worker killed for a call past its deadline is restarted at once.
#pragma once

#include "worker_process.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace ats::host {

class IsolatedInstance {
public:
    using LogFn = std::function<void(int level, const std::string &message)>;
    // Starts the first worker; throws HostError(plugin) as Tenant::open does for create().
    IsolatedInstance(WorkerProcess::Config config, std::string config_json, LogFn log);
    ~IsolatedInstance();

    // `failure.kind` tells a crash (or an unavailable worker: crashed + "unavailable" message)
    // and a timeout apart from the plugin's own errors.
    int32_t invoke(const WorkerProcess::Call &call, const std::string &operation, const std::string &args,
                   const ats_sink_t &sink, ats_error_t *err, WorkerFailure &failure, bool &unavailable);

    struct Status {
        bool running = false;
        int pid = 0;
        uint64_t starts = 0, crashes = 0, timeouts = 0;
        uint64_t crashes_in_a_row = 0;
        bool crash_loop = false; // >= 3 workers in a row died before completing a call
        std::string last_failure;
    };
    Status status() const;

    static constexpr uint64_t kCrashLoopAfter = 3;

private:
    std::shared_ptr<WorkerProcess> acquire(std::string &why_not);
    void note_death(const std::shared_ptr<WorkerProcess> &w);

    WorkerProcess::Config config_;
    std::string config_json_;
    LogFn log_;
    mutable std::mutex mu_;
    std::shared_ptr<WorkerProcess> current_;
    Status status_;
    std::chrono::steady_clock::time_point next_start_{};
};

} // namespace ats::host
