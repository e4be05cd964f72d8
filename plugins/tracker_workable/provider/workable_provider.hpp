// workable_provider.hpp - the `tracker_workable` provider: the Tracker provider EXTENDED with
// Workable applications read through Kombo: it extends the Tracker provider. Every operation
// except applications.stream and sync is the base class's, unchanged - shared code, not a copy.
//
//   sync                 runs the Workable -> Tracker sync once (sync/sync_engine.hpp) and emits its
//                        summary (plugin_api/schema/sync_summary.schema.json).
//   applications.stream  runs the same sync first (tenant-wide, incremental), then streams
//                        Tracker's applications with the base class's code, then the Workable
//                        applications that are NOT in Tracker (state "pend/" and "quar/"), so no
//                        Workable application is silently missing. Synced Workable applications
//                        are Tracker applications by then, so each appears exactly once, carrying
//                        remote_ids {tracker, workable, kombo} and sync_status "synced";
//                        Tracker-native ones stream as the tracker provider streams them; pending
//                        ones carry sync_status "pending"|"quarantined", sync_reason,
//                        sync_reason_kind and remote_ids {kombo, workable}. updated_after and
//                        job_ids filter both sides. When the sync fails (Kombo unavailable) the
//                        stream still runs and carries one control record
//                        {"_type":"error","source":"workable",...} (ats_plugin.h), unless
//                        {"strict": true}: then the call fails as the sync did.
//   check                also checks the Kombo API key and integration (GET /check-api-key).
#pragma once

#include <memory>

#include "ats/tracker/provider.hpp"
#include "kombo/kombo_client.hpp"
#include "provider/hybrid_config.hpp"
#include "sync/sync_config.hpp"
#include "sync/sync_engine.hpp"

namespace ats::tracker_workable {

class WorkableTrackerProvider : public ats::tracker::TrackerProvider {
public:
    static const ats_plugin_descriptor_t &descriptor();

    WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json);

protected:
    const ats_plugin_descriptor_t &provider_descriptor() const override { return descriptor(); }
    void stream_applications(ats::sdk::Call &call, const boost::json::object &args, ats::sdk::Sink &sink) override;
    void sync(ats::sdk::Call &call, const boost::json::object &args, ats::sdk::Sink &sink) override;
    // probe: Kombo's assumptions (K1-K3) after Tracker's.
    void extra_probe_findings(ats::sdk::Call &call, std::vector<ats::tracker::ProbeFinding> &findings,
                              int64_t &requests) override;
    // forget: this provider's state does hold people (identity keys, id maps, pending records).
    bool handle_operation(ats::sdk::Call &call, const std::string &operation, const boost::json::object &args,
                          ats::sdk::Sink &sink) override;
    // check: Kombo's key and integration, and the configured status names against Tracker's.
    void extra_checks(ats::sdk::Call &call) override;

private:
    WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, HybridConfig config);
    std::string run_sync(ats::sdk::Call &call, const RunOptions &options, const ats::sdk::Sink *sink);

    SyncConfig sync_config_;
    std::unique_ptr<KomboClient> kombo_;
};

} // namespace ats::tracker_workable
