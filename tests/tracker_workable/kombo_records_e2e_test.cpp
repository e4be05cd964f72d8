// The hybrid's records are Kombo records: after a sync, every job, application (synced and
// pending), candidate, attachment and stage tracker_workable emits validates against Kombo's item
// schema (tests/kombo) and against the project's own schema (plugin_api/schema).
#define BOOST_TEST_MODULE tracker_workable_kombo_records
#include <boost/test/unit_test.hpp>

#include "hybrid_env.hpp"
#include "kombo_check.hpp"
#include "paths.hpp"
#include "process.hpp"

#include <boost/json.hpp>

#include <sstream>

using namespace ats::test;
using namespace ats::test::hybrid;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

ProcessResult call(HybridEnv &env, const std::string &op, const json::object &args = {}) {
    return run_process(env.host_argv({"call", "--tenant", env.tenant(), op, "--args", json::serialize(args)}), {},
                       300s);
}

std::vector<json::object> lines_of(const std::string &out) {
    std::vector<json::object> rows;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) rows.push_back(json::parse(line).as_object());
    return rows;
}

std::string ndjson_of(const std::vector<json::object> &rows) {
    std::string s;
    for (const auto &r : rows) s += json::serialize(r) + "\n";
    return s;
}

// Both contracts: Kombo's item schema and the project's schema of the same record kind.
std::string both_schemas(const std::string &kind, const std::vector<json::object> &rows) {
    std::string input = ndjson_of(rows);
    std::string errors = kombo_item_errors(kind, input);
    ProcessResult p = run_process(
        {"node", source_dir() + "/tests/tracker/e2e/validate_records.js", source_dir() + "/plugin_api/schema", kind},
        {{"NODE_PATH", ajv_node_modules()}}, 120s, input);
    if (p.exit_code != 0) errors += "project " + kind + " schema: " + p.out + p.err;
    return errors;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_record_kind_validates_against_kombo_and_the_project_schema) {
    EnvOptions o;
    o.sandbox.applications = 120;
    o.sandbox.people = 60;
    o.sandbox.tracker_people = 20;
    HybridEnv env(o);
    BOOST_REQUIRE_MESSAGE(env.sync().exit_code == 0, "the first sync failed");

    auto apps = call(env, "applications.stream");
    BOOST_REQUIRE_MESSAGE(apps.exit_code == 0, apps.err.substr(0, 2000));
    auto app_rows = lines_of(apps.out);
    size_t synced = 0, pending = 0;
    for (const auto &a : app_rows) {
        const auto *st = a.if_contains("sync_status");
        if (st && *st == "synced") ++synced;
        if (st && (*st == "pending" || *st == "quarantined")) ++pending;
    }
    BOOST_TEST(synced > 0u);  // Tracker's side, written by the sync
    BOOST_TEST(pending > 0u); // Workable's side, not in Tracker (unmapped jobs)
    BOOST_TEST(both_schemas("application", app_rows) == "");
    for (const auto &a : app_rows) { // the embedded objects name the same records as the flat ids
        if (!a.at("job").is_null()) BOOST_TEST(a.at("job").at("name") == a.at("job_name"));
        if (a.at("current_stage").is_object()) BOOST_TEST(a.at("current_stage_id") == a.at("current_stage").at("id"));
    }

    auto jobs = call(env, "jobs.stream");
    BOOST_REQUIRE_MESSAGE(jobs.exit_code == 0, jobs.err.substr(0, 2000));
    BOOST_TEST(both_schemas("job", lines_of(jobs.out)) == "");

    auto candidates = call(env, "candidates.stream");
    BOOST_REQUIRE_MESSAGE(candidates.exit_code == 0, candidates.err.substr(0, 2000));
    auto candidate_rows = lines_of(candidates.out);
    BOOST_TEST(both_schemas("candidate", candidate_rows) == "");

    auto stages = call(env, "stages.list");
    BOOST_REQUIRE_MESSAGE(stages.exit_code == 0, stages.err.substr(0, 2000));
    std::vector<json::object> stage_rows;
    const json::value stage_list = json::parse(stages.out);
    for (const auto &s : stage_list.at("results").as_array()) stage_rows.push_back(s.as_object());
    BOOST_TEST(both_schemas("stage", stage_rows) == "");

    // Attachments: the CVs the sync attached in Tracker.
    std::vector<json::object> attachments;
    for (const auto &c : candidate_rows) {
        auto listed = call(env, "candidates.attachments.list", {{"candidate_id", c.at("id")}});
        BOOST_REQUIRE_MESSAGE(listed.exit_code == 0, listed.err.substr(0, 2000));
        const json::value list = json::parse(listed.out);
        for (const auto &a : list.at("results").as_array()) attachments.push_back(a.as_object());
        if (attachments.size() >= 5) break;
    }
    BOOST_REQUIRE(!attachments.empty());
    BOOST_TEST(both_schemas("attachment", attachments) == "");
    bool cv = false;
    for (const auto &a : attachments) cv = cv || a.at("type") == "CV";
    BOOST_TEST(cv);
}
