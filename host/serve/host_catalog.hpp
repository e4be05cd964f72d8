// host_catalog.hpp - binds the service to host/core: builds Catalog snapshots out of the plugin
// registry and the tenant manifests, with one ats::host::Tenant (plugin instance) per tenant.
//
// Strict on purpose: a reload whose manifests folder has a bad file, or whose tenant names a
// provider no loaded plugin provides (missing file, wrong ABI, duplicate enum), or whose
// instance cannot be created, throws - and the service keeps the previous snapshot. Rejected
// plugin files that no tenant uses are reported as problems (readiness) but do not fail a load.
#pragma once

#include "provider_catalog.hpp"

#include <memory>

namespace ats::host {
class Runtime;
}

namespace ats::serve {

CatalogFactory make_host_catalog_factory(std::shared_ptr<ats::host::Runtime> runtime);

}  // namespace ats::serve
