#include "ats/tracker/provider_config.hpp"

#include "ats/shared/phone.hpp"
#include "ats/shared/timezone.hpp"

#include <ats_plugin.hpp>

namespace ats::tracker {

namespace bj = boost::json;
namespace cfg = ats::shared::config;
using cfg::Row;
using cfg::Type;

namespace {

// A credential the chosen auth.method needs must be given (the schema cannot say "required when").
void require_credentials(TrackerConfig &c, const cfg::Layout &layout) {
    const AuthOptions &a = c.client.auth;
    auto need = [&](const std::string &value, const char *key) {
        if (value.empty())
            cfg::bad(layout.field(std::string("auth.") + key),
                     std::string("is required for auth.method ") + auth_method_name(a.method));
    };
    switch (a.method) {
    case AuthOptions::Method::api_key: need(a.api_key, "api_key"); break;
    case AuthOptions::Method::password:
        need(a.username, "username");
        need(a.password, "password");
        break;
    // The manifest's refresh token is only the first one: a rotated token in host state wins.
    case AuthOptions::Method::oauth2: need(a.refresh_token, "refresh_token"); break;
    }
}

cfg::Table<TrackerConfig> make_table() {
    cfg::Table<TrackerConfig> t;
    t.key(Row::text("base_url", "Widget API host, e.g. https://evoapi.tracker-rms.com (US evoapius, CA evoapica)")
              .with_example("https://evoapius.tracker-rms.com")
              .must_be_given()
              .at_least(8)
              .matching("^https?://"),
          ATS_CONFIG_MEMBER(client.base_url), [](std::string &url, const std::string &) {
              while (!url.empty() && url.back() == '/') url.pop_back();
          });
    t.section({"auth", "how Tracker authenticates this tenant", true, ""});
    t.key_stored_by(
        Row::text("auth.method", "how Tracker authenticates this tenant")
            .with_example("password")
            .must_be_given()
            .one_of_values({"api_key", "password", "oauth2"}),
        [](TrackerConfig &c, cfg::Value &&v, const std::string &) {
            const std::string &m = std::get<std::string>(v);
            c.client.auth.method = m == "password" ? AuthOptions::Method::password
                                   : m == "oauth2" ? AuthOptions::Method::oauth2
                                                   : AuthOptions::Method::api_key;
        },
        [](const TrackerConfig &c) { return bj::value(auth_method_name(c.client.auth.method)); });
    t.key(Row::text("auth.api_key", "Widget API key (acts as the system administrator); auth.method api_key")
              .with_example("example-api-key")
              .as_secret()
              .at_least(1),
          ATS_CONFIG_MEMBER(client.auth.api_key));
    t.key(Row::text("auth.username", "Tracker user name; auth.method password")
              .with_example("recruiter@example.org")
              .no_default()
              .at_least(1),
          ATS_CONFIG_MEMBER(client.auth.username));
    t.key(Row::text("auth.password", "Tracker password; auth.method password")
              .with_example("example-password")
              .as_secret()
              .at_least(1),
          ATS_CONFIG_MEMBER(client.auth.password));
    t.key(Row::text("auth.client_id", "OAuth2 client id; auth.method oauth2").with_example("ExampleClient").at_least(1),
          ATS_CONFIG_MEMBER(client.auth.client_id));
    t.key(Row::text("auth.refresh_token", "OAuth2 refresh token; used until a rotated one is stored in host state")
              .with_example("example-refresh-token")
              .as_secret()
              .at_least(1),
          ATS_CONFIG_MEMBER(client.auth.refresh_token));
    t.key(Row::text("timezone", "IANA zone of the Tracker account's local timestamps")
              .with_example("America/New_York")
              .at_least(1),
          ATS_CONFIG_MEMBER(timezone), [](std::string &zone, const std::string &) {
              ats::shared::TimeZone check(zone); // throws naming the zone
          });
    t.key(Row::text("default_phone_region", "region of phone numbers written without a country code (in Tracker and, "
                                            "for the hybrid, in Workable)")
              .with_example("US")
              .matching("^[A-Za-z]{2}$"),
          ATS_CONFIG_MEMBER(default_phone_region), [](std::string &region, const std::string &field) {
              if (!ats::shared::is_known_phone_region(region))
                  cfg::bad(field, "'" + region + "' is not a region code (e.g. GB, US)");
          });
    t.section({"statuses", "opportunity-resource status NAMES (resolved through getSettings)", false, ""});
    t.key(Row::text("statuses.declined", "status set by applications.reject; outcome DECLINED")
              .with_example("Rejected")
              .at_least(1),
          ATS_CONFIG_MEMBER(statuses.declined));
    t.key(Row::text("statuses.accepted", "status meaning hired; outcome HIRED").with_example("Placed").at_least(1),
          ATS_CONFIG_MEMBER(statuses.accepted));
    t.key(Row::text("statuses.new_application",
                    "status Tracker gives a new application (link); one created at another stage is moved")
              .with_example("New")
              .at_least(1),
          ATS_CONFIG_MEMBER(statuses.new_application));
    t.key(Row::integer("page_size", 1, 500, "records per Tracker page (numrecords, A7)"),
          ATS_CONFIG_MEMBER(client.page_size));
    t.key(Row::integer("request_timeout_ms", 100, 600000, "timeout of one Tracker request"),
          ATS_CONFIG_MEMBER(client.request_timeout_ms));
    t.rule(require_credentials);
    return t;
}

} // namespace

const cfg::Table<TrackerConfig> &tracker_config_table() {
    static const cfg::Table<TrackerConfig> table = make_table();
    return table;
}

TrackerConfig TrackerConfig::parse(const bj::object &provider_config) {
    return tracker_config_table().parse(provider_config);
}

std::string tracker_config_schema_json() { return tracker_config_table().schema_json(); }

} // namespace ats::tracker
