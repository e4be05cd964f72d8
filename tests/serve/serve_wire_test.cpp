// serve_wire_test.cpp - what a hostile or sloppy client can put on the wire: request smuggling
// through Transfer-Encoding, slow headers and connection hogging, percent-encoded separators in
// the path, the Authorization scheme's case, numbers outside double range and control bytes in ids.
#define BOOST_TEST_MODULE serve_wire
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

std::string code_of(const RawResponse &r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.as_object().at("error").as_object().at("code").as_string());
}

std::string message_of(const ats::net::HttpResponse &r) {
    return std::string(json::parse(r.body).as_object().at("error").as_object().at("message").as_string());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_transfer_encoding_not_ending_in_chunked_is_refused_and_the_connection_closed) {
    ServeInstance s;
    // The "body" is a second request: were it taken as one, a second response would follow.
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    for (const std::string te :
         {"xchunked", "identity", "gzip", "chunked, gzip", "chunked\r\nTransfer-Encoding: gzip"}) {
        RawConnection c(s.port());
        c.send("POST /v1/tenants/acme/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
               "acme-token-1\r\nTransfer-Encoding: " +
               te + "\r\n\r\n" + smuggled);
        std::string bytes = c.read_until_close(5s);
        auto r = parse_response(bytes);
        BOOST_TEST(r.status == 400, "Transfer-Encoding: " << te);
        // Beast itself refuses some of these while parsing the header (malformed_request).
        BOOST_TEST((code_of(r) == "bad_transfer_encoding" || code_of(r) == "malformed_request"), te);
        BOOST_TEST(c.closed(), te);
        BOOST_TEST(bytes.find("HTTP/1.1", 1) == std::string::npos, "a second response for " << te << ": " << bytes);
    }
    // Content-Length and Transfer-Encoding together: ambiguous, refused and closed.
    RawConnection both(s.port());
    both.send(
        "POST /v1/tenants/acme/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\nContent-Length: 5\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
        smuggled);
    std::string bytes = both.read_until_close(5s);
    BOOST_TEST(parse_response(bytes).status == 400);
    BOOST_TEST(bytes.find("HTTP/1.1", 1) == std::string::npos, bytes);
    BOOST_TEST(both.closed());
    // Plain chunked still works.
    RawConnection ok(s.port());
    ok.send("POST /v1/tenants/acme/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            "acme-token-1\r\nConnection: close\r\n"
            "Transfer-Encoding: chunked\r\n\r\n23\r\n{\"candidate_id\":\"c1\",\"job_id\":\"j2\"}\r\n0\r\n\r\n");
    auto created = parse_response(ok.read_until_close(5s));
    BOOST_TEST(created.status == 201, created.body);
}

BOOST_AUTO_TEST_CASE(headers_have_their_own_short_deadline) {
    ServeSetup setup;
    setup.serve_args = {"--header-timeout-ms", "500", "--request-timeout-ms", "20000"};
    ServeInstance s(setup);
    RawConnection slow(s.port());
    auto started = std::chrono::steady_clock::now();
    slow.send("GET /healthz HTTP/1.1\r\n");
    std::this_thread::sleep_for(200ms);
    slow.send("Host: x\r\n"); // still no end of headers
    auto r = parse_response(slow.read_until_close(10s));
    auto waited = std::chrono::steady_clock::now() - started;
    BOOST_TEST(r.status == 408);
    BOOST_TEST((waited < 5s), "cut after the request timeout, not the header timeout");
}

BOOST_AUTO_TEST_CASE(one_client_cannot_take_every_connection_and_probes_pass_at_the_limit) {
    ServeSetup setup;
    setup.serve_args = {"--max-connections-per-client", "2"};
    ServeInstance s(setup);
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 2; ++i) held.push_back(std::make_unique<RawConnection>(s.port()));
    std::this_thread::sleep_for(200ms);
    RawConnection third(s.port());
    third.send("GET /v1/providers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n\r\n");
    auto refused = parse_response(third.read_until_close(5s));
    BOOST_TEST(refused.status == 503);
    BOOST_TEST(code_of(refused) == "too_many_connections");
    for (const char *probe : {"/healthz", "/readyz"}) {
        RawConnection p(s.port());
        p.send(std::string("GET ") + probe + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto r = parse_response(p.read_until_close(5s));
        BOOST_TEST(r.status != 503, probe << " at the limit: " << r.body);
        BOOST_TEST(r.head.find("too_many") == std::string::npos);
    }
    held.clear();
    std::this_thread::sleep_for(200ms);
    BOOST_TEST(s.get("/v1/providers", "acme-token-1").status == 200);
}

BOOST_AUTO_TEST_CASE(routing_splits_the_raw_path_and_decodes_each_segment_after) {
    ServeInstance s;
    BOOST_TEST(s.request("POST", "/v1%2Fadmin%2Freload", "admin-token-0").status == 404);
    BOOST_TEST(s.get("/%6Detrics", "admin-token-0").status == 404);
    BOOST_TEST(s.get("/v1/tenants/acme%2Fjobs%2Fj1", "acme-token-1").status == 404);
    // An id holding "/" is addressable: it reaches the plugin whole.
    auto slash = s.get("/v1/tenants/acme/jobs/a%2Fb", "acme-token-1");
    BOOST_TEST(slash.status == 404);
    BOOST_TEST(error_code(slash) == "not_found", slash.body);
    BOOST_TEST(message_of(slash).find("no job a/b") != std::string::npos, slash.body);
    BOOST_TEST(s.get("/v1/tenants/acme/jobs/j1", "acme-token-1").status == 200);
}

BOOST_AUTO_TEST_CASE(the_authorization_scheme_is_case_insensitive) {
    ServeInstance s;
    for (const char *scheme : {"bearer", "BEARER", "Bearer", "bEaReR"}) {
        auto r = s.request("GET", "/v1/tenants/acme/jobs/j1", "", "",
                           {{"Authorization", std::string(scheme) + " acme-token-1"}});
        BOOST_TEST(r.status == 200, scheme << ": " << r.body);
    }
    auto basic = s.request("GET", "/v1/tenants/acme/jobs/j1", "", "", {{"Authorization", "Basic acme-token-1"}});
    BOOST_TEST(basic.status == 401);
}

BOOST_AUTO_TEST_CASE(numbers_outside_double_range_and_control_bytes_in_ids_are_named) {
    ServeInstance s;
    auto huge = s.request("POST", "/v1/tenants/acme/applications", "acme-token-1", R"({"job_id":"j1","x":1e999})");
    BOOST_TEST(huge.status == 400);
    BOOST_TEST(message_of(huge).find("\"x\"") != std::string::npos, huge.body);
    auto nested = s.request("POST", "/v1/tenants/acme/applications", "acme-token-1", R"({"a":{"b":[1,-1e400]}})");
    BOOST_TEST(nested.status == 400);
    BOOST_TEST(message_of(nested).find("a.b[1]") != std::string::npos, nested.body);
    auto nul = s.get("/v1/tenants/acme/jobs/a%00bcd", "acme-token-1");
    BOOST_TEST(nul.status == 400);
    BOOST_TEST(message_of(nul).find("a\\u0000bcd") != std::string::npos, nul.body);
    auto nul_query = s.get("/v1/tenants/acme/candidates/search?email=x%00y%40example.com", "acme-token-1");
    BOOST_TEST(nul_query.status == 400);
    BOOST_TEST(message_of(nul_query).find("x\\u0000y@example.com") != std::string::npos, nul_query.body);
}

// After answering, the worker waits briefly for the connection's next request and reads it
// itself (the socket out of its I/O thread's reactor meanwhile). Requests that come back to back,
// pipelined, with their head or body in pieces, after a pause, or malformed, must all be answered
// as on any connection: in order, each once, nothing left over taken for a request.
BOOST_AUTO_TEST_CASE(a_busy_keep_alive_connection_is_served_in_order_however_its_requests_arrive) {
    ServeInstance s;
    RawConnection c(s.port());
    const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string seen;
    auto count = [&](const std::string &needle) {
        size_t n = 0;
        for (size_t pos = seen.find(needle); pos != std::string::npos; pos = seen.find(needle, pos + 1)) ++n;
        return n;
    };
    // Reads until `needle` has been seen `n` times in all (or 10 s passed).
    auto wait_for = [&](const std::string &needle, size_t n) {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (count(needle) < n && !c.closed() && std::chrono::steady_clock::now() < deadline)
            seen += c.read_some(100ms);
        return count(needle);
    };
    const std::string ok = "{\"status\":\"ok\"}";
    size_t answered = 0;
    for (int i = 0; i < 50; ++i) { // back to back: each arrives while a worker waits for it
        c.send(get);
        ++answered;
        BOOST_REQUIRE(wait_for(ok, answered) == answered);
    }
    c.send(get + get + get); // pipelined in one write
    answered += 3;
    BOOST_TEST(wait_for(ok, answered) == answered);
    c.send("GET /healthz HTTP/1.1\r\nHo"); // the head in two pieces
    std::this_thread::sleep_for(20ms);
    c.send("st: x\r\n\r\n");
    ++answered;
    BOOST_TEST(wait_for(ok, answered) == answered);
    // A body in two pieces, the next request right behind it: the body is the body, nothing more.
    c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");
    std::this_thread::sleep_for(20ms);
    c.send("56789" + get);
    BOOST_TEST(wait_for("method_not_allowed", 1) == 1u);
    ++answered;
    BOOST_TEST(wait_for(ok, answered) == answered);
    std::this_thread::sleep_for(50ms); // longer than any wait for it: the I/O thread reads again
    c.send(get);
    ++answered;
    BOOST_TEST(wait_for(ok, answered) == answered);
    BOOST_TEST(count("HTTP/1.1 ") == answered + 1, "one response per request");
    BOOST_TEST(count("HTTP/1.1 400") == 0u, seen);
    c.send(get + "NOT HTTP AT ALL\r\n\r\n"); // an answer, then a malformed request: 400 and closed
    seen += c.read_until_close(10s);
    BOOST_TEST(count(ok) == answered + 1);
    BOOST_TEST(count("HTTP/1.1 400") == 1u, seen);
    BOOST_TEST(c.closed());
}
