// status_rule.hpp - which Tracker status a Workable application should have, and whether the sync
// may write it (who owns the status). Pure functions: no I/O, unit-tested with tables.
//
// Ownership (README "Stages and who owns a link's status"): Tracker is the system of record and
// recruiters work there. The sync writes a link's status only when Workable's side (outcome or
// stage) changed since the sync last wrote it. When a recruiter also changed the status in
// Tracker, a terminal Workable outcome (HIRED/DECLINED) that is new wins and is reported;
// otherwise the recruiter's status stays (and is reported as kept).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/sync_config.hpp"

namespace ats::tracker_workable {

// The Workable side of an application as far as its Tracker status is concerned.
struct WorkableSide {
    std::string outcome; // "PENDING" | "HIRED" | "DECLINED" | "" (null)
    std::string stage;   // current stage name ("" when none)
    bool operator==(const WorkableSide &o) const { return outcome == o.outcome && stage == o.stage; }
    bool operator!=(const WorkableSide &o) const { return !(*this == o); }
};

bool is_terminal_outcome(const std::string &outcome);

// The Tracker status for a Workable side: HIRED/DECLINED outcome mapping first; then the stage
// table; then (match_equal_names) the Tracker status equal to the stage name ignoring case, in
// Tracker's spelling; else the PENDING status. `tracker_statuses` are the account's status names.
std::string wanted_status(const WorkableSide &side, const SyncConfig &cfg,
                          const std::vector<std::string> &tracker_statuses);

// Every configured status name (outcome and stage mappings, initial) that the account lacks;
// empty when all exist.
std::vector<std::string> unknown_configured_statuses(const SyncConfig &cfg,
                                                     const std::vector<std::string> &tracker_statuses);

enum class StatusAction {
    none,           // Workable unchanged, or already the wanted status: nothing to write
    write,          // write `want` (Tracker still shows what the sync last wrote)
    replace,        // write `want` over a recruiter's status: a new terminal outcome wins (reported)
    keep_recruiter, // a recruiter changed it and Workable's change is not terminal: keep theirs (reported)
    link_missing,   // the link is gone from Tracker: nothing to write (reported)
};

struct StatusDecision {
    StatusAction action = StatusAction::none;
    std::string want; // the wanted status (for write/replace)
};

// For a link the sync created before. `last` = the Workable side when the sync last wrote (or
// confirmed) the status `last_written`; `now` = Workable's side today; `tracker_now` = the status
// Tracker shows today (nullopt: not read, only allowed when the decision does not need it;
// "" with link_exists=false: the link is gone).
struct StatusInputs {
    WorkableSide last, now;
    std::string last_written;
    std::string want; // wanted_status(now)
    std::optional<std::string> tracker_now;
    bool link_exists = true;
};

// True when the decision needs Tracker's current status (so the caller can batch those reads).
bool needs_tracker_status(const StatusInputs &in);
StatusDecision decide_status(const StatusInputs &in);

} // namespace ats::tracker_workable
