// Tracker Widget API: request envelope, authentication and OAuth2 (documented, plus A9, A15).
#include "tracker_emulator.hpp"

#include "credentials.hpp"
#include "tracker_internal.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace ats::sandbox {

namespace {

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

HttpResponse json_response(int status, const json::object &body) {
    HttpResponse r;
    r.status = status;
    r.body = json::serialize(body);
    return r;
}

HttpResponse unauthorized(const std::string &why) {
    HttpResponse r = json_response(
        401, json::object{{"Message", "Authorization has been denied for this request."}, {"detail", why}});
    r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return r;
}

bool access_token_valid(TrackerContext &ctx, const std::string &token) {
    auto &tokens = ctx.world.tracker()["oauth"].as_object()["access_tokens"].as_object();
    auto it = tokens.find(token);
    return it != tokens.end() && int_of(&it->value()).value_or(0) > ctx.now;
}

std::map<std::string, std::string> parse_form(const std::string &body) {
    std::map<std::string, std::string> out;
    const std::string target = "/?" + body; // the parsed view refers to this string
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return out;
    for (auto param : parsed->params()) out[param.key] = param.value;
    return out;
}

HttpResponse oauth_token(TrackerContext &ctx, const HttpRequest &req) {
    auto form = parse_form(req.body);
    auto oauth_error = [](const std::string &code, const std::string &description) {
        return json_response(400, json::object{{"error", code}, {"error_description", description}});
    };
    if (form.count("client_id") && form["client_id"] != credentials::kTrackerOAuthClientId)
        return oauth_error("invalid_client", "unknown client_id");
    auto &oauth = ctx.world.tracker()["oauth"].as_object();
    const std::string grant = form["grant_type"];
    if (grant == "refresh_token") {
        // TRACKER-ASSUMPTION A15: only the latest refresh token works; each use rotates it.
        if (form["refresh_token"].empty() || form["refresh_token"] != str_of(oauth, "refresh_token"))
            return oauth_error("invalid_grant", "refresh token is invalid or has been rotated");
    } else if (grant == "authorization_code") {
        if (form["code"] != credentials::kTrackerAuthorizationCode)
            return oauth_error("invalid_grant", "authorization code is invalid");
    } else {
        return oauth_error("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
    }
    std::string access = ctx.new_token(), refresh = ctx.new_token();
    oauth["refresh_token"] = refresh;
    auto &tokens = oauth["access_tokens"].as_object();
    // Forget expired tokens so the state stays small under long benchmarks.
    for (auto it = tokens.begin(); it != tokens.end();)
        it = int_of(&it->value()).value_or(0) <= ctx.now ? tokens.erase(it) : std::next(it);
    tokens[access] = ctx.now + ctx.oauth_ttl_seconds * 1000LL;
    return json_response(200, json::object{{"access_token", access},
                                           {"token_type", "bearer"},
                                           {"expires_in", ctx.oauth_ttl_seconds},
                                           {"refresh_token", refresh}});
}

HttpResponse oauth_authorize(const HttpRequest &req) {
    const std::string *client = req.query_param("client_id");
    const std::string *redirect = req.query_param("redirect_uri");
    if (!client || *client != credentials::kTrackerOAuthClientId || !redirect) {
        HttpResponse r;
        r.status = 400;
        r.content_type = "text/plain";
        r.body = "client_id EvoApi_1.0 and redirect_uri are required";
        return r;
    }
    const std::string *state = req.query_param("state");
    boost::urls::url location(*redirect);
    location.params().append({"code", credentials::kTrackerAuthorizationCode});
    if (state) location.params().append({"state", *state});
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/plain";
    r.headers.emplace_back("Location", std::string(location.buffer()));
    return r;
}

// Removes credentials before a request body is written to the inspection log.
json::value redacted(json::value body) {
    if (body.is_object())
        for (auto &kv : body.as_object()) {
            if (kv.key() == "credentials")
                kv.value() = "[redacted]";
            else
                kv.value() = redacted(std::move(kv.value()));
        }
    return body;
}

} // namespace

void reset_tracker_oauth(World &world) {
    world.tracker()["oauth"] =
        json::object{{"refresh_token", credentials::kTrackerSeedRefreshToken}, {"access_tokens", json::object{}}};
}

bool tracker_write(const std::string &method) {
    static const char *const writes[] = {"createResource", "createResourceFromResume", "resourceApplication",
                                         "updateRecord",   "createActivity",           "attachDocument"};
    return std::find(std::begin(writes), std::end(writes), method) != std::end(writes);
}

std::string tracker_endpoint(const HttpRequest &req) {
    std::string path = lower(req.path);
    if (path == "/oauth2/token") return "oauth2/token";
    if (path == "/oauth2/authorize") return "oauth2/authorize";
    const std::string prefix = "/api/widget/";
    if (path.rfind(prefix, 0) == 0 && req.path.size() > prefix.size()) return req.path.substr(prefix.size());
    return "unknown";
}

HttpResponse handle_tracker(TrackerContext &ctx, const HttpRequest &req) {
    const std::string endpoint = tracker_endpoint(req);
    if (endpoint == "oauth2/token") {
        if (req.method != "POST") return json_response(405, json::object{{"error", "method not allowed"}});
        return oauth_token(ctx, req);
    }
    if (endpoint == "oauth2/authorize") return oauth_authorize(req);
    static const std::set<std::string> methods = {"getRecords",          "getIndividualRecord",
                                                  "getSettings",         "checkPerson",
                                                  "createResource",      "createResourceFromResume",
                                                  "resourceApplication", "updateRecord",
                                                  "createActivity",      "attachDocument"};
    if (endpoint == "unknown")
        return json_response(404,
                             json::object{{"Message", "No HTTP resource was found that matches the request URI."}});
    if (!methods.count(endpoint))
        return json_response(404,
                             json::object{{"Message", "No action was found on the controller 'Widget' that matches '" +
                                                          endpoint + "'."}});
    if (req.method != "POST")
        return json_response(405, json::object{{"Message", "The requested resource does not support http method '" +
                                                               req.method + "'."}});

    // TRACKER-ASSUMPTION A9: a bad bearer token is HTTP 401, before the body is looked at.
    if (const std::string *auth = req.header("authorization")) {
        const std::string bearer = "bearer ";
        if (lower(auth->substr(0, bearer.size())) != bearer || !access_token_valid(ctx, auth->substr(bearer.size())))
            return unauthorized("invalid or expired bearer token");
    }
    json::value body;
    boost::system::error_code ec;
    body = json::parse(req.body, ec);
    const json::object *call = nullptr;
    if (!ec && body.is_object())
        if (const json::object *root = object_at(body.as_object(), "trackerrms"))
            call = object_at(*root, endpoint.c_str());
    if (!call) return tracker::error(99, "Object variable or With block variable not set.");
    if (!req.header("authorization")) {
        const json::object *cred = object_at(*call, "credentials");
        bool ok = false;
        if (cred) {
            if (field(*cred, "oauthtoken")) {
                if (!access_token_valid(ctx, str_of(*cred, "oauthtoken")))
                    return unauthorized("invalid or expired oauth token");
                ok = true;
            } else if (field(*cred, "apikey")) {
                ok = str_of(*cred, "apikey") == credentials::kTrackerApiKey;
            } else if (field(*cred, "username")) {
                ok = str_of(*cred, "username") == credentials::kTrackerUsername &&
                     str_of(*cred, "password") == credentials::kTrackerPassword;
            }
        }
        if (!ok) return tracker::error(1, "User not found");
    }

    HttpResponse response;
    if (endpoint == "getRecords")
        response = tracker::get_records(ctx, *call);
    else if (endpoint == "getIndividualRecord")
        response = tracker::get_individual_record(ctx, *call);
    else if (endpoint == "getSettings")
        response = tracker::get_settings(ctx, *call);
    else if (endpoint == "checkPerson")
        response = tracker::check_person(ctx, *call);
    else if (endpoint == "createResource")
        response = tracker::create_resource(ctx, *call, false);
    else if (endpoint == "createResourceFromResume")
        response = tracker::create_resource(ctx, *call, true);
    else if (endpoint == "resourceApplication")
        response = tracker::resource_application(ctx, *call);
    else if (endpoint == "updateRecord")
        response = tracker::update_record(ctx, *call);
    else if (endpoint == "createActivity")
        response = tracker::create_activity(ctx, *call);
    else if (endpoint == "attachDocument")
        response = tracker::attach_document(ctx, *call);
    else
        return json_response(404,
                             json::object{{"Message", "No action was found on the controller 'Widget' that matches '" +
                                                          endpoint + "'."}});

    if (tracker_write(endpoint)) {
        json::value result = json::parse(response.body, ec);
        json::object entry{{"service", "tracker"}, {"endpoint", endpoint}, {"request", redacted(body)}};
        if (!ec && result.is_object()) {
            entry["status"] =
                result.as_object().count("status") ? result.as_object().at("status") : json::value(nullptr);
            entry["recordId"] =
                result.as_object().count("recordId") ? result.as_object().at("recordId") : json::value(nullptr);
            if (result.as_object().count("linkId"))
                entry["linkId"] = result.as_object().at("linkId"); // createResource + assign (A1)
        }
        ctx.log_write(std::move(entry));
    }
    return response;
}

} // namespace ats::sandbox
