// End-to-end tests of `ats-host probe` and of the sync's start-of-run check against ats-sandbox:
// a faithful sandbox confirms every assumption the probe can check; a sandbox told to contradict
// one (--violate, POST /_sandbox/violations) makes the probe name it with its evidence and exit 7,
// and makes the sync refuse to write, naming the assumption.
#define BOOST_TEST_MODULE tracker_workable_probe_e2e
#include <boost/test/unit_test.hpp>

#include <map>
#include <vector>
#include <string>

#include "ats/shared/wire_assumptions.hpp"
#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;

namespace {

struct Probe {
    ProcessResult run;
    json::object report;
    std::map<std::string, json::object> by_id;
};

Probe probe(HybridEnv &env, std::vector<std::string> extra = {}) {
    Probe p;
    std::vector<std::string> cmd{"probe", "--tenant", env.tenant()};
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    p.run = run_process(env.host_argv(cmd), {}, std::chrono::seconds(120));
    std::string last;
    for (size_t start = 0; start < p.run.out.size();) {
        size_t nl = p.run.out.find('\n', start);
        if (nl == std::string::npos) nl = p.run.out.size();
        if (nl > start) last = p.run.out.substr(start, nl - start);
        start = nl + 1;
    }
    BOOST_REQUIRE_MESSAGE(!last.empty(), "probe printed nothing; stderr: " << p.run.err);
    p.report = json::parse(last).as_object();
    for (const auto &c : p.report.at("checks").as_array()) p.by_id[std::string(c.at("id").as_string())] = c.as_object();
    return p;
}

std::string verdict(const Probe &p, const std::string &id) {
    auto it = p.by_id.find(id);
    return it == p.by_id.end() ? "missing" : std::string(it->second.at("verdict").as_string());
}

EnvOptions options(const std::string &zone = "Europe/London") {
    EnvOptions o;
    o.sandbox.seed = 5;
    o.sandbox.applications = 30;
    o.sandbox.people = 20;
    o.sandbox.extra_args = {"--tracker-timezone", zone};
    o.manifest_timezone = zone;
    o.max_concurrency = 2;
    return o;
}

} // namespace

BOOST_AUTO_TEST_CASE(probe_confirms_every_checkable_assumption_on_a_faithful_sandbox) {
    HybridEnv env(options());
    Probe p = probe(env);
    BOOST_TEST(p.run.exit_code == 0, p.run.err);
    // One finding per row of the table, Tracker's and Kombo's: read-only ones confirmed, the
    // others not checkable with the table's reason.
    BOOST_TEST(p.by_id.size() == ats::shared::kWireAssumptionCount);
    for (const auto &a : ats::shared::kWireAssumptions) {
        const std::string id(a.id);
        BOOST_TEST(verdict(p, id) == (a.read_only_checkable ? "confirmed" : "not_checkable"),
                   id << ": " << json::serialize(p.by_id[id]));
    }
    BOOST_TEST(p.report.at("contradicted").as_int64() == 0);
    BOOST_TEST(p.report.at("requests").as_int64() > 5);
    // Nothing written anywhere.
    BOOST_TEST(env.sandbox().admin_get("writes").at("writes").as_array().empty());
}

// Each violable assumption, contradicted alone: the probe reports exactly it, with evidence.
BOOST_AUTO_TEST_CASE(probe_reports_each_contradiction_the_sandbox_is_told_to_make) {
    HybridEnv env(options("America/New_York")); // A8 is invisible where the zone is UTC in winter
    for (const auto &a : ats::shared::kWireAssumptions) {
        if (!a.sandbox_violable || !a.read_only_checkable) continue;
        const std::string id(a.id);
        env.sandbox().admin_post("violations", json::object{{"violate", json::array{json::string(id)}}},
                                 a.system == "kombo");
        Probe p = probe(env);
        BOOST_TEST(p.run.exit_code == 7, id << ": exit " << p.run.exit_code << " " << p.run.err);
        BOOST_TEST(verdict(p, id) == "contradicted", id << ": " << json::serialize(p.by_id[id]));
        if (verdict(p, id) == "contradicted") {
            const auto &ev = p.by_id[id].at("evidence").as_object();
            BOOST_TEST(!ev.at("request").as_string().empty());
            BOOST_TEST(!ev.at("answer").as_string().empty());
            BOOST_TEST_MESSAGE(id << ": " << ev.at("request").as_string() << " -> " << ev.at("answer").as_string());
        }
        BOOST_TEST(p.run.err.find("contradicted") != std::string::npos);
    }
    env.sandbox().admin_post("violations", json::object{{"violate", json::array{}}});
    BOOST_TEST(probe(env).run.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(sync_refuses_to_write_when_recordids_are_ignored_and_names_a14) {
    HybridEnv env(options());
    env.sandbox().admin_post("violations", json::object{{"violate", json::array{"A14"}}});
    auto r = env.sync();
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    BOOST_TEST(r.err.find("A14") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("refuses to write") != std::string::npos, r.err);
    BOOST_TEST(env.sandbox().admin_get("writes").at("writes").as_array().empty());
    // The dry run refuses the same way (it would not show a plan the real run cannot carry out).
    auto dry =
        run_process(env.host_argv({"sync", "--tenant", env.tenant(), "--dry-run"}), {}, std::chrono::seconds(120));
    BOOST_TEST(dry.exit_code == 1);
    BOOST_TEST(dry.err.find("A14") != std::string::npos);
    // Fixed upstream: the next sync runs and is correct.
    env.sandbox().admin_post("violations", json::object{{"violate", json::array{}}});
    auto ok = env.sync();
    BOOST_TEST(ok.exit_code == 0, ok.err);
    auto problems = verify_against_expected(env.sandbox());
    BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

BOOST_AUTO_TEST_CASE(sync_refuses_to_write_when_updatedafter_is_read_in_utc_and_names_a8) {
    HybridEnv env(options("America/New_York"));
    env.sandbox().admin_post("violations", json::object{{"violate", json::array{"A8"}}});
    auto r = env.sync();
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    BOOST_TEST(r.err.find("A8") != std::string::npos, r.err);
    BOOST_TEST(env.sandbox().admin_get("writes").at("writes").as_array().empty());
}

// --write-probes on a scratch person: A16 by a createResource Tracker must refuse (status 3 naming
// the person); nothing is created either way in the sandbox.
BOOST_AUTO_TEST_CASE(write_probes_check_a16_on_the_scratch_person_and_create_nothing) {
    HybridEnv env(options());
    json::value page = env.sandbox().tracker(
        "getRecords", json::object{{"instructions", json::object{{"recordtype", "R"}, {"numrecords", 1}}}});
    const std::string scratch = std::to_string(page.at("results").as_array().at(0).at("id").to_number<int64_t>());
    Probe ok = probe(env, {"--write-probes", "--scratch-record", scratch});
    BOOST_TEST(ok.run.exit_code == 0, ok.run.err);
    BOOST_TEST(verdict(ok, "A16") == "confirmed");
    env.sandbox().admin_post("violations", json::object{{"violate", json::array{"A16"}}});
    Probe bad = probe(env, {"--write-probes", "--scratch-record", scratch});
    BOOST_TEST(bad.run.exit_code == 7);
    BOOST_TEST(verdict(bad, "A16") == "contradicted");
    const json::value log = env.sandbox().admin_get("writes");
    BOOST_TEST(log.at("writes").as_array().size() == 2u);
    for (const auto &w : log.at("writes").as_array()) BOOST_TEST(w.at("status").to_number<int64_t>() == 3); // refused
    auto usage = run_process(env.host_argv({"probe", "--tenant", env.tenant(), "--write-probes"}));
    BOOST_TEST(usage.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(sandbox_refuses_a_tag_it_cannot_violate) {
    HybridEnv env(options());
    auto resp = env.sandbox().send([&] {
        ats::net::HttpRequest q;
        q.method = "POST";
        q.url = env.sandbox().tracker_url() + "/_sandbox/violations";
        q.body = R"({"violate":["A3"]})";
        q.headers = {{"Content-Type", "application/json"}};
        return q;
    }());
    BOOST_TEST(resp.status == 400);
    BOOST_TEST(resp.body.find("A3") != std::string::npos);
}
