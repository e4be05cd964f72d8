// Kombo ATS API: routing, authentication, filters, opaque cursors, errors (as Kombo documents them).
#include <cstdio>
#include "kombo_emulator.hpp"

#include "attachments.hpp"
#include "credentials.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <sstream>

namespace ats::sandbox {

namespace {

std::vector<std::string> split_path(const std::string &path) {
    std::vector<std::string> parts;
    std::stringstream in(path);
    std::string part;
    while (std::getline(in, part, '/'))
        if (!part.empty()) parts.push_back(part);
    return parts;
}

std::vector<std::string> split_list(const std::string &value) {
    std::vector<std::string> out;
    std::stringstream in(value);
    std::string item;
    while (std::getline(in, item, ',')) {
        auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

HttpResponse success(json::object data, bool with_warnings = false) {
    json::object body{{"status", "success"}, {"data", std::move(data)}};
    if (with_warnings) body["warnings"] = json::array{};
    HttpResponse r;
    r.body = json::serialize(body);
    return r;
}

HttpResponse invalid(const std::string &message) {
    return kombo_error(400, "PLATFORM.INPUT_INVALID", "The input is invalid.", message);
}

// Cursor = base64 of {"p": next position, "f": fingerprint of the filters}: opaque to clients,
// bound to the filters it was issued for (the client must re-send them, as with the real Kombo).
std::string fingerprint(const HttpRequest &req) {
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto &kv : req.query)
        if (kv.first != "cursor" && kv.first != "page_size") filters.push_back(kv);
    std::sort(filters.begin(), filters.end());
    std::uint64_t h = 1469598103934665603ULL;
    for (const auto &kv : filters)
        for (char c : kv.first + "=" + kv.second + "&") h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::ostringstream out;
    out << std::hex << h;
    return out.str();
}

std::string encode_cursor(const std::string &kind, std::size_t position, const std::string &filters) {
    std::string raw = json::serialize(json::object{{"k", kind}, {"p", position}, {"f", filters}});
    std::string out(boost::beast::detail::base64::encoded_size(raw.size()), '\0');
    out.resize(boost::beast::detail::base64::encode(out.data(), raw.data(), raw.size()));
    return out;
}

std::optional<std::size_t> decode_cursor(const std::string &cursor, const std::string &kind,
                                         const std::string &filters) {
    std::string raw(boost::beast::detail::base64::decoded_size(cursor.size()), '\0');
    raw.resize(boost::beast::detail::base64::decode(raw.data(), cursor.data(), cursor.size()).first);
    boost::system::error_code ec;
    json::value v = json::parse(raw, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto &o = v.as_object();
    if (str_of(o, "k") != kind || str_of(o, "f") != filters) return std::nullopt;
    auto p = int_of(o, "p");
    if (!p || *p < 0) return std::nullopt;
    return static_cast<std::size_t>(*p);
}

struct ListQuery {
    std::size_t page_size = 100;
    std::size_t start = 0;
    std::optional<EpochMs> updated_after, created_after;
    bool include_deleted = false;
    bool updated_after_exclusive = false; // K3 broken on purpose: updated_after matches only later changes
    std::string fingerprint;
};

// Parses the common list parameters; returns an error response when one is invalid.
std::optional<HttpResponse> parse_list(const HttpRequest &req, const std::string &kind,
                                       const std::set<std::string> &filters, ListQuery &q) {
    static const std::set<std::string> common = {
        "cursor", "page_size", "updated_after", "include_deleted", "ignore_unsupported_filters", "ids", "remote_ids"};
    for (const auto &kv : req.query)
        if (!common.count(kv.first) && !filters.count(kv.first))
            return invalid("Unknown query parameter \"" + kv.first + "\".");
    if (const std::string *ps = req.query_param("page_size")) {
        bool digits = !ps->empty() && ps->size() < 10 && std::all_of(ps->begin(), ps->end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        });
        long n = digits ? std::stol(*ps) : -1;
        if (n < 1 || n > 250) return invalid("page_size: must be an integer between 1 and 250, got \"" + *ps + "\".");
        q.page_size = static_cast<std::size_t>(n);
    }
    for (const char *name : {"updated_after", "remote_created_after"})
        if (const std::string *s = req.query_param(name)) {
            auto ms = parse_iso(*s);
            if (!ms) return invalid(std::string(name) + ": expected YYYY-MM-DDTHH:mm:ss.sssZ, got \"" + *s + "\".");
            (std::string(name) == "updated_after" ? q.updated_after : q.created_after) = ms;
        }
    for (const char *name : {"include_deleted", "ignore_unsupported_filters"})
        if (const std::string *s = req.query_param(name)) {
            if (*s != "true" && *s != "false")
                return invalid(std::string(name) + ": expected \"true\" or \"false\", got \"" + *s + "\".");
            if (std::string(name) == "include_deleted") q.include_deleted = *s == "true";
        }
    q.fingerprint = fingerprint(req);
    if (const std::string *cursor = req.query_param("cursor")) {
        auto position = decode_cursor(*cursor, kind, q.fingerprint);
        if (!position) return invalid("cursor: invalid cursor, or the filters differ from the request that issued it.");
        q.start = *position;
    }
    return std::nullopt;
}

std::set<std::string> list_param(const HttpRequest &req, const char *name) {
    std::set<std::string> out;
    if (const std::string *s = req.query_param(name))
        for (auto &item : split_list(*s)) out.insert(item);
    return out;
}

// Walks `list` from q.start, keeps rows accepted by `match`, renders a page and the next cursor.
template <typename Match, typename Render>
HttpResponse page(World &world, const char *collection, const std::string &kind, const ListQuery &q, Match match,
                  Render render) {
    auto &list = world.kombo_list(collection);
    json::array results;
    std::size_t i = q.start;
    for (; i < list.size() && results.size() < q.page_size; ++i)
        if (match(list[i].as_object())) results.push_back(render(list[i].as_object()));
    // Only hand out a cursor when another matching row exists.
    bool more = false;
    for (std::size_t j = i; j < list.size() && !more; ++j) more = match(list[j].as_object());
    json::value next = more ? json::value(encode_cursor(kind, i, q.fingerprint)) : json::value(nullptr);
    return success(json::object{{"next", std::move(next)}, {"results", std::move(results)}});
}

bool common_match(const json::object &o, const ListQuery &q, const std::set<std::string> &ids,
                  const std::set<std::string> &remote_ids, EpochMs updated) {
    if (!q.include_deleted && !o.at("deleted_ms").is_null()) return false;
    if (q.updated_after && (updated < *q.updated_after || (q.updated_after_exclusive && updated == *q.updated_after)))
        return false;
    if (q.created_after && int_or(o, "created_ms", 0) < *q.created_after) return false;
    if (!ids.empty() && !ids.count(str_of(o, "id"))) return false;
    if (!remote_ids.empty() && !remote_ids.count(str_of(o, "remote_id"))) return false;
    return true;
}

HttpResponse list_applications(KomboContext &ctx, const HttpRequest &req) {
    ListQuery q;
    if (auto err = parse_list(
            req, "applications",
            {"outcome", "outcomes", "job_ids", "job_remote_ids", "current_stage_ids", "remote_created_after"}, q))
        return *err;
    q.updated_after_exclusive = ctx.updated_after_exclusive;
    auto ids = list_param(req, "ids"), remote_ids = list_param(req, "remote_ids"),
         outcomes = list_param(req, "outcomes");
    for (const auto &o : list_param(req, "outcome")) outcomes.insert(o);
    for (const auto &o : outcomes)
        if (o != "PENDING" && o != "HIRED" && o != "DECLINED")
            return invalid("outcomes: unknown outcome \"" + o + "\" (PENDING, HIRED, DECLINED).");
    auto job_ids = list_param(req, "job_ids"), job_remote_ids = list_param(req, "job_remote_ids"),
         stage_ids = list_param(req, "current_stage_ids");
    World &world = ctx.world;
    auto match = [&](const json::object &app) {
        // updated_after also matches changes of the linked candidate (OpenAPI description).
        EpochMs updated = int_or(app, "changed_ms", 0);
        if (json::object *c = world.kombo_record("candidates", str_of(app, "candidate_id")))
            updated = std::max(updated, int_or(*c, "changed_ms", 0));
        if (!common_match(app, q, ids, remote_ids, updated)) return false;
        if (!outcomes.empty() && !outcomes.count(str_of(app, "outcome"))) return false;
        if (!job_ids.empty() && !job_ids.count(str_of(app, "job_id"))) return false;
        if (!stage_ids.empty() && !stage_ids.count(str_of(app, "current_stage_id"))) return false;
        if (!job_remote_ids.empty()) {
            json::object *job = world.kombo_record("jobs", str_of(app, "job_id"));
            if (!job || !job_remote_ids.count(str_of(*job, "remote_id"))) return false;
        }
        return true;
    };
    return page(world, "applications", "applications", q, match,
                [&](const json::object &a) { return render_kombo_application(world, a); });
}

HttpResponse list_candidates(KomboContext &ctx, const HttpRequest &req) {
    ListQuery q;
    if (auto err = parse_list(req, "candidates", {"email", "job_ids", "first_name", "last_name"}, q)) return *err;
    auto ids = list_param(req, "ids"), remote_ids = list_param(req, "remote_ids"), job_ids = list_param(req, "job_ids");
    const std::string *email = req.query_param("email");
    const std::string *first = req.query_param("first_name");
    const std::string *last = req.query_param("last_name");
    World &world = ctx.world;
    auto match = [&](const json::object &c) {
        if (!common_match(c, q, ids, remote_ids, int_or(c, "changed_ms", 0))) return false;
        if (email) {
            bool found = false;
            for (const auto &e : c.at("email_addresses").as_array())
                found = found || lower(str_of(e.as_object(), "email_address")) == lower(*email);
            if (!found) return false;
        }
        if (first && lower(str_of(c, "first_name")) != lower(*first)) return false;
        if (last && lower(str_of(c, "last_name")) != lower(*last)) return false;
        if (!job_ids.empty()) {
            bool found = false;
            for (const json::object *app : world.kombo_by("applications", "candidate_id", str_of(c, "id")))
                found = found || job_ids.count(str_of(*app, "job_id"));
            if (!found) return false;
        }
        return true;
    };
    return page(world, "candidates", "candidates", q, match,
                [&](const json::object &c) { return render_kombo_candidate(world, c); });
}

HttpResponse list_jobs(KomboContext &ctx, const HttpRequest &req) {
    ListQuery q;
    if (auto err = parse_list(req, "jobs",
                              {"job_codes", "post_url", "status", "statuses", "employment_types", "visibilities",
                               "remote_created_after", "name_contains"},
                              q))
        return *err;
    auto ids = list_param(req, "ids"), remote_ids = list_param(req, "remote_ids"), codes = list_param(req, "job_codes");
    auto statuses = list_param(req, "statuses");
    for (const auto &s : list_param(req, "status")) statuses.insert(s);
    auto types = list_param(req, "employment_types"), visibilities = list_param(req, "visibilities");
    const std::string *name_contains = req.query_param("name_contains");
    const std::string *post_url = req.query_param("post_url");
    World &world = ctx.world;
    auto match = [&](const json::object &j) {
        if (!common_match(j, q, ids, remote_ids, int_or(j, "changed_ms", 0))) return false;
        if (!codes.empty() && !codes.count(str_of(j, "job_code"))) return false;
        if (!statuses.empty() && !statuses.count(str_of(j, "status"))) return false;
        if (!types.empty() && !types.count(str_of(j, "employment_type"))) return false;
        if (!visibilities.empty() && !visibilities.count("PUBLIC")) return false;
        if (name_contains && lower(str_of(j, "name")).find(lower(*name_contains)) == std::string::npos) return false;
        if (post_url && *post_url != "https://apply.workable.example.com/sandbox/j/" + str_of(j, "remote_id"))
            return false;
        return true;
    };
    return page(world, "jobs", "jobs", q, match, [&](const json::object &j) { return render_kombo_job(world, j); });
}

HttpResponse attachments(KomboContext &ctx, const std::string &owner_kind, const std::string &owner_id) {
    const char *collection = owner_kind == "applications" ? "applications" : "candidates";
    json::object *owner = ctx.world.kombo_record(collection, owner_id);
    if (!owner)
        return kombo_error(404, "PLATFORM.INPUT_INVALID", "Not found.",
                           "No " + std::string(owner_kind == "applications" ? "application" : "candidate") +
                               " with id \"" + owner_id + "\".");
    bool candidate_view = owner_kind == "candidates";
    json::array results;
    for (const json::object *a :
         ctx.world.kombo_by("attachments", candidate_view ? "candidate_id" : "application_id", owner_id))
        results.push_back(render_kombo_attachment(ctx.base_url, *a, candidate_view));
    return success(json::object{{"results", std::move(results)}}, true);
}

// A pre-signed file URL as object stores serve them: `Range: bytes=A-B` answers 206 with that part
// and `Content-Range: bytes A-B/total` (RFC 9110 14.2), so a client can refuse a file too large
// without transferring it; anything else gets the whole file.
HttpResponse file_download(KomboContext &ctx, const std::string &id, const std::string *range) {
    json::object *a = ctx.world.kombo_record("attachments", id);
    HttpResponse r;
    if (!a) {
        r.status = 404;
        r.content_type = "text/plain";
        r.body = "no such file";
        return r;
    }
    r.content_type = str_of(*a, "content_type");
    r.body = attachment_bytes(*a);
    unsigned long long first = 0, last = 0;
    char tail = 0;
    if (range && std::sscanf(range->c_str(), "bytes=%llu-%llu%c", &first, &last, &tail) == 2 && first <= last &&
        first < r.body.size()) {
        const std::size_t total = r.body.size();
        last = std::min<unsigned long long>(last, total - 1);
        r.body = r.body.substr(first, last - first + 1);
        r.status = 206;
        r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                                                    std::to_string(total));
    }
    return r;
}

bool known_path(const std::vector<std::string> &p) {
    // Every path of kombo-openapi.json under /ats plus /check-api-key is "known" for the purpose of
    // answering writes with 405 (the sandbox never writes through Kombo) rather than 404.
    if (p.size() == 2 && p[1] == "check-api-key") return true;
    if (p.size() >= 3 && p[1] == "ats") return true;
    return false;
}

} // namespace

HttpResponse kombo_error(int http_status, const std::string &code, const std::string &title,
                         const std::string &message) {
    static std::atomic<unsigned long> interaction{1000};
    json::object error{
        {"code", code.empty() ? json::value(nullptr) : json::value(code)},
        {"title", title.empty() ? json::value(nullptr) : json::value(title)},
        {"message", message},
        {"log_url", "https://app.kombo.dev/sandbox/logs?interactionId=" + std::to_string(interaction++)}};
    HttpResponse r;
    r.status = http_status;
    r.body = json::serialize(json::object{{"status", "error"}, {"error", std::move(error)}});
    return r;
}

std::string kombo_endpoint(const HttpRequest &req) {
    auto p = split_path(req.path);
    if (p.size() == 2 && p[0] == "files") return "/files/{id}";
    if (p.empty() || p[0] != "v1") return "unknown";
    if (p.size() == 2 && p[1] == "check-api-key") return "/check-api-key";
    if (p.size() == 3 && p[1] == "ats" && (p[2] == "applications" || p[2] == "candidates" || p[2] == "jobs"))
        return "/ats/" + p[2];
    if (p.size() == 5 && p[1] == "ats" && (p[2] == "applications" || p[2] == "candidates") && p[4] == "attachments")
        return "/ats/" + p[2] + "/{id}/attachments";
    if (known_path(p)) {
        std::string label;
        for (std::size_t i = 1; i < p.size(); ++i) label += "/" + (i == 3 ? std::string("{id}") : p[i]);
        return label;
    }
    return "unknown";
}

HttpResponse handle_kombo(KomboContext &ctx, const HttpRequest &req) {
    auto p = split_path(req.path);
    const std::string endpoint = kombo_endpoint(req);
    if (req.method != "GET" && req.method != "HEAD") {
        // Workable data is read-only: every write attempt through Kombo is a recorded violation.
        ctx.log_write(json::object{{"service", "kombo"},
                                   {"violation", true},
                                   {"method", req.method},
                                   {"path", req.path},
                                   {"endpoint", endpoint}});
        if (endpoint == "unknown")
            return kombo_error(404, "", "Not found.", "No route " + req.method + " " + req.path + ".");
        HttpResponse r = kombo_error(405, "INTEGRATION.ACTION_DISABLED", "This action is disabled.",
                                     "The sandbox never writes to Workable through Kombo; " + req.method + " " +
                                         req.path + " was recorded as a violation.");
        r.headers.emplace_back("Allow", "GET");
        return r;
    }
    if (endpoint == "/files/{id}") return file_download(ctx, p[1], req.header("range"));
    if (endpoint == "unknown") return kombo_error(404, "", "Not found.", "No route GET " + req.path + ".");
    const std::string *auth = req.header("authorization");
    const std::string expected = std::string("Bearer ") + credentials::kKomboApiKey;
    if (!auth || *auth != expected)
        return kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.",
                           auth ? "The API key in the Authorization header is not valid."
                                : "Missing Authorization header (expected \"Bearer <api key>\").");
    if (endpoint == "/check-api-key")
        return success(json::object{{"environment_id", "sandbox-environment"}, {"customer_id", "sandbox-customer"}});
    const std::string *integration = req.header("x-integration-id");
    if (!integration) return invalid("Missing X-Integration-Id header.");
    if (*integration != credentials::kKomboIntegrationId)
        return kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "Integration not found.",
                           "No integration with id \"" + *integration + "\".");
    if (endpoint == "/ats/applications") return list_applications(ctx, req);
    if (endpoint == "/ats/candidates") return list_candidates(ctx, req);
    if (endpoint == "/ats/jobs") return list_jobs(ctx, req);
    if (endpoint == "/ats/applications/{id}/attachments") return attachments(ctx, "applications", p[3]);
    if (endpoint == "/ats/candidates/{id}/attachments") return attachments(ctx, "candidates", p[3]);
    return kombo_error(404, "INTEGRATION.MODEL_NOT_AVAILABLE", "This data model isn't supported by the sandbox.",
                       "GET " + req.path + " is not emulated.");
}

} // namespace ats::sandbox
