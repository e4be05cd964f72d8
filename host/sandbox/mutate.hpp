#pragma once
// Changes over time for incremental-sync tests (POST /_sandbox/mutate). Body, every key optional:
//   {"advance_seconds": N, "set_time": "2026-03-29T00:30:00Z", "freeze": bool,
//    "change_outcomes": N, "add_applications": N, "delete_applications": N,
//    "link_unmapped_job": true | "<kombo job id>"}
// Time moves first, then data changes stamped with the new time. Every change updates changed_at /
// remote_updated_at (Kombo) or lastupdated (Tracker) so updated_after filters find it.
#include "time_util.hpp"
#include "world.hpp"

namespace ats::sandbox {

// Throws std::invalid_argument naming the offending field. Returns what changed.
json::object apply_mutation(World &world, VirtualClock &clock, const json::object &request);

} // namespace ats::sandbox
