// event_log.hpp - JSON-lines access and event log of the service (one object per line).
// Every line has "ts" (UTC, ms), "type" ("access" | "event") and, when there is one, the
// "request_id" that the plugin's own log lines for that request carry too. Callers pass no
// secrets: tokens and webhook secrets never reach this class.
#pragma once

#include <boost/json/object.hpp>

#include <cstdio>
#include <mutex>
#include <chrono>
#include <string>

namespace ats::serve {

class EventLog {
public:
    // nullptr / "" / "-" = stderr.
    explicit EventLog(const std::string &path = "");
    ~EventLog();
    EventLog(const EventLog &) = delete;
    EventLog &operator=(const EventLog &) = delete;

    void access(boost::json::object fields) { write("access", std::move(fields)); }
    void event(const std::string &name, boost::json::object fields = {});

private:
    void write(const char *type, boost::json::object fields);
    std::mutex mutex_;
    FILE *out_;
    bool owned_;
};

std::string utc_now_iso8601();
// A wall-clock time as ISO 8601 UTC with milliseconds ("2026-11-30T19:30:00.123Z").
std::string iso8601_utc(std::chrono::system_clock::time_point t);

} // namespace ats::serve
