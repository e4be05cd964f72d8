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
    exec("CREATE TABLE IF NOT EXISTS kv (tenant TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,"
         " PRIMARY KEY (tenant, key)) WITHOUT ROWID");
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

bool StateStore::get(const std::string &tenant, std::string_view key, std::string &value) {
    std::lock_guard<std::mutex> lk(mu_);
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT value FROM kv WHERE tenant=?1 AND key=?2", -1, &st.s, nullptr) != SQLITE_OK)
        throw std::runtime_error("state get for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    sqlite3_bind_text(st.s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st.s, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) throw std::runtime_error("state get for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    const void *b = sqlite3_column_blob(st.s, 0);
    value.assign(static_cast<const char *>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(st.s, 0)));
    return true;
}

void StateStore::apply(const std::string &tenant, const std::vector<StateOp> &ops) {
    std::lock_guard<std::mutex> lk(mu_);
    exec("BEGIN IMMEDIATE");
    try {
        Stmt put, del;
        if (sqlite3_prepare_v2(db_, "INSERT INTO kv(tenant,key,value) VALUES(?1,?2,?3) "
                                    "ON CONFLICT(tenant,key) DO UPDATE SET value=excluded.value",
                               -1, &put.s, nullptr) != SQLITE_OK ||
            sqlite3_prepare_v2(db_, "DELETE FROM kv WHERE tenant=?1 AND key=?2", -1, &del.s, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        for (const auto &op : ops) {
            sqlite3_stmt *s = op.erase ? del.s : put.s;
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, tenant.data(), static_cast<int>(tenant.size()), SQLITE_STATIC);
            sqlite3_bind_blob(s, 2, op.key.data(), static_cast<int>(op.key.size()), SQLITE_STATIC);
            if (!op.erase)
                sqlite3_bind_blob(s, 3, op.value.empty() ? "" : op.value.data(), static_cast<int>(op.value.size()),
                                  SQLITE_STATIC);
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
    std::vector<std::pair<std::string, std::string>> rows;
    {
        std::lock_guard<std::mutex> lk(mu_);
        std::string end = prefix_end(std::string(prefix));
        Stmt st;
        const char *sql = end.empty() ? "SELECT key, value FROM kv WHERE tenant=?1 AND key>=?2 ORDER BY key"
                                      : "SELECT key, value FROM kv WHERE tenant=?1 AND key>=?2 AND key<?3 ORDER BY key";
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
            rows.emplace_back(col(0), col(1));
        }
        if (rc != SQLITE_DONE) throw std::runtime_error("state scan for tenant " + tenant + ": " + sqlite3_errmsg(db_));
    }
    for (const auto &[k, v] : rows)
        if (!fn(k, v)) break;
}

} // namespace ats::host
