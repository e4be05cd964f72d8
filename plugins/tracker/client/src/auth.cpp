#include "ats/tracker/auth.hpp"

#include "ats/shared/json.hpp"
#include "ats/shared/url_encoding.hpp"

namespace ats::tracker {

namespace bj = boost::json;

const char *auth_method_name(AuthOptions::Method m) {
    switch (m) {
    case AuthOptions::Method::api_key: return "api_key";
    case AuthOptions::Method::password: return "password";
    case AuthOptions::Method::oauth2: return "oauth2";
    }
    return "?";
}

std::string form_encode(std::string_view value) { return ats::shared::percent_encode(value, true); }

namespace {
// An access token is used only while it has at least this long to live.
constexpr int64_t kExpirySlackMs = 60'000;
// How long a refresh waits for another process's refresh to finish.
constexpr int64_t kLockWaitMs = 30'000;
} // namespace

Authenticator::Authenticator(ats::sdk::Host host, AuthOptions options, std::string base_url, int timeout_ms)
    : host_(host), options_(std::move(options)), timeout_ms_(timeout_ms) {
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    token_url_ = base_url + "/oAuth2/Token";
}

std::string Authenticator::apply(ats::sdk::HttpRequest &request, bj::object &credentials, const ats_call_t *call) {
    switch (options_.method) {
    case AuthOptions::Method::api_key: credentials["apikey"] = options_.api_key; return {};
    case AuthOptions::Method::password:
        credentials["username"] = options_.username;
        credentials["password"] = options_.password;
        return {};
    case AuthOptions::Method::oauth2: {
        std::string token = current_access_token(call);
        request.headers.emplace_back("Authorization", "Bearer " + token);
        return token;
    }
    }
    return {};
}

bool Authenticator::adopt_stored_access_token(const std::string &stale) {
    std::string token, expires;
    if (!host_.state_get(kStateAccessToken, token) || !host_.state_get(kStateAccessExpiresMs, expires)) return false;
    int64_t exp = 0;
    try {
        exp = std::stoll(expires);
    } catch (const std::exception &) {
        return false;
    }
    if (token.empty() || token == stale || exp - kExpirySlackMs <= host_.now_unix_ms()) return false;
    access_token_ = token;
    access_expires_ms_ = exp;
    return true;
}

std::string Authenticator::current_access_token(const ats_call_t *call) {
    std::lock_guard<std::mutex> g(mutex_);
    if (!access_token_.empty() && access_expires_ms_ - kExpirySlackMs > host_.now_unix_ms()) return access_token_;
    // Another process of this tenant may hold a valid token already: no refresh needed then.
    if (adopt_stored_access_token({})) return access_token_;
    refresh_locked(access_token_, call);
    return access_token_;
}

bool Authenticator::refresh_after_unauthorized(const std::string &token_used, const ats_call_t *call) {
    if (options_.method != AuthOptions::Method::oauth2) return false;
    std::lock_guard<std::mutex> g(mutex_);
    if (!access_token_.empty() && access_token_ != token_used &&
        access_expires_ms_ - kExpirySlackMs > host_.now_unix_ms())
        return true; // another thread of this process refreshed meanwhile
    refresh_locked(token_used, call);
    return true;
}

void Authenticator::refresh_locked(const std::string &stale, const ats_call_t *call) {
    // Across processes: whoever holds the lock refreshes; the others adopt its result.
    ats::sdk::Lock lock = host_.lock(kOAuthLockName, kLockWaitMs);
    if (adopt_stored_access_token(stale)) return;

    std::string refresh_token;
    if (!host_.state_get(kStateRefreshToken, refresh_token) || refresh_token.empty())
        refresh_token = options_.refresh_token; // first run: the manifest's token
    if (refresh_token.empty())
        throw ats::sdk::Error(ATS_ERR_UNAUTHORIZED, "Tracker OAuth2: no refresh token configured (auth.refresh_token)");

    ats::sdk::HttpRequest req;
    req.method = "POST";
    req.url = token_url_;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Accept", "application/json");
    req.body = "grant_type=refresh_token&refresh_token=" + form_encode(refresh_token) +
               "&client_id=" + form_encode(options_.client_id);
    req.timeout_ms = timeout_ms_;
    // NOT idempotent: a refresh token works once (A15); a blind resend after a lost answer would
    // be refused anyway, so the host must not retry it.
    req.idempotent = false;
    ats::sdk::HttpResponse resp = host_.http(req, call);
    if (resp.status == 400 || resp.status == 401 || resp.status == 403)
        throw ats::sdk::Error(ATS_ERR_UNAUTHORIZED, "Tracker OAuth2 token refresh refused (HTTP " +
                                                        std::to_string(resp.status) +
                                                        "): the refresh token is invalid or was already used");
    if (resp.status == 429 || resp.status >= 500)
        throw ats::sdk::Error(resp.status == 429 ? ATS_ERR_RATE_LIMITED : ATS_ERR_TRANSIENT,
                              "Tracker OAuth2 token refresh failed with HTTP " + std::to_string(resp.status), true);
    if (resp.status != 200)
        throw ats::sdk::Error(ATS_ERR_UPSTREAM,
                              "Tracker OAuth2 token refresh answered HTTP " + std::to_string(resp.status));
    boost::system::error_code ec;
    bj::value v = bj::parse(resp.body, ec);
    if (ec || !v.is_object())
        throw ats::sdk::Error(ATS_ERR_TRANSIENT, "Tracker OAuth2 token refresh: the answer is not a JSON object", true);
    const bj::object &o = v.get_object();
    std::string access = ats::shared::json::text_or(o, "access_token");
    if (access.empty())
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker OAuth2 token refresh: no access_token in the answer");
    int64_t expires_in = ats::shared::json::int_or(o, "expires_in", 3600);
    std::string rotated = ats::shared::json::text_or(o, "refresh_token");

    int64_t expires_ms = host_.now_unix_ms() + expires_in * 1000;
    // Durable before use: if this process dies now, the next one starts from the rotated token.
    ats::sdk::Host::Batch batch;
    // Credentials are stored sealed (encrypted by the host under the tenant's state key).
    if (!rotated.empty()) batch.put_secret(kStateRefreshToken, rotated);
    batch.put_secret(kStateAccessToken, access).put(kStateAccessExpiresMs, std::to_string(expires_ms));
    host_.state_apply(batch);
    access_token_ = std::move(access);
    access_expires_ms_ = expires_ms;
    refreshes_.fetch_add(1);
    host_.info(std::string("Tracker OAuth2: access token refreshed") +
                   (rotated.empty() ? "" : "; refresh token rotated and stored"),
               call);
}

} // namespace ats::tracker
