// runtime.hpp - everything a host process needs, wired together: the plugin catalog (hot
// reloadable), the manifests folder, and the shared HostEnvironment. `ats-host` builds one per
// run; a server builds one and keeps Tenants open.
#pragma once

#include "host_environment.hpp"
#include "manifest.hpp"
#include "plugin_registry.hpp"
#include "tenant.hpp"

#include <memory>
#include <string>

namespace ats::host {

class Runtime {
public:
    struct Options {
        std::string plugins_dir;                 // required
        std::string manifests_dir = "manifests";
        HostEnvironment::Options environment;
        HostIdentity identity;
    };

    explicit Runtime(Options options); // scans the plugins folder once
    PluginCatalog &catalog() { return catalog_; }
    const std::shared_ptr<HostEnvironment> &environment() const { return env_; }
    const Options &options() const { return options_; }

    // Reads the manifests folder now (every call re-reads it).
    ManifestSet load_manifests() const;

    // Finds the tenant's manifest and plugin and opens it. Throws HostError: manifest (unknown
    // tenant, listing known ones; bad manifest), plugin (unknown provider, listing available
    // providers and any rejected file that claimed it; create() failure).
    std::shared_ptr<Tenant> open_tenant(const std::string &tenant_id);
    std::shared_ptr<Tenant> open_tenant(const TenantManifest &manifest);

private:
    Options options_;
    std::shared_ptr<HostEnvironment> env_;
    PluginCatalog catalog_;
};

} // namespace ats::host
