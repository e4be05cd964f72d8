// workable_provider.hpp - the `tracker_workable` provider: the Tracker provider EXTENDED with
// Workable applications read through Kombo (seed-tracker-workable-client.txt: "extends
// TrackerAtsClient"). Every operation except applications.stream and sync is the base class's,
// unchanged - shared code, not a copy (issue 5).
//
//   sync                 runs the Workable -> Tracker sync once (sync/sync_engine.hpp) and emits its
//                        summary (plugin_api/schema/sync_summary.schema.json).
//   applications.stream  runs the same sync first (tenant-wide, incremental), then streams
//                        Tracker's applications with the base class's code. Synced Workable
//                        applications are Tracker applications by then, so each appears exactly
//                        once, carrying remote_ids {tracker, workable, kombo}; Tracker-native ones
//                        stream as the tracker provider streams them. The job_ids filter applies to
//                        Tracker's side: a tenant-wide sync is as cheap as a filtered one (unchanged
//                        applications cost nothing) and keeps one checkpoint valid for every caller.
//   check                also checks the Kombo API key and integration (GET /check-api-key).
#pragma once

#include <memory>

#include "ats/tracker/provider.hpp"
#include "kombo/kombo_client.hpp"
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
    bool invoke_extension(ats::sdk::Call &call, const std::string &operation, const boost::json::object &args,
                          ats::sdk::Sink &sink) override;

private:
    WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, boost::json::object config);
    std::string run_sync(ats::sdk::Call &call, const RunOptions &options, const ats::sdk::Sink *sink);

    SyncConfig sync_config_;
    std::unique_ptr<KomboClient> kombo_;
};

// The provider_config JSON Schema: the Tracker keys plus the required "workable" object.
std::string workable_config_schema_json();

} // namespace ats::tracker_workable
