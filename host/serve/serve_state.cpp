#include "serve_state.hpp"

#include "event_log.hpp"
#include "metrics.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <stdexcept>

namespace ats::serve {

ServeState::ServeState(std::shared_ptr<ats::host::Runtime> runtime, std::string tokens_path, EventLog &log,
                       Metrics &metrics)
    : runtime_(std::move(runtime)), tokens_path_(std::move(tokens_path)), log_(log), metrics_(metrics) {}

std::shared_ptr<const ats::host::TenantSet> ServeState::open_tenants(bool rescan) {
    return runtime_->open_all_tenants(rescan ? runtime_->catalog().reload() : runtime_->catalog().current());
}

void ServeState::load_initial() {
    auto tokens = TokenStore::load(tokens_path_);
    auto tenants = open_tenants(false);
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    tokens_ = std::move(tokens);
    tenants_ = std::move(tenants);
    generation_ = 1;
}

ReloadResult ServeState::reload(const std::string &trigger) {
    std::lock_guard<std::mutex> reload_lock(reload_mutex_);
    auto started = std::chrono::steady_clock::now();
    ReloadResult result;
    std::shared_ptr<const TokenStore> tokens;
    std::shared_ptr<const ats::host::TenantSet> tenants;
    try {
        // Build everything first; swap only when all of it loaded.
        tokens = TokenStore::load(tokens_path_);
        tenants = open_tenants(true);
    } catch (const std::exception &e) {
        result.ok = false;
        result.message = e.what();
        result.generation = generation_;
        metrics_.add("ats_serve_reloads_total", {{"outcome", "failed"}});
        log_.event("reload_failed",
                   {{"trigger", trigger}, {"error", result.message}, {"generation", result.generation}});
        return result;
    }
    std::shared_ptr<const ats::host::TenantSet> old_tenants;
    {
        std::lock_guard<std::mutex> lock(snapshot_mutex_);
        old_tenants = std::exchange(tenants_, tenants);
        tokens_ = tokens;
        result.generation = ++generation_;
    }
    // `old_tenants` may still be referenced by in-flight requests; whatever is left of it is
    // released by the last of them (outside any lock).
    old_tenants.reset();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.ok = true;
    result.message = "reloaded: " + std::to_string(tenants->tenants.size()) + " tenants";
    metrics_.add("ats_serve_reloads_total", {{"outcome", "ok"}});
    metrics_.set("ats_serve_config_generation", {}, static_cast<double>(result.generation));
    log_.event("reloaded", {{"trigger", trigger},
                            {"generation", result.generation},
                            {"tenants", tenants->tenants.size()},
                            {"seconds", secs}});
    return result;
}

std::shared_ptr<const ats::host::TenantSet> ServeState::tenants() const {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    return tenants_;
}

std::shared_ptr<const TokenStore> ServeState::tokens() const {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    return tokens_;
}

} // namespace ats::serve
