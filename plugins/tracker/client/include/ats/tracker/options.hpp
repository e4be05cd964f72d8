// options.hpp - what the Tracker client needs to know about a tenant (parsed by the provider from
// its provider_config; see plugins/tracker/provider/include/ats/tracker/provider_config.hpp).
#pragma once

#include <string>

namespace ats::tracker {

struct AuthOptions {
    enum class Method { api_key, password, oauth2 };
    Method method = Method::api_key;
    std::string api_key;                  // api_key: credentials.apikey (acts as the administrator)
    std::string username, password;       // password: credentials.username + credentials.password
    std::string client_id = "EvoApi_1.0"; // oauth2 (TRACKER-ASSUMPTION A15)
    std::string refresh_token;            // oauth2: the manifest's token, used until one is rotated
};

struct ClientOptions {
    std::string base_url; // "https://evoapi.tracker-rms.com" (no trailing slash needed)
    AuthOptions auth;
    int page_size = 200; // numrecords per page, 1..500 (A7)
    int request_timeout_ms = 30000;
};

const char *auth_method_name(AuthOptions::Method m);

} // namespace ats::tracker
