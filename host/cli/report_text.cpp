#include "report_text.hpp"

#include "json_text.hpp"

#include "attention.hpp"

#include <map>
#include <sstream>
#include <vector>

namespace json = boost::json;

namespace ats::cli {

namespace {
std::string str(const json::object &o, const char *k) { return ats::cli::field_text(o, k); }

int64_t num(const json::object &o, const char *k) {
    const auto *v = o.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
}

const json::object *obj(const json::object &o, const char *k) {
    const auto *v = o.if_contains(k);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

// A short one-line form of a list entry of the summary ({"application_id": .., ...}).
std::string entry_line(const json::object &e) {
    std::string line = "application " + str(e, "application_id");
    for (const auto &kv : e)
        if (kv.key() != "application_id")
            line += ", " + std::string(kv.key()) + " " +
                    (kv.value().is_string() ? std::string(kv.value().get_string()) : json::serialize(kv.value()));
    return line;
}

void section(std::ostringstream &s, const std::string &title, const std::vector<std::string> &lines) {
    s << title << " (" << lines.size() << ")\n";
    if (lines.empty()) s << "  none\n";
    for (const auto &l : lines) s << "  " << l << "\n";
}

// A summary list: {"count": n, "items": [...]} or a bare array.
std::vector<std::string> list_lines(const json::object &summary, const char *key) {
    std::vector<std::string> out;
    const auto *v = summary.if_contains(key);
    if (!v) return out;
    const json::array *items = nullptr;
    if (v->is_array())
        items = &v->get_array();
    else if (v->is_object()) {
        if (const auto *i = v->get_object().if_contains("items"); i && i->is_array()) items = &i->get_array();
    }
    if (!items) return out;
    for (const auto &i : *items) out.push_back(i.is_object() ? entry_line(i.get_object()) : json::serialize(i));
    return out;
}
} // namespace

std::string render_plan(const json::object &summary) {
    std::ostringstream s;
    s << "DRY RUN of tenant " << str(summary, "tenant") << " (" << str(summary, "mode")
      << "): nothing was written to Tracker or to the sync's state.\n";
    s << "Changes since: "
      << (str(summary, "checkpoint_before").empty() ? "the beginning" : str(summary, "checkpoint_before")) << "\n\n";
    s << render_attention(summary) << "\n";
    std::map<std::string, std::vector<std::string>> by_action;
    if (const auto *p = summary.if_contains("plan"); p && p->is_array())
        for (const auto &v : p->get_array()) {
            if (!v.is_object()) continue;
            const auto &i = v.get_object();
            const std::string action = str(i, "action");
            std::string line = "#" + str(i, "seq") + " ";
            if (action == "create_person") {
                const json::object *p2 = obj(i, "person");
                line += "create " + (p2 ? str(*p2, "first_name") + " " + str(*p2, "last_name") : std::string()) + " (" +
                        str(i, "resource_id") + ") on opportunity " + str(i, "opportunity_id");
                if (p2) line += ", fields " + json::serialize(*p2);
            } else if (action == "create_link") {
                line += "link resource " + str(i, "resource_id") + " to opportunity " + str(i, "opportunity_id");
            } else if (action == "set_status") {
                line += "link " + str(i, "link_id") + ": " + (str(i, "from").empty() ? "?" : str(i, "from")) + " -> " +
                        str(i, "to");
            } else if (action == "fill_contacts") {
                line += "resource " + str(i, "resource_id") + ": " +
                        (obj(i, "fields") ? json::serialize(*obj(i, "fields")) : "");
            } else if (action == "add_note") {
                line += "note '" + str(i, "subject") + "' on resource " + str(i, "resource_id") + ": " + str(i, "text");
            } else if (action == "attach_cv") {
                line += "attach " + str(i, "file_name") + " (" + str(i, "bytes") + " bytes) to resource " +
                        str(i, "resource_id");
            } else {
                line += json::serialize(i);
            }
            if (!str(i, "application_id").empty()) line += "  [application " + str(i, "application_id") + "]";
            if (!str(i, "why").empty()) line += "\n      why: " + str(i, "why");
            by_action[action].push_back(line);
        }
    const std::pair<const char *, const char *> order[] = {
        {"create_person", "People to create (Tracker createResource, with their first application)"},
        {"create_link", "Applications to link to people Tracker has (resourceApplication)"},
        {"set_status", "Statuses to change (updateRecord OR)"},
        {"fill_contacts", "Contact fields to fill (updateRecord R, fill-only)"},
        {"add_note", "Contact notes to add (createActivity)"},
        {"attach_cv", "CVs to upload (attachDocument)"}};
    for (const auto &[k, title] : order) {
        section(s, title, by_action[k]);
        s << "\n";
    }
    section(s, "Applications pending (not written; why)", list_lines(summary, "pending"));
    section(s, "Identity conflicts (reported, never merged)", list_lines(summary, "identity_conflicts"));
    section(s, "Name-only matches (created apart, reported)", list_lines(summary, "name_only_matches"));
    section(s, "Statuses a recruiter set that stay", list_lines(summary, "statuses_kept"));
    section(s, "Quarantined applications", list_lines(summary, "quarantined"));
    section(s, "Errors", list_lines(summary, "errors"));
    s << "\nCounters (as a real run would report them):\n";
    for (const char *k : {"applications_seen"}) s << "  " << k << ": " << num(summary, k) << "\n";
    for (const char *k : {"people", "applications", "contacts", "statuses", "documents", "requests"})
        if (const json::object *o = obj(summary, k)) s << "  " << k << ": " << json::serialize(*o) << "\n";
    s << "\nRun `sync --json --dry-run` for the machine-readable plan; `sync` without --dry-run writes it.";
    return s.str();
}

namespace {
int64_t sub(const json::object &o, const char *group, const char *k) {
    const json::object *g = obj(o, group);
    return g ? num(*g, k) : 0;
}

std::string seconds_of(int64_t ms) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f s", static_cast<double>(ms) / 1000.0);
    return b;
}

// One line of counters: "label: 3 created, 2 updated" leaving out the zeros.
std::string counters(const char *label, std::initializer_list<std::pair<const char *, int64_t>> parts) {
    std::string line;
    for (const auto &[name, n] : parts)
        if (n) line += (line.empty() ? "" : ", ") + std::to_string(n) + " " + name;
    return std::string("  ") + label + ": " + (line.empty() ? "none" : line) + "\n";
}
} // namespace

std::string render_attention(const json::object &summary) {
    std::ostringstream s;
    auto groups = attention_groups(summary);
    if (groups.empty()) return "Needs attention: nothing.\n";
    s << "Needs attention (" << groups.size() << ", most urgent first):\n";
    constexpr size_t kPartsShown = 10;
    for (size_t i = 0; i < groups.size(); ++i) {
        const auto &g = groups[i];
        s << " " << i + 1 << ". " << g.headline << "\n";
        size_t shown = std::min(g.parts.size(), kPartsShown);
        for (size_t j = 0; j < shown; ++j) {
            char n[32];
            std::snprintf(n, sizeof n, "%6lld  ", static_cast<long long>(g.parts[j].second));
            s << "    " << n << g.parts[j].first << "\n";
        }
        if (g.parts.size() > shown) {
            int64_t rest = 0;
            for (size_t j = shown; j < g.parts.size(); ++j) rest += g.parts[j].second;
            s << "    "
              << "and " << g.parts.size() - shown << " more (" << rest << " applications): see --json\n";
        }
        s << "    what to do: " << g.action << "\n";
    }
    return s.str();
}

std::string render_summary(const json::object &summary) {
    std::ostringstream s;
    s << "SYNC of tenant " << str(summary, "tenant") << " (" << str(summary, "mode") << ") in "
      << seconds_of(num(summary, "duration_ms")) << ": " << num(summary, "applications_seen")
      << " applications seen.\n";
    s << counters("people", {{"created", sub(summary, "people", "created")},
                             {"matched by e-mail", sub(summary, "people", "matched_by_email")},
                             {"matched by phone", sub(summary, "people", "matched_by_phone")},
                             {"known from earlier runs", sub(summary, "people", "matched_known")},
                             {"given missing contact details", sub(summary, "people", "enriched")}});
    s << counters("applications", {{"created", sub(summary, "applications", "created")},
                                   {"updated", sub(summary, "applications", "updated")},
                                   {"unchanged", sub(summary, "applications", "unchanged")},
                                   {"recovered after an interruption", sub(summary, "applications", "recovered")},
                                   {"pending", sub(summary, "applications", "pending")},
                                   {"failed", sub(summary, "applications", "errors")},
                                   {"quarantined", sub(summary, "applications", "quarantined")},
                                   {"refused", sub(summary, "applications", "invalid")}});
    s << counters("statuses", {{"written", sub(summary, "statuses", "written")},
                               {"recruiter's replaced by an outcome", sub(summary, "statuses", "replaced")},
                               {"recruiter's kept", sub(summary, "statuses", "kept_recruiter")},
                               {"links missing in Tracker", sub(summary, "statuses", "link_missing")}});
    s << counters("contacts and CVs", {{"contact fields filled", sub(summary, "contacts", "fields_filled")},
                                       {"details noted", sub(summary, "contacts", "details_noted")},
                                       {"CVs attached", sub(summary, "documents", "attached")},
                                       {"CVs refused", sub(summary, "documents", "refused")},
                                       {"CVs failed", sub(summary, "documents", "failed")}});
    s << counters("reported only",
                  {{"deleted in Workable (Tracker keeps them)", sub(summary, "applications", "deleted_reported")},
                   {"name-only matches (created apart; check they are different people)",
                    sub(summary, "applications", "name_only_reported")}});
    s << counters("requests",
                  {{"Kombo", sub(summary, "requests", "kombo")}, {"Tracker", sub(summary, "requests", "tracker")}});
    s << "\n" << render_attention(summary);
    s << "\nEvery application by id (lists of up to 1000; list_counts says when one is longer): `ats-host sync "
         "--json`, or `ats-host syncs --tenant "
      << str(summary, "tenant") << " --run ID --json` afterwards.";
    return s.str();
}

std::string render_history(const std::vector<json::object> &runs, const std::string &tenant) {
    std::ostringstream s;
    if (runs.empty()) return "No sync runs recorded for tenant " + tenant + ".";
    s << "Sync runs of tenant " << tenant << ", newest first:\n";
    char head[200];
    std::snprintf(head, sizeof head, "%-22s %-9s %-12s %-24s %-9s %-10s %s\n", "RUN", "TRIGGER", "MODE", "STARTED",
                  "TOOK", "OUTCOME", "SEEN CREATED UPDATED PENDING FAILED");
    s << head;
    for (const auto &r : runs) {
        const json::object *sum = obj(r, "summary");
        std::string mode =
            sum ? str(*sum, "mode") : (r.if_contains("full") && r.at("full") == true ? "full" : "incremental");
        if (r.if_contains("dry_run") && r.at("dry_run") == true) mode += "/dry";
        char row[300];
        std::snprintf(row, sizeof row, "%-22s %-9s %-12s %-24s %-9s %-10s", str(r, "id").c_str(),
                      str(r, "trigger").c_str(), mode.c_str(), str(r, "started_at").c_str(),
                      seconds_of(num(r, "duration_ms")).c_str(), str(r, "status").c_str());
        s << row;
        if (sum)
            s << " " << num(*sum, "applications_seen") << " " << sub(*sum, "applications", "created") << " "
              << sub(*sum, "applications", "updated") << " " << sub(*sum, "applications", "pending") << " "
              << sub(*sum, "applications", "errors");
        else if (const json::object *e = obj(r, "error"))
            s << " " << str(*e, "code") << ": " << str(*e, "message");
        s << "\n";
    }
    s << "One run in full: ats-host syncs --tenant " << tenant << " --run ID";
    return s.str();
}

std::string render_run(const json::object &run) {
    std::ostringstream s;
    s << "Run " << str(run, "id") << " (" << str(run, "trigger")
      << (run.if_contains("dry_run") && run.at("dry_run") == true ? ", dry run" : "") << "): " << str(run, "status")
      << ", started " << str(run, "started_at") << ", finished " << str(run, "finished_at") << "\n";
    if (const json::object *e = obj(run, "error"))
        s << "error: " << str(*e, "code") << ": " << str(*e, "message") << "\n";
    if (const json::object *sum = obj(run, "summary")) s << "\n" << render_summary(*sum);
    return s.str();
}

std::string render_probe(const json::object &report) {
    std::ostringstream s;
    s << "PROBE of tenant " << str(report, "tenant") << " (" << str(report, "provider")
      << "): " << num(report, "confirmed") << " confirmed, " << num(report, "contradicted") << " contradicted, "
      << num(report, "not_checkable") << " not checkable read-only; " << num(report, "requests") << " requests.\n\n";
    if (const auto *c = report.if_contains("checks"); c && c->is_array())
        for (const auto &v : c->get_array()) {
            if (!v.is_object()) continue;
            const auto &i = v.get_object();
            const std::string verdict = str(i, "verdict");
            const char *mark = verdict == "confirmed" ? "ok  " : verdict == "contradicted" ? "FAIL" : "--  ";
            s << mark << " " << str(i, "id") << " [" << str(i, "system") << "] " << str(i, "statement") << "\n";
            if (verdict == "contradicted") {
                if (const json::object *e = obj(i, "evidence")) {
                    s << "       request: " << str(*e, "request") << "\n";
                    s << "       answer:  " << str(*e, "answer") << "\n";
                }
            } else if (verdict == "not_checkable") {
                s << "       why: " << str(i, "why") << "\n";
            }
        }
    s << "\nExit code 7 when anything is contradicted: the sync would refuse to write.";
    return s.str();
}

} // namespace ats::cli
