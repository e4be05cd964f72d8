// sandbox_fixture.hpp - starts <build>/bin/ats-sandbox on ephemeral loopback ports for a test and
// kills it on destruction. Talks to it with ats::net::HttpClient.
//
//   ats::test::Sandbox sandbox;                       // seed 1, 5 jobs, 40 applications, ...
//   sandbox.tracker_url();                            // http://127.0.0.1:P  (Widget API base)
//   sandbox.kombo_url();                              // http://127.0.0.1:P/v1 (Kombo base URL)
//   sandbox.admin_get("expected");                    // GET /_sandbox/expected
//   sandbox.admin_post("mutate", {{"add_applications", 3}});
//   sandbox.tracker("getRecords", {{"instructions", {...}}}); // api-key credentials added
//   sandbox.kombo_get("/ats/applications?page_size=5");       // Kombo key + integration id added
//
// Credentials (host/sandbox/credentials.hpp): Tracker api key "sandbox-tracker-key",
// "sandbox"/"sandbox-password", OAuth2 refresh token "sandbox-refresh-token" (client_id
// EvoApi_1.0); Kombo key "sandbox-kombo-key", integration id "workable:sandbox".
#pragma once

#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "credentials.hpp" // host/sandbox

namespace ats::test {

class Sandbox {
public:
    struct Options {
        uint64_t seed = 1;
        int jobs = 5, applications = 40, people = 25, tracker_people = 10;
        int latency_ms = 0;
        int tracker_concurrency = 0; // 0 = unlimited
        std::string fixture;         // load this world file instead of generating
        std::vector<std::string> extra_args;
    };
    // The emulators' credentials, from their one definition (host/sandbox/credentials.hpp).
    static constexpr const char *kTrackerApiKey = ats::sandbox::credentials::kTrackerApiKey;
    static constexpr const char *kTrackerUsername = ats::sandbox::credentials::kTrackerUsername;
    static constexpr const char *kTrackerPassword = ats::sandbox::credentials::kTrackerPassword;
    static constexpr const char *kTrackerRefreshToken = ats::sandbox::credentials::kTrackerSeedRefreshToken;
    static constexpr const char *kKomboApiKey = ats::sandbox::credentials::kKomboApiKey;
    static constexpr const char *kKomboIntegrationId = ats::sandbox::credentials::kKomboIntegrationId;

    Sandbox();                         // default Options
    explicit Sandbox(Options options); // throws std::runtime_error (with the sandbox's stderr)
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    std::string tracker_url() const; // http://127.0.0.1:P
    std::string kombo_url() const;   // http://127.0.0.1:P/v1
    int tracker_port() const { return tracker_port_; }
    int kombo_port() const { return kombo_port_; }

    // Admin API on either port: `path` is "state" or "/_sandbox/state" (a query may follow).
    // Throws std::runtime_error unless the answer is 2xx JSON.
    boost::json::value admin_get(const std::string &path, bool kombo_side = false);
    boost::json::value admin_post(const std::string &path, const boost::json::value &body, bool kombo_side = false);

    // POST /api/widget/<method> with {"trackerrms":{"<method>": call}}; adds api-key credentials
    // when `call` has none. Returns the parsed body (throws unless HTTP 200 JSON).
    boost::json::value tracker(const std::string &method, boost::json::object call);
    // Raw Tracker exchange (any status), body sent as given.
    net::HttpResponse tracker_raw(const std::string &path, const std::string &body,
                                  std::vector<std::pair<std::string, std::string>> headers = {});
    // GET <kombo_url><path_and_query> with the sandbox key and integration id unless `authenticate`
    // is false (then only `headers` are sent).
    net::HttpResponse kombo_get(const std::string &path_and_query, bool authenticate = true,
                                std::vector<std::pair<std::string, std::string>> headers = {});
    net::HttpResponse send(net::HttpRequest request); // any request through the shared client

    ChildProcess &process() { return *process_; }
    net::HttpClient &http() { return *http_; }

private:
    std::string admin_url(const std::string &path, bool kombo_side) const;
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    std::unique_ptr<net::HttpClient> http_;
    int tracker_port_ = 0, kombo_port_ = 0;
};

} // namespace ats::test
