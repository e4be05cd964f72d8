// What a sync summary asks of the operator (host/cli/attention.hpp): grouping, exact counts past
// the lists' cap, ranking, and the human-readable summary built on it.
#define BOOST_TEST_MODULE attention
#include <boost/test/unit_test.hpp>

#include "attention.hpp"
#include "report_text.hpp"

#include <boost/json.hpp>

namespace json = boost::json;
using namespace ats::cli;

namespace {
std::string unmapped(const std::string &kombo, const std::string &workable, const std::string &title) {
    return "job not mapped: Kombo job " + kombo + " (Workable " + workable + ", '" + title + "')";
}

const AttentionGroup *find(const std::vector<AttentionGroup> &g, const std::string &kind) {
    for (const auto &x : g)
        if (x.kind == kind) return &x;
    return nullptr;
}
} // namespace

BOOST_AUTO_TEST_CASE(an_unmapped_job_reason_names_the_workable_job) {
    BOOST_TEST(unmapped_job_of(unmapped("K1", "92859CA169", "Site Manager")) == "'Site Manager' (Workable 92859CA169)");
    BOOST_TEST(unmapped_job_of("job not mapped: Kombo job K2 ('Driver')") == "'Driver' (Kombo job K2)");
    BOOST_TEST(unmapped_job_of("error: tracker createResource: HTTP 500").empty());
}

BOOST_AUTO_TEST_CASE(exact_counts_group_unmapped_jobs_ranked_largest_first) {
    // The list holds two entries (capped); attention_groups hold the exact counts.
    json::object summary{
        {"pending",
         json::array{json::object{{"application_id", "a1"}, {"reason", unmapped("K1", "W1", "Site Manager")}},
                     json::object{{"application_id", "a2"}, {"reason", unmapped("K2", "W2", "Driver")}}}},
        {"attention_groups", json::object{{"pending", json::object{{unmapped("K1", "W1", "Site Manager"), 120},
                                                                   {unmapped("K2", "W2", "Driver"), 200},
                                                                   {unmapped("K3", "W3", "Welder"), 55},
                                                                   {"error: tracker createResource: HTTP 500", 3}}}}}};
    auto groups = attention_groups(summary);
    const AttentionGroup *jobs = find(groups, "unmapped_jobs");
    BOOST_TEST_REQUIRE(jobs);
    BOOST_TEST(jobs->applications == 375);
    BOOST_TEST(jobs->headline == "375 applications wait for 3 unmapped Workable jobs");
    BOOST_TEST_REQUIRE(jobs->parts.size() == 3u);
    BOOST_TEST(jobs->parts[0].first == "'Driver' (Workable W2)");
    BOOST_TEST(jobs->parts[0].second == 200);
    BOOST_TEST(jobs->parts[2].second == 55);
    BOOST_TEST(jobs->action.find("job_mapping.table") != std::string::npos);
    const AttentionGroup *other = find(groups, "pending");
    BOOST_TEST_REQUIRE(other);
    BOOST_TEST(other->applications == 3);
}

BOOST_AUTO_TEST_CASE(without_attention_groups_the_lists_are_grouped) {
    json::object summary{
        {"quarantined", json::array{json::object{{"application_id", "q1"}, {"reason", "refused: no name"}},
                                    json::object{{"application_id", "q2"}, {"reason", "refused: no name"}},
                                    json::object{{"application_id", "q3"}, {"reason", "error: HTTP 500"}}}},
        {"identity_conflicts",
         json::array{json::object{{"application_id", "c1"}, {"kind", "email_shared_by_different_people"}}}},
        {"errors",
         json::array{json::object{{"application_id", "e1"}, {"message", "tracker createResource: HTTP 500 boom"}},
                     json::object{{"application_id", "e2"}, {"message", "tracker createResource: timeout"}}}}};
    auto groups = attention_groups(summary);
    BOOST_TEST_REQUIRE(groups.size() == 3u);
    // Ranked by urgency: errors, then quarantine, then conflicts.
    BOOST_TEST(groups[0].kind == "errors");
    BOOST_TEST_REQUIRE(groups[0].parts.size() == 1u); // grouped by kind: the text before the colon
    BOOST_TEST(groups[0].parts[0].first == "tracker createResource");
    BOOST_TEST(groups[0].parts[0].second == 2);
    BOOST_TEST(groups[1].kind == "quarantined");
    BOOST_TEST(groups[1].applications == 3);
    BOOST_TEST(groups[1].parts[0].first == "refused: no name");
    BOOST_TEST(groups[1].action.find("--retry-quarantined") != std::string::npos);
    BOOST_TEST(groups[2].kind == "identity_conflicts");
}

BOOST_AUTO_TEST_CASE(nothing_to_do_says_so) {
    json::object summary{{"pending", json::array{}}, {"errors", json::array{}}};
    BOOST_TEST(attention_groups(summary).empty());
    BOOST_TEST(render_attention(summary) == "Needs attention: nothing.\n");
}

BOOST_AUTO_TEST_CASE(the_human_summary_is_short_and_names_what_to_do) {
    json::object groups;
    json::array pending;
    for (int i = 0; i < 375; ++i)
        pending.push_back(json::object{{"application_id", "app" + std::to_string(i)},
                                       {"reason", unmapped("K1", "W1", "Site Manager")}});
    json::object summary{
        {"tenant", "demo"},
        {"mode", "incremental"},
        {"applications_seen", 2000},
        {"duration_ms", 12345},
        {"applications", json::object{{"created", 1500}, {"pending", 375}}},
        {"pending", pending},
        {"attention_groups", json::object{{"pending", json::object{{unmapped("K1", "W1", "Site Manager"), 375}}}}}};
    std::string text = render_summary(summary);
    BOOST_TEST(text.find("2000 applications seen") != std::string::npos);
    BOOST_TEST(text.find("375 applications wait for 1 unmapped Workable job") != std::string::npos);
    BOOST_TEST(text.find("'Site Manager' (Workable W1)") != std::string::npos);
    BOOST_TEST(text.find("what to do:") != std::string::npos);
    BOOST_TEST(text.find("app17") == std::string::npos); // not listed one by one
    BOOST_TEST(text.size() < 2000u);
}
