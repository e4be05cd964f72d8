// lock_manager.hpp - exclusive named locks per tenant, across processes and machines, as leases
// in the state store (state_store.hpp) with a fencing token:
//  - local store (SQLite): a flock() on <data-dir>/locks/<tenant>.<name>.lock decides who holds
//    the lock. The kernel drops it when its holder dies, so a crashed sync never leaves a lock
//    behind; the holder writes its pid into the file so that a refused caller learns who holds it.
//    The winner then takes the lease row (forced: the flock proved nobody else holds it), which
//    gives it the next fencing token.
//  - shared store (PostgreSQL): the lease row alone. It expires `ttl_ms` after its last renewal; a
//    background thread renews every held lease at a third of the TTL, so a live holder keeps it and
//    one that died (or stalled, or lost the database) loses it when the lease ends. Another
//    instance then takes it over with the next token, and the old holder's fenced writes are
//    refused by the store.
// Two acquisitions in one process also exclude each other.
#pragma once

#include "state_store.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ats::host {

struct LeaseRenewer;

class HeldLock {
public:
    ~HeldLock(); // releases the lease, then the flock
    HeldLock(const HeldLock &) = delete;
    HeldLock &operator=(const HeldLock &) = delete;
    const std::string &tenant() const { return tenant_; }
    const std::string &name() const { return name_; }
    int64_t token() const { return token_; } // 0: no lease (a LockManager without a store)
    // True once a renewal found the lease taken over: every fenced write will be refused.
    bool lost() const { return lost_->load(); }
    const std::string &path() const { return path_; } // the flock file ("" for a shared store)

private:
    friend class LockManager;
    HeldLock() = default;
    int fd_ = -1;
    std::string tenant_, name_, path_;
    int64_t token_ = 0;
    StateStore *store_ = nullptr;
    std::shared_ptr<LeaseRenewer> renewer_;
    std::shared_ptr<std::atomic<bool>> lost_ = std::make_shared<std::atomic<bool>>(false);
};

class LockManager {
public:
    struct Options {
        std::string holder;     // who this process is, in lease rows and messages; "" = "<hostname> pid <pid>"
        int64_t ttl_ms = 30000; // lease duration on a shared store (renewed every ttl_ms / 3)
    };

    // flock only (no lease, no fencing token).
    explicit LockManager(std::string locks_dir);
    // Leases in `store` (which must outlive this manager and every lock it hands out).
    LockManager(std::string locks_dir, StateStore *store, Options options);
    ~LockManager();

    // Waits up to wait_ms (0 = one try). Throws HostError(operation, ATS_ERR_CONFLICT) naming the
    // lock and its holder when it cannot be had, HostError(..., ATS_ERR_INVALID_ARGUMENT) for a bad
    // name, std::runtime_error for I/O and database errors.
    std::unique_ptr<HeldLock> acquire(const std::string &tenant, const std::string &name, int64_t wait_ms);
    const std::string &directory() const { return dir_; }
    const std::string &holder() const { return options_.holder; }
    int64_t ttl_ms() const { return options_.ttl_ms; }

private:
    std::string dir_;
    StateStore *store_ = nullptr;
    Options options_;
    std::mutex mu_; // guards renewer_
    std::shared_ptr<LeaseRenewer> renewer_;
    std::unique_ptr<HeldLock> acquire_flock(const std::string &tenant, const std::string &name, int64_t wait_ms);
    std::unique_ptr<HeldLock> acquire_lease(const std::string &tenant, const std::string &name, int64_t wait_ms);
};

} // namespace ats::host
