// console_page.hpp - the operator console of `ats-host serve` (GET /console): one read-only HTML
// page, plain HTML and CSS, no JavaScript and no external asset (works offline). Everything
// shown that came from a manifest, a plugin or an upstream ATS (tenant ids, job titles, error
// messages) is HTML-escaped: names come from Workable and Tracker.
//
// Pure: the page is a function of ConsoleView, which the route fills from what the caller may
// see (the admin token: every tenant; a tenant token: its own tenants only).
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ats::serve {

struct ConsoleTenant {
    std::string tenant_id, provider, plugin_version;
    std::string readiness; // "ready", "check failed: ...", "not checked yet", "not loaded"
    bool ready = false;
    std::vector<boost::json::object> runs; // newest first (SyncRun JSON / history records)
    boost::json::value capabilities;       // {"provider":..,"operations":[{operation,support,reason}]}
};

struct ConsoleView {
    std::string generated_at; // ISO 8601 UTC
    std::string viewer;       // "admin" or "tenant token (acme)"
    std::vector<ConsoleTenant> tenants;
};

// "&<>\"'" as entities.
std::string html_escape(std::string_view text);
std::string render_console(const ConsoleView &view);

// The token of an "Authorization: Basic base64(user:token)" header (browsers ask for it on a
// 401 with WWW-Authenticate: Basic); "" when the header is not one.
std::string basic_auth_password(std::string_view authorization);

} // namespace ats::serve
