// provider_catalog.hpp - what the service needs from the loaded providers, as one immutable
// snapshot. A reload builds a new Catalog and swaps it in (ServeState); requests hold a
// shared_ptr to the snapshot (and to the tenant runtime) they started with, so an in-flight call
// or stream finishes on the old provider, whose library is unloaded only once its last instance
// is gone (host/core keeps the library alive while any instance lives).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::serve {

// Where one invoke's results go. Returning false stops a stream (ATS_SINK_STOP).
class RecordConsumer {
public:
    virtual ~RecordConsumer() = default;
    virtual bool on_record(std::string_view json) = 0;
    virtual bool on_blob(std::string_view meta_json, std::string_view data) = 0;
    // Positions of a resumable stream (ABI 1.3): asked for only when wants_position() is true.
    virtual bool wants_position() const { return false; }
    virtual void on_position(std::string_view) {}
    // The most results this consumer takes (0 = no limit): a plugin in a worker process is then
    // stopped right after the last one rather than when the STOP reaches it.
    virtual uint64_t max_results() const { return 0; }
};

struct CallContext {
    std::string request_id;           // reaches the plugin (ats_call_t.request_id) and its log lines
    std::function<bool()> cancelled;  // polled by the plugin through ats_call_t.is_cancelled
};

struct InvokeOutcome {
    int code = 0;  // ATS_OK or ATS_ERR_*
    std::string message;
    bool retryable = false;
    // The plugin's worker process failed, not the plugin: "plugin_crashed" (502),
    // "plugin_timeout" or "plugin_unavailable" (503); "" otherwise.
    std::string failure;
};

// The isolation state of one tenant's provider (for /readyz and /metrics).
struct IsolationReport {
    bool isolated = false, running = false, crash_loop = false;
    int pid = 0;
    uint64_t starts = 0, crashes = 0, timeouts = 0, crashes_in_a_row = 0;
    std::string last_failure;
};

struct OperationSupport {
    int support = 2;  // ATS_SUPPORTED / ATS_LIMITED / ATS_NOT_SUPPORTED
    std::string reason;
};

// One tenant's live provider instance. Thread-safe: invoke may run concurrently.
class TenantRuntime {
public:
    virtual ~TenantRuntime() = default;
    virtual const std::string &tenant_id() const = 0;
    virtual const std::string &provider() const = 0;
    virtual OperationSupport support(const std::string &operation) const = 0;
    virtual boost::json::value capabilities_json() const = 0;  // {"provider":..,"operations":[..]}
    // Seconds between scheduled incremental syncs (0 = no schedule), from the tenant's manifest.
    virtual int sync_interval_seconds() const = 0;
    // Seconds between scheduled FULL syncs (0 = none), from the manifest (default daily).
    virtual int full_sync_every_seconds() const { return 0; }
    // The ABI minor the plugin was built against (0 when unknown): arguments added by a later
    // minor (sync's "dry_run", 1.2) are sent only to plugins that know them.
    virtual uint32_t abi_minor() const { return 0; }
    virtual InvokeOutcome invoke(const std::string &operation, const std::string &args_json,
                                 const CallContext &ctx, RecordConsumer &out) = 0;
    // This instance's upstream HTTP traffic so far (for /metrics).
    struct Upstream {
        std::map<int, uint64_t> responses;  // by HTTP status; 0 = no response (transport error)
        uint64_t retries = 0, rate_limit_waits = 0;
        int64_t retry_wait_ms = 0;
        int64_t pace_wait_ms = 0;  // time requests waited for the rate controller
        // One per upstream host the tenant has called (the host's rate controllers).
        struct Pacing {
            std::string upstream, mode;  // "host:port"; "off", "unknown", "fixed", "headers", "learned"
            double rate_per_second = 0;  // 0: not known yet
            int queued_interactive = 0, queued_background = 0;
            uint64_t paced = 0, received_429 = 0;
        };
        std::vector<Pacing> pacing;
    };
    virtual Upstream upstream() const { return {}; }
    // Remembers a webhook event id in the tenant's durable state; false when it was already there
    // (a replay). Ids first seen before `forget_before_unix` are dropped (their deliveries are past
    // the timestamp tolerance anyway), and at most a bounded number are kept.
    virtual bool remember_webhook_event(const std::string &event_id, int64_t now_unix, int64_t forget_before_unix) = 0;
    virtual IsolationReport isolation() const { return {}; }
    // The tenant's leases that are held now, by any instance sharing its state (lock_manager.hpp).
    struct Lease {
        std::string lock, holder;
        int64_t token = 0, expires_in_ms = 0;
    };
    virtual std::vector<Lease> leases() const { return {}; }
    // This process as lease holders name it ("" when unknown).
    virtual std::string instance_id() const { return ""; }
    // The tenant's durable sync history (host/core/sync_history.hpp): record one finished run
    // (throws std::runtime_error when the state cannot be written), the newest `n` (0 = all
    // kept, newest first), one by id. A runtime without state keeps none.
    virtual void record_sync_run(const boost::json::object &) {}
    virtual std::vector<boost::json::object> sync_history(size_t) const { return {}; }
    virtual std::optional<boost::json::object> sync_run(const std::string &) const { return std::nullopt; }
};

class Catalog {
public:
    virtual ~Catalog() = default;
    virtual boost::json::value providers_json() const = 0;  // [{"provider":..,..}]
    virtual std::vector<std::string> tenant_ids() const = 0;
    // nullptr for an unknown tenant.
    virtual std::shared_ptr<TenantRuntime> tenant(const std::string &tenant_id) const = 0;
    // Problems found while loading (bad plugin files, tenants whose instance could not be
    // created), one line each: readiness reports them.
    virtual std::vector<std::string> problems() const = 0;
};

// Builds a fresh catalog from the plugins folder and manifests. Throws std::runtime_error with
// the reason when the new configuration must not replace the old one.
using CatalogFactory = std::function<std::shared_ptr<const Catalog>()>;

}  // namespace ats::serve
