#include "runtime.hpp"

#include "host_error.hpp"

namespace ats::host {

Runtime::Runtime(Options options)
    : options_(std::move(options)), env_(std::make_shared<HostEnvironment>(options_.environment)),
      catalog_(options_.plugins_dir, options_.identity) {}

ManifestSet Runtime::load_manifests() const { return host::load_manifests(options_.manifests_dir); }

std::shared_ptr<Tenant> Runtime::open_tenant(const std::string &tenant_id) {
    ManifestSet set = load_manifests();
    if (const TenantManifest *m = set.find(tenant_id)) return open_tenant(*m);
    for (const auto &p : set.problems) // the tenant's own file may be the broken one
        if (p.path.find("/" + tenant_id + ".json") != std::string::npos)
            throw HostError(ErrorKind::manifest, ATS_ERR_INVALID_ARGUMENT, p.message);
    std::string known;
    for (const auto &t : set.tenants) known += (known.empty() ? "" : ", ") + t.tenant_id;
    std::string unreadable;
    for (const auto &p : set.problems) unreadable += "; " + p.message;
    throw HostError(ErrorKind::manifest, ATS_ERR_NOT_FOUND,
                    "no tenant '" + tenant_id + "' in " + options_.manifests_dir +
                        " (known tenants: " + (known.empty() ? "none" : known) + ")" +
                        (unreadable.empty() ? "" : "; manifests that could not be read" + unreadable));
}

std::string provider_unavailable(const PluginRegistry &registry, const TenantManifest &m) {
    std::string avail;
    for (const auto &n : registry.provider_names()) avail += (avail.empty() ? "" : ", ") + n;
    std::string msg = m.path + ": provider '" + m.provider + "' of tenant '" + m.tenant_id + "' is not available in " +
                      registry.directory() + " (available providers: " + (avail.empty() ? "none" : avail) + ")";
    for (const auto &r : registry.rejected()) {
        if (r.provider == m.provider)
            msg += "; " + r.path + " claims it but was rejected: " + r.reason;
        else if (r.provider.empty())
            msg += "; " + r.path + " (provider unreadable) was rejected: " + r.reason;
    }
    return msg;
}

std::shared_ptr<Tenant> TenantSet::find(const std::string &tenant_id) const {
    auto it = tenants.find(tenant_id);
    return it == tenants.end() ? nullptr : it->second;
}

std::shared_ptr<Tenant> Runtime::open_tenant(const TenantManifest &m) { return open_tenant(m, *catalog_.current()); }

std::shared_ptr<Tenant> Runtime::open_tenant(const TenantManifest &m, const PluginRegistry &registry) {
    auto plugin = registry.find(m.provider);
    if (!plugin) throw HostError(ErrorKind::plugin, ATS_ERR_NOT_FOUND, provider_unavailable(registry, m));
    return Tenant::open(env_, plugin, m);
}

std::shared_ptr<const TenantSet> Runtime::open_all_tenants(std::shared_ptr<const PluginRegistry> registry) {
    auto set = std::make_shared<TenantSet>();
    set->registry = std::move(registry);
    ManifestSet manifests = load_manifests();
    if (!manifests.problems.empty()) {
        std::string why;
        for (const auto &p : manifests.problems) why += (why.empty() ? "" : "; ") + p.message;
        throw HostError(ErrorKind::manifest, ATS_ERR_INVALID_ARGUMENT, "bad tenant manifest: " + why);
    }
    for (const auto &r : set->registry->rejected())
        set->problems.push_back("plugin " + r.path + " rejected: " + r.reason);
    for (const auto &m : manifests.tenants) {
        try {
            set->tenants[m.tenant_id] = open_tenant(m, *set->registry);
        } catch (const HostError &e) {
            if (!set->registry->find(m.provider)) throw; // provider_unavailable() names the tenant already
            throw HostError(e.kind(), e.status(), "tenant '" + m.tenant_id + "': " + e.what());
        } catch (const std::exception &e) { // the state or a key could not be opened
            throw HostError(ErrorKind::plugin, ATS_ERR_INTERNAL, "tenant '" + m.tenant_id + "': " + e.what());
        }
    }
    return set;
}

} // namespace ats::host
