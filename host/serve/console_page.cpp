#include "console_page.hpp"

#include "json_text.hpp"

#include "attention.hpp"
#include "crypto.hpp"

#include <cstdio>
#include <sstream>

namespace json = boost::json;

namespace ats::serve {

namespace {

std::string str(const json::object &o, const char *k) { return ats::cli::field_text(o, k); }

int64_t num(const json::object *o, const char *group, const char *k) {
    if (!o) return 0;
    const auto *g = o->if_contains(group);
    const json::value *v = g && g->is_object() ? g->get_object().if_contains(k) : nullptr;
    return v && v->is_int64() ? v->get_int64() : 0;
}

const json::object *summary_of(const json::object &run) {
    const auto *s = run.if_contains("summary");
    return s && s->is_object() ? &s->get_object() : nullptr;
}

constexpr const char *kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:2px solid #ccd}
h3{font-size:1em;margin:1em 0 .3em}.meta{color:#666}
table{border-collapse:collapse;margin:.3em 0 1em;background:#fff}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#eef}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#060}.bad{color:#a00;font-weight:bold}.warn{color:#a60}
.attention{background:#fff8e8;border:1px solid #e8c870;padding:.5em 1em;margin:.5em 0}
.attention li{margin:.3em 0}.todo{color:#555;font-style:italic}
details summary{cursor:pointer;color:#335}
)";

void runs_table(std::ostringstream &s, const std::vector<json::object> &runs) {
    if (runs.empty()) {
        s << "<p class=\"meta\">No sync runs recorded yet.</p>\n";
        return;
    }
    s << "<table><tr><th>run</th><th>trigger</th><th>mode</th><th>started</th><th>took</th><th>outcome</th>"
         "<th>seen</th><th>created</th><th>updated</th><th>pending</th><th>failed</th></tr>\n";
    for (const auto &r : runs) {
        const json::object *sum = summary_of(r);
        std::string mode = sum ? str(*sum, "mode") : (str(r, "full") == "true" ? "full" : "incremental");
        if (str(r, "dry_run") == "true") mode += " (dry run)";
        std::string status = str(r, "status");
        const char *cls = status == "succeeded" ? "ok" : status == "running" ? "warn" : "bad";
        char took[32] = "";
        if (const auto *d = r.if_contains("duration_ms"); d && d->is_int64())
            std::snprintf(took, sizeof took, "%.1f s", static_cast<double>(d->get_int64()) / 1000.0);
        s << "<tr><td>" << html_escape(str(r, "id")) << "</td><td>" << html_escape(str(r, "trigger")) << "</td><td>"
          << html_escape(mode) << "</td><td>" << html_escape(str(r, "started_at")) << "</td><td class=\"n\">" << took
          << "</td><td class=\"" << cls << "\">" << html_escape(status);
        if (const auto *e = r.if_contains("error"); e && e->is_object())
            s << ": " << html_escape(str(e->get_object(), "code")) << " - "
              << html_escape(str(e->get_object(), "message"));
        s << "</td>";
        const auto *seen = sum ? sum->if_contains("applications_seen") : nullptr;
        s << "<td class=\"n\">" << (seen && seen->is_int64() ? seen->get_int64() : 0) << "</td>";
        for (const char *k : {"created", "updated", "pending", "errors"})
            s << "<td class=\"n\">" << num(sum, "applications", k) << "</td>";
        s << "</tr>\n";
    }
    s << "</table>\n";
}

void attention_block(std::ostringstream &s, const std::vector<json::object> &runs) {
    const json::object *latest = nullptr;
    std::string from;
    for (const auto &r : runs)
        if (const json::object *sum = summary_of(r); sum && str(r, "dry_run") != "true") {
            latest = sum;
            from = str(r, "id");
            break;
        }
    if (!latest) return;
    auto groups = ats::cli::attention_groups(*latest);
    s << "<h3>Needs attention</h3>\n";
    if (groups.empty()) {
        s << "<p class=\"ok\">Nothing (latest run " << html_escape(from) << ").</p>\n";
        return;
    }
    s << "<div class=\"attention\"><p class=\"meta\">From the latest run, " << html_escape(from)
      << "; most urgent first.</p><ol>\n";
    for (const auto &g : groups) {
        s << "<li><b>" << html_escape(g.headline) << "</b><table>\n";
        for (const auto &[what, n] : g.parts)
            s << "<tr><td>" << html_escape(what) << "</td><td class=\"n\">" << n << "</td></tr>\n";
        s << "</table><span class=\"todo\">What to do: " << html_escape(g.action) << "</span></li>\n";
    }
    s << "</ol></div>\n";
}

void capabilities_block(std::ostringstream &s, const json::value &caps) {
    const json::array *ops = nullptr;
    if (caps.is_object())
        if (const auto *o = caps.get_object().if_contains("operations"); o && o->is_array()) ops = &o->get_array();
    if (!ops) return;
    s << "<details><summary>Capability matrix (" << ops->size()
      << " operations)</summary><table>"
         "<tr><th>operation</th><th>support</th><th>reason</th></tr>\n";
    for (const auto &v : *ops) {
        if (!v.is_object()) continue;
        const auto &o = v.get_object();
        std::string support = str(o, "support");
        const char *cls = support == "supported" ? "ok" : support == "limited" ? "warn" : "bad";
        s << "<tr><td>" << html_escape(str(o, "operation")) << "</td><td class=\"" << cls << "\">"
          << html_escape(support) << "</td><td>" << html_escape(str(o, "reason")) << "</td></tr>\n";
    }
    s << "</table></details>\n";
}

} // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string render_console(const ConsoleView &view) {
    std::ostringstream s;
    s << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ats-host console</title>"
         "<meta name=\"viewport\" content=\"width=device-width\"><style>"
      << kStyle << "</style></head><body>\n";
    s << "<h1>ats-host console</h1><p class=\"meta\">" << html_escape(view.viewer) << " &middot; generated "
      << html_escape(view.generated_at) << " &middot; read-only; reload for fresh data</p>\n";
    s << "<h2>Tenants</h2>\n<table><tr><th>tenant</th><th>provider</th><th>plugin version</th><th>readiness</th>"
         "<th>last run</th></tr>\n";
    for (const auto &t : view.tenants) {
        s << "<tr><td><a href=\"#t-" << html_escape(t.tenant_id) << "\">" << html_escape(t.tenant_id) << "</a></td><td>"
          << html_escape(t.provider) << "</td><td>" << html_escape(t.plugin_version) << "</td><td class=\""
          << (t.ready ? "ok" : "bad") << "\">" << html_escape(t.readiness) << "</td><td>";
        if (!t.runs.empty())
            s << html_escape(str(t.runs.front(), "status")) << " " << html_escape(str(t.runs.front(), "started_at"));
        s << "</td></tr>\n";
    }
    s << "</table>\n";
    if (view.tenants.empty()) s << "<p class=\"meta\">No tenant visible to this token.</p>\n";
    for (const auto &t : view.tenants) {
        s << "<h2 id=\"t-" << html_escape(t.tenant_id) << "\">Tenant " << html_escape(t.tenant_id) << "</h2>\n";
        attention_block(s, t.runs);
        s << "<h3>Recent sync runs</h3>\n";
        runs_table(s, t.runs);
        capabilities_block(s, t.capabilities);
    }
    s << "</body></html>\n";
    return s.str();
}

std::string basic_auth_password(std::string_view authorization) {
    auto space = authorization.find(' ');
    if (space == std::string_view::npos) return "";
    std::string scheme(authorization.substr(0, space));
    for (char &c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "basic") return "";
    auto out = base64_decode(authorization.substr(space + 1), false, false);
    if (!out) return "";
    auto colon = out->find(':');
    return colon == std::string::npos ? "" : out->substr(colon + 1);
}

} // namespace ats::serve
