#include "host_catalog.hpp"

#include "runtime.hpp"
#include "lock_manager.hpp"
#include "state_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

namespace ats::serve {
namespace json = boost::json;

namespace {

const char *support_name(int32_t s) {
    switch (s) {
    case ATS_SUPPORTED: return "supported";
    case ATS_LIMITED: return "limited";
    default: return "not_supported";
    }
}

json::object plugin_json(const ats::host::LoadedPlugin &p) {
    json::array ops;
    for (const auto &name : ats::host::known_operations()) {
        auto cap = p.capability(name);
        ops.push_back(json::object{{"operation", cap.operation}, {"support", support_name(cap.support)}, {"reason", cap.reason}});
    }
    auto abi = p.abi_version();
    return {{"provider", p.provider()},
            {"display_name", p.display_name()},
            {"plugin_version", p.plugin_version()},
            {"vendor", p.vendor()},
            {"description", p.description()},
            {"abi_version", std::to_string(abi.major) + "." + std::to_string(abi.minor)},
            {"operations", std::move(ops)}};
}

class HostTenantRuntime final : public TenantRuntime {
public:
    explicit HostTenantRuntime(std::shared_ptr<ats::host::Tenant> tenant) : tenant_(std::move(tenant)) {}

    const std::string &tenant_id() const override { return tenant_->id(); }
    const std::string &provider() const override { return tenant_->plugin()->provider(); }
    uint32_t abi_minor() const override { return tenant_->plugin()->abi_version().minor; }
    OperationSupport support(const std::string &operation) const override {
        auto cap = tenant_->plugin()->capability(operation);
        return {cap.support, cap.reason};
    }
    json::value capabilities_json() const override {
        auto o = plugin_json(*tenant_->plugin());
        o["tenant_id"] = tenant_->id();
        return o;
    }
    int sync_interval_seconds() const override {
        auto v = tenant_->manifest().sync_interval_seconds;
        return v ? static_cast<int>(*v) : 0;
    }
    int full_sync_every_seconds() const override {
        auto v = tenant_->manifest().sync_full_every_seconds;
        return static_cast<int>(v ? *v : ats::host::kDefaultFullSyncEverySeconds);
    }
    InvokeOutcome invoke(const std::string &operation, const std::string &args_json, const CallContext &ctx,
                         RecordConsumer &out) override {
        ats::host::InvokeSink sink;
        sink.on_record = [&out](std::string_view json_text) { return out.on_record(json_text); };
        sink.on_blob = [&out](std::string_view meta, std::string_view data) { return out.on_blob(meta, data); };
        if (out.wants_position()) sink.on_position = [&out](std::string_view position) { out.on_position(position); };
        ats::host::CallOptions options;
        options.request_id = ctx.request_id;
        options.cancelled = ctx.cancelled;
        options.max_results = out.max_results();
        auto result = tenant_->invoke(operation, args_json, sink, options);
        return {result.status, result.message, result.retryable, result.failure};
    }
    IsolationReport isolation() const override {
        auto s = tenant_->isolation_status();
        return {s.isolated, s.running, s.crash_loop, s.pid, s.starts, s.crashes, s.timeouts, s.crashes_in_a_row, s.last_failure};
    }
    Upstream upstream() const override {
        auto stats = tenant_->upstream_stats();
        Upstream up{stats.responses, stats.retries, stats.rate_limit_waits, stats.retry_wait_ms, stats.pace_wait_ms, {}};
        for (const auto &e : tenant_->rate_controllers()) {
            const auto &r = e.snapshot;
            up.pacing.push_back({e.upstream, r.mode, r.rate_per_second, r.queued_interactive, r.queued - r.queued_interactive,
                                 r.paced, r.received_429});
        }
        return up;
    }
    void record_sync_run(const boost::json::object &run) override { tenant_->sync_history().record(run); }
    std::vector<boost::json::object> sync_history(size_t n) const override { return tenant_->sync_history().last(n); }
    std::optional<boost::json::object> sync_run(const std::string &id) const override { return tenant_->sync_history().find(id); }
    bool remember_webhook_event(const std::string &event_id, int64_t now_unix, int64_t forget_before_unix) override {
        // The service's own rows, beside the tenant's: '#' cannot occur in a tenant id, so the
        // plugin (which sees only its tenant's rows) never meets them.
        const std::string owner = tenant_->id() + "#serve";
        const std::string prefix = "webhook_event/";
        // Check-then-insert must not race with a concurrent redelivery, in this process (the
        // mutex) or in another instance sharing the state (the lock: a lease on a shared store).
        static std::mutex mu;
        std::lock_guard<std::mutex> lock(mu);
        auto held = tenant_->environment().locks().acquire(owner, "webhook-events", 10000);
        auto &store = tenant_->environment().state();
        std::string seen;
        if (store.get(owner, prefix + event_id, seen)) return false;
        std::vector<std::pair<int64_t, std::string>> kept;
        std::vector<ats::host::StateOp> ops;
        store.scan(owner, prefix, [&](const std::string &key, const std::string &value) {
            int64_t at = std::atoll(value.c_str());
            if (at < forget_before_unix) ops.push_back({true, key, ""});
            else kept.emplace_back(at, key);
            return true;
        });
        // Bounded: beyond kMaxWebhookEvents the oldest go first.
        constexpr size_t kMaxWebhookEvents = 10000;
        if (kept.size() >= kMaxWebhookEvents) {
            std::sort(kept.begin(), kept.end());
            for (size_t i = 0; i + kMaxWebhookEvents <= kept.size(); ++i) ops.push_back({true, kept[i].second, ""});
        }
        ops.push_back({false, prefix + event_id, std::to_string(now_unix)});
        store.apply(owner, ops);
        return true;
    }

    std::vector<Lease> leases() const override {
        auto &env = tenant_->environment();
        std::vector<Lease> out;
        const int64_t now = env.now_unix_ms();
        for (const auto &l : env.state().leases_active())
            if (l.tenant == tenant_->id()) out.push_back({l.name, l.holder, l.token, std::max<int64_t>(0, l.expires_unix_ms - now)});
        return out;
    }
    std::string instance_id() const override { return tenant_->environment().locks().holder(); }

private:
    std::shared_ptr<ats::host::Tenant> tenant_;  // keeps the instance, and so its library, alive
};

class HostCatalog final : public Catalog {
public:
    json::value providers_json() const override {
        json::array out;
        for (const auto &p : registry_->plugins()) out.push_back(plugin_json(*p));
        return out;
    }
    std::vector<std::string> tenant_ids() const override {
        std::vector<std::string> ids;
        for (const auto &kv : tenants_) ids.push_back(kv.first);
        return ids;
    }
    std::shared_ptr<TenantRuntime> tenant(const std::string &id) const override {
        auto it = tenants_.find(id);
        return it == tenants_.end() ? nullptr : it->second;
    }
    std::vector<std::string> problems() const override { return problems_; }

    std::shared_ptr<const ats::host::PluginRegistry> registry_;
    std::map<std::string, std::shared_ptr<TenantRuntime>> tenants_;
    std::vector<std::string> problems_;
};

}  // namespace

CatalogFactory make_host_catalog_factory(std::shared_ptr<ats::host::Runtime> runtime) {
    auto first = std::make_shared<bool>(true);
    return [runtime, first]() -> std::shared_ptr<const Catalog> {
        auto catalog = std::make_shared<HostCatalog>();
        // The Runtime scanned the folder when it was built; later calls rescan (unchanged files
        // keep their loaded image, changed ones load from a private copy - host/core).
        catalog->registry_ = *first ? runtime->catalog().current() : runtime->catalog().reload();
        *first = false;
        auto manifests = runtime->load_manifests();
        if (!manifests.problems.empty()) {
            std::string why;
            for (const auto &p : manifests.problems) why += (why.empty() ? "" : "; ") + p.message;
            throw std::runtime_error("bad tenant manifest: " + why);
        }
        std::map<std::string, std::string> rejected_by_provider;
        for (const auto &r : catalog->registry_->rejected()) {
            catalog->problems_.push_back("plugin " + r.path + " rejected: " + r.reason);
            // A file whose descriptor could not be read may be the one meant for any provider.
            rejected_by_provider[r.provider] += "; rejected " + r.path + ": " + r.reason;
        }
        for (const auto &m : manifests.tenants) {
            auto plugin = catalog->registry_->find(m.provider);
            if (!plugin) {
                std::string available;
                for (const auto &name : catalog->registry_->provider_names()) available += (available.empty() ? "" : ", ") + name;
                throw std::runtime_error(m.path + ": tenant \"" + m.tenant_id + "\" needs provider \"" + m.provider +
                                         "\", which no loaded plugin provides (available: " +
                                         (available.empty() ? "none" : available) + ")" + rejected_by_provider[m.provider] +
                                         rejected_by_provider[""]);
            }
            try {
                catalog->tenants_[m.tenant_id] =
                    std::make_shared<HostTenantRuntime>(ats::host::Tenant::open(runtime->environment(), plugin, m));
            } catch (const std::exception &e) {
                throw std::runtime_error("tenant \"" + m.tenant_id + "\": " + e.what());
            }
        }
        return catalog;
    };
}

}  // namespace ats::serve
