// state_store.hpp - durable per-tenant key-value state and the tenants' leases, behind one
// interface with two backends: SQLite (sqlite_state_store.hpp, one file on this machine, the
// default) and PostgreSQL (pg_state_store.hpp, shared by several host instances). Keys are byte
// strings and scans come back in byte order. `sealed` marks a value the host encrypted
// (state_crypto.hpp): the store keeps bytes and the flag, the Tenant seals and opens. host_kv holds
// what the host itself keeps per tenant (the sealed identity hash key), out of the plugins' key
// space. Implementations are thread-safe.
//
// Leases (the storage side of the plugins' locks, lock_manager.hpp): a row per (tenant, name) with
// a holder, an expiry and a fencing token that grows by one on every acquisition. A batch written
// with fences is refused (HostError CONFLICT) when any fence's token is no longer the lease's
// current token: a holder that stalled past its lease and was taken over cannot write.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::host {

struct StateOp {
    bool erase = false; // false: put
    std::string key, value;
    bool sealed = false; // put: `value` is sealed (encrypted by the caller)
};

struct StateRow {
    std::string key, value;
    bool sealed = false;
};

// A lease the writer believes it holds: the write happens only if (tenant, name) still has `token`.
struct LeaseFence {
    std::string name;
    int64_t token = 0;
};

struct LeaseGrant {
    int64_t token = 0;
    int64_t expires_unix_ms = 0;
};

struct LeaseInfo {
    std::string tenant, name, holder;
    int64_t token = 0;
    int64_t expires_unix_ms = 0;
};

class StateStore {
public:
    virtual ~StateStore() = default;

    // Each throws std::runtime_error naming the tenant and the backend's error on failure.
    virtual bool get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed = nullptr) = 0;
    // One transaction. With fences: first checks every fence against the current lease rows and
    // throws HostError(operation, ATS_ERR_CONFLICT) naming the lease and its current holder when one
    // was lost; nothing is written then.
    virtual void apply(const std::string &tenant, const std::vector<StateOp> &ops,
                       const std::vector<LeaseFence> &fences) = 0;
    void apply(const std::string &tenant, const std::vector<StateOp> &ops) { apply(tenant, ops, {}); }
    // Rows for every key starting with `prefix`, in byte order. Read completely first, then handed
    // to fn (which may therefore call back into the store); fn returns false to stop.
    virtual void scan_rows(const std::string &tenant, std::string_view prefix,
                           const std::function<bool(const StateRow &)> &fn) = 0;
    void scan(const std::string &tenant, std::string_view prefix,
              const std::function<bool(const std::string &, const std::string &)> &fn) {
        scan_rows(tenant, prefix, [&](const StateRow &r) { return fn(r.key, r.value); });
    }

    // Re-writes every sealed row of the tenant through `reseal` (value -> new value) in one
    // transaction (key rotation); returns how many rows changed (reseal returns "" to keep one).
    virtual size_t reseal_all(const std::string &tenant,
                              const std::function<std::string(const StateRow &)> &reseal) = 0;

    // host_kv: the value stored under (tenant, name); when there is none, stores `value` first.
    // Two processes racing get the same winner.
    virtual std::string host_value_or_insert(const std::string &tenant, const std::string &name,
                                             const std::string &value) = 0;
    virtual void host_value_put(const std::string &tenant, const std::string &name, const std::string &value) = 0;

    // Leases. try_acquire: granted when the lease is free, released or expired (or always with
    // `force`, for a caller that already proved exclusivity, e.g. with a flock); the token is one
    // more than the previous one. nullopt when another holder's lease is still running.
    virtual std::optional<LeaseGrant> lease_try_acquire(const std::string &tenant, const std::string &name,
                                                        const std::string &holder, int64_t ttl_ms, bool force) = 0;
    // Extends a lease still carrying `token`; nullopt when it was taken over (the holder lost it) or
    // released (a renewal racing the release must not bring the lease back).
    virtual std::optional<LeaseGrant> lease_renew(const std::string &tenant, const std::string &name, int64_t token,
                                                  int64_t ttl_ms) = 0;
    virtual void lease_release(const std::string &tenant, const std::string &name, int64_t token) = 0;
    // The current row (also expired ones: holder and token tell who had it last).
    virtual std::optional<LeaseInfo> lease_get(const std::string &tenant, const std::string &name) = 0;
    virtual std::vector<LeaseInfo> leases_active() = 0; // unexpired, every tenant

    // True when several machines can share this store (leases must then expire and be renewed;
    // a local store may rely on the kernel's flock to learn that a holder died).
    virtual bool shared() const = 0;
    virtual int schema_version() = 0;
    // Where the state lives, for messages: the file, or the URL without its password.
    virtual const std::string &path() const = 0;
};

// The schema version this host writes (both backends); a store recorded with a newer version is
// refused rather than written by an older host.
constexpr int kStateSchemaVersion = 2;

// Opens the state named by `url`: "postgresql://..." / "postgres://..." (or a libpq "key=value"
// string starting with "postgresql:") -> PostgreSQL; anything else is a SQLite file path.
std::unique_ptr<StateStore> open_state_store(const std::string &url);
bool is_postgres_url(const std::string &url);
// The URL with its password (user:PASSWORD@ and password=...) replaced by "***".
std::string redact_state_url(const std::string &url);
// The password of a state URL ("" when none), so that callers can add it to their redactor.
std::string state_url_password(const std::string &url);

// The smallest byte string greater than every string that starts with `prefix` ("" when there is
// none): both backends scan a prefix as the key range [prefix, prefix_end(prefix)).
std::string prefix_end(std::string prefix);

} // namespace ats::host
