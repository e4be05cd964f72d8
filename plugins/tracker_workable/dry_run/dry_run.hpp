// dry_run.hpp - `sync --dry-run`: the real sync engine run against a DryRunPort (writes become plan
// items) and a StateOverlay (durable state is read, never written). Nothing reaches Tracker or the
// tenant's state; Kombo and Tracker are read exactly as a real run reads them.
#pragma once

#include <string>

#include "ats_plugin.hpp"
#include "kombo/kombo_client.hpp"
#include "sync/sync_config.hpp"
#include "sync/sync_run.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

// The summary a real run with these options would report (same counters, sync_summary.schema.json)
// plus "dry_run": true, "plan": [plan item] (dry_run_port.hpp) and "state_writes_withheld": the
// number of state keys the run would have written or deleted.
std::string run_dry_sync(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &real_port,
                         const std::string &tenant, const RunOptions &options, const ats::sdk::Call &call,
                         const ats::sdk::Sink *sink);

} // namespace ats::tracker_workable
