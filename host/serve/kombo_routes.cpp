// kombo_routes.cpp - Kombo-shaped read routes, so a client written for Kombo's unified ATS API
// (its official SDK included) can point its base URL at /v1/tenants/{t} with a tenant token:
//
//   GET /v1/tenants/{t}/ats/jobs | /ats/applications | /ats/candidates     (paged lists)
//   GET /v1/tenants/{t}/ats/{applications|candidates}/{id}/attachments
//
// Answers use Kombo's envelopes: {"status":"success","data":{"results":[...],"next":cursor|null}}
// and {"status":"error","error":{"code","title","message","log_url"}}. Records are completed to
// Kombo's item shapes here as well (ats::shared::kombo), so a plugin written against the older
// record shapes is served in Kombo's shapes too. Kombo's query parameters are applied by the host
// on the completed records (only updated_after and job_ids also reach the provider); a filter on a
// field the provider cannot fill matches nothing unless ignore_unsupported_filters=true.
#include "api_error.hpp"
#include "ats_plugin.h"
#include "ats/shared/kombo_record.hpp"
#include "record_sinks.hpp"
#include "operation_support.hpp"
#include "serve_app.hpp"
#include "stream_page.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ats::serve {
namespace json = boost::json;
namespace kombo = ats::shared::kombo;

namespace {

struct KomboFailure {
    int status;
    const char *code;
    const char *title;
};

// The service's own error codes -> Kombo's ATS error codes (Kombo's clients branch on those).
KomboFailure kombo_failure(int status, const std::string &code) {
    if (status == 401 || code == "unauthenticated" || code == "invalid_token")
        return {401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key."};
    if (status == 403) return {403, "PLATFORM.AUTHENTICATION_INVALID", "This API key may not access this integration."};
    if (code == "tenant_not_found") return {404, "PLATFORM.INTEGRATION_NOT_FOUND", "Integration not found."};
    if (status == 400 || code == "not_found") return {status, "PLATFORM.INPUT_INVALID", "The input is invalid."};
    if (status == 501) return {501, "INTEGRATION.MODEL_NOT_AVAILABLE", "Not available for this integration."};
    if (status == 429) return {429, "REMOTE.RATE_LIMIT_EXCEEDED", "The remote system's rate limit was exceeded."};
    if (code == "upstream_unauthorized")
        return {502, "INTEGRATION.AUTHENTICATION_INVALID", "The remote system refused the credentials."};
    if (status == 503) return {503, "REMOTE.SERVICE_UNAVAILABLE", "The remote system is unavailable."};
    if (status == 502) return {502, "REMOTE.UNKNOWN_HTTP_ERROR", "The remote system failed."};
    return {status >= 400 ? status : 500, "PLATFORM.UNKNOWN_ERROR", "Unknown error."};
}

void send_kombo_error(ResponseWriter &w, const HttpRequest &req, int status, const std::string &code,
                      const std::string &message) {
    KomboFailure f = kombo_failure(status, code);
    json::object body{{"status", "error"},
                      {"error", json::object{{"code", f.code},
                                             {"title", f.title},
                                             {"message", message + " (request " + req.request_id + ")"},
                                             {"log_url", nullptr}}}};
    HeaderList headers;
    if (f.status == 401) headers.emplace_back("WWW-Authenticate", "Bearer");
    w.send(f.status, "application/json", json::serialize(body) + "\n", headers);
}

// `warnings`: Kombo's top-level list of {"message"}; null leaves it out (Kombo's lists have none).
void send_kombo_success(ResponseWriter &w, json::object data, const std::string &provider,
                        json::value warnings = nullptr) {
    json::object body{{"status", "success"}, {"data", std::move(data)}};
    if (!warnings.is_null()) body["warnings"] = std::move(warnings);
    w.send(200, "application/json", json::serialize(body) + "\n", {{"X-Ats-Provider", provider}});
}

std::vector<std::string> csv(const std::string &value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        if (comma > start) out.push_back(value.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string text(const json::value *v) {
    if (!v) return {};
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64()) return std::to_string(v->get_int64());
    return {};
}

std::string field(const json::object &o, const char *key) { return text(o.if_contains(key)); }

// Kombo's date filters: YYYY-MM-DD[THH:mm:ss[.sss]][Z], always UTC. Answers the project's form
// (YYYY-MM-DDTHH:MM:SSZ); fractions are dropped, which widens an "after" filter by under a second.
std::string kombo_time(const std::string &name, const std::string &v) {
    auto digits = [&](size_t from, size_t n) {
        for (size_t i = from; i < from + n; ++i)
            if (i >= v.size() || v[i] < '0' || v[i] > '9') return false;
        return true;
    };
    bool ok = v.size() >= 10 && digits(0, 4) && v[4] == '-' && digits(5, 2) && v[7] == '-' && digits(8, 2);
    std::string out = v.substr(0, 10) + "T00:00:00Z";
    if (ok && v.size() > 10 && v != v.substr(0, 10) + "Z") {
        ok = v.size() >= 19 && v[10] == 'T' && digits(11, 2) && v[13] == ':' && digits(14, 2) && v[16] == ':' &&
             digits(17, 2);
        size_t i = 19;
        if (ok && i < v.size() && v[i] == '.') {
            ++i;
            while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
            ok = i > 20;
        }
        if (ok && i < v.size() && v[i] == 'Z') ++i;
        ok = ok && i == v.size();
        out = v.substr(0, 19) + "Z";
    }
    if (!ok)
        throw ApiError(400, "invalid_argument", "query parameter " + name + " must look like YYYY-MM-DDTHH:mm:ss.sssZ");
    return out;
}

enum class List { jobs, applications, candidates };

struct ListRoute {
    const char *pattern;
    const char *operation;
    List kind;
    std::vector<std::string> filters; // Kombo's filters of this list besides the common ones
};

const std::vector<ListRoute> &list_routes() {
    static const std::vector<ListRoute> routes = {
        {"/v1/tenants/{tenant}/ats/jobs",
         ATS_OP_JOBS_STREAM,
         List::jobs,
         {"job_codes", "post_url", "status", "statuses", "employment_types", "visibilities", "remote_created_after",
          "name_contains"}},
        {"/v1/tenants/{tenant}/ats/applications",
         ATS_OP_APPLICATIONS_STREAM,
         List::applications,
         {"outcome", "outcomes", "job_ids", "job_remote_ids", "current_stage_ids", "remote_created_after"}},
        {"/v1/tenants/{tenant}/ats/candidates",
         ATS_OP_CANDIDATES_STREAM,
         List::candidates,
         {"email", "job_ids", "first_name", "last_name"}},
    };
    return routes;
}

const std::set<std::string> &common_parameters() {
    static const std::set<std::string> names = {
        "cursor", "page_size", "updated_after", "include_deleted", "ignore_unsupported_filters", "ids", "remote_ids"};
    return names;
}

// One Kombo filter, applied to a completed record. `supported` false: the provider never fills the
// field, so the filter matches nothing (or is ignored with ignore_unsupported_filters=true).
struct Filter {
    std::function<bool(const json::object &)> match;
    bool supported = true;
};

bool in(const std::vector<std::string> &set, const std::string &v) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

std::vector<Filter> build_filters(const ListRoute &route, const HttpRequest &req) {
    std::vector<Filter> out;
    auto param = [&](const std::string &name) -> std::optional<std::string> {
        if (!req.has_query(name)) return std::nullopt;
        return req.query_param(name);
    };
    if (auto ids = param("ids"))
        out.push_back({[v = csv(*ids)](const json::object &r) { return in(v, field(r, "id")); }});
    if (auto ids = param("remote_ids"))
        out.push_back({[v = csv(*ids)](const json::object &r) { return in(v, field(r, "remote_id")); }});
    if (auto after = param("remote_created_after")) {
        std::string t = kombo_time("remote_created_after", *after);
        out.push_back({[t](const json::object &r) {
            auto c = field(r, "remote_created_at");
            return !c.empty() && c.substr(0, 19) > t.substr(0, 19);
        }});
    }
    switch (route.kind) {
    case List::jobs: {
        if (auto v = param("job_codes"))
            out.push_back({[s = csv(*v)](const json::object &r) { return in(s, field(r, "job_code")); }});
        if (auto v = param("post_url"))
            out.push_back({[s = *v](const json::object &r) { return field(r, "post_url") == s; }});
        std::vector<std::string> statuses;
        if (auto v = param("status")) statuses.push_back(*v);
        if (auto v = param("statuses"))
            for (auto &s : csv(*v)) statuses.push_back(s);
        if (!statuses.empty())
            out.push_back({[statuses](const json::object &r) { return in(statuses, field(r, "status")); }});
        if (auto v = param("employment_types"))
            out.push_back({[s = csv(*v)](const json::object &r) { return in(s, field(r, "employment_type")); }});
        if (auto v = param("visibilities"))
            out.push_back({[s = csv(*v)](const json::object &r) { return in(s, field(r, "visibility")); }});
        if (auto v = param("name_contains"))
            out.push_back({[s = lower(*v)](const json::object &r) {
                return lower(field(r, "name")).find(s) != std::string::npos;
            }});
        break;
    }
    case List::applications: {
        std::vector<std::string> outcomes;
        if (auto v = param("outcome")) outcomes.push_back(*v);
        if (auto v = param("outcomes"))
            for (auto &s : csv(*v)) outcomes.push_back(s);
        if (!outcomes.empty())
            out.push_back({[outcomes](const json::object &r) { return in(outcomes, field(r, "outcome")); }});
        if (auto v = param("job_ids"))
            out.push_back({[s = csv(*v)](const json::object &r) { return in(s, field(r, "job_id")); }});
        if (auto v = param("job_remote_ids"))
            out.push_back({[s = csv(*v)](const json::object &r) {
                const auto *job = r.if_contains("job");
                return job && job->is_object() && in(s, field(job->get_object(), "remote_id"));
            }});
        if (auto v = param("current_stage_ids"))
            out.push_back({[s = csv(*v)](const json::object &r) { return in(s, field(r, "current_stage_id")); }});
        break;
    }
    case List::candidates: {
        if (auto v = param("email"))
            out.push_back({[s = lower(*v)](const json::object &r) {
                if (const auto *list = r.if_contains("email_addresses"); list && list->is_array())
                    for (const auto &e : list->get_array())
                        if (e.is_object() && lower(text(e.get_object().if_contains("email_address"))) == s) return true;
                return false;
            }});
        if (auto v = param("first_name"))
            out.push_back({[s = lower(*v)](const json::object &r) { return lower(field(r, "first_name")) == s; }});
        if (auto v = param("last_name"))
            out.push_back({[s = lower(*v)](const json::object &r) { return lower(field(r, "last_name")) == s; }});
        // A candidate's applications are not part of the provider's candidate record.
        if (param("job_ids")) out.push_back({[](const json::object &) { return false; }, false});
        break;
    }
    }
    if (req.query_param("ignore_unsupported_filters") == "true")
        out.erase(std::remove_if(out.begin(), out.end(), [](const Filter &f) { return !f.supported; }), out.end());
    return out;
}

void complete(List kind, json::object &r) {
    switch (kind) {
    case List::jobs: kombo::complete_job(r); break;
    case List::applications: kombo::complete_application(r); break;
    case List::candidates: kombo::complete_candidate(r); break;
    }
}

void check_parameters(const HttpRequest &req, const std::vector<std::string> &extra) {
    for (const auto &[name, value] : req.query) {
        if (!common_parameters().count(name) && !in(extra, name))
            throw ApiError(400, "invalid_argument", "unknown query parameter \"" + name + "\"");
        for (char c : value)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                throw ApiError(400, "invalid_argument", "query parameter " + name + " contains a control character");
    }
    for (const char *flag : {"include_deleted", "ignore_unsupported_filters"})
        if (req.has_query(flag) && req.query_param(flag) != "true" && req.query_param(flag) != "false")
            throw ApiError(400, "invalid_argument", std::string("query parameter ") + flag + " must be true or false");
}

size_t page_size_of(const HttpRequest &req) {
    if (!req.has_query("page_size")) return 100;
    std::string v = req.query_param("page_size");
    if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || std::stoul(v) < 1 ||
        std::stoul(v) > 250)
        throw ApiError(400, "invalid_argument", "query parameter page_size must be an integer in [1, 250]");
    return std::stoul(v);
}

// The base every relative data_url is resolved against: this request's own tenant root.
std::string tenant_root(const HttpRequest &req, const std::string &tenant) {
    std::string proto = req.header("x-forwarded-proto") == "https" ? "https" : "http";
    std::string host = req.header("host");
    return proto + "://" + (host.empty() ? std::string("localhost") : host) + "/v1/tenants/" + tenant + "/";
}

} // namespace

void ServeApp::add_kombo_routes() {
    for (const auto &route : list_routes()) {
        router_.add(
            "GET", route.pattern, [this, &route](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                try {
                    auto runtime = tenant_for(req, params);
                    check_parameters(req, route.filters);
                    require_supported(*runtime, route.operation);
                    size_t page_size = page_size_of(req);
                    json::object args;
                    if (req.has_query("updated_after"))
                        args["updated_after"] = kombo_time("updated_after", req.query_param("updated_after"));
                    if (route.kind == List::applications && req.has_query("job_ids")) {
                        json::array ids;
                        for (auto &id : csv(req.query_param("job_ids"))) ids.push_back(json::string(id));
                        args["job_ids"] = std::move(ids);
                    }
                    auto filters = build_filters(route, req);
                    StreamPage page = read_stream_page(
                        *runtime, {route.operation, json::serialize(args), page_size, req.query_param("cursor")},
                        call_options(req, w));
                    throw_if_failed(page.result, route.operation);
                    // Filters the provider does not take run here, after the page was read: a page may
                    // hold fewer than page_size results and still have a next one (Kombo's clients
                    // follow `next` until it is null).
                    auto parse_object = [](const std::string &text) {
                        boost::system::error_code ec;
                        json::value v = json::parse(text, ec);
                        if (ec || !v.is_object())
                            throw ApiError(502, "invalid_provider_output",
                                           "the provider produced a record that is not a JSON object");
                        return v;
                    };
                    json::array results;
                    for (const auto &text : page.records) {
                        json::value v = parse_object(text);
                        json::object &r = v.as_object();
                        complete(route.kind, r);
                        bool keep = true;
                        for (const auto &f : filters)
                            if (!f.match(r)) {
                                keep = false;
                                break;
                            }
                        if (keep) results.push_back(std::move(v));
                    }
                    json::object data{
                        {"next", page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr)},
                        {"results", std::move(results)}};
                    // A partial failure (one upstream of a hybrid failed) is said, not hidden: the
                    // control record, with a "message" as Kombo's warnings have.
                    json::value warnings = nullptr;
                    if (!page.warnings.empty()) {
                        json::array list;
                        for (const auto &text : page.warnings) {
                            json::value parsed = parse_object(text);
                            json::object &wn = parsed.as_object();
                            if (!wn.contains("message") || !wn["message"].is_string())
                                wn["message"] = "a source of this list failed";
                            list.push_back(std::move(wn));
                        }
                        warnings = std::move(list);
                    }
                    send_kombo_success(w, std::move(data), runtime->plugin()->provider(), std::move(warnings));
                } catch (const ApiError &e) {
                    send_kombo_error(w, req, e.status(), e.code(), e.what());
                }
            });
    }
    for (const auto &route : {std::pair<std::string, const char *>{"applications", ATS_OP_APPLICATION_ATTACHMENTS_LIST},
                              {"candidates", ATS_OP_CANDIDATE_ATTACHMENTS_LIST}}) {
        // Named copies, not a structured binding: C++17 lambdas may not capture one (clang refuses).
        const std::string &owner = route.first;
        const char *operation = route.second;
        std::string id_name = owner == "applications" ? "application_id" : "candidate_id";
        router_.add(
            "GET", "/v1/tenants/{tenant}/ats/" + owner + "/{" + id_name + "}/attachments",
            [this, operation, id_name](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                try {
                    auto runtime = tenant_for(req, params);
                    check_parameters(req, {});
                    require_supported(*runtime, operation);
                    const std::string &id = params.at(id_name);
                    json::object args{{id_name, id}};
                    SingleRecord one;
                    throw_if_failed(runtime->invoke(operation, json::serialize(args), one.sink(), call_options(req, w)),
                                    operation);
                    boost::system::error_code ec;
                    json::value v = json::parse(one.record, ec);
                    const json::value *list = !ec && v.is_object() ? v.as_object().if_contains("results") : nullptr;
                    if (!list || !list->is_array())
                        throw ApiError(502, "invalid_provider_output",
                                       std::string(operation) + " returned no results list");
                    std::string root = tenant_root(req, params.at("tenant"));
                    json::array results;
                    for (const auto &item : list->get_array()) {
                        if (!item.is_object()) continue;
                        json::object a = item.get_object();
                        kombo::complete_attachment(a);
                        std::string url = field(a, "data_url");
                        if (url.find("://") == std::string::npos) a["data_url"] = root + url;
                        results.push_back(std::move(a));
                    }
                    send_kombo_success(w, json::object{{"results", std::move(results)}}, runtime->plugin()->provider(),
                                       json::array{});
                } catch (const ApiError &e) {
                    send_kombo_error(w, req, e.status(), e.code(), e.what());
                }
            });
    }
}

} // namespace ats::serve
