// The host's HTTP client against a real loopback server: keep-alive reuse, chunked and large
// bodies, timeouts, stale pooled connections, concurrency, error classification.
#define BOOST_TEST_MODULE http_client
#include <boost/test/unit_test.hpp>

#include "http_client.hpp"
#include "http_test_server.hpp"

#include <thread>

using namespace ats;
using namespace std::chrono_literals;

namespace {
test::TestResponse echo(const test::TestRequest &r) {
    test::TestResponse res;
    res.headers = {{"Content-Type", "text/plain"}, {"X-Method", r.method}, {"X-Target", r.target}};
    res.body = r.body;
    return res;
}
} // namespace

BOOST_AUTO_TEST_CASE(get_and_post_round_trip_with_headers) {
    test::LoopbackHttpServer srv([](const test::TestRequest &r) {
        auto res = echo(r);
        res.headers.emplace_back("X-Seen-Token", r.header("x-token"));
        return res;
    });
    net::HttpClient client;
    net::HttpRequest req;
    req.method = "POST";
    req.url = srv.url("/things?q=a%20b");
    req.headers = {{"X-Token", "abc"}};
    req.body = "{\"a\":1}";
    auto res = client.send(req);
    BOOST_TEST(res.status == 200);
    BOOST_TEST(res.body == "{\"a\":1}");
    BOOST_TEST(res.header("x-method") == "POST");
    BOOST_TEST(res.header("X-TARGET") == "/things?q=a%20b");
    BOOST_TEST(res.header("x-seen-token") == "abc");
    BOOST_TEST(res.header("absent").empty());
}

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    for (int i = 0; i < 5; ++i) {
        net::HttpRequest req;
        req.url = srv.url("/n/" + std::to_string(i));
        BOOST_TEST(client.send(req).header("X-Target") == "/n/" + std::to_string(i));
    }
    BOOST_TEST(srv.connections_accepted() == 1u);
    BOOST_TEST(client.stats().connections_opened == 1u);
    BOOST_TEST(client.stats().reused == 4u);
    BOOST_TEST(client.idle_connections() == 1u);
}

BOOST_AUTO_TEST_CASE(connection_close_is_not_pooled) {
    test::LoopbackHttpServer srv([](const test::TestRequest &r) {
        auto res = echo(r);
        res.close = true;
        return res;
    });
    net::HttpClient client;
    for (int i = 0; i < 3; ++i) BOOST_TEST(client.send({"GET", srv.url("/"), {}, "", 5000ms}).status == 200);
    BOOST_TEST(srv.connections_accepted() == 3u);
    BOOST_TEST(client.idle_connections() == 0u);
}

BOOST_AUTO_TEST_CASE(chunked_large_body_arrives_whole) {
    std::string big(24 * 1024 * 1024, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    test::LoopbackHttpServer srv([&](const test::TestRequest &) {
        test::TestResponse res;
        res.chunked = true;
        res.body = big;
        return res;
    });
    net::HttpClient client;
    auto res = client.send({"GET", srv.url("/big"), {}, "", 60000ms});
    BOOST_TEST(res.status == 200);
    BOOST_TEST(res.header("transfer-encoding") == "chunked");
    BOOST_TEST(res.body.size() == big.size());
    BOOST_TEST((res.body == big));
    // the connection stays usable after a chunked body
    BOOST_TEST(client.send({"GET", srv.url("/big"), {}, "", 60000ms}).body.size() == big.size());
    BOOST_TEST(srv.connections_accepted() == 1u);
}

BOOST_AUTO_TEST_CASE(large_request_body_is_sent) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    std::string body(8 * 1024 * 1024, 'x');
    auto res = client.send({"PUT", srv.url("/up"), {}, body, 60000ms});
    BOOST_TEST(res.body.size() == body.size());
}

BOOST_AUTO_TEST_CASE(slow_server_times_out_as_transport_error) {
    test::LoopbackHttpServer srv([](const test::TestRequest &r) {
        std::this_thread::sleep_for(1500ms);
        return echo(r);
    });
    net::HttpClient client;
    auto t0 = std::chrono::steady_clock::now();
    try {
        client.send({"GET", srv.url("/slow"), {}, "", 300ms});
        BOOST_FAIL("expected a timeout");
    } catch (const net::TransportError &e) {
        BOOST_TEST(e.timed_out);
        BOOST_TEST(e.sent);
        BOOST_TEST(std::string(e.what()).find("/slow") != std::string::npos);
    }
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1400ms));
}

BOOST_AUTO_TEST_CASE(refused_connection_is_not_sent) {
    unsigned short port;
    {
        test::LoopbackHttpServer srv(echo);
        port = srv.port();
    } // now closed
    net::HttpClient client;
    try {
        client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/x", {}, "", 2000ms});
        BOOST_FAIL("expected connection refused");
    } catch (const net::TransportError &e) {
        BOOST_TEST(!e.sent);
        BOOST_TEST(std::string(e.what()).find("connect failed") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(stale_pooled_connection_is_retried_once_on_a_fresh_one) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    BOOST_TEST(client.send({"GET", srv.url("/1"), {}, "", 5000ms}).status == 200);
    srv.close_idle_connections(); // the server drops the idle keep-alive connection
    std::this_thread::sleep_for(50ms);
    auto res = client.send({"GET", srv.url("/2"), {}, "", 5000ms});
    BOOST_TEST(res.header("X-Target") == "/2");
    BOOST_TEST(srv.connections_accepted() == 2u);
}

// A POST whose pooled connection dies after the request was written may have been applied by the
// server (a write done, its answer lost): the client must not send it a second time on its own.
BOOST_AUTO_TEST_CASE(post_lost_on_a_pooled_connection_is_not_resent) {
    test::LoopbackHttpServer srv([](const test::TestRequest &req) {
        test::TestResponse r;
        r.drop_without_reply = req.target == "/apply";
        return r;
    });
    net::HttpClient client;
    BOOST_TEST(client.send({"GET", srv.url("/warm"), {}, "", 5000ms}).status == 200);
    try {
        client.send({"POST", srv.url("/apply"), {}, "{}", 5000ms});
        BOOST_FAIL("expected a transport error");
    } catch (const net::TransportError &e) {
        BOOST_TEST(e.sent);
    }
    BOOST_TEST(srv.requests_served() == 2u); // /warm and /apply once: never twice
}

// An idle connection the server closed is noticed before anything is written into it, so even a
// POST goes out exactly once, on a fresh connection.
BOOST_AUTO_TEST_CASE(post_after_server_closed_idle_connection_goes_out_once_on_a_fresh_one) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    BOOST_TEST(client.send({"GET", srv.url("/1"), {}, "", 5000ms}).status == 200);
    srv.close_idle_connections();
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(client.send({"POST", srv.url("/2"), {}, "{}", 5000ms}).status == 200);
    BOOST_TEST(srv.connections_accepted() == 2u);
    BOOST_TEST(srv.requests_served() == 2u);
}

BOOST_AUTO_TEST_CASE(server_dropping_a_fresh_connection_is_an_error_not_a_loop) {
    test::LoopbackHttpServer srv([](const test::TestRequest &) {
        test::TestResponse r;
        r.drop_without_reply = true;
        return r;
    });
    net::HttpClient client;
    BOOST_CHECK_THROW(client.send({"GET", srv.url("/drop"), {}, "", 3000ms}), net::TransportError);
    BOOST_TEST(srv.requests_served() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_senders_share_the_pool) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    std::atomic<int> ok{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
                auto res = client.send({"GET", srv.url(path), {}, "", 10000ms});
                if (res.header("X-Target") == path) ++ok;
            }
        });
    for (auto &t : ts) t.join();
    BOOST_TEST(ok.load() == 200);
    BOOST_TEST(srv.connections_accepted() <= 8u);
    BOOST_TEST(client.stats().reused >= 192u);
}

BOOST_AUTO_TEST_CASE(urls_are_validated) {
    net::HttpClient client;
    BOOST_CHECK_THROW(client.send({"GET", "ftp://127.0.0.1/x", {}, "", 1000ms}), net::InvalidUrl);
    BOOST_CHECK_THROW(client.send({"GET", "/relative", {}, "", 1000ms}), net::InvalidUrl);
    BOOST_CHECK_THROW(client.send({"GET", "http://user:pw@127.0.0.1/", {}, "", 1000ms}), net::InvalidUrl);
    auto p = net::parse_http_url("https://Example.com/a/b?c=d");
    BOOST_TEST(p.port == 443);
    BOOST_TEST(p.target == "/a/b?c=d");
    BOOST_TEST(net::parse_http_url("http://[::1]:8080").host == "::1");
    BOOST_TEST(net::parse_http_url("http://[::1]:8080").target == "/");
}

BOOST_AUTO_TEST_CASE(tls_handshake_against_plain_http_fails_before_sending) {
    test::LoopbackHttpServer srv(echo);
    net::HttpClient client;
    try {
        client.send({"GET", "https://127.0.0.1:" + std::to_string(srv.port()) + "/", {}, "", 3000ms});
        BOOST_FAIL("expected a TLS failure");
    } catch (const net::TransportError &e) {
        BOOST_TEST(!e.sent);
        BOOST_TEST(std::string(e.what()).find("TLS") != std::string::npos);
    }
}
