// Tracker clock skew (--tracker-clock-skew-ms, POST /_sandbox/clock) and the targeted admin
// mutations e2e tests use: workable/application (stage, outcome, backdating), tracker/link_status,
// tracker/resource_field.
#define BOOST_TEST_MODULE sandbox_admin
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

using namespace sandbox_test;
using ats::test::Sandbox;

namespace {
json::value first_row(Sandbox &sb, json::object instructions) {
    auto r = sb.tracker("getRecords", json::object{{"instructions", std::move(instructions)}});
    BOOST_TEST_REQUIRE(n(r, "status") == 0);
    BOOST_TEST_REQUIRE(!r.at("results").as_array().empty());
    return r.at("results").as_array()[0];
}

int64_t create_resource(Sandbox &sb, const std::string &email) {
    auto r = sb.tracker(
        "createResource",
        json::object{{"resource", json::object{{"firstname", "Skew"}, {"lastname", "Test"}, {"email", email}}}});
    BOOST_TEST_REQUIRE(n(r, "status") == 0);
    return n(r, "recordId");
}
} // namespace

BOOST_AUTO_TEST_CASE(tracker_clock_skew_applies_to_what_tracker_writes_and_to_updatedafter) {
    Sandbox::Options options;
    options.extra_args = {"--tracker-clock-skew-ms", "7200000"}; // Tracker two hours ahead
    Sandbox sb(options);
    auto clock = sb.admin_get("clock");
    BOOST_TEST(n(clock, "tracker_skew_ms") == 7200000);
    int64_t ahead = create_resource(sb, "ahead@example.com");
    auto row = first_row(sb, json::object{{"recordtype", "R"}, {"recordid", ahead}});
    // Written with Tracker's (skewed) clock: the same minute as tracker_now_local, not as now.
    BOOST_TEST(s(row, "lastupdated").substr(0, 16) == s(clock, "tracker_now_local").substr(0, 16));
    // updatedafter is evaluated on Tracker's clock too: the row is found from tracker_now_local.
    auto found =
        sb.tracker("getRecords",
                   json::object{{"instructions",
                                 json::object{{"recordtype", "R"},
                                              {"updatedafter", s(clock, "tracker_now_local").substr(0, 16) + ":00"}}}});
    BOOST_TEST(n(found, "count") >= 1);

    // Behind by two hours now: a new resource is stamped four hours earlier than the first one.
    auto set = sb.admin_post("clock", json::object{{"tracker_skew_ms", -7200000}});
    BOOST_TEST(n(set, "tracker_skew_ms") == -7200000);
    int64_t behind = create_resource(sb, "behind@example.com");
    auto later = first_row(sb, json::object{{"recordtype", "R"}, {"recordid", behind}});
    BOOST_TEST(s(later, "lastupdated") < s(row, "lastupdated"));
    auto none =
        sb.tracker("getRecords", json::object{{"instructions", json::object{{"recordtype", "R"},
                                                                            {"updatedafter", s(row, "lastupdated")},
                                                                            {"recordids", std::to_string(behind)}}}});
    BOOST_TEST(n(none, "count") == 0);
    BOOST_TEST(sb.admin_get("state").at("tracker_skew_ms").to_number<int64_t>() == -7200000);
    sb.admin_post("reset", json::object{});
    BOOST_TEST(n(sb.admin_get("clock"), "tracker_skew_ms") == 7200000); // back to the option
}

BOOST_AUTO_TEST_CASE(workable_application_moves_stage_and_outcome_and_can_be_backdated) {
    Sandbox sb;
    auto apps = parse(sb.kombo_get("/ats/applications?page_size=5").body).at("data").at("results").as_array();
    std::string id = s(apps[0], "id");
    auto moved = sb.admin_post("workable/application",
                               json::object{{"application_id", id}, {"stage", "Interview"}, {"outcome", "PENDING"}});
    BOOST_TEST(s(moved, "application_id") == id);
    auto again = parse(sb.kombo_get("/ats/applications?ids=" + id).body).at("data").at("results").as_array();
    BOOST_TEST(s(again[0].at("current_stage"), "name") == "Interview");
    BOOST_TEST(s(again[0], "outcome") == "PENDING");
    // Backdated by two hours: a checkpoint one hour ago misses it, one three hours ago sees it.
    sb.admin_post("workable/application",
                  json::object{{"application_id", id}, {"stage", "Offer"}, {"backdate_seconds", 7200}});
    auto state = sb.admin_get("state");
    int64_t changed = 0;
    for (const auto &a : state.at("kombo").at("applications").as_array())
        if (s(a, "id") == id) changed = n(a, "changed_ms");
    auto iso = [](int64_t ms) {
        std::time_t t = static_cast<std::time_t>(ms / 1000);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
        return std::string(buf);
    };
    auto after_change =
        parse(sb.kombo_get("/ats/applications?ids=" + id + "&updated_after=" + iso(changed + 3600 * 1000)).body);
    BOOST_TEST(after_change.at("data").at("results").as_array().empty());
    auto before_change =
        parse(sb.kombo_get("/ats/applications?ids=" + id + "&updated_after=" + iso(changed - 1000)).body);
    BOOST_TEST(before_change.at("data").at("results").as_array().size() == 1u);
    BOOST_TEST(s(before_change.at("data").at("results").as_array()[0].at("current_stage"), "name") == "Offer");
    // Unknown stages and fields are refused with the list of what exists.
    BOOST_CHECK_THROW(sb.admin_post("workable/application", json::object{{"application_id", id}, {"stage", "Nope"}}),
                      std::runtime_error);
    BOOST_CHECK_THROW(sb.admin_post("workable/application", json::object{{"application_id", id}, {"colour", "red"}}),
                      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(tracker_recruiter_edits_bump_lastupdated_and_stay_indexed) {
    Sandbox sb;
    auto link = first_row(sb, json::object{{"recordtype", "OR"}});
    sb.admin_post("mutate", json::object{{"advance_seconds", 5}});
    auto set = sb.admin_post("tracker/link_status", json::object{{"link_id", n(link, "id")}, {"status", "Interview"}});
    BOOST_TEST(s(set, "status") == "Interview");
    auto after = first_row(sb, json::object{{"recordtype", "OR"}, {"recordid", n(link, "id")}});
    BOOST_TEST(s(after, "status") == "Interview");
    BOOST_TEST(s(after, "lastupdated") > s(link, "lastupdated"));
    BOOST_CHECK_THROW(
        sb.admin_post("tracker/link_status", json::object{{"link_id", n(link, "id")}, {"status", "Nope"}}),
        std::runtime_error);

    int64_t rid = n(link, "resourceid");
    sb.admin_post("tracker/resource_field",
                  json::object{{"resource_id", rid}, {"field", "hometelephone"}, {"value", "+44 7409 555 001"}});
    auto match = sb.tracker("checkPerson", json::object{{"details", json::object{{"phone", "447409555001"}}}});
    BOOST_TEST(n(match, "recordId") == rid); // the contact index follows the edit
    sb.admin_post("tracker/resource_field",
                  json::object{{"resource_id", rid}, {"custom_field", "Notice Period"}, {"value", "4 weeks"}});
    auto r = first_row(sb, json::object{{"recordtype", "R"}, {"recordid", rid}});
    bool notice = false;
    for (const auto &cf : r.at("customfields").as_array())
        notice = notice || (s(cf, "name") == "Notice Period" && s(cf, "value") == "4 weeks");
    BOOST_TEST(notice);
}
