#include "provider/hybrid_config.hpp"

namespace ats::tracker_workable {

namespace cfg = ats::shared::config;

namespace {

// The sync reads what it shares with Tracker from Tracker's keys: one place for each. Runs before
// the sync's own rules, which check the phone deny list in this region.
void share_tracker_keys(HybridConfig &c, const cfg::Layout &) {
    c.sync.identity.phone_region = c.tracker.default_phone_region;
    static_cast<ats::tracker::StatusNames &>(c.sync.statuses) = c.tracker.statuses;
}

cfg::Table<HybridConfig> make_table() {
    cfg::Table<HybridConfig> t;
    t.include(ats::tracker::tracker_config_table(), ATS_CONFIG_MEMBER(tracker));
    t.rule(share_tracker_keys);
    t.include(sync_config_table(), ATS_CONFIG_MEMBER(sync));
    return t;
}

} // namespace

const cfg::Table<HybridConfig> &hybrid_config_table() {
    static const cfg::Table<HybridConfig> table = make_table();
    return table;
}

std::string workable_config_schema_json() { return hybrid_config_table().schema_json(); }

} // namespace ats::tracker_workable
