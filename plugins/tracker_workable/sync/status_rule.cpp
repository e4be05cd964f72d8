#include "sync/status_rule.hpp"

#include "ats/shared/ascii.hpp"

namespace ats::tracker_workable {

bool is_terminal_outcome(const std::string &outcome) { return outcome == "HIRED" || outcome == "DECLINED"; }

std::string wanted_status(const WorkableSide &side, const SyncConfig &cfg,
                          const std::vector<std::string> &tracker_statuses) {
    if (is_terminal_outcome(side.outcome)) return cfg.statuses.for_outcome(side.outcome);
    if (!side.stage.empty()) {
        if (auto it = cfg.stages.table.find(side.stage); it != cfg.stages.table.end()) return it->second;
        if (cfg.stages.match_equal_names)
            for (const auto &s : tracker_statuses)
                if (ats::shared::ascii_iequals(s, side.stage)) return s;
    }
    return cfg.statuses.pending_status();
}

std::vector<std::string> unknown_configured_statuses(const SyncConfig &cfg,
                                                     const std::vector<std::string> &tracker_statuses) {
    std::vector<std::string> wanted{cfg.statuses.accepted, cfg.statuses.declined, cfg.statuses.pending_status(),
                                    cfg.statuses.new_application};
    for (const auto &kv : cfg.stages.table) wanted.push_back(kv.second);
    std::vector<std::string> unknown;
    for (const auto &w : wanted) {
        bool found = false;
        for (const auto &s : tracker_statuses) found = found || ats::shared::ascii_iequals(s, w);
        bool listed = false;
        for (const auto &u : unknown) listed = listed || u == w;
        if (!found && !listed) unknown.push_back(w);
    }
    return unknown;
}

bool needs_tracker_status(const StatusInputs &in) { return in.now != in.last && in.want != in.last_written; }

StatusDecision decide_status(const StatusInputs &in) {
    StatusDecision d;
    d.want = in.want;
    // Workable did not change since the sync last wrote: whatever Tracker shows is Tracker's.
    if (in.now == in.last) return d;
    // Workable changed but maps to the status already written (e.g. stage A -> B, both "Applied").
    if (in.want == in.last_written) return d;
    if (!in.link_exists) {
        d.action = StatusAction::link_missing;
        return d;
    }
    // Tracker still shows what the sync wrote: nobody touched it, the sync owns the change.
    if (!in.tracker_now || *in.tracker_now == in.last_written) {
        d.action = StatusAction::write;
        return d;
    }
    if (*in.tracker_now == in.want) return d; // the recruiter already set it
    // A recruiter changed it. A new terminal outcome wins; anything else keeps the recruiter's.
    if (is_terminal_outcome(in.now.outcome) && in.now.outcome != in.last.outcome) {
        d.action = StatusAction::replace;
        return d;
    }
    d.action = StatusAction::keep_recruiter;
    return d;
}

} // namespace ats::tracker_workable
