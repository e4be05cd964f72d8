// worker_process.hpp - the host side of one ats-plugin-worker process serving one tenant's
// instance (host/worker/README.md has the protocol). invoke() has the in-process contract: the
// results reach the caller's ats_sink_t on the calling thread, concurrent invokes are
// multiplexed by call id; host services the plugin calls are executed here through the tenant's
// own services table (worker_services.cpp), so every host policy applies unchanged.
//
// A worker that dies (crash, or killed because a call overran its deadline) fails its in-flight
// calls with a WorkerFailure; it is never reused (the owner starts a new one).
#pragma once

#include "ats_plugin.h"
#include "rate_controller.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <sys/types.h>

namespace ats::wire {
class Channel;
class In;
}

namespace ats::host {

struct WorkerFailure {
    enum Kind { none, crashed, timeout } kind = none;
    std::string message; // names provider, tenant and how the worker ended
};

class WorkerProcess {
public:
    struct Config {
        std::string worker_path, plugin_path, tenant_id, provider;
        const ats_host_services_t *services = nullptr; // the tenant's table; outlives this object
        std::chrono::milliseconds start_timeout{30000};
        // Answered by the worker itself (no round trip): the values the tenant's own
        // now_unix_ms and max_concurrency give. fixed_now_ms -1 = the system clock.
        int64_t fixed_now_ms = -1;
        int32_t max_concurrency = 1;
    };
    // Starts the worker, loads the plugin and creates the instance. Throws HostError(plugin)
    // naming the provider, tenant and file when any of it fails (including a crash).
    static std::shared_ptr<WorkerProcess> start(const Config &config, const std::string &config_json);
    ~WorkerProcess(); // asks the worker to destroy the instance and exit; kills it if it does not

    struct Call {
        const ats_call_t *host_call;     // request id; valid during invoke
        std::function<bool()> cancelled; // polled on the invoking thread only
        std::optional<std::chrono::steady_clock::time_point> deadline;
        std::chrono::milliseconds cancel_grace{1000}; // after cancellation, then the worker is killed
        CallClass cls = CallClass::interactive;       // the call's place at the upstream rate controllers
        uint64_t max_results = 0;                     // CallOptions::max_results
    };
    // The class of a call this worker's host services run for (its ats_call_t is one the worker
    // process made on the host side), or nullopt when `call` is not one of them.
    static std::optional<CallClass> class_of(const ats_call_t *call);
    int32_t invoke(const Call &call, const std::string &operation, const std::string &args, const ats_sink_t &sink,
                   ats_error_t *err, WorkerFailure &failure);

    bool alive() const { return !dead_.load(); }
    pid_t pid() const { return pid_; }
    // How the process ended ("killed by SIGSEGV (signal 11)"); "" while alive.
    std::string death() const;
    bool killed_by_host() const { return killed_by_host_.load(); }
    // Kills the worker (SIGKILL); every in-flight call fails.
    void kill(const std::string &why);

    struct ServiceRequest; // worker_services.cpp

private:
    // Host-side state of one call, shared with the service handlers running for it.
    struct HostCall {
        uint64_t id = 0;
        std::string request_id;
        std::atomic<bool> cancelled{false};
        CallClass cls = CallClass::interactive;
        ats_call_t call{};
        static int32_t is_cancelled(void *data) { return static_cast<HostCall *>(data)->cancelled.load() ? 1 : 0; }
    };
    struct PendingCall; // frames routed to an invoking thread
    explicit WorkerProcess(Config config);
    void reader();
    void dispatch(wire::In &in); // one frame read by whichever thread reads
    bool read_for(PendingCall &pc, std::chrono::milliseconds wait);
    // Gives up the reading; a call other than `self` still waiting for frames takes it over.
    void release_reading(const PendingCall *self, bool eof);
    void on_dead();
    void run_service(std::unique_ptr<wire::In> frame);
    void post_service(std::function<void()> job);
    std::shared_ptr<HostCall> host_call(uint64_t id);
    std::string who() const;

    Config config_;
    pid_t pid_ = -1;
    std::unique_ptr<wire::Channel> channel_;
    std::thread reader_;
    std::atomic<bool> dead_{false}, killed_by_host_{false};
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::string death_;
    int startup_state_ = 0; // 0 waiting, 1 ready, 2 created, -1 failed
    int32_t create_status_ = 0, create_retryable_ = 0;
    std::string startup_message_;
    uint64_t next_call_ = 0;
    std::map<uint64_t, std::shared_ptr<PendingCall>> calls_;
    std::set<ats_lock_t *> locks_; // held through this worker: released when it dies

    // Who reads the socket: while calls run, one of their invoking threads (read_for), so a
    // call's frames reach it without a hand-off; the reader thread when no call has run for a
    // while (startup, service requests outside calls) and at the end of the stream.
    std::atomic<bool> reading_{false}; // a thread is reading (changed under mu_)
    std::atomic<bool> eof_{false};     // a reader saw the end: the reader thread takes over
    std::condition_variable reader_cv_;
    std::chrono::steady_clock::time_point last_call_end_{};

    // Service threads: service calls block (HTTP), so they never run on the reader thread.
    std::mutex pool_mu_;
    std::condition_variable pool_cv_;
    std::vector<std::function<void()>> jobs_;
    std::vector<std::thread> pool_;
    size_t idle_ = 0;
    bool pool_stop_ = false;

    friend struct ServiceHandlers;
};

} // namespace ats::host
