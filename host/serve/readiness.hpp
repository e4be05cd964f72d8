// readiness.hpp - /readyz: every tenant's provider is loaded and its last `check` passed.
// A background thread runs `check` for every tenant when a new configuration generation appears
// and then every `interval`; /readyz only reads the cached results (cheap, no upstream call).
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace ats::serve {

class ServeState;
class EventLog;

class Readiness {
public:
    Readiness(ServeState &state, EventLog &log, std::chrono::seconds interval = std::chrono::seconds(60));
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
    void loop();
    ServeState &state_;
    EventLog &log_;
    std::chrono::seconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::map<std::string, Check> checks_;
    std::thread thread_;
};

}  // namespace ats::serve
