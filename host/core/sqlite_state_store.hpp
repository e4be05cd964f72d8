// sqlite_state_store.hpp - the default state backend: one SQLite file on this machine
// (<data-dir>/state.sqlite, WAL, synchronous=FULL, busy_timeout so that several processes can
// share it). Tables kv(tenant, key BLOB, value BLOB, sealed), host_kv(tenant, name, value),
// leases(tenant, name, holder, token, expires_ms) and schema_version. One connection behind a mutex.
#pragma once

#include "state_store.hpp"

#include <mutex>

struct sqlite3;

namespace ats::host {

class SqliteStateStore final : public StateStore {
public:
    // Opens (creating, migrating) the database file. Throws std::runtime_error naming the file.
    explicit SqliteStateStore(const std::string &path);
    ~SqliteStateStore() override;
    SqliteStateStore(const SqliteStateStore &) = delete;
    SqliteStateStore &operator=(const SqliteStateStore &) = delete;

    using StateStore::apply;
    bool get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed = nullptr) override;
    void apply(const std::string &tenant, const std::vector<StateOp> &ops,
               const std::vector<LeaseFence> &fences) override;
    void scan_rows(const std::string &tenant, std::string_view prefix,
                   const std::function<bool(const StateRow &)> &fn) override;
    size_t reseal_all(const std::string &tenant, const std::function<std::string(const StateRow &)> &reseal) override;
    std::string host_value_or_insert(const std::string &tenant, const std::string &name,
                                     const std::string &value) override;
    void host_value_put(const std::string &tenant, const std::string &name, const std::string &value) override;

    std::optional<LeaseGrant> lease_try_acquire(const std::string &tenant, const std::string &name,
                                                const std::string &holder, int64_t ttl_ms, bool force) override;
    std::optional<LeaseGrant> lease_renew(const std::string &tenant, const std::string &name, int64_t token,
                                          int64_t ttl_ms) override;
    void lease_release(const std::string &tenant, const std::string &name, int64_t token) override;
    std::optional<LeaseInfo> lease_get(const std::string &tenant, const std::string &name) override;
    std::vector<LeaseInfo> leases_active() override;

    bool shared() const override { return false; }
    int schema_version() override;
    const std::string &path() const override { return path_; }

private:
    std::string path_;
    sqlite3 *db_ = nullptr;
    std::mutex mu_;
    void exec(const char *sql);
    void migrate();
    std::optional<LeaseInfo> lease_get_locked(const std::string &tenant, const std::string &name);
};

} // namespace ats::host
