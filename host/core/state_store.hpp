// state_store.hpp - durable per-tenant key-value state in one SQLite file
// (<data-dir>/state.sqlite, WAL, synchronous=FULL, busy_timeout so that several processes can
// share it). Table kv(tenant, key, value), primary key (tenant, key); keys are BLOBs so that
// scans come back in byte order. Thread-safe (one connection behind a mutex).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace ats::host {

struct StateOp {
    bool erase = false; // false: put
    std::string key, value;
};

class StateStore {
public:
    // Opens (creating) the database file. Throws std::runtime_error naming the file.
    explicit StateStore(const std::string &path);
    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    // Each throws std::runtime_error naming the tenant and the SQLite error on failure.
    bool get(const std::string &tenant, std::string_view key, std::string &value);
    void apply(const std::string &tenant, const std::vector<StateOp> &ops); // one transaction
    // Pairs for every key starting with `prefix`, in byte order. Read in one statement first,
    // then handed to fn (which may therefore call back into the store); fn returns false to stop.
    void scan(const std::string &tenant, std::string_view prefix,
              const std::function<bool(const std::string &, const std::string &)> &fn);
    const std::string &path() const { return path_; }

private:
    std::string path_;
    sqlite3 *db_ = nullptr;
    std::mutex mu_;
    void exec(const char *sql);
};

} // namespace ats::host
