// Host services behind the ABI table: the HTTP policy (retries, Retry-After, ratelimit-reset,
// budget, egress allow-list), the SQLite state store and the flock locks.
#define BOOST_TEST_MODULE host_services
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "host_error.hpp"
#include "http_service.hpp"
#include "http_test_server.hpp"
#include "lock_manager.hpp"
#include "sqlite_state_store.hpp"
#include "temp_dir.hpp"

#include "ats_plugin.h"

#include <atomic>
#include <thread>

using namespace ats;
using namespace std::chrono_literals;

namespace {

host::HostPolicy policy(int attempts = 4, int64_t base_ms = 10, int64_t budget_ms = 5000) {
    host::HostPolicy p;
    p.egress_allow = {"127.0.0.1"};
    p.retry.max_attempts = attempts;
    p.retry.base_delay_ms = base_ms;
    p.retry.max_wait_ms = budget_ms;
    p.http_timeout_ms = 5000;
    return p;
}

// Answers the first `failures` requests with `status` (+ headers), then 200.
struct Flaky {
    std::atomic<int> seen{0};
    int failures;
    int status;
    std::vector<std::pair<std::string, std::string>> headers;
    test::LoopbackHttpServer srv;
    Flaky(int failures, int status, std::vector<std::pair<std::string, std::string>> h = {})
        : failures(failures), status(status), headers(std::move(h)), srv([this](const test::TestRequest &) {
              test::TestResponse r;
              if (seen.fetch_add(1) < this->failures) {
                  r.status = this->status;
                  r.headers = this->headers;
                  r.body = "try later";
              } else {
                  r.body = "ok";
              }
              return r;
          }) {}
};

net::HttpRequest get(const std::string &url) {
    net::HttpRequest r;
    r.url = url;
    r.timeout = 0ms; // the policy's
    return r;
}

using ats::test::contains;

} // namespace

BOOST_AUTO_TEST_CASE(idempotent_requests_are_retried_on_503_until_success) {
    Flaky f(2, 503);
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
    auto out = http.send(get(f.srv.url("/x")), true, {}, {});
    BOOST_TEST(out.response.status == 200);
    BOOST_TEST(out.attempts == 3);
    BOOST_TEST(http.total_attempts() == 3u);
    BOOST_TEST(f.seen.load() == 3);
}

BOOST_AUTO_TEST_CASE(every_retryable_status_is_retried_and_others_are_not) {
    for (int status : {429, 500, 502, 503, 504}) {
        Flaky f(1, status);
        host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
        BOOST_TEST(http.send(get(f.srv.url("/")), true, {}, {}).attempts == 2, "status " << status);
    }
    for (int status : {400, 401, 404, 409, 501}) {
        Flaky f(1, status);
        host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
        auto out = http.send(get(f.srv.url("/")), true, {}, {});
        BOOST_TEST(out.attempts == 1);
        BOOST_TEST(out.response.status == status);
    }
}

BOOST_AUTO_TEST_CASE(non_idempotent_requests_are_sent_once) {
    Flaky f(1, 503);
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
    auto req = get(f.srv.url("/create"));
    req.method = "POST";
    auto out = http.send(req, false, {}, {});
    BOOST_TEST(out.response.status == 503);
    BOOST_TEST(out.attempts == 1);
}

BOOST_AUTO_TEST_CASE(a_429_is_retried_even_for_a_non_idempotent_request) {
    Flaky f(1, 429); // refused before any work: repeating it cannot write twice
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
    auto req = get(f.srv.url("/create"));
    req.method = "POST";
    auto out = http.send(req, false, {}, {});
    BOOST_TEST(out.response.status == 200);
    BOOST_TEST(out.attempts == 2);
}

BOOST_AUTO_TEST_CASE(attempts_are_capped_and_the_last_response_is_returned) {
    Flaky f(100, 502);
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy(3));
    auto out = http.send(get(f.srv.url("/")), true, {}, {});
    BOOST_TEST(out.response.status == 502);
    BOOST_TEST(out.attempts == 3);
    BOOST_TEST(f.seen.load() == 3);
}

BOOST_AUTO_TEST_CASE(retry_after_and_ratelimit_reset_are_honoured) {
    {
        Flaky f(1, 429, {{"Retry-After", "1"}});
        host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
        auto t0 = std::chrono::steady_clock::now();
        BOOST_TEST(http.send(get(f.srv.url("/")), true, {}, {}).response.status == 200);
        BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 1000ms));
    }
    {
        Flaky f(1, 429, {{"ratelimit-reset", "1"}, {"ratelimit-remaining", "0"}});
        host::TenantHttp http(std::make_shared<net::HttpClient>(), policy());
        auto t0 = std::chrono::steady_clock::now();
        BOOST_TEST(http.send(get(f.srv.url("/")), true, {}, {}).response.status == 200);
        BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 1000ms));
    }
    net::HttpResponse r;
    r.headers = {{"Retry-After", "Thu, 01 Jan 1970 00:01:40 GMT"}};
    BOOST_TEST(host::TenantHttp::server_wait_ms(r, 90) == 10000);
}

BOOST_AUTO_TEST_CASE(a_wait_beyond_the_budget_is_not_taken) {
    Flaky f(1, 429, {{"Retry-After", "30"}});
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy(4, 10, 2000));
    std::vector<std::string> logs;
    auto t0 = std::chrono::steady_clock::now();
    auto out = http.send(get(f.srv.url("/")), true, {}, [&](int, const std::string &m) { logs.push_back(m); });
    BOOST_TEST(out.response.status == 429); // handed to the plugin, which maps it to RATE_LIMITED
    BOOST_TEST(out.attempts == 1);
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1000ms));
    bool said = false;
    for (const auto &l : logs) said = said || contains(l, "retry budget");
    BOOST_TEST(said);
}

BOOST_AUTO_TEST_CASE(transport_errors_are_retried_then_reported_as_transient) {
    unsigned short port;
    {
        test::LoopbackHttpServer gone([](const test::TestRequest &) { return test::TestResponse{}; });
        port = gone.port();
    }
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy(3));
    try {
        http.send(get("http://127.0.0.1:" + std::to_string(port) + "/a?token=secret"), false, {}, {});
        BOOST_FAIL("expected a transient error");
    } catch (const host::HostError &e) {
        BOOST_TEST(e.status() == ATS_ERR_TRANSIENT);
        BOOST_TEST(contains(e.what(), "after 3 attempts")); // never sent: retried even though not idempotent
        BOOST_TEST(!contains(e.what(), "token=secret"));    // no query strings in messages
    }
}

BOOST_AUTO_TEST_CASE(cancellation_interrupts_the_backoff) {
    Flaky f(100, 503);
    host::TenantHttp http(std::make_shared<net::HttpClient>(), policy(10, 2000, 60000));
    std::atomic<bool> cancel{false};
    std::thread t([&] {
        std::this_thread::sleep_for(200ms);
        cancel = true;
    });
    auto t0 = std::chrono::steady_clock::now();
    BOOST_CHECK_EXCEPTION(http.send(get(f.srv.url("/")), true, [&] { return cancel.load(); }, {}), host::HostError,
                          [](const host::HostError &e) { return e.status() == ATS_ERR_CANCELLED; });
    t.join();
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1500ms));
}

BOOST_AUTO_TEST_CASE(the_egress_allow_list_is_enforced) {
    Flaky f(0, 200);
    auto p = policy();
    p.egress_allow = {"api.example.com", "*.kombo.dev", "127.0.0.1:1"};
    host::TenantHttp http(std::make_shared<net::HttpClient>(), p);
    BOOST_CHECK_EXCEPTION(http.send(get(f.srv.url("/")), true, {}, {}), host::HostError, [](const host::HostError &e) {
        return e.status() == ATS_ERR_FORBIDDEN && contains(e.what(), "egress allow-list") &&
               contains(e.what(), "127.0.0.1");
    });
    BOOST_TEST(f.seen.load() == 0);
    host::EgressAllowList allow(p.egress_allow);
    BOOST_TEST(allow.allows("API.example.com", 443));
    BOOST_TEST(allow.allows("api.kombo.dev", 443));
    BOOST_TEST(!allow.allows("kombo.dev", 443));
    BOOST_TEST(!allow.allows("evil.com", 443));
    BOOST_TEST(allow.allows("127.0.0.1", 1));
    BOOST_TEST(!allow.allows("127.0.0.1", 2));
    BOOST_TEST(!host::EgressAllowList({}).allows("127.0.0.1", 80));
}

BOOST_AUTO_TEST_CASE(max_concurrency_caps_requests_in_flight) {
    std::atomic<int> now{0}, peak{0};
    test::LoopbackHttpServer srv([&](const test::TestRequest &) {
        int n = ++now;
        int p = peak.load();
        while (n > p && !peak.compare_exchange_weak(p, n)) {}
        std::this_thread::sleep_for(30ms);
        --now;
        return test::TestResponse{};
    });
    auto p = policy();
    p.max_concurrency = 2;
    host::TenantHttp http(std::make_shared<net::HttpClient>(), p);
    std::vector<std::thread> ts;
    for (int i = 0; i < 6; ++i)
        ts.emplace_back([&] {
            for (int k = 0; k < 3; ++k) http.send(get(srv.url("/")), true, {}, {});
        });
    for (auto &t : ts) t.join();
    BOOST_TEST(peak.load() <= 2);
    BOOST_TEST(http.max_in_flight_seen() == 2);
    BOOST_TEST(http.total_attempts() == 18u);
}

BOOST_AUTO_TEST_CASE(state_store_get_apply_scan) {
    test::TempDir tmp("ats-state");
    host::SqliteStateStore s(tmp / "state.sqlite");
    std::string v;
    BOOST_TEST(!s.get("t1", "k", v));
    s.apply("t1", {{false, "id/b", "2"}, {false, "id/a", "1"}, {false, "id0", "x"}, {false, "other", "y"}});
    s.apply("t2", {{false, "id/a", "tenant two"}});
    BOOST_TEST(s.get("t1", "id/a", v));
    BOOST_TEST(v == "1");
    std::vector<std::string> keys;
    s.scan("t1", "id/", [&](const std::string &k, const std::string &) {
        keys.push_back(k);
        return true;
    });
    BOOST_TEST(keys == (std::vector<std::string>{"id/a", "id/b"})); // byte order, prefix only, tenant only
    s.apply("t1", {{true, "id/a", ""}, {false, "id/b", "3"}});
    BOOST_TEST(!s.get("t1", "id/a", v));
    BOOST_TEST(s.get("t1", "id/b", v));
    BOOST_TEST(v == "3");
    BOOST_TEST(s.get("t2", "id/a", v));
    BOOST_TEST(v == "tenant two");
    std::string bin("a\0b\xff", 4); // binary values and keys survive
    s.apply("t1", {{false, bin, bin}});
    BOOST_TEST(s.get("t1", bin, v));
    BOOST_TEST(v == bin);
}

BOOST_AUTO_TEST_CASE(state_survives_reopening_and_is_shared_between_connections) {
    test::TempDir tmp("ats-state");
    {
        host::SqliteStateStore s(tmp / "state.sqlite");
        s.apply("t", {{false, "checkpoint", "42"}});
    }
    host::SqliteStateStore a(tmp / "state.sqlite"), b(tmp / "state.sqlite");
    std::string v;
    BOOST_TEST(a.get("t", "checkpoint", v));
    BOOST_TEST(v == "42");
    b.apply("t", {{false, "checkpoint", "43"}}); // a second connection's write is seen by the first
    BOOST_TEST(a.get("t", "checkpoint", v));
    BOOST_TEST(v == "43");
    // Batches written through two connections at once never interleave: state_backend_test's
    // batches_are_atomic_between_instances checks it for every backend, SQLite included.
}

BOOST_AUTO_TEST_CASE(locks_exclude_each_other_and_name_the_holder) {
    test::TempDir tmp("ats-locks");
    host::LockManager locks(tmp / "locks");
    auto held = locks.acquire("acme", "sync", 0);
    try {
        locks.acquire("acme", "sync", 100);
        BOOST_FAIL("expected a conflict");
    } catch (const host::HostError &e) {
        BOOST_TEST(e.status() == ATS_ERR_CONFLICT);
        BOOST_TEST(contains(e.what(), "held by pid " + std::to_string(::getpid())));
    }
    auto other = locks.acquire("other-tenant", "sync", 0); // per tenant
    auto other_name = locks.acquire("acme", "oauth", 0);   // per name
    held.reset();
    BOOST_TEST((locks.acquire("acme", "sync", 0) != nullptr));
    BOOST_CHECK_THROW(locks.acquire("acme", "../escape", 0), host::HostError);
}
