// serve_lifecycle_test.cpp - graceful shutdown on SIGTERM (in-flight stream finishes, new
// connections refused, exit 0) and its deadline; HTTPS; scheduled syncs and one-at-a-time runs;
// readiness reflecting a failing check.
#define BOOST_TEST_MODULE serve_lifecycle
#include <boost/test/unit_test.hpp>

#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kAcme = "acme-token-1";

ServeSetup streaming(int records, int delay_ms, std::vector<std::string> args = {}) {
    ServeSetup setup;
    setup.manifests["acme"] = R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"records":)" +
                              std::to_string(records) + R"(,"stream_delay_ms":)" + std::to_string(delay_ms) + "}}";
    setup.serve_args = std::move(args);
    return setup;
}

std::string stream_request() {
    return "GET /v1/tenants/acme/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAcme +
           "\r\nAccept: application/x-ndjson\r\nConnection: close\r\n\r\n";
}

size_t lines(const std::string &body) { return static_cast<size_t>(std::count(body.begin(), body.end(), '\n')); }

bool accepts_connections(uint16_t port) {
    try {
        RawConnection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        return parse_response(c.read_until_close(2s)).status == 200;
    } catch (const std::exception &) {
        return false;
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(sigterm_lets_the_in_flight_stream_finish_and_exits_cleanly) {
    ServeInstance s(streaming(40, 25, {"--shutdown-deadline-ms", "10000"}));
    RawConnection stream(s.port());
    stream.send(stream_request());
    std::string received = stream.read_until("\"remote_ids\"", 10s);
    BOOST_REQUIRE(received.find("\"remote_ids\"") != std::string::npos);

    s.process().kill(SIGTERM);
    std::this_thread::sleep_for(150ms);
    BOOST_TEST(!accepts_connections(s.port()), "new connections must be refused once shutdown began");

    received += stream.read_until_close(20s);
    auto response = parse_response(received);
    BOOST_TEST(response.complete, "the in-flight stream was cut");
    BOOST_TEST(lines(response.body) == 40u);
    auto result = s.process().wait(20s);
    BOOST_TEST(!result.timed_out);
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(s.stderr_text().find("\"event\":\"shutdown_started\"") != std::string::npos);
    BOOST_TEST(s.stdout_text().find("ats-host serve: stopped") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shutdown_deadline_cancels_what_is_left) {
    // 200 records at 50 ms would take 10 s; the deadline is 400 ms.
    ServeInstance s(streaming(200, 50, {"--shutdown-deadline-ms", "400"}));
    RawConnection stream(s.port());
    stream.send(stream_request());
    std::string received = stream.read_until("\"remote_ids\"", 10s);
    BOOST_REQUIRE(received.find("\"remote_ids\"") != std::string::npos);
    auto signalled = std::chrono::steady_clock::now();
    s.process().kill(SIGTERM);
    auto result = s.process().wait(20s);
    auto took = std::chrono::steady_clock::now() - signalled;
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST((took < 4s),
               "shutdown took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    received += stream.read_until_close(5s);
    auto response = parse_response(received);
    BOOST_TEST(!response.complete, "a cancelled stream must not look complete");
    BOOST_TEST(lines(response.body) < 200u);
}

BOOST_AUTO_TEST_CASE(serves_https_with_the_given_certificate) {
    TempDir certs("ats-serve-tls");
    std::string cert = certs / "cert.pem", key = certs / "key.pem";
    auto made = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                            {}, 60s);
    BOOST_REQUIRE_EQUAL(made.exit_code, 0);
    ServeSetup setup;
    setup.serve_args = {"--tls-cert", cert, "--tls-key", key};
    ServeInstance s(setup);
    BOOST_TEST(s.stdout_text().find("listening on https://") != std::string::npos);

    ats::net::HttpClient::Options options;
    options.ca_file = cert; // verification stays on: the certificate is the trust anchor
    ats::net::HttpClient client(options);
    ats::net::HttpRequest req;
    req.url = "https://127.0.0.1:" + std::to_string(s.port()) + "/v1/tenants/acme/jobs/j1";
    req.headers = {{"Authorization", "Bearer " + kAcme}};
    auto r = client.send(req);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(json::parse(r.body).as_object().at("id").as_string() == "j1");
    // Plain HTTP on the TLS port gets nowhere, and the server keeps serving.
    RawConnection plain(s.port());
    plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(parse_response(plain.read_until_close(5s)).status == 0);
    BOOST_TEST(client.send(req).status == 200);

    auto bad = run_process({ats_host_path(), "serve", "--tokens", certs / "none.json", "--tls-cert", cert}, {}, 30s);
    BOOST_TEST(bad.exit_code == 2); // --tls-cert without --tls-key
}

BOOST_AUTO_TEST_CASE(scheduled_syncs_run_and_a_second_run_waits_for_the_first) {
    ServeSetup setup;
    setup.manifests["acme"] =
        R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"sync_delay_ms":600},"sync":{"interval_seconds":1}})";
    ServeInstance s(setup);
    // The schedule's first run comes one interval after start.
    std::string trigger;
    for (int i = 0; i < 60 && trigger.empty(); ++i) {
        auto runs = json::parse(s.get("/v1/tenants/acme/sync", kAcme).body).as_object()["runs"].as_array();
        if (!runs.empty())
            trigger = std::string(runs.back().as_object().at("trigger").as_string());
        else
            std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(trigger == "schedule");
    // While a run is going, another is refused with 409 (or this one is the one started).
    int started = 0, refused = 0;
    for (int i = 0; i < 2; ++i) {
        auto r = s.request("POST", "/v1/tenants/acme/sync", kAcme, "{}");
        if (r.status == 202) ++started;
        if (r.status == 409) {
            ++refused;
            BOOST_TEST(error_code(r) == "sync_running");
        }
    }
    BOOST_TEST(refused >= 1);
    BOOST_TEST(started + refused == 2);
    auto bad = s.request("POST", "/v1/tenants/acme/sync", kAcme, R"({"full":"yes"})");
    BOOST_TEST(bad.status == 400);
}

BOOST_AUTO_TEST_CASE(readiness_reports_a_failing_check) {
    ServeSetup setup;
    setup.manifests["beta"] =
        R"({"tenant_id":"beta","provider":"serve_probe_alt","provider_config":{"check_ok":false}})";
    ServeInstance s(setup);
    ats::net::HttpResponse r;
    for (int i = 0; i < 50; ++i) {
        r = s.get("/readyz");
        auto tenants = json::parse(r.body).as_object()["tenants"].as_array();
        bool checked = true;
        for (const auto &t : tenants) checked = checked && !t.as_object().at("check").is_null();
        if (checked) break;
        std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(r.status == 503);
    BOOST_TEST(r.body.find("probe configured to fail its check") != std::string::npos, r.body);
    BOOST_TEST(s.get("/healthz").status == 200); // alive, just not ready
}
