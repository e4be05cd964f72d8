#include "host_environment.hpp"

#include "lock_manager.hpp"
#include "private_files.hpp"
#include "rate_controller.hpp"
#include "rate_share.hpp"
#include "redactor.hpp"
#include "sqlite_state_store.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

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
    if (const char *url = std::getenv("ATS_STATE_URL"); url && *url && options_.state_url.empty())
        options_.state_url = url;
    if (const char *ttl = std::getenv("ATS_LEASE_TTL_MS"); ttl && *ttl && options_.lease_ttl_ms <= 0)
        options_.lease_ttl_ms = std::atoll(ttl);
    if (options_.lease_ttl_ms <= 0) options_.lease_ttl_ms = 30000;
    if (std::string pw = state_url_password(options_.state_url); !pw.empty()) redactor_->add(pw);
}

HostEnvironment::~HostEnvironment() = default;

StateStore &HostEnvironment::state() {
    std::lock_guard<std::mutex> lk(mu_);
    return state_locked();
}

StateStore &HostEnvironment::state_locked() {
    if (!state_ && is_postgres_url(options_.state_url)) {
        ensure_private_dir(options_.data_dir, options_.allow_shared_data_dir); // generated keys live there
        state_ = open_state_store(options_.state_url);
        // Instances on one database share each upstream account's rate (rate_share.hpp). Without
        // the board each instance still paces on its own, so a failure here is only a warning.
        try {
            std::string instance = options_.instance_id;
            if (instance.empty()) {
                char host[256] = {0};
                if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown-host");
                instance = std::string(host) + " pid " + std::to_string(::getpid());
            }
            rates_->share_through(std::make_shared<PgRateBoard>(options_.state_url, instance));
        } catch (const std::exception &e) {
            logger_->write(ATS_LOG_WARN, {},
                           std::string("rate limits are not shared with other instances: ") + e.what());
        }
    }
    if (!state_) {
        ensure_private_dir(options_.data_dir, options_.allow_shared_data_dir);
        std::string file = options_.data_dir + "/state.sqlite";
        if (!options_.state_url.empty()) // a file elsewhere: "sqlite:PATH" or the path itself
            file = options_.state_url.rfind("sqlite:", 0) == 0 ? options_.state_url.substr(7) : options_.state_url;
        ensure_private_file(file, options_.allow_shared_data_dir); // SQLite gives -wal/-shm its mode
        ensure_private_file(file + "-wal", options_.allow_shared_data_dir, false);
        ensure_private_file(file + "-shm", options_.allow_shared_data_dir, false);
        state_ = std::make_unique<SqliteStateStore>(file);
    }
    return *state_;
}

LockManager &HostEnvironment::locks() {
    std::lock_guard<std::mutex> lk(mu_);
    if (!locks_) {
        ensure_private_dir(options_.data_dir, options_.allow_shared_data_dir);
        LockManager::Options lo;
        lo.holder = options_.instance_id;
        lo.ttl_ms = options_.lease_ttl_ms;
        locks_ = std::make_unique<LockManager>(options_.data_dir + "/locks", &state_locked(), lo);
    }
    return *locks_;
}

int64_t HostEnvironment::now_unix_ms() const {
    if (fixed_now_ms_ >= 0) return fixed_now_ms_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace ats::host
