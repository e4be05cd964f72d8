#include "pg_state_store.hpp"

#include "host_error.hpp"
#include "pg_connection.hpp"

#include "ats_plugin.h"

#include <algorithm>
#include <stdexcept>

namespace ats::host {
namespace {

using pg::Param;

// The database's wall clock in ms: every instance measures leases on the same clock.
#define ATS_PG_NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::int8"

// Any fixed number: the advisory lock instances take while migrating the schema.
constexpr const char *kMigrationLock = "SELECT pg_advisory_xact_lock(7310452113)";

// Deadlocks and serialization failures: the batch did not happen and may simply be run again.
bool retryable_sqlstate(const std::string &s) { return s == "40P01" || s == "40001"; }

} // namespace

// A connection taken from the pool for one operation, given back by the destructor.
class PgStateStore::Borrowed {
public:
    Borrowed(PgStateStore &store, std::unique_ptr<pg::Connection> c) : store_(store), c_(std::move(c)) {}
    Borrowed(Borrowed &&o) noexcept : store_(o.store_), c_(std::move(o.c_)) {}
    ~Borrowed() {
        if (c_) store_.give_back(std::move(c_));
    }
    pg::Connection *operator->() { return c_.get(); }

private:
    PgStateStore &store_;
    std::unique_ptr<pg::Connection> c_;
};

PgStateStore::PgStateStore(const std::string &url) : url_(url), redacted_(redact_state_url(url)) {
    idle_.push_back(std::make_unique<pg::Connection>(url_)); // fails here when the database is unreachable
    open_ = 1;
    migrate();
}

PgStateStore::~PgStateStore() = default;

PgStateStore::Borrowed PgStateStore::take() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return Borrowed(*this, std::move(c));
        }
        if (open_ < kPoolSize) {
            ++open_;
            lk.unlock();
            try {
                return Borrowed(*this, std::make_unique<pg::Connection>(url_));
            } catch (...) {
                lk.lock();
                --open_;
                throw;
            }
        }
        returned_.wait(lk);
    }
}

void PgStateStore::give_back(std::unique_ptr<pg::Connection> c) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        idle_.push_back(std::move(c));
    }
    returned_.notify_one();
}

// Version 1: kv and host_kv; version 2: leases (the SQLite backend numbers its steps the same).
void PgStateStore::migrate() {
    auto db = take();
    try {
        db->begin();
        db->exec(kMigrationLock);
        db->exec(
            "CREATE TABLE IF NOT EXISTS ats_schema_version (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL)");
        auto r = db->run("ats_version", "SELECT version FROM ats_schema_version WHERE id = 1", {});
        int version = r.rows() ? r.int4(0, 0) : 0;
        if (version > kStateSchemaVersion)
            throw std::runtime_error("schema version " + std::to_string(version) + " is newer than this host's (" +
                                     std::to_string(kStateSchemaVersion) + "): use a newer ats-host");
        if (version < 1) {
            db->exec("CREATE TABLE IF NOT EXISTS ats_kv (tenant text COLLATE \"C\" NOT NULL, key bytea NOT NULL,"
                     " value bytea NOT NULL, sealed boolean NOT NULL DEFAULT false, PRIMARY KEY (tenant, key))");
            db->exec("CREATE TABLE IF NOT EXISTS ats_host_kv (tenant text COLLATE \"C\" NOT NULL, name text NOT NULL,"
                     " value bytea NOT NULL, PRIMARY KEY (tenant, name))");
        }
        if (version < 2)
            db->exec(
                "CREATE TABLE IF NOT EXISTS ats_leases (tenant text COLLATE \"C\" NOT NULL, name text NOT NULL,"
                " holder text NOT NULL, token int8 NOT NULL, expires_ms int8 NOT NULL, PRIMARY KEY (tenant, name))");
        if (version != kStateSchemaVersion)
            db->exec("INSERT INTO ats_schema_version(id, version) VALUES (1, " + std::to_string(kStateSchemaVersion) +
                     ") ON CONFLICT (id) DO UPDATE SET version = excluded.version");
        db->commit();
    } catch (const std::exception &e) {
        db->rollback();
        throw std::runtime_error("state database " + redacted_ + ": migrating the schema: " + e.what());
    }
}

int PgStateStore::schema_version() {
    auto db = take();
    auto r = db->run("ats_version", "SELECT version FROM ats_schema_version WHERE id = 1", {});
    return r.rows() ? r.int4(0, 0) : 0;
}

bool PgStateStore::get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed) {
    auto db = take();
    try {
        auto r = db->run("ats_get", "SELECT value, sealed FROM ats_kv WHERE tenant = $1 AND key = $2",
                         {Param::of_text(tenant), Param::of_bytea(key)});
        if (!r.rows()) return false;
        value = r.bytes(0, 0);
        if (sealed) *sealed = r.boolean(0, 1);
        return true;
    } catch (const std::exception &e) {
        throw std::runtime_error("state get for tenant " + tenant + ": " + e.what());
    }
}

void PgStateStore::apply(const std::string &tenant, const std::vector<StateOp> &ops,
                         const std::vector<LeaseFence> &fences) {
    // Rows are written in key order (stable: several ops on one key keep their order), so two
    // batches touching the same keys lock them in the same order and cannot deadlock each other.
    std::vector<size_t> order(ops.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return ops[x].key < ops[y].key; });
    auto db = take();
    for (int attempt = 1;; ++attempt) {
        try {
            db->begin();
            for (const auto &f : fences) {
                // FOR SHARE: a takeover (an UPDATE of this row) waits until this batch is committed.
                auto r = db->run("ats_fence",
                                 "SELECT holder, token FROM ats_leases WHERE tenant = $1 AND name = $2 FOR SHARE",
                                 {Param::of_text(tenant), Param::of_text(f.name)});
                if (!r.rows() || r.int8(0, 1) != f.token)
                    throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                                    "write refused: the lease '" + f.name + "' of tenant '" + tenant + "' (token " +
                                        std::to_string(f.token) + ") was lost" +
                                        (r.rows()
                                             ? " to " + r.bytes(0, 0) + " (token " + std::to_string(r.int8(0, 1)) + ")"
                                             : std::string()));
            }
            std::vector<pg::Connection::Statement> writes;
            writes.reserve(ops.size());
            for (size_t i : order) {
                const StateOp &op = ops[i];
                if (op.erase)
                    writes.push_back({"ats_del",
                                      "DELETE FROM ats_kv WHERE tenant = $1 AND key = $2",
                                      {Param::of_text(tenant), Param::of_bytea(op.key)}});
                else
                    writes.push_back(
                        {"ats_put",
                         "INSERT INTO ats_kv(tenant, key, value, sealed) VALUES ($1, $2, $3, $4) ON CONFLICT"
                         " (tenant, key) DO UPDATE SET value = excluded.value, sealed = excluded.sealed",
                         {Param::of_text(tenant), Param::of_bytea(op.key), Param::of_bytea(op.value),
                          Param::of_bool(op.sealed)}});
            }
            db->pipeline(writes);
            db->commit();
            return;
        } catch (const HostError &) {
            db->rollback();
            throw;
        } catch (const std::exception &e) {
            db->rollback();
            if (attempt < 5 && retryable_sqlstate(db->last_sqlstate())) continue;
            throw std::runtime_error("state apply for tenant " + tenant + " (" + std::to_string(ops.size()) +
                                     " ops, rolled back): " + e.what());
        }
    }
}

void PgStateStore::scan_rows(const std::string &tenant, std::string_view prefix,
                             const std::function<bool(const StateRow &)> &fn) {
    std::vector<StateRow> rows;
    {
        auto db = take();
        try {
            std::string end = prefix_end(std::string(prefix));
            auto r = end.empty()
                         ? db->run("ats_scan_open",
                                   "SELECT key, value, sealed FROM ats_kv WHERE tenant = $1 AND key >= $2 ORDER BY key",
                                   {Param::of_text(tenant), Param::of_bytea(prefix)})
                         : db->run("ats_scan",
                                   "SELECT key, value, sealed FROM ats_kv WHERE tenant = $1 AND key >= $2 AND key < $3"
                                   " ORDER BY key",
                                   {Param::of_text(tenant), Param::of_bytea(prefix), Param::of_bytea(end)});
            rows.reserve(static_cast<size_t>(r.rows()));
            for (int i = 0; i < r.rows(); ++i) rows.push_back({r.bytes(i, 0), r.bytes(i, 1), r.boolean(i, 2)});
        } catch (const std::exception &e) {
            throw std::runtime_error("state scan for tenant " + tenant + ": " + e.what());
        }
    }
    for (const auto &r : rows)
        if (!fn(r)) break;
}

size_t PgStateStore::reseal_all(const std::string &tenant, const std::function<std::string(const StateRow &)> &reseal) {
    auto db = take();
    size_t changed = 0;
    try {
        db->begin();
        auto r = db->run("ats_sealed_rows", "SELECT key, value FROM ats_kv WHERE tenant = $1 AND sealed FOR UPDATE",
                         {Param::of_text(tenant)});
        for (int i = 0; i < r.rows(); ++i) {
            StateRow row{r.bytes(i, 0), r.bytes(i, 1), true};
            std::string v = reseal(row);
            if (v.empty()) continue;
            db->run("ats_reseal", "UPDATE ats_kv SET value = $3 WHERE tenant = $1 AND key = $2",
                    {Param::of_text(tenant), Param::of_bytea(row.key), Param::of_bytea(v)});
            ++changed;
        }
        db->commit();
    } catch (const std::exception &e) {
        db->rollback();
        throw std::runtime_error("re-encrypting the state of tenant " + tenant + " (rolled back): " + e.what());
    }
    return changed;
}

std::string PgStateStore::host_value_or_insert(const std::string &tenant, const std::string &name,
                                               const std::string &value) {
    auto db = take();
    try {
        db->run("ats_host_ins",
                "INSERT INTO ats_host_kv(tenant, name, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                {Param::of_text(tenant), Param::of_text(name), Param::of_bytea(value)});
        auto r = db->run("ats_host_get", "SELECT value FROM ats_host_kv WHERE tenant = $1 AND name = $2",
                         {Param::of_text(tenant), Param::of_text(name)});
        if (!r.rows()) throw std::runtime_error("the row vanished");
        return r.bytes(0, 0);
    } catch (const std::exception &e) {
        throw std::runtime_error("host value for tenant " + tenant + ": " + e.what());
    }
}

void PgStateStore::host_value_put(const std::string &tenant, const std::string &name, const std::string &value) {
    auto db = take();
    try {
        db->run("ats_host_put",
                "INSERT INTO ats_host_kv(tenant, name, value) VALUES ($1, $2, $3) ON CONFLICT (tenant, name)"
                " DO UPDATE SET value = excluded.value",
                {Param::of_text(tenant), Param::of_text(name), Param::of_bytea(value)});
    } catch (const std::exception &e) {
        throw std::runtime_error("host value for tenant " + tenant + ": " + e.what());
    }
}

std::optional<LeaseGrant> PgStateStore::lease_try_acquire(const std::string &tenant, const std::string &name,
                                                          const std::string &holder, int64_t ttl_ms, bool force) {
    auto db = take();
    try {
        // One statement: a free row is inserted, an expired (or forced) one taken over with the next
        // token, a running one left alone (no row returned).
        auto r = db->run(
            "ats_lease_acquire",
            "INSERT INTO ats_leases(tenant, name, holder, token, expires_ms) VALUES ($1, $2, $3, 1, " ATS_PG_NOW_MS
            " + $4) ON CONFLICT (tenant, name) DO UPDATE SET holder = excluded.holder,"
            " token = ats_leases.token + 1, expires_ms = excluded.expires_ms"
            " WHERE ats_leases.expires_ms <= " ATS_PG_NOW_MS " OR $5 RETURNING token, expires_ms",
            {Param::of_text(tenant), Param::of_text(name), Param::of_text(holder), Param::of_int8(ttl_ms),
             Param::of_bool(force)});
        if (!r.rows()) return std::nullopt;
        return LeaseGrant{r.int8(0, 0), r.int8(0, 1)};
    } catch (const std::exception &e) {
        throw std::runtime_error("acquiring the lease '" + name + "' of tenant " + tenant + ": " + e.what());
    }
}

std::optional<LeaseGrant> PgStateStore::lease_renew(const std::string &tenant, const std::string &name, int64_t token,
                                                    int64_t ttl_ms) {
    auto db = take();
    try {
        auto r = db->run("ats_lease_renew",
                         "UPDATE ats_leases SET expires_ms = " ATS_PG_NOW_MS " + $4 WHERE tenant = $1 AND name = $2"
                         " AND token = $3 AND expires_ms > 0 RETURNING expires_ms",
                         {Param::of_text(tenant), Param::of_text(name), Param::of_int8(token), Param::of_int8(ttl_ms)});
        if (!r.rows()) return std::nullopt;
        return LeaseGrant{token, r.int8(0, 0)};
    } catch (const std::exception &e) {
        throw std::runtime_error("renewing the lease '" + name + "' of tenant " + tenant + ": " + e.what());
    }
}

void PgStateStore::lease_release(const std::string &tenant, const std::string &name, int64_t token) {
    auto db = take();
    try { // the row stays (expired) so that the next token is still one more
        db->run("ats_lease_release",
                "UPDATE ats_leases SET expires_ms = 0 WHERE tenant = $1 AND name = $2 AND token = $3",
                {Param::of_text(tenant), Param::of_text(name), Param::of_int8(token)});
    } catch (const std::exception &e) {
        throw std::runtime_error("releasing the lease '" + name + "' of tenant " + tenant + ": " + e.what());
    }
}

std::optional<LeaseInfo> PgStateStore::lease_get(const std::string &tenant, const std::string &name) {
    auto db = take();
    auto r =
        db->run("ats_lease_get", "SELECT holder, token, expires_ms FROM ats_leases WHERE tenant = $1 AND name = $2",
                {Param::of_text(tenant), Param::of_text(name)});
    if (!r.rows()) return std::nullopt;
    return LeaseInfo{tenant, name, r.bytes(0, 0), r.int8(0, 1), r.int8(0, 2)};
}

std::vector<LeaseInfo> PgStateStore::leases_active() {
    auto db = take();
    auto r = db->run("ats_leases_active",
                     "SELECT tenant, name, holder, token, expires_ms FROM ats_leases WHERE expires_ms > " ATS_PG_NOW_MS
                     " ORDER BY tenant, name",
                     {});
    std::vector<LeaseInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.bytes(i, 0), r.bytes(i, 1), r.bytes(i, 2), r.int8(i, 3), r.int8(i, 4)});
    return out;
}

} // namespace ats::host
