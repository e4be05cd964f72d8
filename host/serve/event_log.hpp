// event_log.hpp - JSON-lines access and event log of the service (one object per line).
// Every line has "ts" (UTC, ms), "type" ("access" | "event") and, when there is one, the
// "request_id" that the plugin's own log lines for that request carry too. Callers pass no
// secrets: tokens and webhook secrets never reach this class.
//
// Access lines are buffered, as a web server's access log usually is: one write per request was
// a system call on every request's path. They reach the file within kFlushInterval, when
// kFlushBytes have gathered, before any event line (the file keeps the order they were logged
// in) and when the log is destroyed. What a crash of the whole process loses is at most the
// access lines of the last kFlushInterval; event lines are written at once.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace ats::serve {

class EventLog {
public:
    static constexpr std::chrono::milliseconds kFlushInterval{200};
    static constexpr size_t kFlushBytes = 64 << 10;

    // nullptr / "" / "-" = stderr.
    explicit EventLog(const std::string &path = "");
    ~EventLog();
    EventLog(const EventLog &) = delete;
    EventLog &operator=(const EventLog &) = delete;

    void access(boost::json::object fields);
    void event(const std::string &name, boost::json::object fields = {});
    // Writes the buffered access lines now.
    void flush();

private:
    static std::string line(const char *type, boost::json::object fields);
    void write_locked(const std::string &text); // under mutex_
    void flush_loop();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::string pending_; // access lines not yet written (under mutex_)
    bool stopping_ = false;
    FILE *out_;
    bool owned_;
    std::thread flusher_;
};

std::string utc_now_iso8601();
// A wall-clock time as ISO 8601 UTC with milliseconds ("2026-11-30T19:30:00.123Z").
std::string iso8601_utc(std::chrono::system_clock::time_point t);

} // namespace ats::serve
