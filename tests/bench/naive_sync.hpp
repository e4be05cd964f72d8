// naive_sync.hpp - the naive sequential Workable -> Tracker algorithm the benchmark compares the
// provider with (scenario a): one application at a time - checkPerson, createResource when
// nobody matched, resourceApplication, updateRecord - talking to the same sandbox over HTTP. It
// uses the same job mapping rule as the demo tenant (custom field "Workable Job ID", then exact
// title) so both do the same work; it is a yardstick, not a correct sync (checkPerson compares
// phone digits only, A11, so it misses people the provider matches).
#pragma once

#include <cstdint>

#include "sandbox_fixture.hpp"

namespace ats::bench {

struct NaiveResult {
    int64_t applications = 0;
    int64_t matched = 0, created = 0, already_linked = 0;
    int64_t tracker_requests = 0;
    int64_t kombo_requests = 0;
    double seconds = 0;
};

NaiveResult run_naive_sync(ats::test::Sandbox &sandbox);

} // namespace ats::bench
