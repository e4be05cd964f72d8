// Failures end to end (sandbox fault injection) and the Tracker request cost of every operation,
// read from the sandbox's counters and compared with the costs documented in client.hpp/provider.
#define BOOST_TEST_MODULE tracker_e2e_faults
#include <boost/test/unit_test.hpp>

#include "tracker_host.hpp"

#include <set>

using namespace ats::test;
using namespace ats::test::tracker;

namespace {

bj::object rule(std::initializer_list<const char *> kinds, double rate = 1.0, int64_t max = -1) {
    bj::array k;
    for (const char *s : kinds) k.push_back(bj::value(s));
    bj::object r{{"rate", rate}, {"kinds", std::move(k)}, {"seed", 7}};
    if (max >= 0) r["max"] = max;
    return r;
}

void faults(Sandbox &sandbox, const std::string &endpoint, bj::object r) {
    sandbox.admin_post("faults", bj::object{{"tracker", bj::object{{endpoint, std::move(r)}}}});
}

} // namespace

BOOST_AUTO_TEST_CASE(retryable_failures_after_the_hosts_retries) {
    Sandbox sandbox;
    TrackerHost host(sandbox); // host retry policy: 3 attempts
    std::string job = std::to_string(ids_of(tracker_state(sandbox), "opportunities")[0]);

    reset_counters(sandbox);
    faults(sandbox, "getIndividualRecord", rule({"503"}));
    CallResult unavailable = host.call("jobs.get", bj::object{{"job_id", job}});
    BOOST_TEST(unavailable.exit_code == 1);
    BOOST_TEST(unavailable.error_code() == "transient", unavailable.err);
    BOOST_TEST(unavailable.error_retryable(), unavailable.err);
    BOOST_TEST(unavailable.error_message().find("jobs.get") != std::string::npos);
    BOOST_TEST(unavailable.error_message().find("getIndividualRecord (O " + job + ")") != std::string::npos,
               unavailable.err);
    BOOST_TEST(unavailable.error_message().find("after 3 attempts") != std::string::npos, unavailable.err);
    BOOST_TEST(tracker_counts(sandbox)["getIndividualRecord"] == 3); // the host retried the read

    reset_counters(sandbox);
    faults(sandbox, "getIndividualRecord", rule({"429"}));
    CallResult limited = host.call("jobs.get", bj::object{{"job_id", job}});
    BOOST_TEST(limited.error_code() == "rate_limited", limited.err);
    BOOST_TEST(limited.error_retryable(), limited.err);

    // A record that does not exist is final: not retryable.
    reset_counters(sandbox);
    sandbox.admin_post("faults", bj::object{}); // no faults
    CallResult missing = host.call("jobs.get", bj::object{{"job_id", "987654321"}});
    BOOST_TEST(missing.error_code() == "not_found", missing.err);
    BOOST_TEST(!missing.error_retryable(), missing.err);

    // A transient failure that clears within the retries is invisible.
    reset_counters(sandbox);
    faults(sandbox, "getIndividualRecord", rule({"503", "502"}, 1.0, 2));
    CallResult recovered = host.call("jobs.get", bj::object{{"job_id", job}});
    BOOST_TEST(recovered.exit_code == 0, recovered.err);
    BOOST_TEST(tracker_counts(sandbox)["getIndividualRecord"] == 3);

    // Malformed (truncated) JSON on a read is retried by the client itself.
    reset_counters(sandbox);
    faults(sandbox, "getRecords", rule({"malformed"}, 1.0, 1));
    CallResult garbled = host.call("jobs.stream");
    BOOST_TEST(garbled.exit_code == 0, garbled.err);
    BOOST_TEST(garbled.records.size() == ids_of(tracker_state(sandbox), "opportunities").size());

    // Writes are not retried blindly: one 503 on updateRecord fails the move, once.
    int64_t link = make_link(sandbox, ids_of(tracker_state(sandbox), "resources")[0], std::stoll(job));
    reset_counters(sandbox);
    faults(sandbox, "updateRecord", rule({"503"}));
    CallResult write = host.call("applications.move_to_stage",
                                 bj::object{{"application_id", std::to_string(link)}, {"stage", "Offer"}});
    BOOST_TEST(write.error_code() == "transient", write.err);
    BOOST_TEST(tracker_counts(sandbox)["updateRecord"] == 1);
}

BOOST_AUTO_TEST_CASE(overlapping_pages_are_deduplicated) {
    Sandbox sandbox;
    bj::object s = tracker_state(sandbox);
    auto resources = ids_of(s, "resources");
    auto opportunities = ids_of(s, "opportunities");
    for (auto r : resources)
        for (size_t o = 0; o < 3; ++o) make_link(sandbox, r, opportunities[o]);
    std::set<std::string> links;
    for (int64_t id : ids_of(tracker_state(sandbox), "links")) links.insert(std::to_string(id));
    TenantOptions small;
    small.page_size = 4;
    TrackerHost host(sandbox, small);

    faults(sandbox, "getRecords", rule({"overlap"}));
    reset_counters(sandbox); // (also clears faults)
    faults(sandbox, "getRecords", rule({"overlap"}));
    CallResult r = host.call("applications.stream");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    std::multiset<std::string> got;
    for (const auto &a : r.records) got.insert(std::string(a.at("id").as_string()));
    BOOST_TEST(got.size() == links.size()); // no record twice
    BOOST_TEST((std::set<std::string>(got.begin(), got.end()) == links));
    auto c = tracker_counts(sandbox);
    BOOST_TEST_MESSAGE(links.size() << " links, page size 4, overlapping pages: " << describe(c));
    BOOST_TEST(c["getRecords"] >= static_cast<int64_t>(links.size() / 4));
    bj::value stats = sandbox.admin_get("counters").at("faults_injected");
    BOOST_TEST(bj::serialize(stats).find("overlap") != std::string::npos,
               bj::serialize(stats)); // the fault really happened
}

// Streams fetch their next page while they hand out the current one, but only within what the
// caller takes (ABI 1.4 ats_call_t.max_results; `call --limit` sets it). With pages of 4, a limit
// of 5 needs pages 1 and 2 and costs exactly those: reading page 3 ahead while page 2 is handed
// out would show here. Without a limit, a whole listing costs what it cost before, ceil((N+1)/P).
BOOST_AUTO_TEST_CASE(streams_read_ahead_only_within_what_the_caller_takes) {
    Sandbox sandbox;
    const size_t n = tracker_state(sandbox).at("resources").as_array().size();
    BOOST_TEST_REQUIRE(n > 9u);
    TenantOptions small;
    small.page_size = 4;
    TrackerHost host(sandbox, small);
    reset_counters(sandbox);
    CallResult all = host.call("candidates.stream");
    BOOST_TEST_REQUIRE(all.exit_code == 0, all.err);
    BOOST_TEST(all.records.size() == n);
    BOOST_TEST(tracker_counts(sandbox)["getRecords"] == static_cast<int64_t>((n + 1 + 3) / 4)); // ceil((N+1)/4)
    for (size_t limit : {3u, 4u, 5u, 8u, 9u}) {
        reset_counters(sandbox);
        CallResult some = host.call("candidates.stream", {}, "", {"--limit", std::to_string(limit)});
        BOOST_TEST_REQUIRE(some.exit_code == 0, some.err);
        BOOST_TEST(some.records.size() == limit);
        auto c = tracker_counts(sandbox);
        BOOST_TEST(c["getRecords"] == static_cast<int64_t>((limit + 3) / 4),
                   "--limit " << limit << ": " << describe(c));
    }
}

// Each operation once, after resetting the counters: the measured Tracker requests equal the cost
// the code documents (a fresh `ats-host` process per call, so the getSettings cache starts empty).
BOOST_AUTO_TEST_CASE(request_cost_of_every_operation) {
    Sandbox sandbox;
    bj::object s = tracker_state(sandbox);
    auto opportunities = ids_of(s, "opportunities");
    auto resources = free_resources(s, opportunities[0]);
    int64_t link = make_link(sandbox, resources[0], opportunities[0]);
    make_link(sandbox, resources[1], opportunities[0]);
    TrackerHost host(sandbox);
    std::string L = std::to_string(link), R = std::to_string(resources[0]), O = std::to_string(opportunities[0]);
    const bj::object *r0 = find_by_id(s, "resources", resources[0]);

    struct Case {
        std::string op;
        bj::object args;
        std::map<std::string, int64_t> expected;
        std::string output = {};
    };
    std::string doc_id;
    std::vector<Case> cases = {
        {"check", {}, {{"getSettings", 1}}},
        {"jobs.stream", {}, {{"getRecords", 1}}},
        {"candidates.stream", {}, {{"getRecords", 1}}},
        {"applications.stream", {}, {{"getRecords", 1}}},
        {"applications.stream", {{"job_ids", bj::array{O, std::to_string(opportunities[1])}}}, {{"getRecords", 2}}},
        {"jobs.get", {{"job_id", O}}, {{"getIndividualRecord", 1}}},
        {"jobs.get_enhanced", {{"job_id", O}}, {{"getIndividualRecord", 1}, {"getRecords", 1}}},
        {"jobs.get_many", {{"job_ids", bj::array{O, std::to_string(opportunities[1]), "999999"}}}, {{"getRecords", 1}}},
        {"applications.get", {{"application_id", L}}, {{"getIndividualRecord", 1}}},
        {"candidates.get", {{"candidate_id", R}}, {{"getIndividualRecord", 1}}},
        {"candidates.find", {{"email", str(*r0, "email")}}, {{"checkPerson", 1}, {"getIndividualRecord", 1}}},
        {"candidates.find",
         {{"first_name", str(*r0, "firstname")}, {"last_name", str(*r0, "lastname")}},
         {{"getRecords", 1}}},
        {"stages.list", {}, {{"getSettings", 1}}},
        {"applications.move_to_stage",
         {{"application_id", L}, {"stage", "Interview"}},
         {{"getSettings", 1}, {"updateRecord", 1}, {"getIndividualRecord", 1}}},
        {"applications.reject",
         {{"application_id", L}},
         {{"getSettings", 1}, {"updateRecord", 1}, {"getIndividualRecord", 1}}},
        {"applications.bulk_reject",
         {{"application_ids", bj::array{L, L}}},
         {{"getSettings", 1}, {"updateRecord", 2}, {"getIndividualRecord", 2}}},
        {"applications.create",
         {{"candidate_id", std::to_string(resources[2])}, {"job_id", O}},
         {{"getRecords", 1}, {"resourceApplication", 1}, {"getIndividualRecord", 1}}},
        {"applications.create",
         {{"candidate_id", std::to_string(resources[3])}, {"job_id", O}, {"stage", "Shortlisted"}},
         {{"getSettings", 1},
          {"getRecords", 1},
          {"resourceApplication", 1},
          {"updateRecord", 1},
          {"getIndividualRecord", 1}}},
        {"applications.notes.add", {{"application_id", L}, {"content", "note"}}, {{"createActivity", 1}}},
        {"applications.notes.list", {{"application_id", L}}, {{"getRecords", 1}}},
        {"candidates.notes.add", {{"candidate_id", R}, {"content", "note"}}, {{"createActivity", 1}}},
        {"candidates.notes.list", {{"candidate_id", R}}, {{"getRecords", 1}}},
        {"candidates.attachments.add",
         {{"candidate_id", R}, {"file_name", "cv.txt"}, {"data_base64", "Q1Y="}, {"type", "RESUME"}},
         {{"attachDocument", 1}}},
        {"candidates.attachments.list", {{"candidate_id", R}}, {{"getRecords", 1}}},
        {"candidates.get_resume", {{"candidate_id", R}}, {{"getRecords", 1}, {"getIndividualRecord", 1}}, "resume.bin"},
        {"applications.attachments.add",
         {{"application_id", L}, {"file_name", "a.txt"}, {"data_base64", "QQ=="}},
         {{"attachDocument", 1}}},
        {"applications.attachments.list", {{"application_id", L}}, {{"getRecords", 1}}},
        {"custom_fields.get",
         {{"record_type", "candidate"}, {"record_id", R}},
         {{"getSettings", 1}, {"getIndividualRecord", 1}}},
        {"custom_fields.set",
         {{"record_type", "job"}, {"record_id", O}, {"values", bj::object{{"Salary Band", "Band A"}}}},
         {{"getSettings", 1}, {"updateRecord", 1}, {"getIndividualRecord", 1}}},
        {"rejection_reasons.list", {}, {}},
        {"sync", {}, {}},
    };
    std::string table;
    for (const auto &c : cases) {
        reset_counters(sandbox);
        CallResult res = host.call(c.op, c.args, c.output.empty() ? "" : host.path(c.output));
        bool unsupported = c.op == "rejection_reasons.list" || c.op == "sync";
        BOOST_TEST(res.exit_code == (unsupported ? 4 : 0), c.op << ": " << res.err);
        auto got = tracker_counts(sandbox);
        BOOST_TEST((got == c.expected), c.op << " " << bj::serialize(c.args) << ": measured " << describe(got));
        table += "  " + c.op + (c.args.empty() ? "" : " " + bj::serialize(c.args).substr(0, 60)) + ": " +
                 describe(got) + "\n";
    }
    // candidates.find by phone: checkPerson compares digits only (A11), so it is asked with up to
    // three spellings of the number until one matches, then the match is read and verified.
    bj::value full = sandbox.admin_get("state");
    for (const auto &pv : full.at("truth").at("people").as_array()) {
        const auto &p = pv.as_object();
        if (!p.contains("tracker_resource_id") || p.at("tracker_resource_id").is_null() || str(p, "phone_e164").empty())
            continue;
        const bj::object *r = find_by_id(s, "resources", as_int(p.at("tracker_resource_id")));
        if (!r || (str(*r, "mobiletelephone").empty() && str(*r, "worktelephone").empty())) continue;
        reset_counters(sandbox);
        CallResult found = host.call("candidates.find", bj::object{{"phone", str(p, "phone_e164")}});
        BOOST_TEST_REQUIRE(found.exit_code == 0, found.err);
        BOOST_TEST(found.one().at("results").as_array().size() >= 1u, found.out);
        auto c = tracker_counts(sandbox);
        BOOST_TEST(c["checkPerson"] >= 1);
        BOOST_TEST(c["checkPerson"] <= 3);
        BOOST_TEST(c["getIndividualRecord"] == 1);
        BOOST_TEST(total(c) == c["checkPerson"] + 1);
        table += "  candidates.find {\"phone\":...} stored as '" + str(*r, "mobiletelephone") +
                 str(*r, "worktelephone") + "': " + describe(c) + "\n";
        break;
    }
    // candidates.attachments.get, applications.attachments.get: one getIndividualRecord.
    CallResult list = host.call("candidates.attachments.list", bj::object{{"candidate_id", R}});
    doc_id = std::string(list.one().at("results").at(0).at("id").as_string());
    reset_counters(sandbox);
    CallResult got = host.call("candidates.attachments.get", bj::object{{"candidate_id", R}, {"attachment_id", doc_id}},
                               host.path("a.bin"));
    BOOST_TEST(got.exit_code == 0, got.err);
    BOOST_TEST((tracker_counts(sandbox) == std::map<std::string, int64_t>{{"getIndividualRecord", 1}}));
    table += "  candidates.attachments.get: " + describe(tracker_counts(sandbox)) + "\n";
    BOOST_TEST_MESSAGE("Tracker requests per operation (fresh process each):\n" << table);
}
