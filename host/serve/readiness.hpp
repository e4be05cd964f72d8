// readiness.hpp - /readyz: every tenant's provider is loaded and its last `check` passed.
// A background thread starts `check` for every tenant when a new configuration generation
// appears and then every `interval`. The checks run concurrently, one thread each, and each
// result is published as soon as it is known; a check still running after `check_timeout` is
// reported failed ("did not finish") and is not started again until it returns, so a hung or
// crashing provider never holds up the others. /readyz only reads the cached results.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ats::serve {

class ServeState;
class EventLog;

class Readiness {
public:
    Readiness(ServeState &state, EventLog &log, std::chrono::seconds interval = std::chrono::seconds(60),
              std::chrono::milliseconds check_timeout = std::chrono::seconds(30));
    ~Readiness();
    void start();
    void stop();
    // {"ready": bool, "generation": n, "tenants": [...], "problems": [...]}
    boost::json::object report() const;

private:
    struct Check {
        bool ok = false;
        std::string provider, at, error;
        uint64_t generation = 0;
    };
    // Shared with the check threads, which may outlive this object (a hung in-process plugin).
    struct Shared {
        std::mutex mutex;
        bool stopping = false;
        std::map<std::string, Check> checks;
        std::map<std::string, std::chrono::steady_clock::time_point> running; // tenant -> started
    };
    void loop();
    void start_round(uint64_t generation);
    ServeState &state_;
    EventLog &log_;
    std::chrono::seconds interval_;
    std::chrono::milliseconds check_timeout_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ats::serve
