#include "dry_run/dry_run.hpp"

#include <boost/json.hpp>

#include "dry_run/dry_run_port.hpp"
#include "dry_run/state_overlay.hpp"
#include "sync/sync_engine.hpp"

namespace ats::tracker_workable {

std::string run_dry_sync(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &real_port,
                         const std::string &tenant, const RunOptions &options, const ats::sdk::Call &call,
                         const ats::sdk::Sink *sink) {
    StateOverlay overlay(host.raw());
    DryRunPort port(real_port);
    SyncEngine engine(overlay.host(), cfg, kombo, port, tenant);
    boost::json::value summary = boost::json::parse(engine.run(options, call, sink));
    auto &o = summary.as_object();
    o["dry_run"] = true;
    o["plan"] = port.plan();
    o["state_writes_withheld"] = static_cast<int64_t>(overlay.pending_writes());
    return boost::json::serialize(summary);
}

} // namespace ats::tracker_workable
