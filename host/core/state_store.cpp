#include "state_store.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace ats::host {
namespace {

struct Stmt {
    sqlite3_stmt *s = nullptr;
    ~Stmt() { sqlite3_finalize(s); }
};

// Smallest byte string greater than every string with this prefix ("" when there is none).
std::string prefix_end(std::string p) {
    while (!p.empty()) {
        unsigned char c = static_cast<unsigned char>(p.back());
        if (c != 0xFF) {
            p.back() = static_cast<char>(c + 1);
            return p;
        }
        p.pop_back();
    }
    return p;
}

} // namespace

StateStore::StateStore(const std::string &path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error("cannot open state database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 15000); // other processes (a CLI next to a server) may hold the write lock
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL"); // a state_apply that returned is durable, even on power loss
    // Deleted and overwritten content is zeroed, not left in free pages: an erased person (forget)
    // or a value replaced by its sealed form does not linger in the file.
    exec("PRAGMA secure_delete=ON");
    exec("CREATE TABLE IF NOT EXISTS kv (tenant TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,"
         " PRIMARY KEY (tenant, key)) WITHOUT ROWID");
    // Files written before values could be sealed get the column (every old value is plain).
    bool has_sealed = false;
    {
        Stmt st;
        if (sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('kv') WHERE name='sealed'", -1, &st.s, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(st.s) == SQLITE_ROW)
            has_sealed = true;
    }
    if (!has_sealed) {
        try {
            exec("ALTER TABLE kv ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0");
        } catch (const std::exception &) { // another process added it meanwhile
            Stmt st;
            if (sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('kv') WHERE name='sealed'", -1, &st.s,
                                   nullptr) != SQLITE_OK ||
                sqlite3_step(st.s) != SQLITE_ROW)
                throw;
        }
    }
    exec("CREATE TABLE IF NOT EXISTS host_kv (tenant TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,"
         " PRIMARY KEY (tenant, name)) WITHOUT ROWID");
}

StateStore::~StateStore() { sqlite3_close(db_); }

void StateStore::exec(const char *sql) {
    char *err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw std::runtime_error("state database " + path_ + ": " + msg + " (in: " + sql + ")");
    }
}

bool StateStore::get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT value, sealed FROM kv WHERE tenant=?1 AND key=?2", -1, &st.s, nullptr) != SQLITE_OK)
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

void StateStore::apply(const std::string &tenant, const std::vector<StateOp> &ops) {
    std::lock_guard<std::mutex> lk(mu_);
    exec("BEGIN IMMEDIATE");
    try {
        Stmt put, del;
        if (sqlite3_prepare_v2(db_, "INSERT INTO kv(tenant,key,value,sealed) VALUES(?1,?2,?3,?4) "
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
    } catch (const std::exception &e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("state apply for tenant " + tenant + " (" + std::to_string(ops.size()) +
                                 " ops, rolled back): " + e.what());
    }
}

void StateStore::scan(const std::string &tenant, std::string_view prefix,
                      const std::function<bool(const std::string &, const std::string &)> &fn) {
    scan_rows(tenant, prefix, [&](const StateRow &r) { return fn(r.key, r.value); });
}

void StateStore::scan_rows(const std::string &tenant, std::string_view prefix,
                           const std::function<bool(const StateRow &)> &fn) {
    std::vector<StateRow> rows;
    {
        std::lock_guard<std::mutex> lk(mu_);
        std::string end = prefix_end(std::string(prefix));
        Stmt st;
        const char *sql = end.empty() ? "SELECT key, value, sealed FROM kv WHERE tenant=?1 AND key>=?2 ORDER BY key"
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
                return std::string(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(st.s, i)));
            };
            rows.push_back({col(0), col(1), sqlite3_column_int(st.s, 2) != 0});
        }
        if (rc != SQLITE_DONE) throw std::runtime_error("state scan for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    }
    for (const auto &r : rows)
        if (!fn(r)) break;
}

size_t StateStore::reseal_all(const std::string &tenant, const std::function<std::string(const StateRow &)> &reseal) {
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
        if (sqlite3_prepare_v2(db_, "UPDATE kv SET value=?3 WHERE tenant=?1 AND key=?2", -1, &up.s, nullptr) != SQLITE_OK)
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

std::string StateStore::host_value_or_insert(const std::string &tenant, const std::string &name, const std::string &value) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt ins, sel;
    if (sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO host_kv(tenant,name,value) VALUES(?1,?2,?3)", -1, &ins.s,
                           nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "SELECT value FROM host_kv WHERE tenant=?1 AND name=?2", -1, &sel.s, nullptr) != SQLITE_OK)
        throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(ins.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_text(ins.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    sqlite3_bind_blob(ins.s, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(sel.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_text(sel.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    if (sqlite3_step(sel.s) != SQLITE_ROW) throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    const void *b = sqlite3_column_blob(sel.s, 0);
    return std::string(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(sel.s, 0)));
}

void StateStore::host_value_put(const std::string &tenant, const std::string &name, const std::string &value) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_, "INSERT INTO host_kv(tenant,name,value) VALUES(?1,?2,?3) "
                                "ON CONFLICT(tenant,name) DO UPDATE SET value=excluded.value",
                           -1, &st.s, nullptr) != SQLITE_OK)
        throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_text(st.s, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st.s, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("host value for tenant " + tenant + ": " + sqlite3_errmsg(db_));
}

} // namespace ats::host
