#include "host_environment.hpp"

#include "lock_manager.hpp"
#include "private_files.hpp"
#include "rate_controller.hpp"
#include "redactor.hpp"
#include "state_store.hpp"

#include <boost/filesystem.hpp>

#include <chrono>
#include <cstdlib>

namespace ats::host {

HostEnvironment::HostEnvironment(Options options)
    : options_(std::move(options)), redactor_(std::make_shared<Redactor>()) {
    logger_ = options_.log_file.empty() ? std::make_unique<Logger>(redactor_, options_.log_level)
                                        : std::make_unique<Logger>(options_.log_file, redactor_, options_.log_level);
    // A private CA bundle (a corporate proxy, a test upstream) without switching verification off.
    if (const char *ca = std::getenv("ATS_HOST_CA_FILE"); ca && *ca && options_.http.ca_file.empty())
        options_.http.ca_file = ca;
    http_ = std::make_shared<net::HttpClient>(options_.http);
    rates_ = std::make_shared<RateControllers>();
    if (const char *fixed = std::getenv("ATS_HOST_FIXED_NOW_MS"); fixed && *fixed) fixed_now_ms_ = std::atoll(fixed);
}

HostEnvironment::~HostEnvironment() = default;

StateStore &HostEnvironment::state() {
    std::lock_guard<std::mutex> lk(mu_);
    if (!state_) {
        ensure_private_dir(options_.data_dir, options_.allow_shared_data_dir);
        const std::string file = options_.data_dir + "/state.sqlite";
        ensure_private_file(file, options_.allow_shared_data_dir); // SQLite gives -wal/-shm its mode
        ensure_private_file(file + "-wal", options_.allow_shared_data_dir, false);
        ensure_private_file(file + "-shm", options_.allow_shared_data_dir, false);
        state_ = std::make_unique<StateStore>(file);
    }
    return *state_;
}

LockManager &HostEnvironment::locks() {
    std::lock_guard<std::mutex> lk(mu_);
    if (!locks_) {
        ensure_private_dir(options_.data_dir, options_.allow_shared_data_dir);
        locks_ = std::make_unique<LockManager>(options_.data_dir + "/locks");
    }
    return *locks_;
}

int64_t HostEnvironment::now_unix_ms() const {
    if (fixed_now_ms_ >= 0) return fixed_now_ms_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace ats::host
