#include "event_log.hpp"

#include "ats/shared/utc_time.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <ctime>
#include <stdexcept>

namespace ats::serve {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
    return ats::shared::format_utc_iso8601_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

std::string utc_now_iso8601() { return iso8601_utc(std::chrono::system_clock::now()); }

EventLog::EventLog(const std::string &path) : out_(stderr), owned_(false) {
    if (!path.empty() && path != "-") {
        out_ = std::fopen(path.c_str(), "a");
        if (!out_) throw std::runtime_error("--log-file " + path + ": cannot open for appending");
        owned_ = true;
    }
    flusher_ = std::thread([this] { flush_loop(); });
}

EventLog::~EventLog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    flusher_.join();
    flush();
    if (owned_) std::fclose(out_);
}

std::string EventLog::line(const char *type, boost::json::object fields) {
    boost::json::object line;
    line["ts"] = utc_now_iso8601();
    line["type"] = type;
    for (auto &kv : fields) line[kv.key()] = std::move(kv.value());
    std::string text = boost::json::serialize(line);
    text += '\n';
    return text;
}

void EventLog::access(boost::json::object fields) {
    std::string text = line("access", std::move(fields));
    std::lock_guard<std::mutex> lock(mutex_);
    bool was_empty = pending_.empty();
    pending_ += text;
    if (pending_.size() >= kFlushBytes)
        write_locked({});
    else if (was_empty)
        wake_.notify_one(); // the flusher sleeps until there is something to flush
}

void EventLog::event(const std::string &name, boost::json::object fields) {
    fields["event"] = name;
    std::string text = line("event", std::move(fields));
    std::lock_guard<std::mutex> lock(mutex_);
    write_locked(text);
}

void EventLog::flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    write_locked({});
}

// The buffered access lines, then `text`, in one write.
void EventLog::write_locked(const std::string &text) {
    pending_ += text;
    if (pending_.empty()) return;
    std::fwrite(pending_.data(), 1, pending_.size(), out_);
    std::fflush(out_);
    pending_.clear();
}

void EventLog::flush_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
        auto due = std::chrono::steady_clock::now() + kFlushInterval;
        wake_.wait_until(lock, due, [this] { return stopping_; });
        write_locked({});
    }
}

} // namespace ats::serve
