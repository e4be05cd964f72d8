// End-to-end tests of who owns a Tracker link's status (plugin README, "Stages and who owns a
// link's status"): `ats-host sync` against ats-sandbox, with a Tracker recruiter and a Workable
// recruiter acting through the sandbox's admin API between syncs.
#define BOOST_TEST_MODULE tracker_workable_ownership_e2e
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <thread>

#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using namespace std::chrono_literals;

namespace {

std::string text(const json::value &v) {
    return v.is_string() ? std::string(v.get_string()) : v.is_null() ? std::string() : json::serialize(v);
}

EnvOptions world() { return sized_world(31, 6, 60, 40, 10); }

// A synced PENDING application whose link still has the status the sync wrote ("Applied").
json::object untouched_pending(Sandbox &sb) {
    const json::value expected = sb.admin_get("expected");
    for (const auto &a : expected.at("applications").as_array()) {
        const auto &o = a.as_object();
        if (o.at("outcome") == "PENDING" && !o.at("existing_link_id").is_null() &&
            o.at("expected_status_by_stage") == "Applied")
            return o;
    }
    BOOST_FAIL("no synced PENDING application at Applied in the sandbox");
    return {};
}

std::string link_status(Sandbox &sb, int64_t link_id) {
    json::object state = sb.admin_get("state").as_object();
    std::map<int64_t, std::string> names;
    for (const auto &s : state.at("tracker").at("settings").at("opportunityResourceStatuses").as_array())
        names[num(s.at("Id"))] = text(s.at("Name"));
    for (const auto &l : state.at("tracker").at("links").as_array())
        if (num(l.at("id")) == link_id) return names[num(l.at("statusid"))];
    return "(no such link)";
}

void recruiter_sets(Sandbox &sb, int64_t link, const std::string &status) {
    sb.admin_post("tracker/link_status", json::object{{"link_id", link}, {"status", status}});
}

void workable_changes(Sandbox &sb, const std::string &app, json::object change) {
    change["application_id"] = app;
    sb.admin_post("workable/application", change);
}

int64_t writes_of(Sandbox &sb, const char *method) { return tracker_requests_by_method(sb)[method]; }

} // namespace

BOOST_AUTO_TEST_CASE(a_recruiters_status_survives_an_unchanged_resync) {
    HybridEnv env(world());
    parse_summary(env.sync());
    json::object a = untouched_pending(env.sandbox());
    const int64_t link = num(a.at("existing_link_id"));
    recruiter_sets(env.sandbox(), link, "Shortlisted");
    const int64_t updates = writes_of(env.sandbox(), "updateRecord");
    json::object s = parse_summary(env.sync());
    BOOST_TEST(link_status(env.sandbox(), link) == "Shortlisted");
    BOOST_TEST(num(s.at("statuses").at("written")) == 0);
    BOOST_TEST(writes_of(env.sandbox(), "updateRecord") == updates);
}

BOOST_AUTO_TEST_CASE(workable_moving_to_interview_moves_an_untouched_link_to_interview) {
    HybridEnv env(world());
    parse_summary(env.sync());
    json::object a = untouched_pending(env.sandbox());
    const int64_t link = num(a.at("existing_link_id"));
    BOOST_TEST_REQUIRE(link_status(env.sandbox(), link) == "Applied");
    workable_changes(env.sandbox(), text(a.at("application_id")), json::object{{"stage", "Interview"}});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(link_status(env.sandbox(), link) == "Interview");
    BOOST_TEST(num(s.at("statuses").at("written")) == 1);
    BOOST_TEST(num(s.at("statuses").at("replaced")) == 0);
}

BOOST_AUTO_TEST_CASE(a_recruiters_status_is_kept_over_a_stage_change_but_hired_wins_and_is_reported) {
    HybridEnv env(world());
    parse_summary(env.sync());
    json::object a = untouched_pending(env.sandbox());
    const std::string app = text(a.at("application_id"));
    const int64_t link = num(a.at("existing_link_id"));
    recruiter_sets(env.sandbox(), link, "Shortlisted");
    // A stage change in Workable: the recruiter's status stays, and the summary says so.
    workable_changes(env.sandbox(), app, json::object{{"stage", "Offer"}});
    json::object kept = parse_summary(env.sync());
    BOOST_TEST(link_status(env.sandbox(), link) == "Shortlisted");
    BOOST_TEST(num(kept.at("statuses").at("kept_recruiter")) == 1);
    BOOST_REQUIRE_EQUAL(kept.at("statuses_kept").as_array().size(), 1u);
    BOOST_TEST(text(kept.at("statuses_kept").as_array()[0].at("application_id")) == app);
    // HIRED: a terminal outcome replaces the recruiter's status, and the summary names what it replaced.
    workable_changes(env.sandbox(), app, json::object{{"outcome", "HIRED"}});
    json::object hired = parse_summary(env.sync());
    BOOST_TEST(link_status(env.sandbox(), link) == "Accepted");
    BOOST_REQUIRE_EQUAL(hired.at("statuses_replaced").as_array().size(), 1u);
    const auto &r = hired.at("statuses_replaced").as_array()[0].as_object();
    BOOST_TEST(text(r.at("application_id")) == app);
    BOOST_TEST(r.at("replaced") == "Shortlisted");
    BOOST_TEST(r.at("with") == "Accepted");
}

// The status write reaches Tracker but its answer never comes back; the sync is killed; Workable
// reverts. The next run must find out that the write happened (its intent) and put Tracker back
// in step with Workable - not leave the reverted application at Accepted forever.
BOOST_AUTO_TEST_CASE(stalled_status_write_then_sigkill_then_workable_revert_converges) {
    EnvOptions o = world();
    o.tracker_timeout_ms = 120000; // the sync waits on the stalled answer until it is killed
    HybridEnv env(o);
    parse_summary(env.sync());
    json::object a = untouched_pending(env.sandbox());
    const std::string app = text(a.at("application_id"));
    const int64_t link = num(a.at("existing_link_id"));
    const json::string stage = a.at("stage").is_string() ? a.at("stage").get_string() : json::string();

    env.sandbox().admin_post(
        "faults", json::object{{"tracker", json::object{{"updateRecord", json::object{{"rate", 1.0},
                                                                                      {"kinds", json::array{"stall"}},
                                                                                      {"stall_ms", 60000}}}}}});
    workable_changes(env.sandbox(), app, json::object{{"outcome", "HIRED"}});
    const int64_t before = writes_of(env.sandbox(), "updateRecord");
    auto child = env.start_sync();
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (writes_of(env.sandbox(), "updateRecord") == before && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    BOOST_TEST_REQUIRE(writes_of(env.sandbox(), "updateRecord") > before);
    child->kill(SIGKILL);
    child->wait(30s);
    env.sandbox().admin_post("faults", json::object{});
    BOOST_TEST(link_status(env.sandbox(), link) == "Accepted"); // Tracker applied it

    workable_changes(env.sandbox(), app, json::object{{"outcome", "PENDING"}});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("intents").at("confirmed")) >= 1);
    BOOST_TEST(link_status(env.sandbox(), link) == "Applied");
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    // And it stays converged.
    json::object again = parse_summary(env.sync(true));
    BOOST_TEST(link_status(env.sandbox(), link) == "Applied");
    BOOST_TEST(num(again.at("statuses").at("written")) == 0);
}
