#pragma once
// The sandbox behind both ports: data, clock, faults, inspection and the admin API (/_sandbox/...).
// Transport-neutral: http_server.cpp calls prepare() then, after the latency and fault waits,
// execute(); Beast never appears here.
#include "faults.hpp"
#include "http_types.hpp"
#include "time_util.hpp"
#include "violations.hpp"
#include "world.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <tuple>

namespace ats::sandbox {

enum class Service { tracker, kombo };

struct SandboxConfig {
    GeneratorParams params;
    std::string fixture; // JSON file of a whole world (as written by --export-fixture)
    std::string tracker_timezone = "Europe/London";
    int latency_ms = 0; // added to every API request of both services
    int oauth_ttl_seconds = 3600;
    // Tracker's clock minus the sandbox clock (positive: Tracker is ahead). Applied to every
    // timestamp Tracker writes and to its evaluation of updatedafter/updatedbefore.
    std::int64_t tracker_clock_skew_ms = 0;
    // Wire assumptions the emulators contradict (violations.hpp); `POST /_sandbox/violations`
    // changes them at run time, a reset restores these.
    std::vector<std::string> violate;
};

struct Prepared {
    bool admin = false;
    std::string endpoint;
    FaultDecision fault; // fault.latency_ms already includes the global latency
};

class SandboxApp {
public:
    explicit SandboxApp(SandboxConfig config);

    void set_base_urls(const std::string &tracker, const std::string &kombo);
    Prepared prepare(Service service, const HttpRequest &req);
    // Runs the request (unless the fault replaces it) and returns the response to send. Transport
    // faults (reset, stall, truncated) are applied by the server after this returns.
    HttpResponse execute(Service service, const HttpRequest &req, const Prepared &prepared);
    // Counts a transport fault outcome ("reset", "stall", "truncated") for the endpoint.
    void count(Service service, const std::string &endpoint, const std::string &method, const std::string &status);

    json::object export_world();

private:
    HttpResponse admin(Service service, const HttpRequest &req);
    void load_world(const GeneratorParams &params, const std::string &fixture);
    void log_write(Service service, json::object entry);
    // Takes mutex_ for a request that may change the world: what is derived from it and cached
    // (World::row_keys) is rebuilt on next use.
    std::unique_lock<std::mutex> lock_world_for_change();

    SandboxConfig config_;
    TrackerZone zone_;
    VirtualClock clock_;
    FaultEngine faults_;
    std::mutex mutex_; // guards world_, counters_, writes_
    World world_;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> counters_;
    json::array writes_;
    std::int64_t write_seq_ = 0;
    std::int64_t violations_ = 0;
    std::atomic<std::int64_t> tracker_skew_ms_{0}; // POST /_sandbox/clock changes it at run time
    std::string tracker_base_, kombo_base_;
    std::mt19937_64 token_rng_;
    Violations broken_;           // assumptions contradicted on purpose
    TrackerZone utc_zone_{"UTC"}; // A8 broken: updatedafter read as UTC whatever the account's zone
};

} // namespace ats::sandbox
