// host_environment.hpp - the services one host process shares between all its tenants: the
// redactor, the JSON-lines logger, the HTTP client (one keep-alive pool), the SQLite state store
// and the lock folder. No globals: a CLI run or a server each create one.
#pragma once

#include "logger.hpp"
#include "isolation.hpp"

#include "http_client.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace ats::host {

class Redactor;
class RateControllers;
class StateStore;
class LockManager;

class HostEnvironment {
public:
    struct Options {
        std::string data_dir = "var"; // state.sqlite and locks/ live here (created 0700 on first use)
        // Where the state and the leases live: "" = <data_dir>/state.sqlite; "postgresql://..." =
        // a PostgreSQL database shared by several instances (state_store.hpp). Default: env
        // ATS_STATE_URL. Its password is added to the redactor and never printed.
        std::string state_url;
        // Lease duration on a shared store (lock_manager.hpp); 0 = env ATS_LEASE_TTL_MS or 30000.
        int64_t lease_ttl_ms = 0;
        std::string instance_id; // this process in lease rows and /metrics; "" = "<hostname> pid <pid>"
        // Accept a data directory / state file other users can read or write (private_files.hpp).
        bool allow_shared_data_dir = false;
        std::string keys_dir;          // generated state keys (tenant_keys.hpp); "" = <data_dir>/keys
        std::string log_file;          // "" = stderr
        int log_level = 1;             // ATS_LOG_INFO
        net::HttpClient::Options http; // ca_file defaults to env ATS_HOST_CA_FILE when set
        // Where a tenant's plugin runs when its manifest has no host.isolation (tenant.hpp).
        Isolation default_isolation = Isolation::in_process;
    };

    explicit HostEnvironment(Options options); // throws std::runtime_error when the log file cannot be opened
    ~HostEnvironment();

    Redactor &redactor() { return *redactor_; }
    Logger &logger() { return *logger_; }
    const std::shared_ptr<net::HttpClient> &http_client() { return http_; }
    // One rate controller per (tenant, upstream host) for the whole process: a tenant reopened
    // after a manifest change keeps what its controllers learned.
    const std::shared_ptr<RateControllers> &rate_controllers() { return rates_; }
    // Opens the state store on first use: PostgreSQL for a postgresql:// state_url, otherwise
    // <data_dir>/state.sqlite after checking that the folder and the file are private
    // (HostError(usage, ATS_ERR_FORBIDDEN) naming the path and the fix otherwise); throws
    // std::runtime_error for database failures.
    StateStore &state();
    LockManager &locks(); // leases in state(); flocks in <data_dir>/locks for a local store
    const Options &options() const { return options_; }

    // Wall clock in ms since the epoch; env ATS_HOST_FIXED_NOW_MS pins it (tests).
    int64_t now_unix_ms() const;
    // The pinned time of now_unix_ms(), or -1 when it follows the system clock.
    int64_t fixed_now_ms() const { return fixed_now_ms_; }

private:
    Options options_;
    std::shared_ptr<Redactor> redactor_;
    std::unique_ptr<Logger> logger_;
    std::shared_ptr<net::HttpClient> http_;
    std::shared_ptr<RateControllers> rates_;
    std::mutex mu_;
    std::unique_ptr<StateStore> state_;
    StateStore &state_locked();
    std::unique_ptr<LockManager> locks_;
    int64_t fixed_now_ms_ = -1;
};

} // namespace ats::host
