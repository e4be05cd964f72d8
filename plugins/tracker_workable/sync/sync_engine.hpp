// sync_engine.hpp - one Workable -> Tracker sync run (issue 5, items 1, 2, 4, 6).
//
// Outline of run():
//   1. Take the tenant's host lock "workable-sync" (waits cfg.lock_wait_ms, then CONFLICT naming
//      the holder): two syncs of one tenant never write at once, across processes.
//   2. Retry the pending list ("pend/": unmapped jobs, earlier failures) - never skipped by the
//      checkpoint because it does not depend on it.
//   3. Stream Kombo applications updated after the checkpoint (include_deleted=true), page by page.
//      Page N+1 is fetched while page N is written to Tracker; pages are processed strictly in
//      order, so one person's writes in two pages never race.
//   4. Per page: classify each application (deleted -> report; known and unchanged -> nothing;
//      known with a new outcome -> status update; new -> identity + create), resolve identities
//      against the in-memory IdentityIndex (loaded from state; refreshed from Tracker's resources
//      at most once per run, incrementally since a watermark, and on every read-back), group the
//      page's work by PERSON (union of shared identity keys), and run the groups on up to
//      max_concurrency threads. Inside a group the writes are sequential: create the person once
//      (with the first link), then the other links, then statuses.
//   5. Every finished application is committed atomically with its identity keys; a write intent
//      precedes every create and forces a read-back if it is found later (crash) or the create's
//      outcome is unknown (timeout).
//   6. When every page is done, checkpoint := the time this fetch STARTED.
// Memory: two Kombo pages + the identity index; nothing proportional to the application count.
#pragma once

#include <string>

#include "ats_plugin.hpp"
#include "kombo/kombo_client.hpp"
#include "sync/sync_config.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class SyncEngine {
public:
    SyncEngine(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &tracker,
               std::string tenant)
        : host_(host), cfg_(cfg), kombo_(kombo), tracker_(tracker), tenant_(std::move(tenant)) {}

    // Runs one sync and returns its summary (sync_summary.schema.json). `full` ignores the
    // checkpoint (a full resync that corrects drift; it still never deletes anything).
    // `sink` may be null; when given, progress goes to sink->progress on the calling thread.
    std::string run(bool full, const ats::sdk::Call &call, const ats::sdk::Sink *sink);

private:
    ats::sdk::Host host_;
    const SyncConfig &cfg_;
    KomboClient &kombo_;
    TrackerPort &tracker_;
    std::string tenant_;
};

} // namespace ats::tracker_workable
