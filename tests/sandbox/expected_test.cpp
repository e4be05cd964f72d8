// /_sandbox/expected against the generator's data: consistent, deterministic, following mutations;
// fixtures export and load the same world.
#define BOOST_TEST_MODULE sandbox_expected
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"
#include "temp_dir.hpp"

#include "paths.hpp"

#include <fstream>
#include <map>
#include <set>

using namespace sandbox_test;
using ats::test::Sandbox;

namespace {
std::string lower_trim(std::string v) {
    auto b = v.find_first_not_of(' '), e = v.find_last_not_of(' ');
    v = b == std::string::npos ? "" : v.substr(b, e - b + 1);
    for (auto &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v;
}

std::map<std::string, json::value> applications_by_id(Sandbox &sb) {
    std::map<std::string, json::value> out;
    auto body = parse(sb.kombo_get("/ats/applications?page_size=250&include_deleted=true").body);
    for (const auto &a : body.at("data").at("results").as_array()) out[s(a, "id")] = a;
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(expected_state_is_consistent_with_the_services) {
    Sandbox sb;
    auto expected = sb.admin_get("expected");
    auto apps = applications_by_id(sb);
    BOOST_TEST(apps.size() == 40u);
    std::size_t listed = expected.at("applications").as_array().size() + expected.at("pending").as_array().size() +
                         expected.at("deleted").as_array().size();
    BOOST_TEST(listed == apps.size());                      // every application is in exactly one list
    BOOST_TEST(!expected.at("pending").as_array().empty()); // an unmapped job exists (seed 1, 5 jobs)
    BOOST_TEST(!expected.at("deleted").as_array().empty());
    std::map<std::string, std::string> email_owner; // normalised email -> person
    for (const auto &row : expected.at("applications").as_array()) {
        const auto &app = apps.at(s(row, "application_id"));
        BOOST_TEST(app.at("remote_deleted_at").is_null());
        std::string outcome = s(app, "outcome");
        std::string status = s(row, "expected_status");
        BOOST_TEST(status == (outcome == "HIRED" ? "Accepted" : outcome == "DECLINED" ? "Declined" : "Applied"));
        // The opportunity exists in Tracker.
        auto opp =
            sb.tracker("getIndividualRecord",
                       json::object{{"instructions", json::object{{"recordtype", "O"},
                                                                  {"recordid", n(row, "tracker_opportunity_id")}}}});
        BOOST_TEST(n(opp, "status") == 0);
        for (const auto &e : app.at("candidate").at("email_addresses").as_array()) {
            auto [it, inserted] = email_owner.emplace(lower_trim(s(e, "email_address")), s(row, "person"));
            BOOST_TEST(it->second == s(row, "person")); // one email never belongs to two people
        }
    }
    for (const auto &row : expected.at("deleted").as_array())
        BOOST_TEST(!apps.at(s(row, "application_id")).at("remote_deleted_at").is_null());
    // People already in Tracker are named by their existing resource, whose details match.
    int existing = 0;
    for (const auto &p : expected.at("people").as_array()) {
        BOOST_TEST(p.at("candidate_ids").as_array().size() == p.at("application_ids").as_array().size());
        if (p.at("tracker_resource_id").is_null()) continue;
        ++existing;
        auto r = sb.tracker("getIndividualRecord",
                            json::object{{"instructions", json::object{{"recordtype", "R"},
                                                                       {"recordid", n(p, "tracker_resource_id")}}}});
        BOOST_TEST_REQUIRE(n(r, "status") == 0);
        const auto &details = r.at("results").as_array()[0].at("details");
        BOOST_TEST(s(details, "lastname") == s(p, "last_name"));
        std::string tracker_email = lower_trim(s(details, "email"));
        if (!tracker_email.empty() && email_owner.count(tracker_email))
            BOOST_TEST(email_owner[tracker_email] == s(p, "person"));
    }
    BOOST_TEST(existing > 0);
    // Exactly one expected application already has its Tracker link (made by hand before the sync).
    int with_link = 0;
    for (const auto &row : expected.at("applications").as_array()) {
        if (row.at("existing_link_id").is_null()) continue;
        ++with_link;
        auto link = sb.tracker("getIndividualRecord",
                               json::object{{"instructions", json::object{{"recordtype", "OR"},
                                                                          {"recordid", n(row, "existing_link_id")}}}});
        const auto &l = link.at("results").as_array()[0];
        BOOST_TEST(n(l, "resourceid") == n(row, "tracker_resource_id"));
        BOOST_TEST(n(l, "opportunityid") == n(row, "tracker_opportunity_id"));
    }
    BOOST_TEST(with_link == 1);
    // The pending status is a parameter.
    auto interview = sb.admin_get("expected?pending_status=Interview");
    for (const auto &row : interview.at("applications").as_array())
        BOOST_TEST((s(row, "expected_status") == "Interview" || s(row, "expected_status") == "Accepted" ||
                    s(row, "expected_status") == "Declined"));
}

BOOST_AUTO_TEST_CASE(mutations_move_the_expected_state) {
    Sandbox sb;
    auto before = sb.admin_get("expected");
    std::size_t pending = before.at("pending").as_array().size();
    auto linked = sb.admin_post("mutate", json::object{{"link_unmapped_job", true}});
    BOOST_TEST(!linked.at("linked").is_null());
    auto after = sb.admin_get("expected");
    BOOST_TEST(after.at("pending").as_array().size() < pending);
    BOOST_TEST(after.at("applications").as_array().size() ==
               before.at("applications").as_array().size() + pending - after.at("pending").as_array().size());
    // The newly linked opportunity carries the custom field and a newer lastupdated.
    int64_t opp = n(linked.at("linked"), "tracker_opportunity_id");
    auto row = sb.tracker("getIndividualRecord",
                          json::object{{"instructions", json::object{{"recordtype", "O"}, {"recordid", opp}}}})
                   .at("results")
                   .as_array()[0];
    bool has_field = false;
    for (const auto &cf : row.at("customfields").as_array())
        has_field |= s(cf, "name") == "Workable Job ID" && !s(cf, "value").empty();
    BOOST_TEST(has_field);
    auto changes = sb.admin_post(
        "mutate", json::object{{"change_outcomes", 3}, {"add_applications", 4}, {"delete_applications", 2}});
    BOOST_TEST(changes.at("changed").as_array().size() == 3u);
    BOOST_TEST(changes.at("added").as_array().size() == 4u);
    BOOST_TEST(changes.at("deleted").as_array().size() == 2u);
    auto final_state = sb.admin_get("expected");
    BOOST_TEST(final_state.at("deleted").as_array().size() == after.at("deleted").as_array().size() + 2);
    std::set<std::string> in_expected;
    for (const auto &r : final_state.at("applications").as_array()) in_expected.insert(s(r, "application_id"));
    for (const auto &r : final_state.at("pending").as_array()) in_expected.insert(s(r, "application_id"));
    std::set<std::string> deleted_now;
    for (const auto &d : changes.at("deleted").as_array()) deleted_now.insert(std::string(d.as_string()));
    // A new application is expected in Tracker (or pending) unless this same mutation deleted it.
    for (const auto &a : changes.at("added").as_array())
        BOOST_TEST(in_expected.count(s(a, "application_id")) + deleted_now.count(s(a, "application_id")) == 1u);
    for (const auto &c : changes.at("changed").as_array()) {
        for (const auto &r : final_state.at("applications").as_array())
            if (s(r, "application_id") == s(c, "application_id")) BOOST_TEST(s(r, "outcome") == s(c, "to"));
    }
    // Many additions later, still one application per person and job.
    sb.admin_post("mutate", json::object{{"add_applications", 60}});
    std::set<std::pair<std::string, std::string>> person_job;
    auto many = sb.admin_get("expected");
    for (const char *list : {"applications", "pending"})
        for (const auto &r : many.at(list).as_array())
            BOOST_TEST(person_job.insert({s(r, "person"), s(r, "kombo_job_id")}).second, s(r, "application_id"));
    // A refused mutation changes nothing.
    auto state_before = json::serialize(sb.admin_get("expected"));
    ats::net::HttpRequest refused;
    refused.method = "POST";
    refused.url = sb.tracker_url() + "/_sandbox/mutate";
    refused.body = R"({"add_applications": 2, "link_unmapped_job": "NoSuchJob"})";
    BOOST_TEST(sb.send(refused).status == 400);
    BOOST_TEST(json::serialize(sb.admin_get("expected")) == state_before);
    // Unknown mutation fields are refused.
    ats::net::HttpRequest bad;
    bad.method = "POST";
    bad.url = sb.tracker_url() + "/_sandbox/mutate";
    bad.body = R"({"explode": 1})";
    BOOST_TEST(sb.send(bad).status == 400);
}

BOOST_AUTO_TEST_CASE(generation_is_deterministic_and_fixtures_round_trip) {
    auto expected_of = [](uint64_t seed) {
        Sandbox::Options options;
        options.seed = seed;
        Sandbox sb(options);
        return json::serialize(sb.admin_get("expected"));
    };
    std::string a = expected_of(7);
    BOOST_TEST(a == expected_of(7));
    BOOST_TEST(a != expected_of(8));
    ats::test::TempDir dir("sandbox-fixture");
    std::string file = dir / "world.json";
    auto result =
        ats::test::run_process({ats::test::bin_dir() + "/ats-sandbox", "--seed", "7", "--export-fixture", file});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    Sandbox::Options options;
    options.fixture = file;
    Sandbox loaded(options);
    BOOST_TEST(json::serialize(loaded.admin_get("expected")) == a);
    // A reset with data regenerates from new parameters; without data only counters are cleared.
    loaded.tracker("getSettings", {});
    loaded.admin_post("reset", json::object{});
    BOOST_TEST(loaded.admin_get("counters").at("counters").as_array().empty());
    loaded.admin_post("reset", json::object{{"data", true}, {"seed", 8}});
    BOOST_TEST(json::serialize(loaded.admin_get("expected")) == expected_of(8));
    // A broken fixture is refused with the file named.
    std::string broken = dir / "broken.json";
    { std::ofstream(broken) << "{\"tracker\": 1}"; }
    auto refused = ats::test::run_process(
        {ats::test::bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--fixture", broken}, {},
        std::chrono::seconds(20));
    BOOST_TEST(refused.exit_code == 2);
    BOOST_TEST(refused.err.find("broken.json") != std::string::npos);
}
