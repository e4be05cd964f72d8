// tenant.hpp - one tenant served by one plugin instance: owns the instance, the host services
// table handed to it (log, HTTP with the tenant's policy, state, locks, clock, concurrency) and
// the locks it holds. Usable from a one-shot CLI and from a long-running server alike.
//
// Lifetime: a Tenant keeps its LoadedPlugin (and so the library) alive; ~Tenant destroys the
// instance, then releases its remaining locks. invoke() may run concurrently from many threads.
#pragma once

#include "http_service.hpp"
#include "isolation.hpp"
#include "manifest.hpp"
#include "plugin_registry.hpp"
#include "sync_history.hpp"
#include "tenant_keys.hpp"

#include "ats_plugin.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ats::host {

class HostEnvironment;

// Where invoke() results go (host side). All callbacks run on the invoking thread.
struct InvokeSink {
    // One JSON document; return false to stop a stream (the host then drops anything the plugin
    // still sends).
    std::function<bool(std::string_view json)> on_record;
    // Binary result; leave empty when the caller accepts none (the plugin is told so).
    std::function<bool(std::string_view meta_json, std::string_view data)> on_blob;
    std::function<void(std::string_view phase, int64_t done, int64_t total)> on_progress; // optional
    // Optional: the stream's position after the result just delivered (ABI 1.3, ats_sink_t.position).
    // Leave empty when the caller does not resume: the plugin is then not asked to compute them.
    std::function<void(std::string_view position)> on_position;
};

struct CallOptions {
    std::string request_id;          // "" = generate one
    std::function<bool()> cancelled; // optional; polled by the plugin through ats_call_t
    // Optional deadline: the plugin then sees the call cancelled; a plugin in a worker process
    // that has not returned by then is killed (InvokeResult::failure "plugin_timeout").
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // How long a worker-process plugin may take to honour a cancellation before it is killed.
    std::chrono::milliseconds cancel_grace{1000};
    // The call's place at the upstream rate controllers; unset = from the operation: a sync is
    // background work, every other operation answers someone who waits (interactive).
    std::optional<CallClass> call_class;
    // At most this many results are wanted (0 = no limit); the sink must STOP by then. The plugin
    // sees it as ats_call_t.max_results (ABI 1.4: it reads upstream pages ahead only within it),
    // and a plugin in a worker process is told STOP right after the last one instead of when the
    // host's STOP reaches it, so it does not read ahead upstream for results nobody takes (a
    // resumed page then costs its own requests).
    uint64_t max_results = 0;
};

struct InvokeResult {
    int32_t status = ATS_OK; // ATS_OK or an ATS_ERR_*
    bool retryable = false;
    std::string message; // redacted; names operation and tenant
    std::string request_id;
    uint64_t records = 0, blobs = 0;
    bool stopped = false;            // the consumer asked to stop
    uint64_t ignored_after_stop = 0; // records the plugin sent anyway (it ignored STOP)
    // Set when the plugin's worker process failed rather than the plugin: "plugin_crashed" (it
    // died; message names provider, tenant and signal), "plugin_timeout" (killed past the
    // deadline), "plugin_unavailable" (restarting after crashes). "" otherwise.
    std::string failure;
};

// A snapshot of an isolated tenant's worker (for /readyz and /metrics).
struct IsolationStatus {
    bool isolated = false;
    bool running = false;
    int pid = 0;
    uint64_t starts = 0, crashes = 0, timeouts = 0, crashes_in_a_row = 0;
    bool crash_loop = false;
    std::string last_failure;
};

class Tenant {
public:
    // Resolves the configuration (secrets, schema, defaults) and creates the instance. Throws
    // HostError(manifest) for configuration problems, HostError(plugin) when create() fails.
    static std::shared_ptr<Tenant> open(std::shared_ptr<HostEnvironment> env,
                                        std::shared_ptr<const LoadedPlugin> plugin, const TenantManifest &manifest);
    ~Tenant();
    Tenant(const Tenant &) = delete;
    Tenant &operator=(const Tenant &) = delete;

    // Never throws for plugin failures: they come back in InvokeResult. Operations the matrix
    // marks not supported are answered by the host without calling the plugin.
    InvokeResult invoke(const std::string &operation, const std::string &args_json, const InvokeSink &sink,
                        const CallOptions &options = {});

    const std::string &id() const { return manifest_.tenant_id; }
    const TenantManifest &manifest() const { return manifest_; }
    const std::shared_ptr<const LoadedPlugin> &plugin() const { return plugin_; }
    uint64_t http_attempts() const { return http_.total_attempts(); }
    TenantHttp::UpstreamStats upstream_stats() const { return http_.upstream_stats(); }
    std::vector<RateControllers::Entry> rate_controllers() const { return http_.rate_controllers(); }
    HostEnvironment &environment() { return *env_; }
    // The tenant's sync runs (sync_history.hpp), sealed under this tenant's keys.
    SyncHistory sync_history();
    // A 32-byte key for one `purpose` of the host (e.g. signing serve's page cursors), derived from
    // the tenant's identity key: the same in every instance sharing the state and across restarts,
    // different per tenant and per purpose, and never the identity key itself.
    std::string derived_key(std::string_view purpose) const;

    static std::string new_request_id();

    Isolation isolation() const { return isolated_ ? Isolation::process : Isolation::in_process; }
    IsolationStatus isolation_status() const;

    struct Services; // C trampolines (tenant.cpp)

private:
    Tenant(std::shared_ptr<HostEnvironment> env, std::shared_ptr<const LoadedPlugin> plugin, TenantManifest manifest);
    friend struct Services;

    std::shared_ptr<HostEnvironment> env_;
    std::shared_ptr<const LoadedPlugin> plugin_; // declared before instance_ state: outlives it
    TenantManifest manifest_;
    TenantHttp http_;
    ats_host_services_t services_{};
    TenantKeys keys_; // loaded by open() before create(); read-only afterwards
    ats_instance_t *instance_ = nullptr;
    struct Locks;
    std::unique_ptr<Locks> locks_;
    std::unique_ptr<class IsolatedInstance> isolated_; // set when the plugin runs in a worker
};

} // namespace ats::host
