// End-to-end tests of what an operator reads: the sync history `ats-host sync` keeps in the
// tenant's state (`ats-host syncs`), and a failing command's single error line. Real child
// processes, the real plugin, ats-sandbox.
#define BOOST_TEST_MODULE tracker_workable_operator_e2e
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;

namespace {
std::vector<json::object> ndjson(const std::string &out) {
    std::vector<json::object> v;
    size_t at = 0;
    while (at < out.size()) {
        size_t nl = out.find('\n', at);
        std::string line = out.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (!line.empty()) v.push_back(json::parse(line).as_object());
        if (nl == std::string::npos) break;
        at = nl + 1;
    }
    return v;
}

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> v;
    for (const auto &o : ndjson(text)) v.push_back(json::serialize(o));
    return v;
}
} // namespace

BOOST_AUTO_TEST_CASE(syncs_lists_cli_runs_and_dry_runs_newest_first_with_their_summaries) {
    HybridEnv env;
    auto dry =
        run_process(env.host_argv({"sync", "--tenant", env.tenant(), "--dry-run"}), {}, std::chrono::seconds(300));
    BOOST_TEST_REQUIRE(dry.exit_code == 0, dry.err);
    auto real = env.sync();
    auto summary = parse_summary(real);
    // The summary names its lists' completeness and groups what needs the operator.
    BOOST_TEST(summary.at("list_counts").at("pending").at("complete").as_bool());
    const auto pending_total = summary.at("list_counts").at("pending").at("total").as_int64();
    BOOST_TEST(pending_total == summary.at("applications").at("pending").as_int64());
    int64_t grouped = 0;
    if (const auto *g = summary.at("attention_groups").as_object().if_contains("pending"))
        for (const auto &kv : g->as_object()) grouped += kv.value().as_int64();
    BOOST_TEST(grouped == pending_total);

    auto listed = run_process(env.host_argv({"syncs", "--tenant", env.tenant(), "--json"}));
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
    auto runs = ndjson(listed.out);
    BOOST_TEST_REQUIRE(runs.size() == 2u);
    BOOST_TEST(!runs[0].at("dry_run").as_bool()); // newest first
    BOOST_TEST(runs[1].at("dry_run").as_bool());
    for (const auto &r : runs) {
        BOOST_TEST(r.at("trigger").as_string() == "cli");
        BOOST_TEST(r.at("status").as_string() == "succeeded");
        BOOST_TEST(!r.at("started_at").as_string().empty());
        BOOST_TEST(r.at("finished_at").as_string() >= r.at("started_at").as_string());
    }
    BOOST_TEST(!runs[1].at("summary").as_object().contains("plan")); // the plan is kept as counts
    BOOST_TEST(runs[1].at("summary").at("plan_counts").as_object().size() > 0u);
    BOOST_TEST(runs[0].at("summary") == json::value(summary)); // the summary printed, whole

    auto one = run_process(
        env.host_argv({"syncs", "--tenant", env.tenant(), "--run", std::string(runs[1].at("id").as_string())}));
    BOOST_TEST_REQUIRE(one.exit_code == 0, one.err);
    BOOST_TEST(json::parse(one.out).at("id") == runs[1].at("id"));
    auto last = run_process(env.host_argv({"syncs", "--tenant", env.tenant(), "--last", "1"}));
    BOOST_TEST(ndjson(last.out).size() == 1u);

    auto unknown = run_process(env.host_argv({"syncs", "--tenant", env.tenant(), "--run", "1700000000000-deadbeef"}));
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(lines(unknown.err).size() == 1u, unknown.err);
    BOOST_TEST(unknown.err.find("has no sync run") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failing_sync_says_so_once_on_stderr_and_is_recorded_as_failed) {
    HybridEnv env;
    env.sandbox().admin_post(
        "faults",
        json::object{{"kombo", json::object{{"*", json::object{{"rate", 1.0}, {"kinds", json::array{"500"}}}}}}});
    auto r = run_process(env.host_argv({"sync", "--tenant", env.tenant()}), {}, std::chrono::seconds(300));
    BOOST_TEST(r.exit_code != 0);
    auto err = lines(r.err);
    BOOST_TEST_REQUIRE(err.size() == 1u, r.err); // the error line alone: no log line repeating it
    BOOST_TEST(err[0].find("\"error\"") != std::string::npos);
    auto runs = ndjson(run_process(env.host_argv({"syncs", "--tenant", env.tenant(), "--json"})).out);
    BOOST_TEST_REQUIRE(runs.size() == 1u);
    BOOST_TEST(runs[0].at("status").as_string() == "failed");
    BOOST_TEST(!runs[0].at("error").at("message").as_string().empty());
}
