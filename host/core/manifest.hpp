// manifest.hpp - tenant manifests: one JSON file per tenant in the manifests folder, validated
// against host/schema/tenant-manifest.schema.json (compiled in), and the provider_config a plugin
// receives (inline secrets refused, secret references resolved, plugin schema + defaults applied).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ats::host {

class LoadedPlugin;
class Redactor;

struct RetryPolicy {
    int max_attempts = 4;
    int64_t max_wait_ms = 30000; // total waiting between attempts of one request
    int64_t base_delay_ms = 250;
};

// Pacing of a tenant's requests per upstream host (rate_controller.hpp). Rates in requests/s;
// 0 = not set.
struct RatePolicy {
    bool enabled = true;            // false: no pacing at all (requests go out as before)
    double ceiling_per_second = 0;  // never faster than this (also the starting rate)
    double floor_per_second = 0;    // never slower than this, whatever the upstream says
    double fixed_per_second = 0;    // pace at exactly this rate; nothing is learned
    double interactive_share = 0.2; // share of the burst kept for interactive (serve) calls
    int64_t max_queue_ms = 120000;  // longest a request waits for a token before failing
    bool operator==(const RatePolicy &o) const {
        return enabled == o.enabled && ceiling_per_second == o.ceiling_per_second &&
               floor_per_second == o.floor_per_second && fixed_per_second == o.fixed_per_second &&
               interactive_share == o.interactive_share && max_queue_ms == o.max_queue_ms;
    }
    bool operator!=(const RatePolicy &o) const { return !(*this == o); }
};

struct HostPolicy {
    std::vector<std::string> egress_allow; // "host", "host:port", "*.domain"
    int max_concurrency = 8;
    // "process" | "in_process" (validated by the schema); absent = the host-wide default.
    std::optional<std::string> isolation;
    int64_t http_timeout_ms = 30000;
    RetryPolicy retry;
    // Secret references (unresolved) to the state key and the keys it replaced (tenant_keys.hpp).
    std::optional<boost::json::value> state_key;
    std::vector<boost::json::value> previous_state_keys;
    RatePolicy rate;
};

struct TenantManifest {
    std::string path; // as found (folder given by the user + file name): used in every message
    std::string tenant_id, provider, display_name;
    boost::json::object provider_config; // raw: secret references unresolved
    HostPolicy host;
    std::optional<int64_t> sync_interval_seconds;
    // sync.full_every_seconds: `ats-host serve` runs a full reconciliation ({"full": true}) this
    // often; absent = kDefaultFullSyncEverySeconds (daily), 0 = never.
    std::optional<int64_t> sync_full_every_seconds;
    // sync.history_runs: how many sync runs the tenant's history keeps (sync_history.hpp);
    // absent = kDefaultSyncHistoryRuns.
    std::optional<int64_t> sync_history_runs;
};
inline constexpr int64_t kDefaultFullSyncEverySeconds = 86400;

struct ManifestProblem {
    std::string path;
    std::string message; // starts with the path
};

struct ManifestSet {
    std::vector<TenantManifest> tenants; // sorted by tenant_id
    std::vector<ManifestProblem> problems;
    const TenantManifest *find(const std::string &tenant_id) const;
};

// Loads every *.json (not *.schema.json) of `dir`. Bad files become problems; the rest load.
// Two files with one tenant_id: both are problems and neither is used.
ManifestSet load_manifests(const std::string &dir);

// Loads one file. Throws HostError(ErrorKind::manifest) naming the file (and line for bad JSON).
TenantManifest load_manifest(const std::string &path);
// The same for a manifest already read: `path` only names it in errors (the fuzz target feeds
// untrusted text through here without touching the disk).
TenantManifest parse_manifest(const std::string &text, const std::string &path);

// The JSON text handed to the plugin's create(): refuses inline values for "x-secret" fields,
// resolves {"$secret":{"env"|"file"}} references (registering each value with `redactor`),
// validates against the plugin's config schema applying defaults. Throws HostError(manifest)
// with "<path>: provider_config.<key>: <problem>" messages.
std::string resolve_provider_config(const TenantManifest &manifest, const LoadedPlugin &plugin, Redactor &redactor);

// The value of one secret reference {"$secret": {"env"|"file"}} found at `where` (for messages)
// of the manifest, registered with `redactor`. Throws HostError(manifest) naming file and field.
std::string resolve_secret_ref(const TenantManifest &manifest, const std::string &where, const boost::json::value &ref,
                               Redactor &redactor);

// The tenant manifest JSON Schema (host/schema/tenant-manifest.schema.json, compiled in).
const char *tenant_manifest_schema_json();

} // namespace ats::host
