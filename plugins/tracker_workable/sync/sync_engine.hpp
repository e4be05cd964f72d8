// sync_engine.hpp - one Workable -> Tracker sync run.
//
// Outline of run():
//   1. Take the tenant's host lock "workable-sync" (waits cfg.lock_wait_ms, then CONFLICT naming
//      the holder): two syncs of one tenant never write at once, across processes.
//   2. Resolve write intents an interrupted run left (intent_reconciler.cpp).
//   3. Retry the pending list ("pend/": unmapped jobs, earlier failures; with retry_quarantined
//      also "quar/") - never skipped by the checkpoint because it does not depend on it.
//   4. Stream Kombo applications updated after (checkpoint - overlap_seconds), include_deleted,
//      in batches of ~1000; batch N+1 is fetched while batch N is written, strictly in order.
//   5. Per batch (sync_run.cpp): classify each application (classify.hpp), decide statuses
//      (status_rule.hpp), resolve and group identities (identity/person_grouping.hpp), record
//      intents, then run the people concurrently, each person's writes in order
//      (person_writer.cpp, document_sync.cpp).
//   6. When every batch is done, checkpoint := the time this fetch STARTED.
// Memory: two batches + the identity index; nothing proportional to the application count.
#pragma once

#include <string>

#include "ats_plugin.hpp"
#include "kombo/kombo_client.hpp"
#include "sync/sync_config.hpp"
#include "sync/sync_run.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class SyncEngine {
public:
    SyncEngine(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &tracker, std::string tenant)
        : host_(host), cfg_(cfg), kombo_(kombo), tracker_(tracker), tenant_(std::move(tenant)) {}

    // Runs one sync and returns its summary (sync_summary.schema.json). `full` ignores the
    // checkpoint and re-examines every synced application (a full resync that corrects drift; it
    // never deletes anything); `retry_quarantined` retries the quarantine.
    // `sink` may be null; when given, progress goes to sink->progress on the calling thread.
    std::string run(const RunOptions &options, const ats::sdk::Call &call, const ats::sdk::Sink *sink);

private:
    ats::sdk::Host host_;
    const SyncConfig &cfg_;
    KomboClient &kombo_;
    TrackerPort &tracker_;
    std::string tenant_;
};

} // namespace ats::tracker_workable
