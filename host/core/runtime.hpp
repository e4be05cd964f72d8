// runtime.hpp - everything a host process needs, wired together: the plugin catalog (hot
// reloadable), the manifests folder, and the shared HostEnvironment. `ats-host` builds one per
// run; a server builds one and keeps Tenants open.
#pragma once

#include "host_environment.hpp"
#include "manifest.hpp"
#include "plugin_registry.hpp"
#include "tenant.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ats::host {

// Every tenant of the manifests folder opened against one registry snapshot: what a long-running
// server serves. Immutable once built; a reload builds a new one. Holding a Tenant keeps its
// instance, and so its library, alive, so a call that started on an older set finishes on it.
struct TenantSet {
    std::shared_ptr<const PluginRegistry> registry;
    std::map<std::string, std::shared_ptr<Tenant>> tenants; // by tenant id
    // Plugin files the registry rejected, one line each ("plugin FILE rejected: REASON"): no
    // tenant needs them (else the set would not have been built), but readiness reports them.
    std::vector<std::string> problems;

    std::shared_ptr<Tenant> find(const std::string &tenant_id) const; // nullptr when unknown
};

// Why a tenant's provider cannot be served: "<manifest>: provider 'P' of tenant 'T' is not
// available in DIR (available providers: ...)" plus every rejected file that claims P or whose
// provider could not be read (it may be the one meant).
std::string provider_unavailable(const PluginRegistry &registry, const TenantManifest &manifest);

class Runtime {
public:
    struct Options {
        std::string plugins_dir; // required
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
    std::shared_ptr<Tenant> open_tenant(const TenantManifest &manifest, const PluginRegistry &registry);

    // Opens every tenant of the manifests folder against `registry` (a snapshot of catalog()).
    // Strict, so that a server keeps its previous set rather than serve half a configuration:
    // throws HostError(manifest) when a manifest is bad, HostError(plugin) when a tenant's provider
    // is not available or its instance cannot be created (naming the tenant).
    std::shared_ptr<const TenantSet> open_all_tenants(std::shared_ptr<const PluginRegistry> registry);

private:
    Options options_;
    std::shared_ptr<HostEnvironment> env_;
    PluginCatalog catalog_;
};

} // namespace ats::host
