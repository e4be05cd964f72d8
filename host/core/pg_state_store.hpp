// pg_state_store.hpp - the state backend for several host instances: PostgreSQL (15+) through
// libpq (pg_connection.hpp). Tables ats_kv(tenant, key bytea, value bytea, sealed),
// ats_host_kv(tenant, name, value), ats_leases(tenant, name, holder, token, expires_ms) and
// ats_schema_version, created and migrated on open under an advisory lock so that instances
// starting together migrate once. Lease times come from the database's clock, so instances on
// machines whose clocks disagree still agree on when a lease ends. A small pool of connections
// (kPoolSize), so that reads do not queue behind a large batch; a batch's writes are pipelined.
#pragma once

#include "state_store.hpp"

#include <condition_variable>
#include <mutex>
#include <vector>

namespace ats::host {

namespace pg {
class Connection;
}

class PgStateStore final : public StateStore {
public:
    // Connects and migrates. Throws std::runtime_error naming the URL without its password.
    explicit PgStateStore(const std::string &url);
    ~PgStateStore() override;

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

    bool shared() const override { return true; }
    int schema_version() override;
    const std::string &path() const override { return redacted_; }

    static constexpr size_t kPoolSize = 4;

private:
    class Borrowed;
    std::string url_, redacted_;
    std::mutex mu_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<pg::Connection>> idle_;
    size_t open_ = 0;
    Borrowed take();
    void give_back(std::unique_ptr<pg::Connection> c);
    void migrate();
};

} // namespace ats::host
