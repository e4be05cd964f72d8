// serve_multi_instance_test.cpp - three `ats-host serve` instances sharing one PostgreSQL state
// (a private server, postgres_server.hpp) and the same manifests and plugins, with a scheduled
// sync of one hybrid tenant every second against the sandbox. The instance holding the sync's
// lease is SIGKILLed mid-sync: another takes the lease over within its TTL and finishes the sync;
// the sandbox's Tracker then holds every person and application exactly once; successful runs
// never overlapped; /metrics names the lease holder.
#define BOOST_TEST_MODULE serve_multi_instance
#include <boost/test/unit_test.hpp>

#include "hybrid_env.hpp"
#include "paths.hpp"
#include "postgres_server.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"
#include "temp_dir.hpp"

#include <libpq-fe.h>

#include <boost/json.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace ats::test;
using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kToken = "demo-token";
constexpr int64_t kLeaseTtlMs = 3000;

ServeSetup shared_setup(const Sandbox &sandbox, const std::string &state_url, const std::string &key_file) {
    ServeSetup setup;
    setup.plugins = {{"libtracker_workable.so", plugins_dir() + "/libtracker_workable.so"}};
    // lock_wait_ms 0: an instance whose scheduled run finds the sync's lease held gives up at once
    // (the holder is syncing the same changes).
    setup.manifests = {{"demo", hybrid_manifest(sandbox, "demo", R"(,"lock_wait_ms":0)",
                                                R"(,"state_key":{"$secret":{"file":")" + key_file + R"("}})",
                                                R"(,"sync":{"interval_seconds":1,"full_every_seconds":0})")}};
    setup.tokens = {{"demo", {kToken}}};
    setup.env = {{"DEMO_TRACKER_KEY", Sandbox::kTrackerApiKey},
                 {"DEMO_KOMBO_KEY", Sandbox::kKomboApiKey},
                 {"ATS_STATE_URL", state_url},
                 {"ATS_LEASE_TTL_MS", std::to_string(kLeaseTtlMs)}};
    setup.log_level = "info";
    return setup;
}

struct LeaseRow {
    std::string holder;
    long long token = 0;
};

// The sync's lease as the database has it now (nullopt: free or expired).
std::optional<LeaseRow> sync_lease(const std::string &url) {
    PGconn *c = PQconnectdb(url.c_str());
    std::optional<LeaseRow> out;
    PGresult *r = PQexec(c, "SELECT holder, token FROM ats_leases WHERE tenant = 'demo' AND name = 'workable-sync'"
                            " AND expires_ms > (extract(epoch from clock_timestamp()) * 1000)::int8");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        out = LeaseRow{PQgetvalue(r, 0, 0), std::atoll(PQgetvalue(r, 0, 1))};
    PQclear(r);
    PQfinish(c);
    return out;
}

json::array runs_of(ServeInstance &s) {
    auto r = s.get("/v1/tenants/demo/sync", kToken);
    if (r.status != 200) return {};
    return json::parse(r.body).as_object()["runs"].as_array();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_killed_lease_holder_is_taken_over_and_the_tenant_synced_exactly_once) {
    PostgresServer pg;
    const std::string url = pg.create_database("multi");
    TempDir keys("ats-multi-keys");
    const std::string key_file = keys / "demo.key";
    {
        std::ofstream k(key_file);
        k << "5b0c1f7e2a9d4c3b8e6f1a0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a392817160\n";
    }
    ::chmod(key_file.c_str(), 0600);
    Sandbox::Options so;
    so.seed = 21;
    so.jobs = 8;
    so.applications = 160;
    so.people = 90;
    so.tracker_people = 30;
    so.latency_ms = 25; // slow enough that the kill lands mid-sync
    so.tracker_concurrency = 2;
    Sandbox sandbox(so);
    const ServeSetup setup = shared_setup(sandbox, url, key_file);
    std::vector<std::unique_ptr<ServeInstance>> instances;
    for (int i = 0; i < 3; ++i) instances.push_back(std::make_unique<ServeInstance>(setup));

    // The first scheduled sync: one instance takes the lease; kill it once it has written a bit.
    std::optional<LeaseRow> first;
    const int64_t writes_before = hybrid::tracker_sync_writes(sandbox);
    for (int i = 0; i < 300; ++i) {
        first = sync_lease(url);
        if (first && hybrid::tracker_sync_writes(sandbox) - writes_before >= 15) break;
        std::this_thread::sleep_for(50ms);
    }
    BOOST_REQUIRE_MESSAGE(first.has_value(), "no instance took the sync's lease");
    size_t holder_index = instances.size();
    for (size_t i = 0; i < instances.size(); ++i)
        if (first->holder.size() > 4 &&
            first->holder.substr(first->holder.rfind(' ') + 1) == std::to_string(instances[i]->process().pid()))
            holder_index = i;
    BOOST_REQUIRE_MESSAGE(holder_index < instances.size(),
                          "the lease holder '" + first->holder + "' is none of the instances");

    // /metrics of another instance names the holder (read from the shared state).
    ServeInstance &observer = *instances[(holder_index + 1) % instances.size()];
    const std::string metrics = observer.get("/metrics", "admin-token-0").body;
    BOOST_TEST(metrics.find("ats_instance_info{instance=") != std::string::npos);
    if (sync_lease(url) && sync_lease(url)->token == first->token) // still the same lease after the scrape
        BOOST_TEST(metrics.find("ats_lease_held{tenant=\"demo\",lock=\"workable-sync\",holder=\"" + first->holder +
                                "\"} 1") != std::string::npos,
                   metrics);

    const int64_t writes_at_kill = hybrid::tracker_sync_writes(sandbox);
    instances[holder_index]->process().kill(SIGKILL);
    instances[holder_index]->process().wait(10s);
    const auto killed_at = std::chrono::steady_clock::now();
    BOOST_TEST_MESSAGE("killed the lease holder '" << first->holder << "' after " << writes_at_kill - writes_before
                                                   << " Tracker writes");

    // Another instance takes the lease over (after its end) and finishes a sync.
    std::optional<LeaseRow> next;
    for (int i = 0; i < 400 && !(next && next->token > first->token); ++i) {
        next = sync_lease(url);
        if (!(next && next->token > first->token)) std::this_thread::sleep_for(25ms);
    }
    BOOST_REQUIRE_MESSAGE(next && next->token > first->token, "nobody took the lease over");
    const auto taken_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count();
    BOOST_TEST(next->holder != first->holder);
    // The lease ends at most one TTL after the last renewal; the schedule ticks every second.
    BOOST_TEST(taken_ms <= kLeaseTtlMs + 2000, "takeover after " << taken_ms << " ms");

    json::object finished;
    std::vector<ServeInstance *> survivors;
    for (size_t i = 0; i < instances.size(); ++i)
        if (i != holder_index) survivors.push_back(instances[i].get());
    for (int i = 0; i < 600 && finished.empty(); ++i) {
        for (auto *s : survivors)
            for (const auto &r : runs_of(*s)) {
                const auto &o = r.as_object();
                if (o.at("status") == "succeeded" && o.at("summary").as_object().at("applications_seen").as_int64() > 0)
                    finished = o;
            }
        if (finished.empty()) std::this_thread::sleep_for(100ms);
    }
    BOOST_REQUIRE_MESSAGE(!finished.empty(), "no survivor finished a sync");
    const auto finished_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count();
    std::printf(
        "lease takeover after SIGKILL of the holder: %lld ms (lease %lld ms); sync finished %lld ms after the kill\n",
        static_cast<long long>(taken_ms), static_cast<long long>(kLeaseTtlMs), static_cast<long long>(finished_ms));

    // The history is shared: every survivor lists the run that finished, whichever ran it.
    const std::string finished_id(finished.at("id").as_string());
    for (auto *s : survivors) {
        bool listed = false;
        for (const auto &r : runs_of(*s)) listed = listed || r.as_object().at("id").as_string() == finished_id;
        BOOST_TEST(listed, "an instance does not list run " << finished_id << " of another");
    }

    // Successful runs never overlapped (one instance at a time). Each run once, by id: every
    // instance lists the same shared history.
    std::map<std::string, std::pair<std::string, std::string>> by_id;
    for (auto *s : survivors)
        for (const auto &r : runs_of(*s)) {
            const auto &o = r.as_object();
            if (o.at("status") == "succeeded")
                by_id[std::string(o.at("id").as_string())] = {std::string(o.at("started_at").as_string()),
                                                              std::string(o.at("finished_at").as_string())};
        }
    std::vector<std::pair<std::string, std::string>> spans;
    for (const auto &[id, span] : by_id) spans.push_back(span);
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i)
        BOOST_TEST(spans[i].first >= spans[i - 1].second,
                   "runs overlap: " << spans[i - 1].first << ".." << spans[i - 1].second << " and " << spans[i].first);

    // A page cursor is the tenant's, not the instance's: a client behind a load balancer follows
    // it on whichever instance answers next (and after a restart).
    {
        auto first_page = survivors[0]->get("/v1/tenants/demo/jobs?limit=2", kToken);
        BOOST_REQUIRE_MESSAGE(first_page.status == 200, first_page.body);
        const json::value next = json::parse(first_page.body).at("next_cursor");
        BOOST_REQUIRE(next.is_string());
        auto second_page =
            survivors[1]->get("/v1/tenants/demo/jobs?limit=2&cursor=" + std::string(next.as_string()), kToken);
        BOOST_TEST(second_page.status == 200, second_page.body);
    }

    // Stop the schedules, then judge Tracker by the generator's truth: nobody twice, nothing missing.
    survivors.clear();
    instances.clear();
    auto problems = hybrid::verify_against_expected(sandbox);
    for (const auto &p : problems) BOOST_TEST_MESSAGE(p);
    BOOST_TEST(problems.empty(), problems.size() << " problem(s), first: " << (problems.empty() ? "" : problems[0]));
}
