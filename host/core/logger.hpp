// logger.hpp - JSON-lines logging: one object per line with ts, level, tenant, provider,
// request_id, msg (plus optional extra fields). Thread-safe; every message goes through the
// Redactor first, so a secret never reaches a log line.
#pragma once

#include <boost/json/object.hpp>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace ats::host {

class Redactor;

struct LogContext {
    std::string tenant, provider, request_id;
};

class Logger {
public:
    // Logs to stderr.
    Logger(std::shared_ptr<const Redactor> redactor, int min_level);
    // Appends to `path` (created if missing). Throws std::runtime_error naming the file.
    Logger(const std::string &path, std::shared_ptr<const Redactor> redactor, int min_level);
    ~Logger();
    Logger(const Logger &) = delete;
    Logger &operator=(const Logger &) = delete;

    // level: ATS_LOG_DEBUG..ATS_LOG_ERROR. `extra` fields are added verbatim (not redacted: pass
    // no secrets there).
    void write(int level, const LogContext &ctx, std::string_view msg, const boost::json::object *extra = nullptr);
    int min_level() const { return min_level_; }

    static int parse_level(const std::string &name); // "debug".."error"; -1 when unknown
    static const char *level_name(int level);

private:
    std::FILE *out_;
    bool owns_;
    std::shared_ptr<const Redactor> redactor_;
    int min_level_;
    std::mutex mu_;
};

// ISO 8601 UTC with milliseconds: "2026-03-29T00:30:00.123Z".
std::string iso8601_utc_ms(int64_t unix_ms);

} // namespace ats::host
