#include "ats/tracker/provider_config.hpp"

#include "ats/shared/json.hpp"
#include "ats/shared/phone.hpp"
#include "ats/shared/timezone.hpp"

#include <ats_plugin.hpp>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {
constexpr const char *kWhere = "provider_config";

[[noreturn]] void bad(const std::string &message) { throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, message); }

std::string required_secret(const bj::object &auth, const char *field, const char *method) {
    auto v = sj::optional_string(auth, field, "provider_config.auth");
    if (!v || v->empty())
        bad(std::string("provider_config.auth.") + field + " is required for auth.method " + method);
    return *v;
}
} // namespace

TrackerConfig TrackerConfig::parse(const bj::object &cfg) {
    TrackerConfig c;
    c.client.base_url = sj::require_nonempty_string(cfg, "base_url", kWhere);
    if (c.client.base_url.rfind("http://", 0) != 0 && c.client.base_url.rfind("https://", 0) != 0)
        bad("provider_config.base_url must start with http:// or https://");
    while (c.client.base_url.back() == '/') c.client.base_url.pop_back();

    const bj::object &auth = sj::require_object(cfg, "auth", kWhere);
    std::string method = sj::require_string(auth, "method", "provider_config.auth");
    if (method == "api_key") {
        c.client.auth.method = AuthOptions::Method::api_key;
        c.client.auth.api_key = required_secret(auth, "api_key", "api_key");
    } else if (method == "password") {
        c.client.auth.method = AuthOptions::Method::password;
        c.client.auth.username = required_secret(auth, "username", "password");
        c.client.auth.password = required_secret(auth, "password", "password");
    } else if (method == "oauth2") {
        c.client.auth.method = AuthOptions::Method::oauth2;
        // The manifest's refresh token is only the first one: a rotated token in host state wins.
        c.client.auth.refresh_token = required_secret(auth, "refresh_token", "oauth2");
        if (auto id = sj::optional_string(auth, "client_id", "provider_config.auth"); id && !id->empty())
            c.client.auth.client_id = *id;
    } else {
        bad("provider_config.auth.method must be one of api_key, password, oauth2 (got '" + method + "')");
    }

    if (auto tz = sj::optional_string(cfg, "timezone", kWhere)) c.timezone = *tz;
    ats::shared::TimeZone check(c.timezone); // throws naming the zone
    if (auto r = sj::optional_string(cfg, "default_phone_region", kWhere)) c.default_phone_region = *r;
    if (!ats::shared::is_known_phone_region(c.default_phone_region))
        bad("provider_config.default_phone_region '" + c.default_phone_region + "' is not a region code (e.g. GB, US)");
    if (const bj::object *st = sj::optional_object(cfg, "statuses", kWhere)) {
        const char *where = "provider_config.statuses";
        if (auto v = sj::optional_string(*st, "declined", where); v && !v->empty()) c.statuses.declined = *v;
        if (auto v = sj::optional_string(*st, "accepted", where); v && !v->empty()) c.statuses.accepted = *v;
        if (auto v = sj::optional_string(*st, "new_application", where); v && !v->empty()) c.statuses.new_application = *v;
    }
    if (auto n = sj::optional_int(cfg, "page_size", kWhere)) {
        if (*n < 1 || *n > 500) bad("provider_config.page_size must be between 1 and 500 (Tracker's numrecords limit)");
        c.client.page_size = static_cast<int>(*n);
    }
    if (auto n = sj::optional_int(cfg, "request_timeout_ms", kWhere)) {
        if (*n < 100 || *n > 600000) bad("provider_config.request_timeout_ms must be between 100 and 600000");
        c.client.request_timeout_ms = static_cast<int>(*n);
    }
    return c;
}

bj::object tracker_config_schema_properties() {
    auto str = [](const char *description) { return bj::object{{"type", "string"}, {"description", description}}; };
    auto secret = [](const char *description) {
        return bj::object{{"type", "string"}, {"minLength", 1}, {"x-secret", true}, {"description", description}};
    };
    bj::object auth_props{
        {"method", bj::object{{"type", "string"}, {"enum", bj::array{"api_key", "password", "oauth2"}},
                              {"description", "how Tracker authenticates this tenant"}}},
        {"api_key", secret("Widget API key (acts as the system administrator); auth.method api_key")},
        {"username", str("Tracker user name; auth.method password")},
        {"password", secret("Tracker password; auth.method password")},
        {"client_id", bj::object{{"type", "string"}, {"default", "EvoApi_1.0"}, {"description", "OAuth2 client id"}}},
        {"refresh_token", secret("OAuth2 refresh token; used until a rotated one is stored in host state")}};
    bj::object statuses_props{
        {"declined", bj::object{{"type", "string"}, {"minLength", 1}, {"default", "Declined"},
                                {"description", "status set by applications.reject; outcome DECLINED"}}},
        {"accepted", bj::object{{"type", "string"}, {"minLength", 1}, {"default", "Accepted"},
                                {"description", "status meaning hired; outcome HIRED"}}},
        {"new_application", bj::object{{"type", "string"}, {"minLength", 1}, {"default", "Applied"},
                                       {"description", "status of a new application when no stage is given"}}}};
    return bj::object{
        {"base_url", bj::object{{"type", "string"}, {"pattern", "^https?://"}, {"minLength", 8},
                                {"description", "Widget API host, e.g. https://evoapi.tracker-rms.com (US evoapius, CA evoapica)"}}},
        {"auth", bj::object{{"type", "object"}, {"required", bj::array{"method"}}, {"additionalProperties", false},
                            {"properties", std::move(auth_props)}}},
        {"timezone", bj::object{{"type", "string"}, {"default", "Europe/London"},
                                {"description", "IANA zone of the Tracker account's local timestamps"}}},
        {"default_phone_region", bj::object{{"type", "string"}, {"pattern", "^[A-Za-z]{2}$"}, {"default", "GB"},
                                            {"description", "region for phone numbers written without a country code"}}},
        {"statuses", bj::object{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(statuses_props)},
                                {"description", "opportunity-resource status NAMES (resolved through getSettings)"}}},
        {"page_size", bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 500}, {"default", 200}}},
        {"request_timeout_ms", bj::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 600000}, {"default", 30000}}}};
}

bj::array tracker_config_schema_required() { return bj::array{"base_url", "auth"}; }

std::string tracker_config_schema_json() {
    return bj::serialize(bj::object{{"type", "object"},
                                    {"properties", tracker_config_schema_properties()},
                                    {"required", tracker_config_schema_required()},
                                    {"additionalProperties", false}});
}

} // namespace ats::tracker
