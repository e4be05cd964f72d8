#include "sqlite_state_store.hpp"

#include "host_error.hpp"

#include "ats_plugin.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace ats::host {
namespace {

struct Stmt {
    sqlite3_stmt *s = nullptr;
    ~Stmt() { sqlite3_finalize(s); }
};

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string column_bytes(sqlite3_stmt *s, int i) {
    const void *b = sqlite3_column_blob(s, i);
    return std::string(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(s, i)));
}

void bind_text(sqlite3_stmt *s, int i, const std::string &v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

} // namespace

SqliteStateStore::SqliteStateStore(const std::string &path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error("cannot open state database " + path + ": " + msg);
    }
    // A constructor that throws runs no destructor: the connection is closed here on every failure
    // (a file written by a newer host, a failed migration), or each refused open would leak it.
    try {
        sqlite3_busy_timeout(db_, 15000); // other processes (a CLI next to a server) may hold the write lock
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL"); // a state_apply that returned is durable, even on power loss
        // Deleted and overwritten content is zeroed, not left in free pages: an erased person (forget)
        // or a value replaced by its sealed form does not linger in the file.
        exec("PRAGMA secure_delete=ON");
        migrate();
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteStateStore::~SqliteStateStore() { sqlite3_close(db_); }

// Version 1: kv (+ the sealed column, which files from before sealing lack) and host_kv.
// Version 2: leases. Files written before versions were recorded have kv but no version row.
// BEGIN IMMEDIATE makes two processes opening a new file migrate one after the other.
// A file already at this version is only read: opening it must not wait for the write lock, which
// another process (a sync mid-batch, or a stopped one) may hold for as long as it likes.
void SqliteStateStore::migrate() {
    auto read_version = [this] {
        Stmt st;
        if (sqlite3_prepare_v2(db_, "SELECT version FROM schema_version WHERE id=1", -1, &st.s, nullptr) == SQLITE_OK &&
            sqlite3_step(st.s) == SQLITE_ROW)
            return sqlite3_column_int(st.s, 0);
        return 0;
    };
    if (read_version() == kStateSchemaVersion) return;
    exec("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    exec("BEGIN IMMEDIATE");
    try {
        const int version = read_version(); // again, under the write lock: another process may have migrated
        if (version > kStateSchemaVersion)
            throw std::runtime_error("schema version " + std::to_string(version) + " is newer than this host's (" +
                                     std::to_string(kStateSchemaVersion) + "): use a newer ats-host");
        if (version < 1) {
            exec("CREATE TABLE IF NOT EXISTS kv (tenant TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,"
                 " PRIMARY KEY (tenant, key)) WITHOUT ROWID");
            Stmt st;
            bool has_sealed = sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('kv') WHERE name='sealed'", -1,
                                                 &st.s, nullptr) == SQLITE_OK &&
                              sqlite3_step(st.s) == SQLITE_ROW;
            if (!has_sealed) exec("ALTER TABLE kv ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0");
            exec("CREATE TABLE IF NOT EXISTS host_kv (tenant TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,"
                 " PRIMARY KEY (tenant, name)) WITHOUT ROWID");
        }
        if (version < 2)
            exec("CREATE TABLE IF NOT EXISTS leases (tenant TEXT NOT NULL, name TEXT NOT NULL, holder TEXT NOT NULL,"
                 " token INTEGER NOT NULL, expires_ms INTEGER NOT NULL, PRIMARY KEY (tenant, name)) WITHOUT ROWID");
        if (version != kStateSchemaVersion)
            exec(("INSERT INTO schema_version(id, version) VALUES(1, " + std::to_string(kStateSchemaVersion) +
                  ") ON CONFLICT(id) DO UPDATE SET version=excluded.version")
                     .c_str());
        exec("COMMIT");
    } catch (const std::exception &e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("state database " + path_ + ": migrating the schema: " + e.what());
    }
}

int SqliteStateStore::schema_version() {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT version FROM schema_version WHERE id=1", -1, &st.s, nullptr) != SQLITE_OK ||
        sqlite3_step(st.s) != SQLITE_ROW)
        return 0;
    return sqlite3_column_int(st.s, 0);
}

void SqliteStateStore::exec(const char *sql) {
    char *err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw std::runtime_error("state database " + path_ + ": " + msg + " (in: " + sql + ")");
    }
}

bool SqliteStateStore::get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT value, sealed FROM kv WHERE tenant=?1 AND key=?2", -1, &st.s, nullptr) !=
        SQLITE_OK)
        throw std::runtime_error("state get for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st.s, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) throw std::runtime_error("state get for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    const void *b = sqlite3_column_blob(st.s, 0);
    value.assign(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(st.s, 0)));
    if (sealed) *sealed = sqlite3_column_int(st.s, 1) != 0;
    return true;
}

void SqliteStateStore::apply(const std::string &tenant, const std::vector<StateOp> &ops,
                             const std::vector<LeaseFence> &fences) {
    std::lock_guard<std::mutex> lk(mu_);
    exec("BEGIN IMMEDIATE");
    try {
        for (const auto &f : fences) { // BEGIN IMMEDIATE: no takeover can commit between check and write
            auto cur = lease_get_locked(tenant, f.name);
            if (!cur || cur->token != f.token)
                throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                                "write refused: the lease '" + f.name + "' of tenant '" + tenant + "' (token " +
                                    std::to_string(f.token) + ") was lost" +
                                    (cur ? " to " + cur->holder + " (token " + std::to_string(cur->token) + ")" : ""));
        }
        Stmt put, del;
        if (sqlite3_prepare_v2(db_,
                               "INSERT INTO kv(tenant,key,value,sealed) VALUES(?1,?2,?3,?4) "
                               "ON CONFLICT(tenant,key) DO UPDATE SET value=excluded.value, sealed=excluded.sealed",
                               -1, &put.s, nullptr) != SQLITE_OK ||
            sqlite3_prepare_v2(db_, "DELETE FROM kv WHERE tenant=?1 AND key=?2", -1, &del.s, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        for (const auto &op : ops) {
            sqlite3_stmt *s = op.erase ? del.s : put.s;
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
            sqlite3_bind_blob(s, 2, op.key.data(), static_cast<int>(op.key.size()), SQLITE_STATIC);
            if (!op.erase) {
                sqlite3_bind_blob(s, 3, op.value.empty() ? "" : op.value.data(), static_cast<int>(op.value.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_int(s, 4, op.sealed ? 1 : 0);
            }
            if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        }
        exec("COMMIT");
    } catch (const HostError &) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    } catch (const std::exception &e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("state apply for tenant " + tenant + " (" + std::to_string(ops.size()) +
                                 " ops, rolled back): " + e.what());
    }
}

void SqliteStateStore::scan_rows(const std::string &tenant, std::string_view prefix,
                                 const std::function<bool(const StateRow &)> &fn) {
    std::vector<StateRow> rows;
    {
        std::lock_guard<std::mutex> lk(mu_);
        std::string end = prefix_end(std::string(prefix));
        Stmt st;
        const char *sql = end.empty()
                              ? "SELECT key, value, sealed FROM kv WHERE tenant=?1 AND key>=?2 ORDER BY key"
                              : "SELECT key, value, sealed FROM kv WHERE tenant=?1 AND key>=?2 AND key<?3 ORDER BY key";
        if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK)
            throw std::runtime_error("state scan for tenant " + tenant + ": " + sqlite3_errmsg(db_));
        sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st.s, 2, prefix.empty() ? "" : prefix.data(), static_cast<int>(prefix.size()), SQLITE_STATIC);
        if (!end.empty()) sqlite3_bind_blob(st.s, 3, end.data(), static_cast<int>(end.size()), SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
            auto col = [&](int i) {
                const void *b = sqlite3_column_blob(st.s, i);
                return std::string(static_cast<const char *>(b ? b : ""),
                                   static_cast<size_t>(sqlite3_column_bytes(st.s, i)));
            };
            rows.push_back({col(0), col(1), sqlite3_column_int(st.s, 2) != 0});
        }
        if (rc != SQLITE_DONE) throw std::runtime_error("state scan for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    }
    for (const auto &r : rows)
        if (!fn(r)) break;
}

size_t SqliteStateStore::reseal_all(const std::string &tenant,
                                    const std::function<std::string(const StateRow &)> &reseal) {
    std::lock_guard<std::mutex> lk(mu_);
    exec("BEGIN IMMEDIATE");
    size_t changed = 0;
    try {
        std::vector<StateRow> rows;
        {
            Stmt st;
            if (sqlite3_prepare_v2(db_, "SELECT key, value FROM kv WHERE tenant=?1 AND sealed=1", -1, &st.s, nullptr) !=
                SQLITE_OK)
                throw std::runtime_error(sqlite3_errmsg(db_));
            sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
            while (sqlite3_step(st.s) == SQLITE_ROW) {
                auto col = [&](int i) {
                    const void *b = sqlite3_column_blob(st.s, i);
                    return std::string(static_cast<const char *>(b ? b : ""),
                                       static_cast<size_t>(sqlite3_column_bytes(st.s, i)));
                };
                rows.push_back({col(0), col(1), true});
            }
        }
        Stmt up;
        if (sqlite3_prepare_v2(db_, "UPDATE kv SET value=?3 WHERE tenant=?1 AND key=?2", -1, &up.s, nullptr) !=
            SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        for (const auto &r : rows) {
            std::string v = reseal(r);
            if (v.empty()) continue;
            sqlite3_reset(up.s);
            sqlite3_bind_text(up.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
            sqlite3_bind_blob(up.s, 2, r.key.data(), static_cast<int>(r.key.size()), SQLITE_STATIC);
            sqlite3_bind_blob(up.s, 3, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
            if (sqlite3_step(up.s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
            ++changed;
        }
        exec("COMMIT");
    } catch (const std::exception &e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("re-encrypting the state of tenant " + tenant + " (rolled back): " + e.what());
    }
    return changed;
}

std::string SqliteStateStore::host_value_or_insert(const std::string &tenant, const std::string &name,
                                                   const std::string &value) {
    std::lock_guard<std::mutex> lk(mu_);
    auto fail = [&] { throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_)); };
    // Read first: an existing value (every start after the first) must not need the write lock,
    // which another process may hold for as long as it likes (a sync mid-batch, or one stopped).
    auto select = [&](std::string &out) {
        Stmt sel;
        if (sqlite3_prepare_v2(db_, "SELECT value FROM host_kv WHERE tenant=?1 AND name=?2", -1, &sel.s, nullptr) !=
            SQLITE_OK)
            fail();
        sqlite3_bind_text(sel.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
        sqlite3_bind_text(sel.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(sel.s);
        if (rc == SQLITE_DONE) return false;
        if (rc != SQLITE_ROW) fail();
        const void *b = sqlite3_column_blob(sel.s, 0);
        out.assign(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(sel.s, 0)));
        return true;
    };
    std::string out;
    if (select(out)) return out;
    Stmt ins;
    if (sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO host_kv(tenant,name,value) VALUES(?1,?2,?3)", -1, &ins.s,
                           nullptr) != SQLITE_OK)
        fail();
    sqlite3_bind_text(ins.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_text(ins.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    sqlite3_bind_blob(ins.s, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(ins.s) != SQLITE_DONE) fail();
    if (!select(out)) fail(); // another process may have inserted first: its value wins
    return out;
}

void SqliteStateStore::host_value_put(const std::string &tenant, const std::string &name, const std::string &value) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO host_kv(tenant,name,value) VALUES(?1,?2,?3) "
                           "ON CONFLICT(tenant,name) DO UPDATE SET value=excluded.value",
                           -1, &st.s, nullptr) != SQLITE_OK)
        throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_text(st.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st.s, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(st.s) != SQLITE_DONE)
        throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
}

std::optional<LeaseInfo> SqliteStateStore::lease_get_locked(const std::string &tenant, const std::string &name) {
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT holder, token, expires_ms FROM leases WHERE tenant=?1 AND name=?2", -1, &st.s,
                           nullptr) != SQLITE_OK)
        throw std::runtime_error("lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
    bind_text(st.s, 1, tenant);
    bind_text(st.s, 2, name);
    int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) throw std::runtime_error("lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
    return LeaseInfo{tenant, name, column_bytes(st.s, 0), sqlite3_column_int64(st.s, 1), sqlite3_column_int64(st.s, 2)};
}

std::optional<LeaseInfo> SqliteStateStore::lease_get(const std::string &tenant, const std::string &name) {
    std::lock_guard<std::mutex> lk(mu_);
    return lease_get_locked(tenant, name);
}

std::optional<LeaseGrant> SqliteStateStore::lease_try_acquire(const std::string &tenant, const std::string &name,
                                                              const std::string &holder, int64_t ttl_ms, bool force) {
    std::lock_guard<std::mutex> lk(mu_);
    exec("BEGIN IMMEDIATE");
    try {
        const int64_t now = wall_ms();
        auto cur = lease_get_locked(tenant, name);
        if (cur && !force && cur->expires_unix_ms > now) {
            exec("COMMIT");
            return std::nullopt;
        }
        LeaseGrant g{cur ? cur->token + 1 : 1, now + ttl_ms};
        Stmt st;
        if (sqlite3_prepare_v2(db_,
                               "INSERT INTO leases(tenant,name,holder,token,expires_ms) VALUES(?1,?2,?3,?4,?5) "
                               "ON CONFLICT(tenant,name) DO UPDATE SET holder=excluded.holder, token=excluded.token,"
                               " expires_ms=excluded.expires_ms",
                               -1, &st.s, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        bind_text(st.s, 1, tenant);
        bind_text(st.s, 2, name);
        bind_text(st.s, 3, holder);
        sqlite3_bind_int64(st.s, 4, g.token);
        sqlite3_bind_int64(st.s, 5, g.expires_unix_ms);
        if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        exec("COMMIT");
        return g;
    } catch (const std::exception &e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("acquiring the lease '" + name + "' of tenant " + tenant + ": " + e.what());
    }
}

std::optional<LeaseGrant> SqliteStateStore::lease_renew(const std::string &tenant, const std::string &name,
                                                        int64_t token, int64_t ttl_ms) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(
            db_, "UPDATE leases SET expires_ms=?4 WHERE tenant=?1 AND name=?2 AND token=?3 AND expires_ms > 0", -1,
            &st.s, nullptr) != SQLITE_OK)
        throw std::runtime_error("renewing the lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
    const int64_t expires = wall_ms() + ttl_ms;
    bind_text(st.s, 1, tenant);
    bind_text(st.s, 2, name);
    sqlite3_bind_int64(st.s, 3, token);
    sqlite3_bind_int64(st.s, 4, expires);
    if (sqlite3_step(st.s) != SQLITE_DONE)
        throw std::runtime_error("renewing the lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
    if (sqlite3_changes(db_) == 0) return std::nullopt;
    return LeaseGrant{token, expires};
}

void SqliteStateStore::lease_release(const std::string &tenant, const std::string &name, int64_t token) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st; // the row stays (expired) so that the next token is still one more
    if (sqlite3_prepare_v2(db_, "UPDATE leases SET expires_ms=0 WHERE tenant=?1 AND name=?2 AND token=?3", -1, &st.s,
                           nullptr) != SQLITE_OK)
        throw std::runtime_error("releasing the lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
    bind_text(st.s, 1, tenant);
    bind_text(st.s, 2, name);
    sqlite3_bind_int64(st.s, 3, token);
    if (sqlite3_step(st.s) != SQLITE_DONE)
        throw std::runtime_error("releasing the lease of tenant " + tenant + ": " + sqlite3_errmsg(db_));
}

std::vector<LeaseInfo> SqliteStateStore::leases_active() {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_,
                           "SELECT tenant, name, holder, token, expires_ms FROM leases WHERE expires_ms > ?1"
                           " ORDER BY tenant, name",
                           -1, &st.s, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("listing leases: ") + sqlite3_errmsg(db_));
    sqlite3_bind_int64(st.s, 1, wall_ms());
    std::vector<LeaseInfo> out;
    while (sqlite3_step(st.s) == SQLITE_ROW)
        out.push_back({column_bytes(st.s, 0), column_bytes(st.s, 1), column_bytes(st.s, 2),
                       sqlite3_column_int64(st.s, 3), sqlite3_column_int64(st.s, 4)});
    return out;
}

} // namespace ats::host
