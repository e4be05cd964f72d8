// End to end through `ats-host call` against the sandbox: streams, reads, find, matrix answers.
// Expectations come from the sandbox's own state (/_sandbox/state), never from the provider.
#define BOOST_TEST_MODULE tracker_e2e_reads
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "process.hpp"
#include "tracker_host.hpp"

#include <sstream>

#include <set>

using namespace ats::test;
using namespace ats::test::tracker;

namespace {

std::set<std::string> ids_in(const std::vector<bj::value> &records) {
    std::set<std::string> out;
    for (const auto &r : records) out.insert(std::string(r.at("id").as_string()));
    return out;
}

std::set<std::string> as_strings(const std::vector<int64_t> &ids) {
    std::set<std::string> out;
    for (auto id : ids) out.insert(std::to_string(id));
    return out;
}

// A world with links: every Tracker resource applies to one of the first two opportunities (on
// top of whatever links the generator made); expectations come from the resulting state.
struct World {
    Sandbox sandbox;
    bj::object state;
    std::vector<int64_t> resources, opportunities, links;
    World() {
        bj::object s = tracker_state(sandbox);
        resources = ids_of(s, "resources");
        opportunities = ids_of(s, "opportunities");
        for (size_t i = 0; i < resources.size(); ++i) make_link(sandbox, resources[i], opportunities[i % 2]);
        state = tracker_state(sandbox);
        links = ids_of(state, "links");
        reset_counters(sandbox);
    }
    std::vector<const bj::object *> links_on(int64_t opportunity) const {
        std::vector<const bj::object *> out;
        for (const auto &l : state.at("links").as_array())
            if (as_int(l.at("opportunityid")) == opportunity) out.push_back(&l.as_object());
        return out;
    }
    std::string status_name(int64_t id) const {
        for (const auto &[name, sid] : link_status_ids(state))
            if (sid == id) return name;
        return "";
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(streams_return_every_record_once_and_valid) {
    World w;
    TrackerHost host(w.sandbox);

    CallResult jobs = host.call("jobs.stream");
    BOOST_TEST_REQUIRE(jobs.exit_code == 0, jobs.err);
    BOOST_TEST((ids_in(jobs.records) == as_strings(w.opportunities)));
    BOOST_TEST(schema_errors("job", jobs.records) == "");

    CallResult candidates = host.call("candidates.stream");
    BOOST_TEST_REQUIRE(candidates.exit_code == 0, candidates.err);
    BOOST_TEST((ids_in(candidates.records) == as_strings(w.resources)));
    BOOST_TEST(schema_errors("candidate", candidates.records) == "");

    CallResult apps = host.call("applications.stream");
    BOOST_TEST_REQUIRE(apps.exit_code == 0, apps.err);
    BOOST_TEST((ids_in(apps.records) == as_strings(w.links)));
    BOOST_TEST(schema_errors("application", apps.records) == "");
    auto statuses = link_status_ids(w.state);
    for (const auto &a : apps.records) {
        const bj::object *link = find_by_id(w.state, "links", std::stoll(std::string(a.at("id").as_string())));
        BOOST_TEST_REQUIRE(link != nullptr);
        BOOST_TEST(std::string(a.at("job_id").as_string()) == std::to_string(as_int(link->at("opportunityid"))));
        BOOST_TEST(std::string(a.at("candidate_id").as_string()) == std::to_string(as_int(link->at("resourceid"))));
        BOOST_TEST(as_int(a.at("current_stage").at("id")) == as_int(link->at("statusid")));
        std::string name = w.status_name(as_int(link->at("statusid")));
        BOOST_TEST(a.at("current_stage").at("name").as_string() == name);
        std::string outcome = name == "Accepted" ? "HIRED" : name == "Declined" ? "DECLINED" : "PENDING";
        BOOST_TEST(std::string(a.at("outcome").as_string()) == outcome);
    }
    // One page each: 3 getRecords in all (page_size 200 > rows).
    auto counts = tracker_counts(w.sandbox);
    BOOST_TEST_MESSAGE("cost of jobs.stream + candidates.stream + applications.stream: " << describe(counts));
    BOOST_TEST(counts["getRecords"] == 3);

    // job_ids filter (A2 opportunityid): only the first opportunity's links.
    CallResult one_job =
        host.call("applications.stream", bj::object{{"job_ids", bj::array{std::to_string(w.opportunities[0])}}});
    BOOST_TEST_REQUIRE(one_job.exit_code == 0, one_job.err);
    std::set<std::string> expected;
    for (const bj::object *l : w.links_on(w.opportunities[0])) expected.insert(std::to_string(as_int(l->at("id"))));
    BOOST_TEST((ids_in(one_job.records) == expected));

    // statuses filter: Tracker's own status name or the unified one.
    CallResult sent = host.call("jobs.stream", bj::object{{"statuses", bj::array{"Resume Sent"}}});
    BOOST_TEST_REQUIRE(sent.exit_code == 0, sent.err);
    size_t resume_sent = 0;
    for (const auto &o : w.state.at("opportunities").as_array())
        resume_sent += o.at("status").as_string() == "Resume Sent";
    BOOST_TEST(sent.records.size() == resume_sent);
    BOOST_TEST(resume_sent > 0u);
    // The sandbox's closed statuses are "Won" and "Closed" (its getSettings opportunityStatuses).
    CallResult closed = host.call("jobs.stream", bj::object{{"statuses", bj::array{"CLOSED"}}});
    BOOST_TEST(closed.exit_code == 0);
    size_t closed_in_state = 0;
    for (const auto &o : w.state.at("opportunities").as_array())
        closed_in_state += o.at("status").as_string() == "Won" || o.at("status").as_string() == "Closed";
    BOOST_TEST(closed.records.size() == closed_in_state);
}

BOOST_AUTO_TEST_CASE(reads_by_id_match_the_sandbox) {
    World w;
    TrackerHost host(w.sandbox);
    int64_t opp = w.opportunities[0];
    const bj::object *o = find_by_id(w.state, "opportunities", opp);

    CallResult job = host.call("jobs.get", bj::object{{"job_id", std::to_string(opp)}});
    BOOST_TEST_REQUIRE(job.exit_code == 0, job.err);
    BOOST_TEST(str(job.one(), "name") == str(*o, "name"));
    BOOST_TEST(schema_errors("job", job.records) == "");

    CallResult enhanced = host.call("jobs.get_enhanced", bj::object{{"job_id", opp}}); // integer ids are accepted
    BOOST_TEST_REQUIRE(enhanced.exit_code == 0, enhanced.err);
    const bj::object &e = enhanced.one();
    BOOST_TEST(str(e, "description") == str(*o, "description"));
    BOOST_TEST(e.at("location").at("raw").as_string() == o->at("location").as_string());
    BOOST_TEST(e.at("client").at("name").as_string() == o->at("company").as_string());
    std::map<std::string, int64_t> by_stage;
    for (const bj::object *l : w.links_on(opp)) ++by_stage[w.status_name(as_int(l->at("statusid")))];
    BOOST_TEST(as_int(e.at("application_counts").at("total")) == static_cast<int64_t>(w.links_on(opp).size()));
    for (const auto &[name, n] : by_stage) BOOST_TEST(as_int(e.at("application_counts").at("by_stage").at(name)) == n);
    BOOST_TEST(schema_errors("job", enhanced.records) == "");

    reset_counters(w.sandbox);
    CallResult many = host.call("jobs.get_many", bj::object{{"job_ids", bj::array{std::to_string(w.opportunities[1]),
                                                                                  std::to_string(opp), "999999"}}});
    BOOST_TEST_REQUIRE(many.exit_code == 0, many.err);
    BOOST_TEST(many.one().at("results").as_array().size() == 2u);
    BOOST_TEST(bj::serialize(many.one().at("missing")) == R"(["999999"])");
    BOOST_TEST(tracker_counts(w.sandbox)["getRecords"] == 1); // one batched request (A14), not one per id
    std::vector<bj::value> got(many.one().at("results").as_array().begin(), many.one().at("results").as_array().end());
    BOOST_TEST(schema_errors("job", got) == "");

    CallResult app = host.call("applications.get", bj::object{{"application_id", std::to_string(w.links[0])}});
    BOOST_TEST_REQUIRE(app.exit_code == 0, app.err);
    BOOST_TEST(str(app.one(), "candidate_id") ==
               std::to_string(as_int(find_by_id(w.state, "links", w.links[0])->at("resourceid"))));
    BOOST_TEST(schema_errors("application", app.records) == "");

    const bj::object *r = find_by_id(w.state, "resources", w.resources[0]);
    CallResult cand = host.call("candidates.get", bj::object{{"candidate_id", std::to_string(w.resources[0])}});
    BOOST_TEST_REQUIRE(cand.exit_code == 0, cand.err);
    BOOST_TEST(str(cand.one(), "first_name") == str(*r, "firstname"));
    BOOST_TEST(str(cand.one(), "last_name") == str(*r, "lastname"));
    if (!str(*r, "email").empty()) {
        // Kombo's form (trimmed, domain lower-cased, null when no valid address); the upstream
        // text stays in raw_email_address whenever it differs.
        const bj::object &e = cand.one().at("email_addresses").at(0).as_object();
        std::string shown = e.at("email_address").is_string() ? std::string(e.at("email_address").as_string()) : "";
        BOOST_TEST((shown == str(*r, "email") || str(e, "raw_email_address") == str(*r, "email")));
    }
    BOOST_TEST(schema_errors("candidate", cand.records) == "");
}

BOOST_AUTO_TEST_CASE(not_found_names_operation_and_record) {
    World w;
    TrackerHost host(w.sandbox);
    for (const auto &[op, field] : {std::pair<std::string, std::string>{"jobs.get", "job_id"},
                                    {"applications.get", "application_id"},
                                    {"candidates.get", "candidate_id"}}) {
        CallResult r = host.call(op, bj::object{{field, "999999"}});
        BOOST_TEST(r.exit_code == 1, op << ": " << r.err);
        BOOST_TEST(r.error_code() == "not_found", op << ": " << r.err);
        BOOST_TEST(r.error_message().find(op) != std::string::npos, r.error_message());
        BOOST_TEST(r.error_message().find("999999") != std::string::npos, r.error_message());
    }
    CallResult bad = host.call("jobs.get", bj::object{{"job_id", "abc"}});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.error_message().find("job_id") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(what_tracker_cannot_do_is_not_supported_with_reason) {
    World w;
    TrackerHost host(w.sandbox);
    CallResult reasons = host.call("rejection_reasons.list");
    BOOST_TEST(reasons.exit_code == 4, reasons.err);
    BOOST_TEST(reasons.error_message().find("no rejection reasons") != std::string::npos, reasons.err);
    BOOST_TEST(reasons.records.empty()); // never an empty list that looks like data

    CallResult sync = host.call("sync");
    BOOST_TEST(sync.exit_code == 4, sync.err);
    BOOST_TEST(sync.error_message().find("nothing to synchronise") != std::string::npos, sync.err);

    CallResult cf = host.call("custom_fields.get",
                              bj::object{{"record_type", "application"}, {"record_id", std::to_string(w.links[0])}});
    BOOST_TEST(cf.exit_code == 4, cf.err);
    BOOST_TEST(cf.error_message().find("no custom fields on applications") != std::string::npos, cf.err);

    // stages.list is LIMITED: the database-wide statuses, exactly as getSettings has them.
    CallResult stages = host.call("stages.list", bj::object{{"job_id", std::to_string(w.opportunities[0])}});
    BOOST_TEST_REQUIRE(stages.exit_code == 0, stages.err);
    auto expected = link_status_ids(w.state);
    const auto &results = stages.one().at("results").as_array();
    BOOST_TEST(results.size() == expected.size());
    for (const auto &s : results) BOOST_TEST(expected.at(std::string(s.at("name").as_string())) == as_int(s.at("id")));
    std::vector<bj::value> got(results.begin(), results.end());
    BOOST_TEST(schema_errors("stage", got) == "");
    CallResult stages_missing_job = host.call("stages.list", bj::object{{"job_id", "999999"}});
    BOOST_TEST(stages_missing_job.error_code() == "not_found");

    // The capability matrix says the same.
    ProcessResult p = run_process({bin_dir() + "/ats-host", "--plugins", plugins_dir(), "providers", "--json"});
    BOOST_TEST_REQUIRE(p.exit_code == 0, p.err);
    bool seen = false;
    std::istringstream lines(p.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("\"tracker\"") == std::string::npos || line.find("\"tracker_workable\"") != std::string::npos)
            continue;
        seen = true;
        for (const char *expect : {"rejection_reasons.list", "nothing to synchronise", "database-wide"})
            BOOST_TEST(line.find(expect) != std::string::npos, expect);
    }
    BOOST_TEST(seen, p.out);
}

BOOST_AUTO_TEST_CASE(find_candidates_by_email_phone_and_name) {
    World w;
    TrackerHost host(w.sandbox);
    // People already in Tracker, with the generator's truth (the number's E.164 form).
    const auto full = w.sandbox.admin_get("state");
    const auto &people = full.at("truth").at("people").as_array();
    int checked_email = 0, checked_phone = 0, checked_name = 0;
    for (const auto &pv : people) {
        const auto &p = pv.as_object();
        if (!p.contains("tracker_resource_id") || p.at("tracker_resource_id").is_null()) continue;
        std::string rid = std::to_string(as_int(p.at("tracker_resource_id")));
        const bj::object *r = find_by_id(w.state, "resources", as_int(p.at("tracker_resource_id")));
        auto has = [&](const CallResult &res, const char *how) {
            for (const auto &m : res.one().at("results").as_array())
                if (m.at("candidate").at("id").as_string() == rid)
                    for (const auto &h : m.at("matched_on").as_array())
                        if (h.as_string() == how) return true;
            return false;
        };
        std::string email = str(*r, "email");
        if (!email.empty() && checked_email < 3) {
            // Upper case and spaces: e-mails compare trimmed and case-folded.
            std::string shouted;
            for (char c : email) shouted += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            CallResult res = host.call("candidates.find", bj::object{{"email", "  " + shouted + " "}});
            BOOST_TEST_REQUIRE(res.exit_code == 0, res.err);
            BOOST_TEST(has(res, "email"), email << " -> " << res.out);
            ++checked_email;
        }
        std::string e164 = str(p, "phone_e164");
        std::string stored = str(*r, "mobiletelephone") + str(*r, "worktelephone");
        if (!e164.empty() && !stored.empty() && checked_phone < 3) {
            // Another spelling than Tracker's: "00" + the international digits.
            CallResult res = host.call("candidates.find", bj::object{{"phone", "00" + e164.substr(1)}});
            BOOST_TEST_REQUIRE(res.exit_code == 0, res.err);
            BOOST_TEST(has(res, "phone"), e164 << " stored as " << stored << " -> " << res.out);
            ++checked_phone;
        }
        if (checked_name < 2) {
            CallResult res = host.call("candidates.find", bj::object{{"first_name", str(*r, "firstname")},
                                                                     {"last_name", str(*r, "lastname")}});
            BOOST_TEST_REQUIRE(res.exit_code == 0, res.err);
            BOOST_TEST(has(res, "name"), res.out);
            std::vector<bj::value> cands;
            for (const auto &m : res.one().at("results").as_array()) cands.push_back(m.at("candidate"));
            BOOST_TEST(schema_errors("candidate", cands) == "");
            ++checked_name;
        }
    }
    BOOST_TEST(checked_email > 0);
    BOOST_TEST(checked_phone > 0);
    BOOST_TEST(checked_name > 0);

    // A number that does not parse matches nothing, even though digits might.
    CallResult invalid = host.call("candidates.find", bj::object{{"phone", "12345"}});
    BOOST_TEST_REQUIRE(invalid.exit_code == 0, invalid.err);
    BOOST_TEST(invalid.one().at("results").as_array().empty());
    CallResult none = host.call("candidates.find", bj::object{});
    BOOST_TEST(none.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(check_verifies_credentials_and_configured_statuses) {
    World w;
    TrackerHost host(w.sandbox);
    reset_counters(w.sandbox);
    CallResult ok = host.check();
    BOOST_TEST_REQUIRE(ok.exit_code == 0, ok.err);
    BOOST_TEST(ok.one().at("ok").as_bool());
    BOOST_TEST(as_int(ok.one().at("details").at("application_statuses")) ==
               static_cast<int64_t>(link_status_ids(w.state).size()));
    BOOST_TEST(tracker_counts(w.sandbox)["getSettings"] == 1);

    // A declined status this database does not have is a configuration error, named as such.
    TenantOptions o;
    o.extra_config = bj::object{{"statuses", bj::object{{"declined", "Rejected"}}}};
    TrackerHost wrong(w.sandbox, o);
    CallResult bad = wrong.check();
    BOOST_TEST(bad.exit_code != 0);
    BOOST_TEST(bad.error_message().find("provider_config.statuses.declined 'Rejected'") != std::string::npos, bad.err);
    CallResult reject = wrong.call("applications.reject", bj::object{{"application_id", std::to_string(w.links[0])}});
    BOOST_TEST(reject.exit_code == 2, reject.err);
    BOOST_TEST(reject.error_message().find("Rejected") != std::string::npos, reject.err);
    BOOST_TEST(as_int(record_in(w.sandbox, "links", w.links[0])->at("statusid")) ==
               as_int(find_by_id(w.state, "links", w.links[0])->at("statusid"))); // nothing written

    // An unknown zone in the configuration is refused when the tenant opens.
    TenantOptions z;
    z.timezone = "Europe/Atlantis";
    TrackerHost zone(w.sandbox, z);
    CallResult nozone = zone.call("jobs.stream");
    BOOST_TEST(nozone.exit_code == 3, nozone.err);
    BOOST_TEST(nozone.err.find("Europe/Atlantis") != std::string::npos, nozone.err);
}
