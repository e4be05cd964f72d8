// Authentication end to end: API key, username + password, OAuth2 with a rotating refresh token
// kept in the host's durable state, one refresh at a time across processes. Secrets never appear
// in an error message or the host's log.
#define BOOST_TEST_MODULE tracker_e2e_auth
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "tracker_host.hpp"

#include <fstream>
#include <iterator>

using namespace ats::test;
using namespace ats::test::tracker;

namespace {

std::string file_text(const std::string &path) {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// Token endpoint answers by HTTP status ("200", "400"): the sandbox's state never shows token values.
std::map<std::string, int64_t> token_answers(Sandbox &sandbox) {
    std::map<std::string, int64_t> out;
    const bj::value counters = sandbox.admin_get("counters");
    for (const auto &row : counters.at("counters").as_array())
        if (row.at("endpoint").as_string() == "oauth2/token")
            out[std::string(row.at("status").as_string())] += as_int(row.at("count"));
    return out;
}

// Whether the sandbox still accepts `refresh_token` (using it rotates it, so only ask about burned ones).
int token_endpoint_status(Sandbox &sandbox, const std::string &refresh_token) {
    auto r = sandbox.tracker_raw("/oAuth2/Token",
                                 "grant_type=refresh_token&refresh_token=" + refresh_token + "&client_id=EvoApi_1.0",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
    return static_cast<int>(r.status);
}

} // namespace

BOOST_AUTO_TEST_CASE(api_key_and_password) {
    Sandbox sandbox;
    TenantOptions pw;
    pw.auth_method = "password";
    TrackerHost with_password(sandbox, pw);
    CallResult ok = with_password.call("jobs.stream");
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(!ok.records.empty());
    CallResult check = with_password.check();
    BOOST_TEST(check.exit_code == 0, check.err);
    BOOST_TEST(check.one().at("ok").as_bool());

    pw.password = "wrong-password-s3cret";
    TrackerHost bad_password(sandbox, pw);
    CallResult denied = bad_password.call("jobs.stream");
    BOOST_TEST(denied.exit_code == 1);
    BOOST_TEST(denied.error_code() == "unauthorized", denied.err);
    BOOST_TEST(denied.err.find("wrong-password-s3cret") == std::string::npos);
    BOOST_TEST(file_text(bad_password.path("host.log")).find("wrong-password-s3cret") == std::string::npos);

    TenantOptions key;
    key.api_key = "not-the-key-s3cret";
    TrackerHost bad_key(sandbox, key);
    CallResult refused = bad_key.call("candidates.get", bj::object{{"candidate_id", "1"}});
    BOOST_TEST(refused.error_code() == "unauthorized", refused.err);
    BOOST_TEST(refused.error_message().find("candidates.get") != std::string::npos);
    BOOST_TEST(refused.err.find("not-the-key-s3cret") == std::string::npos);
    BOOST_TEST(file_text(bad_key.path("host.log")).find("not-the-key-s3cret") == std::string::npos);
    CallResult bad_check = bad_key.check();
    BOOST_TEST(bad_check.exit_code != 0);
}

BOOST_AUTO_TEST_CASE(oauth_refresh_token_rotation_is_persisted) {
    Sandbox sandbox;
    TenantOptions o;
    o.auth_method = "oauth2";
    TrackerHost host(sandbox, o);

    reset_counters(sandbox);
    CallResult first = host.call("jobs.stream");
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
    BOOST_TEST(token_answers(sandbox)["200"] == 1);
    // The seed token was used and replaced (A15): the sandbox refuses it now.
    BOOST_TEST(token_endpoint_status(sandbox, Sandbox::kTrackerRefreshToken) == 400);
    reset_counters(sandbox);

    // A second process of the tenant reuses the stored access token: no refresh at all.
    CallResult second = host.call("candidates.stream");
    BOOST_TEST_REQUIRE(second.exit_code == 0, second.err);
    BOOST_TEST(token_answers(sandbox).empty());

    // The manifest's token is burned: a tenant without the stored state cannot log in with it.
    TrackerHost stateless(sandbox, o);
    CallResult burned = stateless.call("jobs.stream");
    BOOST_TEST(burned.exit_code == 1);
    BOOST_TEST(burned.error_code() == "unauthorized", burned.err);
    BOOST_TEST(burned.err.find(Sandbox::kTrackerRefreshToken) == std::string::npos);
    BOOST_TEST(token_answers(sandbox)["400"] == 1);

    // Access tokens expire (sandbox clock +2 h): the next call gets 401, refreshes with the
    // refresh token STORED in host state (the manifest's is burned, so success proves it) and retries.
    reset_counters(sandbox);
    sandbox.admin_post("mutate", bj::object{{"advance_seconds", 7200}});
    CallResult after_expiry = host.call(
        "jobs.get", bj::object{{"job_id", std::to_string(ids_of(tracker_state(sandbox), "opportunities")[0])}});
    BOOST_TEST_REQUIRE(after_expiry.exit_code == 0, after_expiry.err);
    auto answers = token_answers(sandbox);
    BOOST_TEST(answers["200"] == 1);
    BOOST_TEST(answers["400"] == 0);
    auto counts = tracker_counts(sandbox);
    BOOST_TEST(counts["getIndividualRecord"] == 2, describe(counts)); // 401, then the retry
    std::string log = file_text(host.path("host.log"));
    BOOST_TEST(log.find(Sandbox::kTrackerRefreshToken) == std::string::npos); // tokens never logged
    BOOST_TEST(log.find("refresh token rotated") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_processes_refresh_once) {
    Sandbox sandbox;
    TenantOptions o;
    o.auth_method = "oauth2";
    TrackerHost host(sandbox, o);
    reset_counters(sandbox);
    std::vector<std::unique_ptr<ChildProcess>> procs;
    for (int i = 0; i < 4; ++i)
        procs.push_back(std::make_unique<ChildProcess>(host.call_argv("jobs.stream"), host.env()));
    for (auto &p : procs) {
        ProcessResult r = p->wait(std::chrono::seconds(60));
        BOOST_TEST(r.exit_code == 0, p->read_err());
    }
    // Under the host lock "tracker-oauth" one process refreshed; the others adopted its token.
    BOOST_TEST(tracker_counts(sandbox)["oauth2/token"] == 1);
    BOOST_TEST(token_answers(sandbox)["200"] == 1);
    BOOST_TEST(tracker_counts(sandbox)["getRecords"] == 4);
}
