#include "kombo/kombo_errors.hpp"

namespace ats::tracker_workable {

namespace {
bool starts_with(const std::string &s, const char *p) { return s.rfind(p, 0) == 0; }
} // namespace

ats::sdk::Error kombo_error(const std::string &code, const std::string &message, int http_status,
                            const std::string &what) {
    // The message is Kombo's own text; it never contains our API key (Kombo does not echo headers).
    std::string text = "Kombo " + what + " failed: HTTP " + std::to_string(http_status);
    if (!code.empty()) text += " " + code;
    if (!message.empty()) text += ": " + message;

    if (code == "PLATFORM.RATE_LIMIT_EXCEEDED" || code == "REMOTE.RATE_LIMIT_EXCEEDED")
        return {ATS_ERR_RATE_LIMITED, text, true};
    if (code == "PLATFORM.AUTHENTICATION_INVALID" || code == "INTEGRATION.AUTHENTICATION_INVALID")
        return {ATS_ERR_UNAUTHORIZED, text + " (check the tenant's Kombo API key)", false};
    if (code == "PLATFORM.INTEGRATION_NOT_FOUND")
        return {ATS_ERR_INVALID_ARGUMENT, text + " (check provider_config.workable.kombo.integration_id)", false};
    if (code == "PLATFORM.INPUT_INVALID") return {ATS_ERR_INVALID_ARGUMENT, text, false};
    if (code == "PLATFORM.UNKNOWN_ERROR" || code == "PLATFORM.TASK_TIMED_OUT" ||
        code == "REMOTE.SERVICE_UNAVAILABLE" || code == "INTEGRATION.SETUP_SYNC_PENDING")
        return {ATS_ERR_TRANSIENT, text, true};
    if (starts_with(code, "INTEGRATION.") || starts_with(code, "REMOTE.") || starts_with(code, "PLATFORM."))
        return {ATS_ERR_UPSTREAM, text, false};

    // No recognisable code: fall back on the HTTP status.
    if (http_status == 401 || http_status == 403) return {ATS_ERR_UNAUTHORIZED, text, false};
    if (http_status == 404) return {ATS_ERR_NOT_FOUND, text, false};
    if (http_status == 429) return {ATS_ERR_RATE_LIMITED, text, true};
    if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
        return {ATS_ERR_TRANSIENT, text, true};
    if (http_status >= 400 && http_status < 500) return {ATS_ERR_INVALID_ARGUMENT, text, false};
    return {ATS_ERR_UPSTREAM, text, false};
}

} // namespace ats::tracker_workable
