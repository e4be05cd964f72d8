#include "ats/tracker/wire.hpp"
#include "ats/shared/ascii.hpp"

#include "ats/shared/json.hpp"

#include <algorithm>
#include <cctype>

namespace ats::tracker {

namespace bj = boost::json;

namespace {

std::string subject(std::string_view method, std::string_view record) {
    std::string s = "Tracker ";
    s += method;
    if (!record.empty()) {
        s += " (";
        s += record;
        s += ")";
    }
    return s;
}

} // namespace

ats::sdk::Error body_status_error(int64_t status, std::string_view message, std::string_view method,
                                  std::string_view record) {
    std::string what = subject(method, record) + ": ";
    std::string msg(message.substr(0, 300));
    switch (status) {
    case 1: return ats::sdk::Error(ATS_ERR_UNAUTHORIZED, what + "credentials rejected (status 1: " + msg + ")");
    case 2:
        return ats::sdk::Error(ATS_ERR_UNAUTHORIZED, what + "the Tracker user is not active (status 2: " + msg + ")");
    case 3:
        return ats::sdk::Error(ATS_ERR_CONFLICT,
                               what + "the record exists and cannot be overwritten (status 3: " + msg + ")");
    case 99:
        if (ats::shared::ascii_istarts_with(message, "record not found")) // TRACKER-ASSUMPTION A9
            return ats::sdk::Error(ATS_ERR_NOT_FOUND, what + "record not found (" + msg + ")");
        return ats::sdk::Error(ATS_ERR_UPSTREAM, what + "invalid request (status 99: " + msg + ")");
    default:
        return ats::sdk::Error(ATS_ERR_UPSTREAM, what + "failed with status " + std::to_string(status) + ": " + msg);
    }
}

ats::sdk::Error http_status_error(int status, std::string_view method, std::string_view record, int attempts,
                                  std::string_view retry_after) {
    std::string what = subject(method, record) + ": HTTP " + std::to_string(status);
    std::string tries = attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
    if (status == 401) return ats::sdk::Error(ATS_ERR_UNAUTHORIZED, what + ": the access token was refused");
    if (status == 403) return ats::sdk::Error(ATS_ERR_UNAUTHORIZED, what + ": access forbidden");
    if (status == 404) return ats::sdk::Error(ATS_ERR_UPSTREAM, what + ": no such API method at this base_url");
    if (status == 429) // TRACKER-ASSUMPTION A10
        return ats::sdk::Error(
            ATS_ERR_RATE_LIMITED,
            what + ": rate limited" + tries +
                (retry_after.empty() ? std::string() : " (Retry-After " + std::string(retry_after) + "s)"),
            true);
    if (status == 500 || status == 502 || status == 503 || status == 504)
        return ats::sdk::Error(ATS_ERR_TRANSIENT, what + tries + ": Tracker is unavailable, try again later", true);
    return ats::sdk::Error(ATS_ERR_UPSTREAM, what + ": unexpected answer");
}

WireClient::WireClient(ats::sdk::Host host, std::string base_url, Authenticator &auth, int timeout_ms)
    : host_(host), base_url_(std::move(base_url)), auth_(auth), timeout_ms_(timeout_ms) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

bj::object WireClient::call(std::string_view method, bj::object params, const RequestContext &ctx) const {
    // Malformed bodies of reads are retried here (the host retries by status only); 401 once.
    int malformed_retries_left = ctx.idempotent ? 2 : 0;
    bool refreshed = false;
    for (;;) {
        if (ctx.call && ctx.call->is_cancelled && ctx.call->is_cancelled(ctx.call->call_data))
            throw ats::sdk::Error(ATS_ERR_CANCELLED, subject(method, ctx.record) + ": cancelled by the caller");
        ats::sdk::HttpRequest req;
        req.method = "POST";
        req.url = base_url_ + "/api/widget/" + std::string(method);
        req.headers.emplace_back("Content-Type", "application/json");
        req.headers.emplace_back("Accept", "application/json");
        req.timeout_ms = timeout_ms_;
        req.idempotent = ctx.idempotent;
        bj::object credentials;
        std::string token = auth_.apply(req, credentials, ctx.call);
        bj::object body = params;
        body["credentials"] = std::move(credentials);
        bj::object method_obj;
        method_obj[method] = std::move(body);
        req.body = bj::serialize(bj::object{{"trackerrms", std::move(method_obj)}});

        ats::sdk::HttpResponse resp;
        try {
            resp = host_.http(req, ctx.call);
        } catch (const ats::sdk::Error &e) {
            requests_.fetch_add(1);
            // Name the method and record; the host's message says what went wrong on the wire.
            throw ats::sdk::Error(e.code(), subject(method, ctx.record) + ": " + e.what(), e.retryable());
        }
        requests_.fetch_add(static_cast<uint64_t>(resp.attempts > 0 ? resp.attempts : 1));

        if (resp.status == 401 && !refreshed && auth_.refresh_after_unauthorized(token, ctx.call)) {
            refreshed = true; // TRACKER-ASSUMPTION A9: an expired bearer token answers 401
            continue;
        }
        if (resp.status != 200)
            throw http_status_error(resp.status, method, ctx.record, resp.attempts, resp.header("Retry-After"));

        boost::system::error_code ec;
        bj::value v = bj::parse(resp.body, ec);
        if (ec || !v.is_object()) {
            if (malformed_retries_left-- > 0) {
                host_.warn(subject(method, ctx.record) + ": malformed JSON answer, retrying", ctx.call);
                continue;
            }
            throw ats::sdk::Error(ATS_ERR_TRANSIENT, subject(method, ctx.record) + ": the answer is not valid JSON",
                                  true);
        }
        bj::object &o = v.get_object();
        int64_t status = ats::shared::json::int_or(o, "status", -1);
        if (status == 3) // TRACKER-ASSUMPTION A16: status 3 may name the existing record (recordId)
            throw RecordExistsError(
                body_status_error(status, ats::shared::json::text_or(o, "message"), method, ctx.record),
                std::max<int64_t>(0, ats::shared::json::int_or(o, "recordId", 0)));
        if (status != 0) throw body_status_error(status, ats::shared::json::text_or(o, "message"), method, ctx.record);
        return std::move(o);
    }
}

} // namespace ats::tracker
