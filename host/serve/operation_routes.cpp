// operation_routes.cpp - one REST route per ABI operation (plugin_api/ats_operations.h).
//
// Arguments come from the JSON body (POST/PUT), then the query string, then the path (the path
// wins), so `/applications/{application_id}/notes` always acts on the application in its path.
// Results: single records as JSON; streams as NDJSON (Accept: application/x-ndjson, chunked,
// one record per write, never buffered) or as JSON pages (?limit=&cursor=); binary results with
// their content type.
#include "api_error.hpp"
#include "header_values.hpp"
#include "ats_plugin.h"
#include "metrics.hpp"
#include "record_sinks.hpp"
#include "record_text.hpp"
#include "operation_support.hpp"
#include "operations.hpp"
#include "serve_app.hpp"
#include "serve_state.hpp"
#include "stream_page.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace ats::serve {
namespace json = boost::json;

namespace {

enum class ArgType { text, csv, boolean };

struct QueryArg {
    const char *name;
    ArgType type;
};

// The result's shape (single record, stream, file) is the operation's, from the operation table.
struct OperationRoute {
    const char *method;
    const char *pattern;
    const char *operation;
    int success_status;
    std::vector<QueryArg> query;
};

const std::vector<OperationRoute> &operation_routes() {
    static const std::vector<OperationRoute> routes = {
        {"GET", "/v1/tenants/{tenant}/check", ATS_OP_CHECK, 200, {}},
        {"GET",
         "/v1/tenants/{tenant}/jobs",
         ATS_OP_JOBS_STREAM,
         200,
         {{"updated_after", ArgType::text}, {"statuses", ArgType::csv}}},
        {"POST", "/v1/tenants/{tenant}/jobs/get-many", ATS_OP_JOBS_GET_MANY, 200, {}},
        {"GET", "/v1/tenants/{tenant}/jobs/{job_id}", ATS_OP_JOBS_GET, 200, {}},
        {"GET", "/v1/tenants/{tenant}/jobs/{job_id}/enhanced", ATS_OP_JOBS_GET_ENHANCED, 200, {}},
        {"GET",
         "/v1/tenants/{tenant}/applications",
         ATS_OP_APPLICATIONS_STREAM,
         200,
         {{"updated_after", ArgType::text}, {"job_ids", ArgType::csv}, {"strict", ArgType::boolean}}},
        {"POST", "/v1/tenants/{tenant}/applications", ATS_OP_APPLICATIONS_CREATE, 201, {}},
        {"POST", "/v1/tenants/{tenant}/applications/bulk-reject", ATS_OP_APPLICATIONS_BULK_REJECT, 200, {}},
        {"GET", "/v1/tenants/{tenant}/applications/{application_id}", ATS_OP_APPLICATIONS_GET, 200, {}},
        {"POST",
         "/v1/tenants/{tenant}/applications/{application_id}/stage",
         ATS_OP_APPLICATIONS_MOVE_TO_STAGE,
         200,
         {}},
        {"POST", "/v1/tenants/{tenant}/applications/{application_id}/reject", ATS_OP_APPLICATIONS_REJECT, 200, {}},
        {"GET", "/v1/tenants/{tenant}/applications/{application_id}/notes", ATS_OP_APPLICATION_NOTES_LIST, 200, {}},
        {"POST", "/v1/tenants/{tenant}/applications/{application_id}/notes", ATS_OP_APPLICATION_NOTES_ADD, 201, {}},
        {"GET",
         "/v1/tenants/{tenant}/applications/{application_id}/attachments",
         ATS_OP_APPLICATION_ATTACHMENTS_LIST,
         200,
         {}},
        {"POST",
         "/v1/tenants/{tenant}/applications/{application_id}/attachments",
         ATS_OP_APPLICATION_ATTACHMENTS_ADD,
         201,
         {}},
        {"GET",
         "/v1/tenants/{tenant}/applications/{application_id}/attachments/{attachment_id}",
         ATS_OP_APPLICATION_ATTACHMENTS_GET,
         200,
         {}},
        {"GET", "/v1/tenants/{tenant}/candidates", ATS_OP_CANDIDATES_STREAM, 200, {{"updated_after", ArgType::text}}},
        {"GET",
         "/v1/tenants/{tenant}/candidates/search",
         ATS_OP_CANDIDATES_FIND,
         200,
         {{"email", ArgType::text},
          {"phone", ArgType::text},
          {"first_name", ArgType::text},
          {"last_name", ArgType::text}}},
        {"GET", "/v1/tenants/{tenant}/candidates/{candidate_id}", ATS_OP_CANDIDATES_GET, 200, {}},
        {"GET", "/v1/tenants/{tenant}/candidates/{candidate_id}/resume", ATS_OP_CANDIDATES_GET_RESUME, 200, {}},
        {"GET", "/v1/tenants/{tenant}/candidates/{candidate_id}/notes", ATS_OP_CANDIDATE_NOTES_LIST, 200, {}},
        {"POST", "/v1/tenants/{tenant}/candidates/{candidate_id}/notes", ATS_OP_CANDIDATE_NOTES_ADD, 201, {}},
        {"GET",
         "/v1/tenants/{tenant}/candidates/{candidate_id}/attachments",
         ATS_OP_CANDIDATE_ATTACHMENTS_LIST,
         200,
         {}},
        {"POST",
         "/v1/tenants/{tenant}/candidates/{candidate_id}/attachments",
         ATS_OP_CANDIDATE_ATTACHMENTS_ADD,
         201,
         {}},
        {"GET",
         "/v1/tenants/{tenant}/candidates/{candidate_id}/attachments/{attachment_id}",
         ATS_OP_CANDIDATE_ATTACHMENTS_GET,
         200,
         {}},
        {"GET", "/v1/tenants/{tenant}/stages", ATS_OP_STAGES_LIST, 200, {{"job_id", ArgType::text}}},
        {"GET", "/v1/tenants/{tenant}/rejection-reasons", ATS_OP_REJECTION_REASONS_LIST, 200, {}},
        {"GET", "/v1/tenants/{tenant}/custom-fields/{record_type}/{record_id}", ATS_OP_CUSTOM_FIELDS_GET, 200, {}},
        {"PUT", "/v1/tenants/{tenant}/custom-fields/{record_type}/{record_id}", ATS_OP_CUSTOM_FIELDS_SET, 200, {}},
    };
    return routes;
}

// The dotted path of the first number in `v` that the parser turned into an infinity (its text
// was outside the double range, like 1e999), or "" when there is none. Such a value cannot
// travel on as JSON, so the caller is told which field it was.
std::string out_of_range_number(const json::value &v, const std::string &path) {
    if (v.is_double() && !std::isfinite(v.get_double())) return path.empty() ? "(the body)" : path;
    if (const auto *o = v.if_object())
        for (const auto &kv : *o)
            if (auto p = out_of_range_number(kv.value(),
                                             path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()));
                !p.empty())
                return p;
    if (const auto *a = v.if_array())
        for (size_t i = 0; i < a->size(); ++i)
            if (auto p = out_of_range_number((*a)[i], path + "[" + std::to_string(i) + "]"); !p.empty()) return p;
    return "";
}

json::object body_object(const HttpRequest &req) {
    if (req.body.empty()) return {};
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec) throw ApiError(400, "invalid_json", "the request body is not valid JSON: " + ec.message());
    if (!v.is_object()) throw ApiError(400, "invalid_json", "the request body must be a JSON object");
    if (auto field = out_of_range_number(v, ""); !field.empty())
        throw ApiError(400, "invalid_argument", "field \"" + field + "\" holds a number outside the range of a double");
    return std::move(v.as_object());
}

// A path or query parameter with a control byte (NUL above all) cannot be an id or a search
// term, and would cut short every C string it reaches on its way through the plugin: refuse it,
// showing it escaped.
void check_no_control_bytes(const std::string &what, const std::string &value) {
    for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw ApiError(400, "invalid_argument",
                           what + " " + json::serialize(json::string(value)) + " contains a control character");
}

json::object build_args(const OperationRoute &route, const HttpRequest &req, const PathParams &params) {
    json::object args;
    if (std::string(route.method) != "GET") args = body_object(req);
    for (const auto &q : route.query) {
        if (!req.has_query(q.name)) continue;
        std::string value = req.query_param(q.name);
        check_no_control_bytes(std::string("query parameter ") + q.name, value);
        switch (q.type) {
        case ArgType::text: args[q.name] = value; break;
        case ArgType::boolean:
            if (value != "true" && value != "false")
                throw ApiError(400, "invalid_argument",
                               std::string("query parameter ") + q.name + " must be true or false");
            args[q.name] = value == "true";
            break;
        case ArgType::csv: {
            json::array items;
            size_t start = 0;
            while (start <= value.size()) {
                size_t comma = value.find(',', start);
                if (comma == std::string::npos) comma = value.size();
                if (comma > start) items.push_back(json::string(value.substr(start, comma - start)));
                start = comma + 1;
            }
            args[q.name] = std::move(items);
            break;
        }
        }
    }
    for (const auto &[name, value] : params) {
        check_no_control_bytes("path parameter " + name, value);
        if (name != "tenant") args[name] = value;
    }
    return args;
}

class BlobResult final {
public:
    ats::host::InvokeSink sink() {
        ats::host::InvokeSink s;
        s.on_record = [](std::string_view) { return false; };
        s.on_blob = [this](std::string_view meta_json, std::string_view bytes) {
            meta.assign(meta_json);
            data.assign(bytes);
            got = true;
            return true;
        };
        return s;
    }
    std::string meta, data;
    bool got = false;
};

class NdjsonStream final {
public:
    NdjsonStream(ResponseWriter &w, HeaderList headers) : w_(w), headers_(std::move(headers)) {}
    ats::host::InvokeSink sink() {
        ats::host::InvokeSink s;
        s.on_record = [this](std::string_view json_text) { return on_record(json_text); };
        return s;
    }
    bool on_record(std::string_view json_text) {
        json::object control;
        if (is_control_record(json_text, control)) { // written after the results (finish())
            controls.push_back(json::serialize(control) + "\n");
            return !w_.cancelled();
        }
        if (!w_.started() && !w_.begin_stream(200, "application/x-ndjson", headers_)) return false;
        std::string line = one_line(json_text);
        line += '\n';
        ++count;
        return w_.write_chunk(line) && !w_.cancelled();
    }
    size_t count = 0;
    std::vector<std::string> controls;

private:
    ResponseWriter &w_;
    HeaderList headers_;
};

size_t parse_size(const HttpRequest &req, const char *name, size_t fallback, size_t min, size_t max) {
    if (!req.has_query(name)) return fallback;
    std::string v = req.query_param(name);
    size_t n = 0;
    bool ok = !v.empty() && v.size() < 10;
    for (char c : v) {
        if (c < '0' || c > '9')
            ok = false;
        else
            n = n * 10 + static_cast<size_t>(c - '0');
    }
    if (!ok || n < min || n > max)
        throw ApiError(400, "invalid_argument",
                       std::string("query parameter ") + name + " must be an integer in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "]");
    return n;
}

} // namespace

void ServeApp::add_operation_routes() {
    for (const auto &route : operation_routes()) {
        const auto *known = ats::host::find_operation(route.operation);
        if (!known)
            throw std::logic_error(std::string("route for an operation missing from ATS_OPERATIONS: ") +
                                   route.operation);
        const ats_result_shape_t shape = known->shape;
        router_.add(
            route.method, route.pattern,
            [this, &route, shape](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                auto runtime = tenant_for(req, params);
                require_supported(*runtime, route.operation);
                json::object args = build_args(route, req, params);
                size_t page_limit = 0;
                bool ndjson = false;
                if (shape == ATS_RESULT_STREAM) {
                    ndjson = req.header("accept").find("application/x-ndjson") != std::string::npos;
                    if (!ndjson) page_limit = parse_size(req, "limit", 100, 1, 1000);
                }
                auto call = call_options(req, w);
                HeaderList headers{{"X-Ats-Provider", runtime->plugin()->provider()},
                                   {"X-Ats-Generation", std::to_string(state_.generation())}};
                std::string args_text = json::serialize(args);
                auto started = std::chrono::steady_clock::now();
                auto finish_metrics = [&](const ats::host::InvokeResult &outcome) {
                    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                    Labels labels{{"provider", runtime->plugin()->provider()},
                                  {"operation", route.operation},
                                  {"outcome", outcome.status == ATS_OK   ? "ok"
                                              : !outcome.failure.empty() ? outcome.failure
                                                                         : code_for_abi(outcome.status)}};
                    metrics_.add("ats_provider_calls_total", labels);
                    metrics_.observe("ats_provider_call_duration_seconds",
                                     {{"provider", runtime->plugin()->provider()}, {"operation", route.operation}},
                                     secs);
                };
                auto fail = [&](const ats::host::InvokeResult &outcome) { throw_if_failed(outcome, route.operation); };

                switch (shape) {
                case ATS_RESULT_RECORD: {
                    SingleRecord result;
                    auto outcome = runtime->invoke(route.operation, args_text, result.sink(), call);
                    finish_metrics(outcome);
                    if (outcome.status != ATS_OK) fail(outcome);
                    if (!result.got)
                        throw ApiError(502, "invalid_provider_output",
                                       std::string(route.operation) + " returned no result");
                    w.send(route.success_status, "application/json", one_line(result.record) + "\n", headers);
                    return;
                }
                case ATS_RESULT_BLOB: {
                    BlobResult result;
                    auto outcome = runtime->invoke(route.operation, args_text, result.sink(), call);
                    finish_metrics(outcome);
                    if (outcome.status != ATS_OK) fail(outcome);
                    if (!result.got)
                        throw ApiError(502, "invalid_provider_output",
                                       std::string(route.operation) + " returned no file");
                    // Both come from the upstream ATS: checked before they become header values.
                    std::string content_type = "application/octet-stream", file_name;
                    boost::system::error_code ec;
                    auto meta = json::parse(result.meta, ec);
                    if (!ec && meta.is_object()) {
                        if (auto *ct = meta.as_object().if_contains("content_type"); ct && ct->is_string())
                            content_type = media_type_or_octet_stream(ct->as_string());
                        if (auto *fn = meta.as_object().if_contains("file_name"); fn && fn->is_string())
                            file_name = std::string(fn->as_string());
                    }
                    headers.emplace_back("Content-Disposition", attachment_disposition(file_name));
                    // The bytes are the upstream's too: a browser must not second-guess the type.
                    headers.emplace_back("X-Content-Type-Options", "nosniff");
                    w.send(200, content_type, std::move(result.data), headers);
                    return;
                }
                case ATS_RESULT_STREAM: {
                    if (ndjson) {
                        NdjsonStream stream(w, headers);
                        auto outcome = runtime->invoke(route.operation, args_text, stream.sink(), call);
                        finish_metrics(outcome);
                        if (outcome.status != ATS_OK && !w.started()) fail(outcome);
                        if (!w.started()) w.begin_stream(200, "application/x-ndjson", headers);
                        // Control records (a partial failure) come after every result.
                        for (const auto &line : stream.controls) w.write_chunk(line);
                        if (outcome.status != ATS_OK) {
                            // The status line is gone: the error travels as the stream's last line.
                            w.write_chunk(
                                error_body(outcome.failure.empty() ? code_for_abi(outcome.status) : outcome.failure,
                                           outcome.message, req.request_id));
                        }
                        w.end_stream();
                        return;
                    }
                    StreamPage page =
                        read_stream_page(*runtime,
                                         StreamPageRequest{route.operation, args_text, page_limit,
                                                           req.has_query("cursor") ? req.query_param("cursor") : ""},
                                         call);
                    finish_metrics(page.result);
                    if (page.result.status != ATS_OK) fail(page.result);
                    std::string body = "{\"results\":[";
                    for (size_t i = 0; i < page.records.size(); ++i) {
                        if (i) body += ',';
                        body += page.records[i];
                    }
                    body += "],\"next_cursor\":";
                    body += page.next_cursor ? "\"" + *page.next_cursor + "\""
                                             : std::string("null"); // base64url and '.': no escaping
                    if (!page.warnings.empty()) {
                        body += ",\"warnings\":[";
                        for (size_t i = 0; i < page.warnings.size(); ++i) {
                            if (i) body += ',';
                            body += page.warnings[i];
                        }
                        body += ']';
                    }
                    body += "}\n";
                    w.send(200, "application/json", std::move(body), headers);
                    return;
                }
                }
            });
    }
    // Erasure of one person (data protection): admin token only, since it removes state of a
    // tenant on request of a data subject rather than serving the tenant's own integration.
    router_.add(
        "POST", "/v1/admin/tenants/{tenant}/forget",
        [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
            auto runtime = tenant_for(req, params); // first: another tenant's token learns nothing more
            require_admin(req);
            require_supported(*runtime, ATS_OP_FORGET);
            boost::system::error_code ec;
            auto body = json::parse(req.body, ec);
            if (ec || !body.is_object())
                throw ApiError(400, "invalid_json", "the request body must be a JSON object like {\"email\": \"...\"}");
            json::object args;
            for (const char *name : {"email", "phone", "workable_candidate_id", "tracker_resource_id"})
                if (auto *v = body.as_object().if_contains(name)) {
                    if (!v->is_string() || v->as_string().empty())
                        throw ApiError(400, "invalid_argument",
                                       std::string("\"") + name + "\" must be a non-empty string");
                    args[name] = *v;
                }
            if (args.size() != 1 || body.as_object().size() != 1)
                throw ApiError(
                    400, "invalid_argument",
                    "give exactly one of \"email\", \"phone\", \"workable_candidate_id\", \"tracker_resource_id\"");
            SingleRecord result;
            auto outcome = runtime->invoke(ATS_OP_FORGET, json::serialize(args), result.sink(), call_options(req, w));
            throw_if_failed(outcome, ATS_OP_FORGET);
            if (!result.got) throw ApiError(502, "invalid_provider_output", "forget returned no result");
            w.send(200, "application/json", result.record + "\n",
                   {{"X-Ats-Provider", runtime->plugin()->provider()}, {"Cache-Control", "no-store"}});
        });
}

} // namespace ats::serve
