// serve_hot_swap_test.cpp - replacing a plugin file and re-pointing a tenant at another provider
// while an NDJSON stream is in flight and clients keep calling: the stream finishes on the old
// plugin, new requests go to the new one, no request fails, the old library is unmapped only
// after its last instance is gone; failed reloads change nothing and say why.
#define BOOST_TEST_MODULE serve_hot_swap
#include <boost/test/unit_test.hpp>

#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <set>
#include <mutex>
#include <thread>

using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kAdmin = "admin-token-0";
const std::string kAcme = "acme-token-1";

// Clients calling a single-record route in a loop; every answer must be a 200.
class Load {
public:
    Load(ServeInstance &s, int threads) {
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this, &s] {
                while (!stop_) {
                    try {
                        auto r = s.request("GET", "/v1/tenants/acme/jobs/j1", kAcme);
                        ++requests_;
                        if (r.status != 200) {
                            ++failures_;
                            std::lock_guard<std::mutex> lock(mu_);
                            last_failure_ = std::to_string(r.status) + " " + r.body;
                            continue;
                        }
                        auto v = json::parse(r.body).as_object();
                        std::lock_guard<std::mutex> lock(mu_);
                        seen_.insert(r.header("x-ats-provider") + "/" +
                                     std::string(v.at("remote_ids").as_object().at("probe").as_string()));
                    } catch (const std::exception &e) {
                        ++requests_;
                        ++failures_;
                        std::lock_guard<std::mutex> lock(mu_);
                        last_failure_ = e.what();
                    }
                }
            });
    }
    ~Load() { stop(); }
    void stop() {
        stop_ = true;
        for (auto &t : threads_)
            if (t.joinable()) t.join();
    }
    int requests() const { return requests_; }
    int failures() const { return failures_; }
    std::set<std::string> seen() {
        std::lock_guard<std::mutex> lock(mu_);
        return seen_;
    }
    std::string last_failure() {
        std::lock_guard<std::mutex> lock(mu_);
        return last_failure_;
    }

private:
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0}, failures_{0};
    std::mutex mu_;
    std::set<std::string> seen_;
    std::string last_failure_;
    std::vector<std::thread> threads_;
};

std::string maps_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

json::object obj(const ats::net::HttpResponse &r) { return json::parse(r.body).as_object(); }

ServeSetup slow_stream_setup() {
    ServeSetup setup;
    // 60 records at 25 ms: the stream takes ~1.5 s, long enough to swap under it.
    setup.manifests["acme"] =
        R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"records":60,"stream_delay_ms":25}})";
    return setup;
}

} // namespace

BOOST_AUTO_TEST_CASE(plugin_file_swap_under_load_with_a_stream_in_flight) {
    ServeInstance s(slow_stream_setup());
    const std::string old_image = s.plugins_dir() + "/libserve_probe.so";
    BOOST_TEST(maps_of(s.process().pid()).find(old_image) != std::string::npos);

    Load load(s, 4);
    RawConnection stream(s.port());
    stream.send("GET /v1/tenants/acme/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAcme +
                "\r\nAccept: application/x-ndjson\r\nConnection: close\r\n\r\n");
    std::string received = stream.read_until("\"remote_ids\"", 10s); // the first record is out
    BOOST_REQUIRE(received.find("\"remote_ids\"") != std::string::npos);

    s.install_plugin("libserve_probe.so", probe_plugin("v2"));
    auto reload = s.request("POST", "/v1/admin/reload", kAdmin);
    BOOST_TEST(reload.status == 200, reload.body);
    auto after = obj(s.get("/v1/tenants/acme/jobs/j1", kAcme));
    BOOST_TEST(after["remote_ids"].as_object()["probe"].as_string() == "2.0.0");
    // The old image is still mapped: the in-flight stream's instance holds it.
    BOOST_TEST(maps_of(s.process().pid()).find(old_image) != std::string::npos);

    received += stream.read_until_close(20s);
    auto response = parse_response(received);
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.complete, "the stream was cut");
    size_t records = 0, old_version = 0;
    for (size_t pos = 0, end; (end = response.body.find('\n', pos)) != std::string::npos; pos = end + 1) {
        auto rec = json::parse(response.body.substr(pos, end - pos)).as_object();
        BOOST_REQUIRE(!rec.contains("error"));
        ++records;
        if (rec["remote_ids"].as_object()["probe"].as_string() == "1.0.0") ++old_version;
    }
    BOOST_TEST(records == 60u);
    BOOST_TEST(old_version == 60u, "the stream must finish on the plugin it started on");

    // With the stream done the old library goes away (polled: the last reference may drop on a
    // server thread a moment after the final chunk).
    bool unmapped = false;
    for (int i = 0; i < 50 && !unmapped; ++i) {
        unmapped = maps_of(s.process().pid()).find(old_image + " (deleted)") == std::string::npos;
        if (!unmapped) std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(unmapped, "the replaced library is still mapped after its last instance ended");

    std::this_thread::sleep_for(300ms);
    load.stop();
    BOOST_TEST(load.failures() == 0, load.last_failure());
    BOOST_TEST(load.requests() > 20);
    auto seen = load.seen();
    BOOST_TEST(seen.count("serve_probe/1.0.0") == 1u);
    BOOST_TEST(seen.count("serve_probe/2.0.0") == 1u);
    BOOST_TEST_MESSAGE("requests under load during the swap: " << load.requests());
}

BOOST_AUTO_TEST_CASE(manifest_swap_by_sighup_and_failed_reloads_keep_serving) {
    ServeInstance s;
    Load load(s, 3);
    while (load.requests() < 10) std::this_thread::sleep_for(5ms);

    // Point acme at the other provider and send SIGHUP.
    s.write_manifest("acme", R"({"tenant_id":"acme","provider":"serve_probe_alt","provider_config":{}})");
    s.process().kill(SIGHUP);
    std::string provider;
    for (int i = 0; i < 100 && provider != "serve_probe_alt"; ++i) {
        provider = s.get("/v1/tenants/acme/capabilities", kAcme).header("x-ats-provider");
        if (provider != "serve_probe_alt") std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST(provider == "serve_probe_alt");
    auto generation = [&] { return obj(s.get("/readyz"))["generation"].as_int64(); };
    int64_t good_generation = generation();
    BOOST_TEST(good_generation == 2);

    // 1. A manifest that is not JSON.
    s.write_manifest("gamma", "{ this is not json");
    auto bad_manifest = s.request("POST", "/v1/admin/reload", kAdmin);
    BOOST_TEST(bad_manifest.status == 422);
    BOOST_TEST(error_code(bad_manifest) == "reload_failed");
    BOOST_TEST(bad_manifest.body.find("gamma.json") != std::string::npos, bad_manifest.body);
    std::remove((s.manifests_dir() + "/gamma.json").c_str());

    // 2. The provider's file replaced by a plugin of another ABI major.
    s.install_plugin("libserve_probe_alt.so", probe_plugin("wrong_major"));
    auto wrong_abi = s.request("POST", "/v1/admin/reload", kAdmin);
    BOOST_TEST(wrong_abi.status == 422);
    BOOST_TEST(wrong_abi.body.find("libserve_probe_alt.so") != std::string::npos, wrong_abi.body);
    BOOST_TEST(wrong_abi.body.find("2.") != std::string::npos, wrong_abi.body);

    // 3. The provider's file missing.
    s.remove_plugin("libserve_probe_alt.so");
    s.process().kill(SIGHUP); // the signal path fails the same way (and logs why)
    auto missing = s.request("POST", "/v1/admin/reload", kAdmin);
    BOOST_TEST(missing.status == 422);
    BOOST_TEST(missing.body.find("serve_probe_alt") != std::string::npos, missing.body);
    // In the words `ats-host check` uses for it (host::provider_unavailable), not a second phrasing.
    BOOST_TEST(missing.body.find("provider 'serve_probe_alt' of tenant 'acme' is not available in") !=
                   std::string::npos,
               missing.body);

    // Through all of it the old configuration served.
    BOOST_TEST(generation() == good_generation);
    auto still = s.get("/v1/tenants/acme/jobs/j1", kAcme);
    BOOST_TEST(still.status == 200);
    BOOST_TEST(still.header("x-ats-provider") == "serve_probe_alt");
    // Readiness re-checks every tenant after a reload; wait for the checks of this generation.
    auto ready = s.get("/readyz");
    for (int i = 0; i < 100 && ready.status != 200; ++i) {
        std::this_thread::sleep_for(50ms);
        ready = s.get("/readyz");
    }
    BOOST_TEST(ready.status == 200, ready.body);
    std::this_thread::sleep_for(200ms);
    load.stop();
    BOOST_TEST(load.failures() == 0, load.last_failure());
    BOOST_TEST(load.seen().count("serve_probe/1.0.0") == 1u);
    BOOST_TEST(load.seen().count("serve_probe_alt/1.0.0") == 1u);
    BOOST_TEST(s.stderr_text().find("\"event\":\"reload_failed\"") != std::string::npos);
}
