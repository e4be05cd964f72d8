// End-to-end tests of crash recovery that must hold outside the sandbox's perfect conditions:
// `ats-host sync` killed (SIGKILL) again and again at different points, including while statuses
// and CVs are being written, then run to the end - with Tracker's clock ahead of or behind the
// host's, and with a manifest time zone that differs from the Tracker account's. Judged by the
// sandbox's ground truth: no person or application twice, none missing, no error that stays.
#define BOOST_TEST_MODULE tracker_workable_recovery_e2e
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <thread>

#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using namespace std::chrono_literals;

namespace {

const std::initializer_list<const char *> kAllWrites = {"createResource", "resourceApplication", "updateRecord",
                                                        "createActivity", "attachDocument"};

EnvOptions world() {
    EnvOptions o = sized_world(11, 8, 150, 80, 25);
    o.sandbox.extra_args = {"--nameless-every", "29"}; // people with no name on any application
    o.sandbox.latency_ms = 4;                          // slow enough to be caught mid-run
    o.tracker_timeout_ms = 1500;                       // a stalled write's outcome is unknown to the sync
    return o;
}

struct LoopResult {
    int kills = 0;
};

// Starts a sync and SIGKILLs it once `methods` have been written `after` more times; returns
// false when the sync finished first.
bool kill_after(HybridEnv &env, std::initializer_list<const char *> methods, int64_t after) {
    const int64_t start = tracker_requests_of(env.sandbox(), methods);
    auto child = env.start_sync();
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline && child->running()) {
        if (tracker_requests_of(env.sandbox(), methods) - start >= after) {
            child->kill(SIGKILL);
            child->wait(30s);
            return true;
        }
        std::this_thread::sleep_for(1ms);
    }
    child->wait(60s);
    return false;
}

// Kill loop: several kills at different points (any write; during CV uploads; during status
// writes), then runs to the end. Returns the summary of the completing run.
json::object kill_loop(HybridEnv &env, LoopResult &r) {
    // A third of the writes are applied by Tracker but answered only after 60 s: a kill then
    // leaves applied writes the killed run never recorded - exactly what recovery must find.
    json::object stall{{"rate", 0.33}, {"kinds", json::array{"stall"}}, {"stall_ms", 60000}, {"seed", 3}};
    json::object tracker;
    for (const char *m : kAllWrites) tracker[m] = stall;
    env.sandbox().admin_post("faults", json::object{{"tracker", tracker}});
    struct Point {
        std::initializer_list<const char *> methods;
        int64_t after;
    } points[] = {{kAllWrites, 3},       {{"attachDocument"}, 2},  {kAllWrites, 40},
                  {{"updateRecord"}, 5}, {{"attachDocument"}, 10}, {kAllWrites, 25}};
    for (const auto &p : points) r.kills += kill_after(env, p.methods, p.after);
    // Then many kills right after person creates, while others are in flight: the interrupted
    // creates are what recovery must find again (by the record, never by a clock).
    for (int i = 0; i < 14; ++i) r.kills += kill_after(env, {"createResource"}, 1 + i % 3);
    env.sandbox().admin_post("faults", json::object{});
    return parse_summary(env.sync());
}

void require_converged(HybridEnv &env, const json::object &last) {
    BOOST_TEST(num(last.at("applications").at("errors")) == 0, json::serialize(last.at("errors")));
    auto problems = verify_against_expected(env.sandbox());
    for (const auto &p : problems) BOOST_TEST_MESSAGE("problem: " << p);
    BOOST_TEST(problems.empty(), problems.size()
                                     << " difference(s), first: " << (problems.empty() ? "" : problems.front()));
    // Nothing left that fails forever, and nothing written twice by a further run.
    const int64_t before = tracker_requests_of(env.sandbox(), kAllWrites);
    json::object again = parse_summary(env.sync());
    BOOST_TEST(num(again.at("applications").at("errors")) == 0);
    BOOST_TEST(tracker_requests_of(env.sandbox(), kAllWrites) == before);
}

// One kill loop on the world `o` describes, then the convergence checks.
void kill_loop_converges(const EnvOptions &o) {
    HybridEnv env(o);
    LoopResult r;
    json::object last = kill_loop(env, r);
    BOOST_TEST_MESSAGE("kills: " << r.kills);
    BOOST_TEST(r.kills >= 3);
    require_converged(env, last);
}

EnvOptions with_tracker_clock_skew(EnvOptions o, int64_t skew_ms) {
    o.sandbox.extra_args.insert(o.sandbox.extra_args.end(), {"--tracker-clock-skew-ms", std::to_string(skew_ms)});
    return o;
}

} // namespace

BOOST_AUTO_TEST_CASE(kill_loop_with_a_manifest_zone_other_than_the_accounts) {
    EnvOptions o = world();
    o.manifest_timezone = "Europe/Berlin"; // the sandbox account is Europe/London
    kill_loop_converges(o);
}

BOOST_AUTO_TEST_CASE(kill_loop_with_trackers_clock_20_minutes_behind) {
    kill_loop_converges(with_tracker_clock_skew(world(), -20 * 60 * 1000));
}

BOOST_AUTO_TEST_CASE(kill_loop_with_trackers_clock_1_hour_ahead) {
    kill_loop_converges(with_tracker_clock_skew(world(), 60 * 60 * 1000));
}

BOOST_AUTO_TEST_CASE(kill_loop_with_skew_and_zone_mismatch_together) {
    EnvOptions o = with_tracker_clock_skew(world(), -20 * 60 * 1000);
    o.sandbox.seed = 23;
    o.manifest_timezone = "America/New_York";
    kill_loop_converges(o);
}
