// state_store.hpp - durable per-tenant key-value state in one SQLite file
// (<data-dir>/state.sqlite, WAL, synchronous=FULL, busy_timeout so that several processes can
// share it). Table kv(tenant, key, value), primary key (tenant, key); keys are BLOBs so that
// scans come back in byte order. Column `sealed` = 1 marks a value the host encrypted
// (state_crypto.hpp): the store keeps bytes and the flag, the Tenant seals and opens. Table
// host_kv(tenant, name, value) holds what the host itself keeps per tenant (the sealed identity
// hash key), out of the plugins' key space. Thread-safe (one connection behind a mutex).
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
    bool sealed = false; // put: `value` is sealed (encrypted by the caller)
};

struct StateRow {
    std::string key, value;
    bool sealed = false;
};

class StateStore {
public:
    // Opens (creating) the database file. Throws std::runtime_error naming the file.
    explicit StateStore(const std::string &path);
    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    // Each throws std::runtime_error naming the tenant and the SQLite error on failure.
    bool get(const std::string &tenant, std::string_view key, std::string &value, bool *sealed = nullptr);
    void apply(const std::string &tenant, const std::vector<StateOp> &ops); // one transaction
    // Pairs for every key starting with `prefix`, in byte order. Read in one statement first,
    // then handed to fn (which may therefore call back into the store); fn returns false to stop.
    void scan(const std::string &tenant, std::string_view prefix,
              const std::function<bool(const std::string &, const std::string &)> &fn);
    // Same, with the sealed flag of each row.
    void scan_rows(const std::string &tenant, std::string_view prefix, const std::function<bool(const StateRow &)> &fn);

    // Re-writes every sealed row of the tenant through `reseal` (value -> new value) in one
    // transaction (key rotation); returns how many rows changed (reseal returns "" to keep one).
    size_t reseal_all(const std::string &tenant, const std::function<std::string(const StateRow &)> &reseal);

    // host_kv: the value stored under (tenant, name); when there is none, stores `value` first.
    // Two processes racing get the same winner (INSERT OR IGNORE, then SELECT).
    std::string host_value_or_insert(const std::string &tenant, const std::string &name, const std::string &value);
    void host_value_put(const std::string &tenant, const std::string &name, const std::string &value);

    const std::string &path() const { return path_; }

private:
    std::string path_;
    sqlite3 *db_ = nullptr;
    std::mutex mu_;
    void exec(const char *sql);
};

} // namespace ats::host
