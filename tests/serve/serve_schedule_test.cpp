// serve_schedule_test.cpp - scheduled FULL reconciliations (manifest sync.full_every_seconds,
// default daily): with a 1 s interval the probe provider gets sync {"full": true} runs from the
// schedule, visible in GET .../sync (schedule.next_full_run_at, schedule.last_full_run); a tenant
// without the setting shows the daily default; POST .../sync passes retry_quarantined through.
#define BOOST_TEST_MODULE serve_schedule
#include <boost/test/unit_test.hpp>

#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <thread>

using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

BOOST_AUTO_TEST_CASE(a_full_sync_runs_on_schedule_and_get_sync_shows_it) {
    ServeSetup setup;
    setup.manifests["acme"] =
        R"({"tenant_id":"acme","provider":"serve_probe","provider_config":{"records":3},"sync":{"full_every_seconds":1}})";
    ServeInstance s(setup);
    ExchangeRecorder rec(s);
    const std::string P = "/v1/tenants/{tenant}/sync";

    // Within a few seconds: a scheduled run, full, whose summary says so.
    json::object scheduled;
    for (int i = 0; i < 100 && scheduled.empty(); ++i) {
        auto runs = json_body(s.get("/v1/tenants/acme/sync", "acme-token-1")).as_object().at("runs").as_array();
        for (const auto &r : runs) {
            const auto &o = r.as_object();
            if (o.at("trigger") == "schedule" && o.at("status") == "succeeded") scheduled = o;
        }
        if (scheduled.empty()) std::this_thread::sleep_for(100ms);
    }
    BOOST_REQUIRE_MESSAGE(!scheduled.empty(), "no scheduled run within 10 s");
    BOOST_TEST(scheduled.at("full").as_bool());
    BOOST_TEST(scheduled.at("summary").at("mode").as_string() == "full");

    auto got = rec.call("GET", P, "/v1/tenants/acme/sync", "acme-token-1");
    auto schedule = json_body(got).as_object().at("schedule").as_object();
    BOOST_TEST(schedule.at("full_every_seconds").as_int64() == 1);
    BOOST_TEST(schedule.at("next_full_run_at").is_string());
    BOOST_TEST(schedule.at("interval_seconds").is_null()); // no incremental schedule configured
    BOOST_REQUIRE(schedule.at("last_full_run").is_object());
    BOOST_TEST(schedule.at("last_full_run").at("full").as_bool());

    // It keeps running on schedule: more full runs follow.
    std::this_thread::sleep_for(2500ms);
    size_t full_runs = 0;
    const json::array later =
        json_body(s.get("/v1/tenants/acme/sync", "acme-token-1")).as_object().at("runs").as_array();
    for (const auto &r : later)
        if (r.at("trigger") == "schedule" && r.at("full").as_bool()) ++full_runs;
    BOOST_TEST(full_runs >= 2u);

    // The other tenant has no sync settings: a daily full run, first one a day out.
    auto beta = json_body(s.get("/v1/tenants/beta/sync", "beta-token-1")).as_object();
    const auto &beta_schedule = beta.at("schedule").as_object();
    if (!beta_schedule.at("full_every_seconds").is_null()) // the alt probe may not support sync
        BOOST_TEST(beta_schedule.at("full_every_seconds").as_int64() == 86400);
    BOOST_TEST(beta_schedule.at("last_full_run").is_null());

    // POST .../sync passes retry_quarantined through (409 when a scheduled run is going: retry).
    json::object run;
    for (int i = 0; i < 50 && run.empty(); ++i) {
        auto started = rec.call("POST", P, "/v1/tenants/acme/sync", "acme-token-1", R"({"retry_quarantined":true})");
        if (started.status == 202)
            run = json_body(started).as_object().at("run").as_object();
        else
            std::this_thread::sleep_for(50ms);
    }
    BOOST_REQUIRE(!run.empty());
    BOOST_TEST(run.at("retry_quarantined").as_bool());
    BOOST_TEST(!run.at("full").as_bool());
    auto bad = rec.call("POST", P, "/v1/tenants/acme/sync", "acme-token-1", R"({"retry_quarantined":"yes"})");
    BOOST_TEST(bad.status == 400);
    rec.check_against_openapi(true);
}
