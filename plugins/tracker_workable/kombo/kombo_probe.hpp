// kombo_probe.hpp - `probe`: the Kombo rows of the wire-assumption table (K1-K3 in
// ats/shared/wire_assumptions.hpp), checked read-only against the live integration. Like the
// Tracker probe, a failure that says nothing about an assumption (Kombo unreachable, key refused,
// rate limit) is thrown. Cost: 3 GET requests.
#pragma once

#include <vector>

#include "ats/tracker/wire_probe.hpp"
#include "kombo/kombo_client.hpp"

namespace ats::tracker_workable {

std::vector<ats::tracker::ProbeFinding> probe_kombo(KomboClient &kombo, const ats::sdk::Call &call);

} // namespace ats::tracker_workable
