// Every fault kind injected through /_sandbox/faults and observed by a real HTTP client.
#define BOOST_TEST_MODULE sandbox_faults
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

#include <chrono>
#include <thread>

using namespace sandbox_test;
using ats::test::Sandbox;
using Clock = std::chrono::steady_clock;

namespace {
void faults(Sandbox &sb, const std::string &service, const std::string &endpoint, json::object rule) {
    sb.admin_post("faults", json::object{{service, json::object{{endpoint, std::move(rule)}}}});
}

json::object always(const char *kind) { return json::object{{"rate", 1.0}, {"kinds", json::array{kind}}}; }

const char *kSettings = R"({"trackerrms":{"getSettings":{"credentials":{"apikey":"sandbox-tracker-key"}}}})";
} // namespace

BOOST_AUTO_TEST_CASE(http_error_statuses_both_services) {
    Sandbox sb;
    for (const char *kind : {"500", "502", "503"}) {
        faults(sb, "kombo", "/ats/applications", always(kind));
        auto r = sb.kombo_get("/ats/applications");
        BOOST_TEST(r.status == std::stoi(kind));
        auto body = parse(r.body);
        BOOST_TEST(s(body, "status") == "error");
        BOOST_TEST(!s(body.at("error"), "code").empty());
        faults(sb, "tracker", "getSettings", always(kind));
        BOOST_TEST(sb.tracker_raw("/api/widget/getSettings", kSettings).status == std::stoi(kind));
    }
    // A rule for one endpoint leaves the others alone.
    BOOST_TEST(sb.kombo_get("/ats/jobs").status == 200);
}

BOOST_AUTO_TEST_CASE(rate_limit_429_with_service_headers) {
    Sandbox sb;
    faults(sb, "kombo", "*", always("429"));
    auto r = sb.kombo_get("/ats/candidates");
    BOOST_TEST(r.status == 429);
    BOOST_TEST(s(parse(r.body).at("error"), "code") == "PLATFORM.RATE_LIMIT_EXCEEDED");
    BOOST_TEST(!r.header("ratelimit-limit").empty());
    BOOST_TEST(r.header("ratelimit-remaining") == "0");
    BOOST_TEST(!r.header("ratelimit-reset").empty());
    faults(sb, "tracker", "*", always("429"));
    auto t = sb.tracker_raw("/api/widget/getSettings", kSettings);
    BOOST_TEST(t.status == 429);
    BOOST_TEST(!t.header("Retry-After").empty()); // A10
}

BOOST_AUTO_TEST_CASE(budget_rate_limit_behaves_like_a_window) {
    Sandbox sb;
    faults(sb, "kombo", "*", json::object{{"budget", json::object{{"requests", 5}, {"window_ms", 1500}}}});
    int ok = 0, limited = 0;
    std::string last_remaining;
    for (int i = 0; i < 8; ++i) {
        auto r = sb.kombo_get("/ats/jobs");
        if (r.status == 200) {
            ++ok;
            BOOST_TEST(r.header("ratelimit-remaining") == std::to_string(5 - ok));
        }
        if (r.status == 429) {
            ++limited;
            last_remaining = r.header("ratelimit-remaining");
            BOOST_TEST(r.header("ratelimit-limit") == "5");
        }
    }
    BOOST_TEST(ok == 5);
    BOOST_TEST(limited == 3);
    BOOST_TEST(last_remaining == "0");
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    BOOST_TEST(sb.kombo_get("/ats/jobs").status == 200); // a new window
}

BOOST_AUTO_TEST_CASE(latency_is_added) {
    Sandbox sb;
    faults(sb, "kombo", "/check-api-key", json::object{{"latency_ms", 300}});
    auto start = Clock::now();
    BOOST_TEST(sb.kombo_get("/check-api-key").status == 200);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() >= 300);
}

BOOST_AUTO_TEST_CASE(connection_reset_truncated_and_stall_are_transport_errors) {
    Sandbox sb;
    faults(sb, "kombo", "/ats/jobs", always("reset"));
    BOOST_CHECK_THROW(sb.kombo_get("/ats/jobs"), ats::net::TransportError);
    faults(sb, "kombo", "/ats/jobs", always("truncated"));
    BOOST_CHECK_THROW(sb.kombo_get("/ats/jobs"), ats::net::TransportError);
    faults(sb, "kombo", "/ats/jobs", json::object{{"rate", 1.0}, {"kinds", json::array{"stall"}}, {"stall_ms", 3000}});
    ats::net::HttpRequest req;
    req.url = sb.kombo_url() + "/ats/jobs";
    req.headers = {{"Authorization", "Bearer sandbox-kombo-key"}, {"X-Integration-Id", "workable:sandbox"}};
    req.timeout = std::chrono::milliseconds(500);
    try {
        sb.send(req);
        BOOST_FAIL("stall answered");
    } catch (const ats::net::TransportError &e) {
        BOOST_TEST(e.timed_out);
    }
    auto counters = json::serialize(sb.admin_get("counters"));
    for (const char *kind : {"reset", "truncated", "stall"}) BOOST_TEST(counters.find(kind) != std::string::npos, kind);
}

BOOST_AUTO_TEST_CASE(malformed_json_body) {
    Sandbox sb;
    faults(sb, "tracker", "getSettings", always("malformed"));
    auto r = sb.tracker_raw("/api/widget/getSettings", kSettings);
    BOOST_TEST(r.status == 200);
    boost::system::error_code ec;
    json::parse(r.body, ec);
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(writes_happen_when_the_response_is_lost) {
    Sandbox sb;
    faults(sb, "tracker", "createResource", always("reset"));
    std::string body =
        R"({"trackerrms":{"createResource":{"credentials":{"apikey":"sandbox-tracker-key"},"resource":{"firstname":"Lost","lastname":"Reply","email":"lost.reply@example.com"}}}})";
    BOOST_CHECK_THROW(sb.tracker_raw("/api/widget/createResource", body), ats::net::TransportError);
    sb.admin_post("faults", json::object{});
    auto found =
        sb.tracker("checkPerson", json::object{{"details", json::object{{"email", "lost.reply@example.com"}}}});
    BOOST_TEST(n(found, "count") == 1); // the outcome was unknown to the client, but the write happened
}

BOOST_AUTO_TEST_CASE(draws_are_deterministic_and_max_limits_faults) {
    auto pattern = [] {
        Sandbox sb;
        sb.admin_post("faults",
                      json::object{{"kombo", json::object{{"*", json::object{{"rate", 0.5},
                                                                             {"kinds", json::array{"500", "503"}},
                                                                             {"seed", 42}}}}}});
        std::string out;
        for (int i = 0; i < 24; ++i) out += std::to_string(sb.kombo_get("/check-api-key").status) + ",";
        return out;
    };
    std::string a = pattern();
    BOOST_TEST(a == pattern());
    BOOST_TEST(a.find("200") != std::string::npos);
    BOOST_TEST(a.find("50") != std::string::npos);
    Sandbox sb;
    sb.admin_post(
        "faults",
        json::object{
            {"kombo", json::object{{"*", json::object{{"rate", 1.0}, {"kinds", json::array{"503"}}, {"max", 2}}}}}});
    BOOST_TEST(sb.kombo_get("/check-api-key").status == 503);
    BOOST_TEST(sb.kombo_get("/check-api-key").status == 503);
    BOOST_TEST(sb.kombo_get("/check-api-key").status == 200);
    // Bad configurations are refused, naming the field.
    ats::net::HttpRequest bad;
    bad.method = "POST";
    bad.url = sb.tracker_url() + "/_sandbox/faults";
    bad.body = R"({"kombo":{"*":{"rate":1,"kinds":["teapot"]}}})";
    auto r = sb.send(bad);
    BOOST_TEST(r.status == 400);
    BOOST_TEST(r.body.find("teapot") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tracker_concurrency_limit_queues_requests) {
    Sandbox::Options options;
    options.latency_ms = 200;
    options.tracker_concurrency = 1;
    Sandbox sb(options);
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back([&] { sb.tracker_raw("/api/widget/getSettings", kSettings); });
    for (auto &t : threads) t.join();
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    BOOST_TEST(elapsed >= 600); // one at a time: 3 x 200 ms
    // Kombo is not limited.
    start = Clock::now();
    threads.clear();
    for (int i = 0; i < 3; ++i) threads.emplace_back([&] { sb.kombo_get("/check-api-key"); });
    for (auto &t : threads) t.join();
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() < 550);
}
