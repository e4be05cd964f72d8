// logger.hpp - JSON-lines logging: one object per line with ts, level, tenant, provider,
// request_id, msg (plus optional extra fields). Thread-safe; every message goes through the
// Redactor first, so a secret never reaches a log line.
#pragma once

#include <boost/json/object.hpp>

#include <cstdio>
#include <functional>
#include <vector>
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

    // For one-shot commands that end with their own error line: warnings and errors are held
    // instead of written until release(), which writes them in order, leaving out those
    // `repeats` says the command's error line already tells (a failure said once, not three
    // times). At most kHeldMax lines are held; later ones are written at once.
    void hold();
    void release(const std::function<bool(std::string_view msg)> &repeats = nullptr);
    static constexpr size_t kHeldMax = 1000;

    static int parse_level(const std::string &name); // "debug".."error"; -1 when unknown
    static const char *level_name(int level);

private:
    std::FILE *out_;
    bool owns_;
    std::shared_ptr<const Redactor> redactor_;
    int min_level_;
    std::mutex mu_;
    bool holding_ = false;
    std::vector<std::pair<std::string, std::string>> held_; // (redacted msg, line)
};

} // namespace ats::host
