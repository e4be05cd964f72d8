// serve_limits_test.cpp - oversized, malformed, slow and excess requests get a JSON 4xx/5xx and
// the service keeps serving; keep-alive works; idle connections are closed.
#define BOOST_TEST_MODULE serve_limits
#include <boost/test/unit_test.hpp>

#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <memory>
#include <thread>

using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

RawResponse exchange(uint16_t port, const std::string &bytes, std::chrono::milliseconds timeout = 5s) {
    RawConnection c(port);
    c.send(bytes);
    return parse_response(c.read_until_close(timeout));
}

std::string code_of(const RawResponse &r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.as_object().at("error").as_object().at("code").as_string());
}

void still_serving(ServeInstance &s) {
    auto r = s.get("/healthz");
    BOOST_TEST(r.status == 200);
}

ServeSetup limited() {
    ServeSetup setup;
    setup.serve_args = {"--max-header-bytes", "2048", "--max-body-bytes", "1024", "--request-timeout-ms", "700"};
    return setup;
}

} // namespace

BOOST_AUTO_TEST_CASE(oversized_and_malformed_requests_get_json_errors) {
    ServeInstance s(limited());
    auto big_header =
        exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Fill: " + std::string(4096, 'a') + "\r\n\r\n");
    BOOST_TEST(big_header.status == 431);
    BOOST_TEST(code_of(big_header) == "header_too_large");
    still_serving(s);

    std::string body(4096, 'x');
    auto big_body = exchange(
        s.port(), "POST /v1/tenants/acme/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n"
                  "Content-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    BOOST_TEST(big_body.status == 413);
    BOOST_TEST(code_of(big_body) == "body_too_large");
    still_serving(s);

    // Through the real client as well: a body over the limit, then a good request.
    auto via_client = s.request("POST", "/v1/tenants/acme/applications", "acme-token-1", std::string(2000, ' '));
    BOOST_TEST(via_client.status == 413);

    for (const std::string &garbage :
         {std::string("GARBAGE\r\n\r\n"), std::string("GET /healthz HTTP/9.9\r\n\r\n"),
          std::string("GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"),
          std::string("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
        auto r = exchange(s.port(), garbage);
        BOOST_TEST(r.status == 400, "for " << garbage.substr(0, 20));
        BOOST_TEST(code_of(r) == "malformed_request");
        still_serving(s);
    }
    auto bad_target = exchange(s.port(), "GET /v1/tenants/%zz/jobs HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(bad_target.status == 400);
    still_serving(s);
}

BOOST_AUTO_TEST_CASE(slow_and_idle_clients_are_cut_off) {
    ServeInstance s(limited());
    RawConnection slow(s.port());
    slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // never finishes its headers
    auto started = std::chrono::steady_clock::now();
    auto r = parse_response(slow.read_until_close(5s));
    auto waited = std::chrono::steady_clock::now() - started;
    BOOST_TEST(r.status == 408);
    BOOST_TEST(code_of(r) == "request_timeout");
    BOOST_TEST((waited >= 500ms));
    BOOST_TEST((waited < 3s));

    RawConnection idle(s.port()); // sends nothing: closed silently
    std::string got = idle.read_until_close(5s);
    BOOST_TEST(got.empty());
    BOOST_TEST(idle.closed());
    still_serving(s);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
    ServeInstance s;
    RawConnection c(s.port());
    for (int i = 0; i < 3; ++i) {
        BOOST_REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto r = parse_response(c.read_until("\"ok\"}\n", 5s));
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.complete);
    }
    BOOST_TEST(!c.closed());
    // HEAD, also of a streamed route: headers only, and the connection stays usable.
    BOOST_REQUIRE(
        c.send("HEAD /v1/tenants/acme/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n"
               "Accept: application/x-ndjson\r\n\r\n"));
    std::string head = c.read_until("\r\n\r\n", 5s);
    BOOST_TEST(head.rfind("HTTP/1.1 200", 0) == 0u);
    BOOST_REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto after = c.read_until("\"ok\"}\n", 5s);
    BOOST_TEST(after.rfind("HTTP/1.1 200", 0) == 0u, "bytes after the HEAD response: " << after.substr(0, 80));
}

BOOST_AUTO_TEST_CASE(connections_over_the_limit_get_503_until_others_close) {
    ServeSetup setup;
    setup.serve_args = {"--max-connections", "3", "--request-timeout-ms", "10000"};
    ServeInstance s(setup);
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(s.port()));
    std::this_thread::sleep_for(200ms); // let the server accept them
    auto refused =
        exchange(s.port(), "GET /v1/providers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n\r\n");
    BOOST_TEST(refused.status == 503);
    BOOST_TEST(code_of(refused) == "too_many_connections");
    // A liveness probe must not see a full server as a dead one.
    BOOST_TEST(exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
    held.clear();
    std::this_thread::sleep_for(200ms);
    auto ok = exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(ok.status == 200);
}

BOOST_AUTO_TEST_CASE(a_call_over_the_request_deadline_is_cancelled_in_the_plugin) {
    ServeSetup setup;
    setup.manifests["acme"] =
        R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"read_delay_ms":5000}})";
    setup.serve_args = {"--request-timeout-ms", "400"};
    ServeInstance s(setup);
    auto started = std::chrono::steady_clock::now();
    auto r = s.get("/v1/tenants/acme/jobs/j1", "acme-token-1");
    auto took = std::chrono::steady_clock::now() - started;
    BOOST_TEST(r.status == 503);
    BOOST_TEST(error_code(r) == "cancelled");
    BOOST_TEST((took < 2s), "the plugin was not cancelled at the deadline");
    still_serving(s);
}
