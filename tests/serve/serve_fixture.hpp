// serve_fixture.hpp - runs `ats-host serve` as a child process on a free port, with its own
// plugins folder, manifests, tokens file and data folder in a temp directory, and talks to it
// through the host's real HTTP client (ats::net::HttpClient).
#pragma once

#include "http_client.hpp"
#include "process.hpp"
#include "sandbox_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ats::test::serve {

// <build>/test_plugins/serve/libserve_probe_<variant>.so (variant: v1, v2, alt, wrong_major).
std::string probe_plugin(const std::string &variant);

struct ServeSetup {
    // file name in the plugins folder -> built plugin to copy there
    std::map<std::string, std::string> plugins{{"libserve_probe.so", probe_plugin("v1")},
                                               {"libserve_probe_alt.so", probe_plugin("alt")}};
    // tenant -> manifest JSON text
    std::map<std::string, std::string> manifests{
        {"acme", R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"records":12}})"},
        {"beta", R"({"tenant_id":"beta","provider":"serve_probe_alt","provider_config":{}})"}};
    // tenant -> its API tokens (plain; the tokens file gets their hashes)
    std::map<std::string, std::vector<std::string>> tokens{{"acme", {"acme-token-1"}}, {"beta", {"beta-token-1"}}};
    std::string admin_token = "admin-token-0";
    // tenant -> environment variable holding its Kombo webhook secret (set in `env`)
    std::map<std::string, std::string> webhook_secret_env;
    std::map<std::string, std::string> env;
    std::vector<std::string> serve_args; // extra `serve` flags
    std::string log_level = "debug";     // debug: the probe's per-call log lines appear
};

class ServeInstance {
public:
    explicit ServeInstance(ServeSetup setup = {});
    ~ServeInstance();

    uint16_t port() const { return port_; }
    std::string url(const std::string &path) const;
    const ServeSetup &setup() const { return setup_; }
    ChildProcess &process() { return *process_; }
    const TempDir &dir() const { return dir_; }
    std::string plugins_dir() const { return dir_ / "plugins"; }
    std::string manifests_dir() const { return dir_ / "manifests"; }

    // One request through the host's HTTP client. token "" = no Authorization header.
    net::HttpResponse request(const std::string &method, const std::string &path, const std::string &token = "",
                              const std::string &body = "",
                              std::vector<std::pair<std::string, std::string>> headers = {});
    net::HttpResponse get(const std::string &path, const std::string &token = "") {
        return request("GET", path, token);
    }

    // Replaces a file atomically (write a sibling, rename over), as an operator must for a
    // library that may be mapped by the running process.
    void install_plugin(const std::string &file_name, const std::string &built_plugin);
    void write_manifest(const std::string &tenant, const std::string &json_text);
    void remove_plugin(const std::string &file_name);

    std::string stdout_text() const { return process_->read_out(); }
    std::string stderr_text() const { return process_->read_err(); }

private:
    ServeSetup setup_;
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    std::unique_ptr<net::HttpClient> client_;
    uint16_t port_ = 0;
};

// Records exchanges with the OpenAPI path template they exercise, then checks them all against
// the served document with openapi_check.js (ajv). partial: not every operation is exercised.
class ExchangeRecorder {
public:
    explicit ExchangeRecorder(ServeInstance &s) : s_(s) {}
    net::HttpResponse call(const std::string &method, const std::string &pattern, const std::string &path,
                           const std::string &token, const std::string &body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {});
    // Returns node's output; fails the current test when the check fails.
    std::string check_against_openapi(bool partial);

private:
    ServeInstance &s_;
    boost::json::array exchanges_;
};

// Parses a JSON body; fails the current test (BOOST_TEST) when it is not JSON.
boost::json::value json_body(const net::HttpResponse &r);
// The "error.code" of an error envelope ("" when the body is not one).
std::string error_code(const net::HttpResponse &r);
// SHA-256 hex of a token, computed by `ats-host hash-token`.
std::string hash_token(const std::string &token);
std::string ats_host_path();

// The manifest of a `tracker` tenant against the sandbox's Tracker, as every serve test writes it:
// the API key from the environment variable `key_env`, London time, GB phones, the demo statuses.
// `provider_extra` is appended to provider_config (",\"page_size\":5") and `host_extra` to the
// host policy (",\"isolation\":\"process\"").
std::string tracker_manifest(const Sandbox &sandbox, const std::string &tenant, const std::string &key_env,
                             const std::string &provider_extra = "", const std::string &host_extra = "");
// The manifest of a `tracker_workable` tenant against the sandbox's Tracker and Kombo: Tracker as
// in tracker_manifest, the keys from DEMO_TRACKER_KEY and DEMO_KOMBO_KEY, jobs mapped by the
// "Workable Job ID" field or the title, the sandbox's fictional phone numbers taken as identities.
// `workable_extra` is appended to provider_config.workable, `host_extra` to the host policy and
// `tenant_extra` to the manifest's top level (",\"sync\":{...}").
std::string hybrid_manifest(const Sandbox &sandbox, const std::string &tenant, const std::string &workable_extra = "",
                            const std::string &host_extra = "", const std::string &tenant_extra = "");

} // namespace ats::test::serve
