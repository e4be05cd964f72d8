#include "report_text.hpp"

#include <map>
#include <sstream>
#include <vector>

namespace json = boost::json;

namespace ats::cli {

namespace {
std::string str(const json::object &o, const char *k) {
    const auto *v = o.if_contains(k);
    if (!v) return {};
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_null()) return {};
    return json::serialize(*v);
}

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
            line += ", " + std::string(kv.key()) + " " + (kv.value().is_string() ? std::string(kv.value().get_string()) : json::serialize(kv.value()));
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
    if (v->is_array()) items = &v->get_array();
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
    s << "Changes since: " << (str(summary, "checkpoint_before").empty() ? "the beginning" : str(summary, "checkpoint_before"))
      << "\n\n";
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
                line += "link " + str(i, "link_id") + ": " + (str(i, "from").empty() ? "?" : str(i, "from")) + " -> " + str(i, "to");
            } else if (action == "fill_contacts") {
                line += "resource " + str(i, "resource_id") + ": " + (obj(i, "fields") ? json::serialize(*obj(i, "fields")) : "");
            } else if (action == "add_note") {
                line += "note '" + str(i, "subject") + "' on resource " + str(i, "resource_id") + ": " + str(i, "text");
            } else if (action == "attach_cv") {
                line += "attach " + str(i, "file_name") + " (" + str(i, "bytes") + " bytes) to resource " + str(i, "resource_id");
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

std::string render_probe(const json::object &report) {
    std::ostringstream s;
    s << "PROBE of tenant " << str(report, "tenant") << " (" << str(report, "provider") << "): "
      << num(report, "confirmed") << " confirmed, " << num(report, "contradicted") << " contradicted, "
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
