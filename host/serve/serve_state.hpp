// serve_state.hpp - the swappable configuration of the running service: the provider catalog
// and the token store, replaced together and atomically by a reload (SIGHUP or the admin route).
// A reload that fails leaves both exactly as they were and reports why.
#pragma once

#include "provider_catalog.hpp"
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
    std::string message;       // why it failed (names the file/field at fault), or a summary
    uint64_t generation = 0;   // the generation serving after the call
};

class ServeState {
public:
    ServeState(CatalogFactory factory, std::string tokens_path, EventLog &log, Metrics &metrics);

    // First load; throws std::runtime_error when the service cannot start.
    void load_initial();
    ReloadResult reload(const std::string &trigger);

    std::shared_ptr<const Catalog> catalog() const;
    std::shared_ptr<const TokenStore> tokens() const;
    uint64_t generation() const { return generation_.load(); }

private:
    CatalogFactory factory_;
    std::string tokens_path_;
    EventLog &log_;
    Metrics &metrics_;
    std::mutex reload_mutex_;          // one reload at a time
    mutable std::mutex snapshot_mutex_;  // guards the two pointers (short critical sections)
    std::shared_ptr<const Catalog> catalog_;
    std::shared_ptr<const TokenStore> tokens_;
    std::atomic<uint64_t> generation_{0};
};

}  // namespace ats::serve
