#include "logger.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "ats_plugin.h"
#include "ats/shared/utc_time.hpp"
#include "redactor.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace ats::host {

namespace {
// A new log file is created 0600: log lines name tenants, records and requests.
std::FILE *open_private_append(const std::string &path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return nullptr;
    std::FILE *f = ::fdopen(fd, "a");
    if (!f) ::close(fd);
    return f;
}
} // namespace

Logger::Logger(std::shared_ptr<const Redactor> redactor, int min_level)
    : out_(stderr), owns_(false), redactor_(std::move(redactor)), min_level_(min_level) {}

Logger::Logger(const std::string &path, std::shared_ptr<const Redactor> redactor, int min_level)
    : out_(open_private_append(path)), owns_(true), redactor_(std::move(redactor)), min_level_(min_level) {
    if (!out_) throw std::runtime_error("cannot open log file " + path + ": " + std::strerror(errno));
}

Logger::~Logger() {
    if (owns_ && out_) std::fclose(out_);
}

int Logger::parse_level(const std::string &name) {
    if (name == "debug") return ATS_LOG_DEBUG;
    if (name == "info") return ATS_LOG_INFO;
    if (name == "warn" || name == "warning") return ATS_LOG_WARN;
    if (name == "error") return ATS_LOG_ERROR;
    return -1;
}

const char *Logger::level_name(int level) {
    switch (level) {
    case ATS_LOG_DEBUG: return "debug";
    case ATS_LOG_INFO: return "info";
    case ATS_LOG_WARN: return "warn";
    default: return "error";
    }
}

void Logger::write(int level, const LogContext &ctx, std::string_view msg, const boost::json::object *extra) {
    if (level < min_level_) return;
    auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    boost::json::object line;
    line["ts"] = ats::shared::format_utc_iso8601_ms(now);
    line["level"] = level_name(level);
    if (!ctx.tenant.empty()) line["tenant"] = ctx.tenant;
    if (!ctx.provider.empty()) line["provider"] = ctx.provider;
    if (!ctx.request_id.empty()) line["request_id"] = ctx.request_id;
    line["msg"] = redactor_ ? redactor_->redact(msg) : std::string(msg);
    if (extra)
        for (const auto &[k, v] : *extra) line[k] = v;
    std::string text = boost::json::serialize(line);
    text += '\n';
    std::lock_guard<std::mutex> lk(mu_);
    if (holding_ && level >= ATS_LOG_WARN && held_.size() < kHeldMax) {
        held_.emplace_back(line["msg"].as_string().c_str(), std::move(text));
        return;
    }
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

void Logger::hold() {
    std::lock_guard<std::mutex> lk(mu_);
    holding_ = true;
}

void Logger::release(const std::function<bool(std::string_view msg)> &repeats) {
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto &[msg, text] : held_)
        if (!repeats || !repeats(msg)) std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
    held_.clear();
    holding_ = false;
}

} // namespace ats::host
