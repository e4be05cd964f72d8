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
}

EventLog::~EventLog() {
    if (owned_) std::fclose(out_);
}

void EventLog::event(const std::string &name, boost::json::object fields) {
    fields["event"] = name;
    write("event", std::move(fields));
}

void EventLog::write(const char *type, boost::json::object fields) {
    boost::json::object line;
    line["ts"] = utc_now_iso8601();
    line["type"] = type;
    for (auto &kv : fields) line[kv.key()] = std::move(kv.value());
    std::string text = boost::json::serialize(line);
    text += '\n';
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

} // namespace ats::serve
