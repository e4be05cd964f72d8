// sync_history.hpp - every sync run of a tenant, kept in the tenant's state: who started it
// (cli, schedule, api, webhook), whether it was a dry run, start and end, the outcome and the
// provider's summary. Read by `ats-host syncs`, `GET /v1/tenants/{t}/sync` and the console.
//
// Where: the state file's kv table under the owner "<tenant>#history" ('#' cannot occur in a
// tenant id, so the plugin, which sees only its tenant's rows, never meets them), one row per run,
// key "run/<id>", and an empty index row "idx/<id>" that listing and retention scan (so listing
// ten runs reads ten summaries, not all those kept). Ids start with the start time in ms (13 digits), so byte order is start order.
// Each value is SEALED under the tenant's current state key (summaries name record ids and, in
// error messages, whatever an upstream answered; dry-run plans name people): a copied state file
// alone reads nothing. A key rotation re-encrypts them with the tenant's other sealed values.
//
// Retention: at most `keep` runs (manifest sync.history_runs, default 100); recording a run
// drops the oldest beyond that in the same transaction. A dry run's record keeps the plan's
// counts per action instead of the plan itself (which lists every write).
//
// Thread-safe as far as StateStore is; several processes may record runs of one tenant at once
// (distinct ids, one transaction each).
#pragma once

#include "state_crypto.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ats::host {

class HostEnvironment;
class StateStore;
struct TenantManifest;

inline constexpr int64_t kDefaultSyncHistoryRuns = 100;

class SyncHistory {
public:
    SyncHistory(StateStore &store, std::string tenant_id, std::vector<SealingKey> keys, size_t keep);
    // For readers without an open Tenant (`ats-host syncs`): loads the tenant's keys.
    static SyncHistory open(HostEnvironment &env, const TenantManifest &manifest);

    // "<start ms, 13 digits>-<8 random hex>": sortable by start, unique across processes.
    static std::string new_run_id(int64_t started_unix_ms);

    // Stores one finished run: an object with at least "id" (from new_run_id). Throws
    // std::runtime_error naming the tenant when the state cannot be written.
    void record(const boost::json::object &run);
    // The newest `n` runs, newest first (n = 0: all kept).
    std::vector<boost::json::object> last(size_t n) const;
    std::optional<boost::json::object> find(const std::string &run_id) const;

    const std::string &owner() const { return owner_; }

private:
    StateStore &store_;
    std::string tenant_, owner_;
    std::vector<SealingKey> keys_;
    size_t keep_;
};

// A sync's record as kept: the summary of a dry run loses its "plan" (every write) and gains
// "plan_counts" {action: n}. Other summaries are kept whole.
boost::json::value summary_for_history(const boost::json::value &summary);

} // namespace ats::host
