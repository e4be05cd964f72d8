// End-to-end tests of the tracker_workable sync: `ats-host sync` (a real child process, the real
// plugin .so) against ats-sandbox, judged by verify_against_expected() - the sandbox's final
// Tracker state compared with the generator's ground truth (/_sandbox/expected).
#define BOOST_TEST_MODULE tracker_workable_sync_e2e
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <set>
#include <sstream>
#include <thread>

#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using namespace std::chrono_literals;

namespace {

void require_correct(Sandbox &sb, const std::string &pending_status = "Applied") {
    auto problems = verify_against_expected(sb, pending_status);
    for (const auto &p : problems) BOOST_TEST_MESSAGE("problem: " << p);
    BOOST_TEST(problems.empty(), problems.size() << " difference(s) from the expected end state, first: "
                                                 << (problems.empty() ? "" : problems.front()));
}

int64_t num(const json::value &v) { return v.to_number<int64_t>(); }

int64_t tracker_writes(Sandbox &sb) {
    auto by = tracker_requests_by_method(sb);
    return by["createResource"] + by["resourceApplication"] + by["updateRecord"];
}

EnvOptions medium() {
    EnvOptions o;
    o.sandbox.seed = 7;
    o.sandbox.jobs = 8;
    o.sandbox.applications = 150;
    o.sandbox.people = 80;
    o.sandbox.tracker_people = 25;
    return o;
}

} // namespace

BOOST_AUTO_TEST_CASE(verifier_reports_an_unsynced_sandbox) {
    // The judge must be able to fail: before any sync every expected application is missing.
    HybridEnv env(medium());
    auto problems = verify_against_expected(env.sandbox());
    BOOST_TEST(problems.size() > 50u);
}

BOOST_AUTO_TEST_CASE(cold_sync_matches_expected_and_kombo_sees_only_gets) {
    HybridEnv env(medium());
    // The generated data holds every identity case the sync must get right.
    json::object truth = env.sandbox().admin_get("state").at("truth").as_object();
    std::set<std::string> kinds;
    bool many_jobs = false, no_email = false;
    for (const auto &p : truth.at("people").as_array()) {
        kinds.insert(std::string(p.at("phone_kind").as_string()));
        many_jobs = many_jobs || num(p.at("applications")) > 1;
        no_email = no_email || p.at("email").as_string().empty();
    }
    BOOST_TEST(many_jobs);
    BOOST_TEST(no_email);
    BOOST_TEST(kinds.count("invalid") == 1u);
    BOOST_TEST(kinds.count("gb_mobile") == 1u);
    BOOST_TEST(kinds.count("us") == 1u);

    auto r = env.sync();
    json::object s = parse_summary(r);
    require_correct(env.sandbox());
    json::object expected = env.sandbox().admin_get("expected").as_object();
    BOOST_TEST(num(s.at("applications").at("pending")) == static_cast<int64_t>(expected.at("pending").as_array().size()));
    BOOST_TEST(num(s.at("applications").at("deleted_reported")) == static_cast<int64_t>(expected.at("deleted").as_array().size()));
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    BOOST_TEST(num(s.at("people").at("matched_by_email")) + num(s.at("people").at("matched_by_phone")) > 0);
    BOOST_TEST(num(s.at("people").at("matched_by_phone")) > 0);
    // The generator gives two different people one name: reported, never merged.
    BOOST_TEST(num(s.at("applications").at("name_only_reported")) > 0);
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(second_sync_with_nothing_changed_costs_kombo_pages_only) {
    HybridEnv env(medium());
    parse_summary(env.sync());
    env.sandbox().admin_post("reset", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(total_tracker_requests(env.sandbox()) == 0);
    BOOST_TEST(num(s.at("requests").at("tracker")) == 0);
    BOOST_TEST(num(s.at("requests").at("kombo")) == num(s.at("requests").at("kombo_pages")));
    BOOST_TEST(num(s.at("applications").at("created")) == 0);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(incremental_sync_after_new_changed_and_deleted_applications) {
    HybridEnv env(medium());
    parse_summary(env.sync());
    env.sandbox().admin_post("mutate", json::object{{"advance_seconds", 3600},
                                                    {"change_outcomes", 12},
                                                    {"add_applications", 20},
                                                    {"delete_applications", 3}});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("updated")) > 0); // outcome changes became status updates
    BOOST_TEST(num(s.at("applications").at("created")) > 0);
    BOOST_TEST(num(s.at("applications_seen")) < 150);       // only what changed since the checkpoint
    // Pending applications met both on the pending list and on a page count once.
    BOOST_TEST(num(s.at("applications").at("pending")) ==
               static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    require_correct(env.sandbox());
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(unmapped_job_is_pending_then_synced_once_mapped) {
    EnvOptions o = medium();
    o.job_mapping_refresh_seconds = 0; // see the new mapping at once (default: within 5 minutes)
    HybridEnv env(o);
    json::object s1 = parse_summary(env.sync());
    BOOST_REQUIRE(num(s1.at("applications").at("pending")) > 0);
    // The job gets mapped in Tracker; its applications are not updated in Workable, so only the
    // pending list (not the checkpoint) can bring them in.
    env.sandbox().admin_post("mutate", json::object{{"link_unmapped_job", true}});
    json::object s2 = parse_summary(env.sync());
    BOOST_TEST(num(s2.at("applications").at("created")) >= num(s1.at("applications").at("pending")) -
                                                              static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    BOOST_TEST(num(s2.at("applications").at("pending")) ==
               static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(ten_percent_faults_of_every_kind_then_rerun_converges) {
    EnvOptions o = medium();
    o.kombo_page_size = 10; // 15 Kombo pages, so Kombo's faults hit too
    HybridEnv env(o);
    json::array tracker_kinds{"429", "500", "502", "503", "reset", "truncated", "malformed", "overlap"};
    json::array kombo_kinds{"429", "500", "502", "503", "reset", "truncated", "malformed"};
    env.sandbox().admin_post("faults", json::object{
        {"tracker", json::object{{"*", json::object{{"rate", 0.1}, {"kinds", tracker_kinds}, {"seed", 11}}}}},
        {"kombo", json::object{{"*", json::object{{"rate", 0.1}, {"kinds", kombo_kinds}, {"seed", 12}}}}}});
    auto first = env.sync();
    BOOST_TEST_MESSAGE("sync under faults exited " << first.exit_code << ": " << first.out.substr(0, 600));
    json::object injected = env.sandbox().admin_get("counters").at("faults_injected").as_object();
    BOOST_TEST_MESSAGE("faults injected: " << json::serialize(injected));
    BOOST_TEST(!injected.empty());
    bool kombo_hit = false, tracker_hit = false;
    for (const auto &kv : injected) {
        kombo_hit = kombo_hit || kv.key().starts_with("kombo");
        tracker_hit = tracker_hit || kv.key().starts_with("tracker");
    }
    BOOST_TEST(kombo_hit);
    BOOST_TEST(tracker_hit);
    // Faults off: the rerun finishes what the first left (pending errors, unknown outcomes).
    env.sandbox().admin_post("faults", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    require_correct(env.sandbox());
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(faults_with_stalls_past_the_timeout_then_rerun_converges) {
    EnvOptions o = medium();
    o.sandbox.applications = 60;
    o.sandbox.people = 35;
    o.tracker_timeout_ms = 1500; // below the 4 s stall: write outcomes become unknown
    HybridEnv env(o);
    // A stalled write may or may not have been applied: the sync must read back, never create twice.
    env.sandbox().admin_post("faults", json::object{
        {"tracker", json::object{{"*", json::object{{"rate", 0.1}, {"kinds", json::array{"stall", "500", "reset"}},
                                                    {"stall_ms", 4000}, {"seed", 5}}}}}});
    auto first = env.sync(false, 300s);
    BOOST_TEST_MESSAGE("sync under stalls exited " << first.exit_code << ": " << first.out.substr(0, 600));
    env.sandbox().admin_post("faults", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(sigkill_at_several_points_then_rerun_is_exactly_once) {
    for (int kill_after : {2, 25, 80}) {
        BOOST_TEST_CONTEXT("killed after " << kill_after << " Tracker writes") {
            EnvOptions o = medium();
            o.sandbox.latency_ms = 5; // slow enough to be caught mid-run
            HybridEnv env(o);
            auto child = env.start_sync();
            auto deadline = std::chrono::steady_clock::now() + 120s;
            bool killed = false;
            while (std::chrono::steady_clock::now() < deadline && child->running()) {
                if (tracker_writes(env.sandbox()) >= kill_after) {
                    child->kill(SIGKILL);
                    killed = true;
                    break;
                }
                std::this_thread::sleep_for(2ms);
            }
            auto res = child->wait(30s);
            BOOST_TEST(killed);
            BOOST_TEST(res.signal == SIGKILL);
            int64_t writes_before = tracker_writes(env.sandbox());
            BOOST_TEST(writes_before >= kill_after);
            json::object s = parse_summary(env.sync());
            BOOST_TEST(num(s.at("applications").at("errors")) == 0);
            require_correct(env.sandbox());
        }
    }
}

BOOST_AUTO_TEST_CASE(two_syncs_at_once_second_refuses_clearly_when_it_cannot_wait) {
    EnvOptions o = medium();
    o.sandbox.latency_ms = 10;
    o.lock_wait_ms = 0;
    HybridEnv env(o);
    auto first = env.start_sync();
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (total_tracker_requests(env.sandbox()) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    auto second = env.sync();
    BOOST_TEST(second.exit_code == 1);
    BOOST_TEST(second.err.find("another sync of this tenant is running") != std::string::npos, second.err);
    auto r1 = first->wait(240s);
    BOOST_TEST(r1.exit_code == 0, r1.err);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(two_syncs_at_once_second_waits_and_writes_nothing) {
    EnvOptions o = medium();
    o.sandbox.latency_ms = 5;
    o.lock_wait_ms = 120000;
    HybridEnv env(o);
    auto a = env.start_sync();
    auto b = env.start_sync();
    auto ra = a->wait(240s), rb = b->wait(240s);
    BOOST_REQUIRE(ra.exit_code == 0);
    BOOST_REQUIRE(rb.exit_code == 0);
    json::object sa = parse_summary(ra), sb = parse_summary(rb);
    // Exactly one of them created everything; the other found it all done.
    int64_t ca = num(sa.at("applications").at("created")), cb = num(sb.at("applications").at("created"));
    BOOST_TEST((ca == 0) != (cb == 0));
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(applications_stream_syncs_first_then_streams_each_application_once) {
    HybridEnv env(medium());
    // No sync before: applications.stream runs it, then streams Tracker's applications.
    auto r = run_process(env.host_argv({"call", "--tenant", env.tenant(), "applications.stream"}), {}, 300s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err.substr(0, 2000));
    require_correct(env.sandbox());
    json::object state = env.sandbox().admin_get("state").as_object();
    const auto &links = state.at("tracker").at("links").as_array();
    std::set<std::string> ids;
    size_t lines = 0, with_workable = 0, workable_links = 0;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        ++lines;
        json::object app = json::parse(line).as_object();
        ids.insert(std::string(app.at("id").as_string()));
        const auto &remote = app.at("remote_ids").as_object();
        if (remote.contains("kombo")) {
            ++with_workable;
            BOOST_TEST(remote.contains("workable"));
        }
    }
    // Every synced Workable application (a link the sync made, or a Tracker link it adopted).
    workable_links = env.sandbox().admin_get("expected").at("applications").as_array().size();
    BOOST_TEST(lines == links.size());     // every Tracker application, Workable's included
    BOOST_TEST(ids.size() == lines);       // each exactly once
    BOOST_TEST(with_workable == workable_links); // synced ones carry their Workable and Kombo ids
    BOOST_TEST(with_workable > 0u);
}
