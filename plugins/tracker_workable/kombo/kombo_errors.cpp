#include "kombo/kombo_errors.hpp"

#include <boost/json.hpp>

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
    if (code == "PLATFORM.UNKNOWN_ERROR" || code == "PLATFORM.TASK_TIMED_OUT" || code == "REMOTE.SERVICE_UNAVAILABLE" ||
        code == "INTEGRATION.SETUP_SYNC_PENDING")
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

const boost::json::object &kombo_success_data(std::string_view body, int http_status, const std::string &what,
                                              boost::json::value &doc) {
    namespace json = boost::json;
    auto text = [](const json::object &o, const char *k) {
        auto it = o.find(k);
        return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
    };
    boost::system::error_code ec;
    doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        if (http_status != 200) throw kombo_error("", "response body is not JSON", http_status, what);
        throw ats::sdk::Error(
            ATS_ERR_TRANSIENT,
            "Kombo " + what + ": malformed JSON in a 200 answer (" + std::to_string(body.size()) + " bytes)", true);
    }
    const auto &root = doc.get_object();
    const std::string status = text(root, "status");
    if (status == "error" || http_status != 200) {
        std::string code, message;
        if (auto e = root.find("error"); e != root.end() && e->value().is_object()) {
            code = text(e->value().get_object(), "code");
            message = text(e->value().get_object(), "message");
            if (message.empty()) message = text(e->value().get_object(), "title");
        }
        throw kombo_error(code, message, http_status, what);
    }
    auto d = root.find("data");
    if (status != "success" || d == root.end() || !d->value().is_object() ||
        !d->value().get_object().contains("results") || !d->value().get_object().at("results").is_array())
        throw ats::sdk::Error(ATS_ERR_TRANSIENT,
                              "Kombo " + what + ": answer is not the success envelope {status, data{results}}", true);
    return d->value().get_object();
}

} // namespace ats::tracker_workable
