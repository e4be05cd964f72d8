#include "serve_state.hpp"

#include "event_log.hpp"
#include "metrics.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <stdexcept>

namespace ats::serve {

ServeState::ServeState(CatalogFactory factory, std::string tokens_path, EventLog &log, Metrics &metrics)
    : factory_(std::move(factory)), tokens_path_(std::move(tokens_path)), log_(log), metrics_(metrics) {}

void ServeState::load_initial() {
    auto tokens = TokenStore::load(tokens_path_);
    auto catalog = factory_();
    if (!catalog) throw std::runtime_error("loading providers produced no catalog");
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    tokens_ = std::move(tokens);
    catalog_ = std::move(catalog);
    generation_ = 1;
}

ReloadResult ServeState::reload(const std::string &trigger) {
    std::lock_guard<std::mutex> reload_lock(reload_mutex_);
    auto started = std::chrono::steady_clock::now();
    ReloadResult result;
    std::shared_ptr<const TokenStore> tokens;
    std::shared_ptr<const Catalog> catalog;
    try {
        // Build everything first; swap only when all of it loaded.
        tokens = TokenStore::load(tokens_path_);
        catalog = factory_();
        if (!catalog) throw std::runtime_error("loading providers produced no catalog");
    } catch (const std::exception &e) {
        result.ok = false;
        result.message = e.what();
        result.generation = generation_;
        metrics_.add("ats_serve_reloads_total", {{"outcome", "failed"}});
        log_.event("reload_failed", {{"trigger", trigger}, {"error", result.message},
                                     {"generation", result.generation}});
        return result;
    }
    std::shared_ptr<const Catalog> old_catalog;
    {
        std::lock_guard<std::mutex> lock(snapshot_mutex_);
        old_catalog = std::exchange(catalog_, catalog);
        tokens_ = tokens;
        result.generation = ++generation_;
    }
    // `old_catalog` may still be referenced by in-flight requests; whatever is left of it is
    // released by the last of them (outside any lock).
    old_catalog.reset();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.ok = true;
    result.message = "reloaded: " + std::to_string(catalog->tenant_ids().size()) + " tenants";
    metrics_.add("ats_serve_reloads_total", {{"outcome", "ok"}});
    metrics_.set("ats_serve_config_generation", {}, static_cast<double>(result.generation));
    log_.event("reloaded", {{"trigger", trigger}, {"generation", result.generation},
                            {"tenants", catalog->tenant_ids().size()}, {"seconds", secs}});
    return result;
}

std::shared_ptr<const Catalog> ServeState::catalog() const {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    return catalog_;
}

std::shared_ptr<const TokenStore> ServeState::tokens() const {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    return tokens_;
}

}  // namespace ats::serve
