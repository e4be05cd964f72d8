#include "attention.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace json = boost::json;

namespace ats::cli {

namespace {

using Counts = std::map<std::string, int64_t>;

// The exact counts of one group, or the list grouped by `field` when the summary has none.
Counts counts_of(const json::object &summary, const char *group, const char *list, const char *field) {
    Counts out;
    if (const auto *g = summary.if_contains("attention_groups"); g && g->is_object())
        if (const auto *m = g->get_object().if_contains(group); m && m->is_object()) {
            for (const auto &kv : m->get_object())
                if (kv.value().is_int64()) out[std::string(kv.key())] += kv.value().get_int64();
            return out;
        }
    const auto *l = summary.if_contains(list);
    if (!l || !l->is_array()) return out;
    for (const auto &item : l->get_array()) {
        if (!item.is_object()) continue;
        const auto *f = item.get_object().if_contains(field);
        std::string reason = f && f->is_string() ? std::string(f->get_string()) : std::string("(no reason given)");
        if (std::string(group) == "errors") reason = reason.substr(0, reason.find(':'));
        ++out[reason];
    }
    return out;
}

std::vector<std::pair<std::string, int64_t>> largest_first(const Counts &c) {
    std::vector<std::pair<std::string, int64_t>> v(c.begin(), c.end());
    std::stable_sort(v.begin(), v.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    return v;
}

int64_t total(const Counts &c) {
    int64_t n = 0;
    for (const auto &kv : c) n += kv.second;
    return n;
}

std::string plural(int64_t n, const std::string &one, const std::string &many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

std::string unmapped_job_of(const std::string &reason) {
    static const std::string head = "job not mapped: ";
    if (reason.rfind(head, 0) != 0) return "";
    // "... (Workable W, 'Title')" or "... ('Title')"
    auto open = reason.find(" (");
    if (open == std::string::npos || reason.back() != ')') return reason.substr(head.size());
    std::string inner = reason.substr(open + 2, reason.size() - open - 3);
    std::string workable, title = inner;
    if (inner.rfind("Workable ", 0) == 0) {
        auto comma = inner.find(", ");
        workable = inner.substr(9, comma == std::string::npos ? std::string::npos : comma - 9);
        title = comma == std::string::npos ? "" : inner.substr(comma + 2);
    }
    if (title.empty()) title = "(untitled)";
    return title + (workable.empty() ? " (" + reason.substr(head.size(), open - head.size()) + ")"
                                     : " (Workable " + workable + ")");
}

std::vector<AttentionGroup> attention_groups(const json::object &summary) {
    std::vector<AttentionGroup> out;

    Counts errors = counts_of(summary, "errors", "errors", "message");
    if (int64_t n = total(errors)) {
        out.push_back({"errors", 0, n,
                       plural(n, "application", "applications") + " failed in this run, by kind of error",
                       largest_first(errors),
                       "transient failures (timeouts, 5xx, 429) are retried by the next sync; others: read the message "
                       "(`ats-host syncs --run ID --json` lists each application); after repeated failures an "
                       "application is quarantined"});
    }

    Counts quarantined = counts_of(summary, "quarantined", "quarantined", "reason");
    if (int64_t n = total(quarantined))
        out.push_back({"quarantined", 1, n,
                       plural(n, "application is", "applications are") + " quarantined (skipped until retried)",
                       largest_first(quarantined),
                       "fix the cause named, then run `ats-host sync --tenant T --retry-quarantined`"});

    Counts pending = counts_of(summary, "pending", "pending", "reason");
    Counts jobs, other_pending;
    for (const auto &[reason, n] : pending) {
        std::string job = unmapped_job_of(reason);
        (job.empty() ? other_pending[reason] : jobs[job]) += n;
    }
    if (int64_t n = total(jobs))
        out.push_back(
            {"unmapped_jobs", 2, n,
             plural(n, "application waits", "applications wait") + " for " +
                 plural(static_cast<int64_t>(jobs.size()), "unmapped Workable job", "unmapped Workable jobs"),
             largest_first(jobs),
             "map each job in Tracker (the Workable job id in the job's custom field, or the same title) or add a "
             "provider_config job_mapping.table entry; the next sync writes the waiting applications"});
    if (int64_t n = total(other_pending))
        out.push_back({"pending", 3, n, plural(n, "application is", "applications are") + " pending for other reasons",
                       largest_first(other_pending), "retried by every sync; see each reason"});

    Counts conflicts = counts_of(summary, "identity_conflicts", "identity_conflicts", "kind");
    if (int64_t n = total(conflicts))
        out.push_back(
            {"identity_conflicts", 4, n,
             plural(n, "application has", "applications have") + " an identity conflict (never merged automatically)",
             largest_first(conflicts),
             "settle by hand in Tracker: merge the people or correct the e-mail/phone that links them"});

    Counts refused = counts_of(summary, "refused", "refused", "reason");
    if (int64_t n = total(refused))
        out.push_back({"refused", 5, n, plural(n, "application was", "applications were") + " refused as invalid input",
                       largest_first(refused), "correct the application in Workable; the next sync takes it"});

    std::stable_sort(out.begin(), out.end(), [](const AttentionGroup &a, const AttentionGroup &b) {
        if (a.severity != b.severity) return a.severity < b.severity;
        if (a.applications != b.applications) return a.applications > b.applications;
        return a.kind < b.kind;
    });
    return out;
}

} // namespace ats::cli
