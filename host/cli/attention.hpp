// attention.hpp - what a sync summary asks of the operator, grouped and ranked: the part of the
// human-readable summary that says what to do. Pure: a summary in, groups out (unit-tested).
//
// Reads the summary's "attention_groups" (exact counts by reason, whatever the lists' cap) and
// falls back to grouping the lists themselves for providers that do not send them.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ats::cli {

struct AttentionGroup {
    // errors, quarantined, unmapped_jobs, pending, identity_conflicts, refused
    std::string kind;
    int severity = 0; // lower = more urgent; the ranking's first key, the count the second
    int64_t applications = 0;
    std::string headline; // "375 applications wait for 4 unmapped Workable jobs"
    // The parts, largest first: ("'Site Manager' (Workable 92859CA169)", 120).
    std::vector<std::pair<std::string, int64_t>> parts;
    std::string action; // what the operator does about it
};

// Ranked: by severity, then by applications (descending), then by kind.
std::vector<AttentionGroup> attention_groups(const boost::json::object &summary);

// Workable job of a "job not mapped: Kombo job K (Workable W, 'Title')" reason, as
// "'Title' (Workable W)"; "" when the reason is not about an unmapped job.
std::string unmapped_job_of(const std::string &reason);

} // namespace ats::cli
