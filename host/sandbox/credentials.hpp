#pragma once
// The only credentials the sandbox emulators accept. They are test fixtures, not secrets, and are
// documented here (and in the README) so that a tenant configuration can point at the sandbox.
namespace ats::sandbox::credentials {

// Tracker Widget API (its two documented ways to authenticate).
inline constexpr const char *kTrackerApiKey = "sandbox-tracker-key";
inline constexpr const char *kTrackerUsername = "sandbox";
inline constexpr const char *kTrackerPassword = "sandbox-password";
// OAuth2 (TRACKER-ASSUMPTION A15): the refresh token seeded at start/reset. It rotates: every
// successful refresh returns a new refresh token and the old one stops working.
inline constexpr const char *kTrackerOAuthClientId = "EvoApi_1.0";
inline constexpr const char *kTrackerSeedRefreshToken = "sandbox-refresh-token";
// Authorization code accepted by POST /oAuth2/Token grant_type=authorization_code (also issued by
// GET /oAuth2/Authorize, which redirects to redirect_uri?code=...&state=...).
inline constexpr const char *kTrackerAuthorizationCode = "sandbox-authorization-code";

// Kombo ATS API: `Authorization: Bearer <key>` and `X-Integration-Id: <id>`.
inline constexpr const char *kKomboApiKey = "sandbox-kombo-key";
inline constexpr const char *kKomboIntegrationId = "workable:sandbox";

} // namespace ats::sandbox::credentials
