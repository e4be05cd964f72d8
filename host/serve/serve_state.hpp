// serve_state.hpp - the swappable configuration of the running service: the opened tenants (a
// host::TenantSet: the plugin registry snapshot and one host::Tenant per manifest) and the token
// store, replaced together and atomically by a reload (SIGHUP or the admin route). A reload that
// fails leaves both exactly as they were and reports why. Requests hold a shared_ptr to the set
// (and to their Tenant) they started with, so an in-flight call or stream finishes on the old
// provider, whose library is unloaded only once its last instance is gone.
//
// Strict on purpose (host::Runtime::open_all_tenants): a reload whose manifests folder has a bad
// file, or whose tenant names a provider no loaded plugin provides, or whose instance cannot be
// created, fails. Rejected plugin files that no tenant uses are reported by readiness only.
#pragma once

#include "runtime.hpp"
#include "token_store.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace ats::serve {

class EventLog;
class Metrics;

struct ReloadResult {
    bool ok = false;
    std::string message;     // why it failed (names the file/field at fault), or a summary
    uint64_t generation = 0; // the generation serving after the call
};

class ServeState {
public:
    ServeState(std::shared_ptr<ats::host::Runtime> runtime, std::string tokens_path, EventLog &log, Metrics &metrics);

    // First load; throws std::runtime_error when the service cannot start.
    void load_initial();
    ReloadResult reload(const std::string &trigger);

    std::shared_ptr<const ats::host::TenantSet> tenants() const;
    std::shared_ptr<const TokenStore> tokens() const;
    uint64_t generation() const { return generation_.load(); }

private:
    // The Runtime scanned the plugins folder when it was built: the first load uses that scan,
    // every reload rescans (unchanged files keep their loaded image - host/core).
    std::shared_ptr<const ats::host::TenantSet> open_tenants(bool rescan);

    std::shared_ptr<ats::host::Runtime> runtime_;
    std::string tokens_path_;
    EventLog &log_;
    Metrics &metrics_;
    std::mutex reload_mutex_;           // one reload at a time
    mutable std::mutex snapshot_mutex_; // guards the two pointers (short critical sections)
    std::shared_ptr<const ats::host::TenantSet> tenants_;
    std::shared_ptr<const TokenStore> tokens_;
    std::atomic<uint64_t> generation_{0};
};

} // namespace ats::serve
