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

std::shared_ptr<Tenant> Runtime::open_tenant(const TenantManifest &m) {
    auto reg = catalog_.current();
    auto plugin = reg->find(m.provider);
    if (!plugin) {
        std::string avail;
        for (const auto &n : reg->provider_names()) avail += (avail.empty() ? "" : ", ") + n;
        std::string msg = m.path + ": provider '" + m.provider + "' of tenant '" + m.tenant_id +
                          "' is not available in " + reg->directory() + " (available providers: " +
                          (avail.empty() ? "none" : avail) + ")";
        for (const auto &r : reg->rejected())
            if (r.provider == m.provider) msg += "; " + r.path + " claims it but was rejected: " + r.reason;
        throw HostError(ErrorKind::plugin, ATS_ERR_NOT_FOUND, msg);
    }
    return Tenant::open(env_, plugin, m);
}

} // namespace ats::host
