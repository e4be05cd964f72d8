// classify.hpp - what one Workable application of a page needs. Pure: decided from the
// application, what the sync last recorded for it, and the job mapping, never from I/O.
#pragma once

#include <optional>
#include <string>

#include "kombo/kombo_application.hpp"
#include "sync/sync_state.hpp"

namespace ats::tracker_workable {

enum class AppClass {
    deleted,       // deleted in Workable: reported, never deleted in Tracker
    quarantined,   // quarantined and unchanged in Workable since: skipped
    already_tried, // retried from the pending list earlier in this run with the same data: skipped
    unchanged,     // synced, Workable unchanged since: nothing to do, no request
    changed,       // synced; Workable changed (outcome, stage, contacts) or a CV is still due
    unmapped,      // not synced; its job maps to no Tracker opportunity (yet)
    invalid,       // not synced; input refused (no name, ...)
    fresh,         // not synced; to create in Tracker
};

struct ClassifyInputs {
    const KomboApplication *app = nullptr;
    const AppRecord *record = nullptr;           // what the sync last recorded, if synced
    const PendingRecord *quarantined = nullptr;  // the quarantine entry, if quarantined
    const std::string *tried_this_run = nullptr; // remote_updated_at of an attempt earlier in this run
    bool retry_quarantined = false;              // sync --retry-quarantined
    bool full = false;                           // a full run re-examines every synced application
    bool name_refused = false;                   // the sanitizer refused the name
    std::string opportunity_id;                  // the job mapping ("" = not mapped)
};

AppClass classify(const ClassifyInputs &in);

const char *to_string(AppClass c);

} // namespace ats::tracker_workable
