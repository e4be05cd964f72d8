#include "api_error.hpp"

#include "ats_plugin.h"

#include <boost/json.hpp>

namespace ats::serve {

std::string error_body(const std::string &code, const std::string &message, const std::string &request_id) {
    boost::json::object err{{"code", code}, {"message", message}};
    if (!request_id.empty()) err["request_id"] = request_id;
    return boost::json::serialize(boost::json::object{{"error", std::move(err)}}) + "\n";
}

void send_error(ResponseWriter &w, const HttpRequest &req, int status, const std::string &code,
                const std::string &message) {
    w.send(status, "application/json", error_body(code, message, req.request_id));
}

int http_status_for_abi(int abi_code) {
    switch (abi_code) {
    case ATS_ERR_NOT_SUPPORTED: return 501;
    case ATS_ERR_INVALID_ARGUMENT: return 400;
    case ATS_ERR_NOT_FOUND: return 404;
    case ATS_ERR_UNAUTHORIZED: return 502; // upstream refused OUR credentials: not the caller's fault
    case ATS_ERR_RATE_LIMITED: return 429;
    case ATS_ERR_TRANSIENT: return 503;
    case ATS_ERR_CONFLICT: return 409;
    case ATS_ERR_UPSTREAM: return 502;
    case ATS_ERR_CANCELLED: return 503; // the service gave up (shutdown or request deadline)
    case ATS_ERR_VERSION: return 500;
    case ATS_ERR_FORBIDDEN: return 403;
    default: return 500;
    }
}

std::string code_for_abi(int abi_code) {
    switch (abi_code) {
    case ATS_ERR_NOT_SUPPORTED: return "not_supported";
    case ATS_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case ATS_ERR_NOT_FOUND: return "not_found";
    case ATS_ERR_UNAUTHORIZED: return "upstream_unauthorized";
    case ATS_ERR_RATE_LIMITED: return "rate_limited";
    case ATS_ERR_TRANSIENT: return "upstream_unavailable";
    case ATS_ERR_CONFLICT: return "conflict";
    case ATS_ERR_UPSTREAM: return "upstream_error";
    case ATS_ERR_CANCELLED: return "cancelled";
    case ATS_ERR_VERSION: return "version_mismatch";
    case ATS_ERR_FORBIDDEN: return "forbidden_by_policy";
    default: return "internal";
    }
}

void throw_if_failed(const ats::host::InvokeResult &result, const std::string &operation) {
    if (result.status == ATS_OK) return;
    if (!result.failure.empty())
        throw ApiError(result.failure == "plugin_crashed" ? 502 : 503, result.failure, result.message);
    throw ApiError(http_status_for_abi(result.status), code_for_abi(result.status),
                   result.message.empty() ? operation + " failed" : result.message);
}

} // namespace ats::serve
