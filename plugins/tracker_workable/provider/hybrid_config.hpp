// hybrid_config.hpp - the tracker_workable provider's configuration: Tracker's keys (the same rows
// as the tracker provider, not a copy) plus the sync's (the `workable` section and
// statuses.pending), in one table from which its descriptor's schema and its parser come.
#pragma once

#include "ats/shared/config_table.hpp"
#include "ats/tracker/provider_config.hpp"
#include "sync/sync_config.hpp"

#include <string>

namespace ats::tracker_workable {

struct HybridConfig {
    ats::tracker::TrackerConfig tracker;
    // Also carries what the two parts share, copied from Tracker's keys: the status names
    // (statuses.declined/accepted/new_application) and the phone region (default_phone_region).
    SyncConfig sync;
};

const ats::shared::config::Table<HybridConfig> &hybrid_config_table();
// The descriptor's config_schema_json.
std::string workable_config_schema_json();

} // namespace ats::tracker_workable
