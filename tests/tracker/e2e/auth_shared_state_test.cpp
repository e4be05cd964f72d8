// OAuth2 across instances that share their state on PostgreSQL (a private server): hosts with
// separate data folders - as on separate machines - refresh once between them, share the rotated
// refresh token (the seed stops working at the first refresh), and a host that joins later uses
// the shared token without a refresh token of its own that works.
#define BOOST_TEST_MODULE tracker_e2e_auth_shared_state
#include <boost/test/unit_test.hpp>

#include "postgres_server.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "tracker_host.hpp"

#include <fstream>
#include <sys/stat.h>

using namespace ats::test;
using namespace ats::test::tracker;

BOOST_AUTO_TEST_CASE(instances_on_shared_state_refresh_once_and_share_the_rotated_token) {
    PostgresServer pg;
    TempDir keys("ats-auth-keys");
    const std::string key_file = keys / "tenant.key";
    {
        std::ofstream k(key_file);
        k << "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n";
    }
    ::chmod(key_file.c_str(), 0600);
    Sandbox sandbox;
    TenantOptions o;
    o.auth_method = "oauth2";
    o.host_extra["state_key"] = bj::object{{"$secret", bj::object{{"file", key_file}}}};
    o.env_extra["ATS_STATE_URL"] = pg.create_database("auth");
    std::vector<std::unique_ptr<TrackerHost>> hosts;
    for (int i = 0; i < 3; ++i) hosts.push_back(std::make_unique<TrackerHost>(sandbox, o));
    reset_counters(sandbox);
    std::vector<std::unique_ptr<ChildProcess>> procs;
    for (auto &h : hosts)
        for (int i = 0; i < 2; ++i)
            procs.push_back(std::make_unique<ChildProcess>(h->call_argv("jobs.stream"), h->env()));
    for (auto &p : procs) {
        ProcessResult r = p->wait(std::chrono::seconds(60));
        BOOST_TEST(r.exit_code == 0, p->read_err());
    }
    // One refresh between six processes of three hosts: the lease "tracker-oauth" is shared.
    BOOST_TEST(tracker_counts(sandbox)["oauth2/token"] == 1);
    BOOST_TEST(tracker_counts(sandbox)["getRecords"] == 6);

    // A host that joins later, whose manifest still names the (now burned) seed token, works
    // with the rotated token from the shared state.
    TrackerHost late(sandbox, o);
    CallResult r = late.call("jobs.stream");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(tracker_counts(sandbox)["oauth2/token"] == 1);
    // The seed refresh token stopped working at the first refresh (rotation).
    auto burned = sandbox.tracker_raw(
        "/oAuth2/Token", "grant_type=refresh_token&refresh_token=" + o.refresh_token + "&client_id=EvoApi_1.0",
        {{"Content-Type", "application/x-www-form-urlencoded"}});
    BOOST_TEST(burned.status != 200);
}
