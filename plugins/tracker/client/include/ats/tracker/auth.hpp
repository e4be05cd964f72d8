// auth.hpp - Tracker credentials as the tenant configures them.
//
//   api_key  -> credentials.apikey in the body
//   password -> credentials.username + credentials.password in the body
//   oauth2   -> `Authorization: Bearer <access token>`, the access token obtained with
//               POST {base}/oAuth2/Token grant_type=refresh_token (TRACKER-ASSUMPTION A15).
//
// OAuth2 refresh tokens ROTATE: each refresh returns a new one and the old one stops working, so
// two refreshes racing burn each other (the loser holds a dead token). Hence one refresh at a time per
// tenant: a mutex inside this process and the host lock "tracker-oauth" across processes. The
// rotated refresh token and the current access token (with its expiry) are written to the
// host's durable state (keys below) before they are used, and read back at start and after
// taking the lock in preference to the manifest's token - a token another process rotated is
// picked up, never refreshed again.
#pragma once

#include "ats/tracker/options.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace ats::tracker {

inline constexpr const char *kOAuthLockName = "tracker-oauth";
inline constexpr const char *kStateRefreshToken = "tracker/oauth/refresh_token";
inline constexpr const char *kStateAccessToken = "tracker/oauth/access_token";
inline constexpr const char *kStateAccessExpiresMs = "tracker/oauth/access_expires_ms";

class Authenticator {
public:
    Authenticator(ats::sdk::Host host, AuthOptions options, std::string base_url, int timeout_ms);

    AuthOptions::Method method() const { return options_.method; }

    // Puts the credentials on a widget request: the Authorization header (oauth2, obtaining a
    // token first if needed) or members of `credentials`. Returns the bearer token used ("" for
    // the body-credential methods) so that a 401 can say which token failed.
    std::string apply(ats::sdk::HttpRequest &request, boost::json::object &credentials, const ats_call_t *call);

    // After HTTP 401 for `token_used`: refreshes unless another thread/process already replaced
    // that token. Returns true when a retry with a new token makes sense (false for non-OAuth).
    bool refresh_after_unauthorized(const std::string &token_used, const ats_call_t *call);

    // Refreshes performed by THIS instance (tests and the report read it).
    uint64_t refreshes() const { return refreshes_.load(); }

private:
    std::string current_access_token(const ats_call_t *call);
    // Under mutex_: makes sure an access token other than `stale` is available.
    void refresh_locked(const std::string &stale, const ats_call_t *call);
    bool adopt_stored_access_token(const std::string &stale);

    ats::sdk::Host host_;
    AuthOptions options_;
    std::string token_url_;
    int timeout_ms_;
    std::mutex mutex_;
    std::string access_token_;
    int64_t access_expires_ms_ = 0;
    std::atomic<uint64_t> refreshes_{0};
};

// application/x-www-form-urlencoded value encoding (exposed for unit tests).
std::string form_encode(std::string_view value);

} // namespace ats::tracker
