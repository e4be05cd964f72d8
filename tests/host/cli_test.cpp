// ats-host end to end: real processes, real plugins from <build>/test_plugins, manifests in a
// temp folder, a loopback HTTP server as upstream. Checks outputs, the JSON error line and the
// documented exit codes.
#define BOOST_TEST_MODULE ats_host_cli
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "file_text.hpp"
#include "http_test_server.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "test_plugin_dir.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace ats;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

using ats::test::contains;

std::vector<std::string> lines(const std::string &s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

// The one JSON error line the CLI prints on stderr (the last line starting with {"error").
json::object error_line(const std::string &err) {
    for (auto &l : lines(err))
        if (l.rfind("{\"error\"", 0) == 0) return json::parse(l).at("error").as_object();
    BOOST_FAIL("no JSON error line in stderr: " + err);
    return {};
}

struct Cli {
    test::TempDir tmp{"ats-cli"};
    std::string plugins, manifests = tmp / "manifests", data = tmp / "var", logfile = tmp / "host.log";
    std::map<std::string, std::string> env{{"ATS_CLI_KEY", "cli-secret-31337"}};

    Cli() {
        plugins = test::make_plugin_dir(tmp / "plugins",
                                        {"good", "c", "throws", "create_fails", "other_major", "dup_a", "dup_b"});
        manifest("acme", R"({"tenant_id":"acme","provider":"test_good","display_name":"Acme",
            "provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}},"job_count":7}})");
        manifest("cee", R"({"tenant_id":"cee","provider":"test_c","provider_config":{}})");
    }
    void manifest(const std::string &name, const std::string &text) {
        boost::filesystem::create_directories(manifests);
        std::ofstream(manifests + "/" + name + ".json") << text;
    }
    std::vector<std::string> argv(std::vector<std::string> args) const {
        return test::ats_host_argv(plugins, manifests, data, logfile, args);
    }
    test::ProcessResult run(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) const {
        auto e = env;
        for (auto &[k, v] : extra) e[k] = v;
        return test::run_process(argv(std::move(args)), e, 60s);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli, Cli)

BOOST_AUTO_TEST_CASE(help_version_and_usage_errors) {
    auto h = run({"--help"});
    BOOST_TEST(h.exit_code == 0);
    BOOST_TEST(contains(h.out, "Exit codes:"));
    BOOST_TEST(contains(h.out, "--plugins DIR"));
    for (const char *cmd : {"providers", "tenants", "check", "call", "sync"}) {
        auto r = run({cmd, "--help"});
        BOOST_TEST(r.exit_code == 0, cmd);
        BOOST_TEST(contains(r.out, std::string("Usage: ats-host ") + cmd), cmd);
        BOOST_TEST(contains(r.out, "Exit codes:"), cmd);
    }
    BOOST_TEST(contains(run({"--version"}).out, "ATS ABI 1.4"));
    auto bad = run({"frobnicate"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(error_line(bad.err).at("code").as_string() == "usage");
    BOOST_TEST(run({"providers", "--bogus"}).exit_code == 2);
    BOOST_TEST(run({"call", "jobs.stream"}).exit_code == 2); // no --tenant
    BOOST_TEST(run({"check"}).exit_code == 2);
    BOOST_TEST(run({"providers", "--tenant", "acme"}).exit_code == 2);
    BOOST_TEST(run({"call", "--tenant", "acme", "jobs.stream", "--args", "[1]"}).exit_code == 2);
    BOOST_TEST(run({"call", "--tenant", "acme", "jobs.stream", "--limit", "x"}).exit_code == 2);
    BOOST_TEST(run({}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(providers_lists_matrix_and_rejected_files_and_keeps_the_good_ones) {
    auto r = run({"providers"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(contains(r.out, "test_good - Test ATS (test_good) 1.0.0 (ABI 1.4)"));
    BOOST_TEST(contains(r.out, "candidates.find"));
    BOOST_TEST(contains(r.out, "matches on email only"));
    BOOST_TEST(contains(r.out, "the test ATS has no rejection"));
    BOOST_TEST(contains(r.out, "test_c - "));
    BOOST_TEST(contains(r.out, "Rejected:"));
    BOOST_TEST(contains(r.out, "libatstest_other_major.so: ABI major version mismatch"));
    BOOST_TEST(
        contains(r.out, "claimed by " + plugins + "/libatstest_dup_a.so and " + plugins + "/libatstest_dup_b.so"));
    auto j = run({"providers", "--json"});
    BOOST_TEST(j.exit_code == 0);
    int ok = 0, rejected = 0;
    for (const auto &l : lines(j.out)) {
        auto o = json::parse(l).as_object();
        (o.at("status").as_string() == "ok" ? ok : rejected)++;
        if (o.at("status").as_string() == "ok" && o.at("provider").as_string() == "test_good") {
            // The REST API's spelling (host/core provider_json): every known operation, snake_case.
            BOOST_TEST(o.at("abi_version").as_string() == "1.4");
            std::map<std::string, std::string> support;
            for (const auto &op : o.at("operations").as_array())
                support[std::string(op.at("operation").as_string())] = op.at("support").as_string().c_str();
            BOOST_TEST(support.size() > 9u); // unlisted operations too, as not_supported
            BOOST_TEST(support["candidates.find"] == "limited");
            BOOST_TEST(support["applications.reject"] == "not_supported");
            BOOST_TEST(support["jobs.get_many"] == "not_supported"); // absent from the matrix
            BOOST_TEST(support["sync"] == "supported");
            BOOST_TEST(o.at("config_schema").as_object().contains("properties"));
        }
    }
    BOOST_TEST(ok == 4);       // good, c, throws, create_fails
    BOOST_TEST(rejected == 3); // other_major, dup_a, dup_b
}

// `serve` and `hash-token` take the global flags from the CLI's one parser: the same checks and
// the same JSON error line as every other command.
BOOST_AUTO_TEST_CASE(serve_and_hash_token_share_the_global_flag_parser) {
    auto level = run({"--log-level", "loud", "serve", "--tokens", tmp / "tokens.json"});
    BOOST_TEST(level.exit_code == 2);
    BOOST_TEST(contains(error_line(level.err).at("message").as_string().c_str(),
                        "--log-level must be debug, info, warn or error"));
    auto iso = run({"--isolation", "elsewhere", "hash-token"});
    BOOST_TEST(iso.exit_code == 2);
    BOOST_TEST(
        contains(error_line(iso.err).at("message").as_string().c_str(), "--isolation must be process or in_process"));
    auto json_flag = run({"--json", "serve", "--tokens", tmp / "tokens.json"});
    BOOST_TEST(json_flag.exit_code == 2);
    BOOST_TEST(contains(error_line(json_flag.err).at("message").as_string().c_str(), "serve does not take --json"));
    // Everything after the command is the command's own: serve reports its unknown option itself.
    auto own = run({"serve", "--tokens", tmp / "tokens.json", "--full"});
    BOOST_TEST(own.exit_code == 2);
    BOOST_TEST(contains(own.err, "unknown serve option \"--full\""));
    auto hashed = test::run_process(argv({"hash-token"}), {}, 60s, "abc\n");
    BOOST_TEST(hashed.exit_code == 0);
    BOOST_TEST(hashed.out == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"); // SHA-256("abc")
    BOOST_TEST(run({"hash-token", "extra"}).exit_code == 2);
    auto help = run({"hash-token", "--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(contains(help.out, "Usage: ats-host hash-token"));
    BOOST_TEST(contains(run({"--help", "hash-token"}).out, "Usage: ats-host hash-token"));
}

BOOST_AUTO_TEST_CASE(the_default_plugins_folder_is_next_to_the_binary) {
    auto r = test::run_process({test::bin_dir() + "/ats-host", "providers"}, {}, 60s);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(contains(r.out, "Plugins folder: " + test::binary_dir() + "/plugins"));
}

BOOST_AUTO_TEST_CASE(call_streams_ndjson_and_limit_stops_the_stream) {
    auto r = run({"call", "--tenant", "acme", "jobs.stream"});
    BOOST_TEST(r.exit_code == 0);
    auto ls = lines(r.out);
    BOOST_REQUIRE_EQUAL(ls.size(), 7u);
    for (size_t i = 0; i < ls.size(); ++i)
        BOOST_TEST(json::parse(ls[i]).at("id").as_string() == "job-" + std::to_string(i));
    auto lim = run({"call", "--tenant", "acme", "jobs.stream", "--limit", "2"});
    BOOST_TEST(lim.exit_code == 0);
    BOOST_TEST(lines(lim.out).size() == 2u);
    BOOST_TEST(contains(ats::test::read_file(logfile), "stopped by the consumer after 2 records"));
    auto one = run({"call", "--tenant", "acme", "jobs.get", "--args", R"({"job_id":"job-3"})"});
    BOOST_TEST(one.exit_code == 0);
    BOOST_TEST(json::parse(one.out).at("name").as_string() == "Job 3");
    std::ofstream(tmp / "args.json") << R"({"job_id":"job-4"})";
    auto from_file = run({"call", "--tenant", "acme", "jobs.get", "--args", "@" + (tmp / "args.json")});
    BOOST_TEST(json::parse(from_file.out).at("id").as_string() == "job-4");
}

BOOST_AUTO_TEST_CASE(blob_operations_write_the_output_file) {
    auto no_out = run({"call", "--tenant", "acme", "candidates.get_resume", "--args", R"({"candidate_id":"c9"})"});
    BOOST_TEST(no_out.exit_code == 2);
    BOOST_TEST(contains(error_line(no_out.err).at("message").as_string().c_str(), "--output"));
    std::string file = tmp / "resume.pdf";
    auto r = run(
        {"call", "--tenant", "acme", "candidates.get_resume", "--args", R"({"candidate_id":"c9"})", "--output", file});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(ats::test::read_file(file) == "%PDF-1.4 resume of c9");
    auto meta = json::parse(r.out).as_object();
    BOOST_TEST(meta.at("file_name").as_string() == "resume.pdf");
    BOOST_TEST(meta.at("bytes").as_int64() == 21);
    BOOST_TEST(meta.at("path").as_string() == file);
}

BOOST_AUTO_TEST_CASE(operation_failures_map_to_exit_codes_with_a_json_error_line) {
    auto ns = run({"call", "--tenant", "acme", "applications.reject", "--args", R"({"application_id":"a1"})"});
    BOOST_TEST(ns.exit_code == 4);
    auto e = error_line(ns.err);
    BOOST_TEST(e.at("code").as_string() == "not_supported");
    BOOST_TEST(e.at("operation").as_string() == "applications.reject");
    BOOST_TEST(e.at("tenant").as_string() == "acme");
    BOOST_TEST(contains(e.at("message").as_string().c_str(), "no rejection"));

    auto nf = run({"call", "--tenant", "acme", "jobs.get", "--args", R"({"job_id":"job-99"})"});
    BOOST_TEST(nf.exit_code == 1);
    BOOST_TEST(error_line(nf.err).at("code").as_string() == "not_found");

    manifest("thrower", R"({"tenant_id":"thrower","provider":"test_throws","provider_config":{}})");
    auto th = run({"call", "--tenant", "thrower", "jobs.stream"});
    BOOST_TEST(th.exit_code == 5);
    BOOST_TEST(lines(th.out).size() == 1u); // the record before the exception was printed
    BOOST_TEST(contains(error_line(th.err).at("message").as_string().c_str(), "blew up"));

    manifest("refused", R"({"tenant_id":"refused","provider":"test_create_fails","provider_config":{}})");
    auto cf = run({"check", "--tenant", "refused"});
    BOOST_TEST(cf.exit_code == 3);
    auto ce = error_line(cf.err);
    BOOST_TEST(ce.at("kind").as_string() == "plugin");
    BOOST_TEST(ce.at("code").as_string() == "unauthorized");
    BOOST_TEST(contains(ce.at("message").as_string().c_str(), "refuses every tenant"));
    // ... and the host still serves the others
    BOOST_TEST(run({"check", "--tenant", "cee"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(bad_manifests_get_specific_errors_and_good_tenants_keep_working) {
    manifest("inline",
             R"({"tenant_id":"inline","provider":"test_good","provider_config":{"api_key":"inline-cli-secret-777"}})");
    manifest(
        "noenv",
        R"({"tenant_id":"noenv","provider":"test_good","provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_UNSET"}}}})");
    manifest("unknown", R"({"tenant_id":"unknown","provider":"greenhouse","provider_config":{}})");
    manifest(
        "big",
        R"({"tenant_id":"big","provider":"test_good","provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}},"page_size":500}})");
    boost::filesystem::create_directories(manifests);
    std::ofstream(manifests + "/broken.json") << "{\n  \"tenant_id\": \"broken\",\n  \"provider\": \"test_good\",,\n}";

    struct Case {
        std::string tenant, must_contain;
    };
    std::vector<Case> cases = {
        {"inline", "inline.json: provider_config.api_key is a secret of provider 'test_good' and must be a reference"},
        {"noenv", "noenv.json: provider_config.api_key: secret environment variable ATS_CLI_UNSET is not set"},
        {"unknown", "unknown.json: provider 'greenhouse' of tenant 'unknown' is not available"},
        {"big", "big.json: provider_config.page_size: must be <= 250"},
        {"broken", "broken.json:3:"},
    };
    for (const auto &c : cases) {
        auto r = run({"check", "--tenant", c.tenant});
        BOOST_TEST(r.exit_code == 3, c.tenant);
        std::string msg = error_line(r.err).at("message").as_string().c_str();
        BOOST_TEST(contains(msg, c.must_contain), c.tenant << ": " << msg);
        BOOST_TEST(!contains(r.out + r.err, "inline-cli-secret-777"));
        BOOST_TEST(!contains(r.out + r.err, "cli-secret-31337"));
    }
    auto unknown = run({"check", "--tenant", "unknown"});
    BOOST_TEST(contains(unknown.err, "available providers: test_c, test_create_fails, test_good, test_throws"));
    auto t = run({"tenants"});
    BOOST_TEST(t.exit_code == 3);
    BOOST_TEST(contains(t.out, "acme"));
    // The same words as `check` (host::provider_unavailable), not a second phrasing.
    BOOST_TEST(contains(t.out, "unknown.json: provider 'greenhouse' of tenant 'unknown' is not available"));
    // provider_config is checked against the plugin's schema as `check` does: never "ok".
    BOOST_TEST(contains(t.out, "big.json: provider_config.page_size: must be <= 250"), t.out);
    BOOST_TEST(
        contains(t.out, "noenv.json: provider_config.api_key: secret environment variable ATS_CLI_UNSET is not set"));
    BOOST_TEST(contains(t.out, "inline.json: provider_config.api_key is a secret"));
    auto tj = run({"tenants", "--json"});
    for (const auto &l : lines(tj.out)) {
        auto o = json::parse(l).as_object();
        if (o.contains("tenant_id") && o.at("tenant_id") == "big") BOOST_TEST(o.at("status").as_string() != "ok");
        if (o.contains("tenant_id") && o.at("tenant_id") == "acme") BOOST_TEST(o.at("status").as_string() == "ok");
    }
    BOOST_TEST(!contains(t.out + t.err + tj.out, "inline-cli-secret-777"));
    BOOST_TEST(contains(t.out, "invalid: "));
    // the good tenant in the same folder still works
    auto ok = run({"check", "--tenant", "acme"});
    BOOST_TEST(ok.exit_code == 0);
    BOOST_TEST(json::parse(ok.out).at("ok").as_bool());
}

BOOST_AUTO_TEST_CASE(secrets_never_reach_logs_or_errors) {
    auto r = run({"--log-level", "debug", "check", "--tenant", "acme"});
    BOOST_TEST(r.exit_code == 0);
    std::string log = ats::test::read_file(logfile);
    BOOST_TEST(contains(log, "with key [REDACTED]"));
    BOOST_TEST(!contains(log + r.out + r.err, "cli-secret-31337"));
    for (const auto &l : lines(log)) {
        auto o = json::parse(l).as_object(); // every line is one JSON object
        BOOST_TEST(o.contains("ts"));
        BOOST_TEST(o.contains("level"));
        BOOST_TEST(o.contains("msg"));
    }
}

BOOST_AUTO_TEST_CASE(the_clock_can_be_pinned_and_concurrency_comes_from_the_manifest) {
    manifest("pinned", R"({"tenant_id":"pinned","provider":"test_good","host":{"max_concurrency":3},
        "provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}}}})");
    auto r = run({"check", "--tenant", "pinned"}, {{"ATS_HOST_FIXED_NOW_MS", "1767225600000"}});
    BOOST_TEST(r.exit_code == 0);
    auto d = json::parse(r.out).at("details").as_object();
    BOOST_TEST(d.at("now_unix_ms").as_int64() == 1767225600000LL);
    BOOST_TEST(d.at("max_concurrency").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(state_is_durable_across_processes_and_batches_are_atomic) {
    auto set = run({"call", "--tenant", "acme", "custom_fields.set", "--args",
                    R"({"record_type":"job","record_id":"j1","values":{"colour":"red","size":3}})"});
    BOOST_TEST(set.exit_code == 0);
    auto get =
        run({"call", "--tenant", "acme", "custom_fields.get", "--args", R"({"record_type":"job","record_id":"j1"})"});
    BOOST_TEST(get.exit_code == 0);
    BOOST_TEST(get.out == "{\"results\":[{\"name\":\"colour\",\"value\":\"red\"},{\"name\":\"size\",\"value\":3}]}\n");
    // a batch with one malformed op changes nothing
    auto bad = run({"call", "--tenant", "acme", "custom_fields.set", "--args",
                    R"({"record_type":"job","record_id":"j1","values":{"colour":"blue"},"malformed_last_op":true})"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(contains(error_line(bad.err).at("message").as_string().c_str(), "op #1 is malformed"));
    auto again =
        run({"call", "--tenant", "acme", "custom_fields.get", "--args", R"({"record_type":"job","record_id":"j1"})"});
    BOOST_TEST(contains(again.out, "\"red\""));
    BOOST_TEST(boost::filesystem::exists(data + "/state.sqlite"));
}

BOOST_AUTO_TEST_CASE(sync_prints_the_summary_and_no_progress_bar_without_a_terminal) {
    auto r = run({"sync", "--tenant", "acme"});
    BOOST_TEST(r.exit_code == 0);
    auto s = json::parse(r.out).as_object();
    BOOST_TEST(s.at("runs").as_int64() == 1);
    BOOST_TEST(s.at("full").as_bool() == false);
    BOOST_TEST(!contains(r.err, "syncing"));
    BOOST_TEST(!contains(r.err, "\r"));
    auto full = run({"sync", "--tenant", "acme", "--full"});
    BOOST_TEST(json::parse(full.out).at("runs").as_int64() == 2);
    BOOST_TEST(json::parse(full.out).at("full").as_bool());
    BOOST_TEST(run({"sync", "--tenant", "cee"}).exit_code == 4); // test_c has no sync
    BOOST_TEST(!json::parse(full.out).at("retry_quarantined").as_bool());
    auto rq = run({"sync", "--tenant", "acme", "--retry-quarantined"});
    BOOST_TEST(rq.exit_code == 0);
    BOOST_TEST(json::parse(rq.out).at("retry_quarantined").as_bool());
    BOOST_TEST(!json::parse(rq.out).at("full").as_bool());
    BOOST_TEST(run({"call", "--tenant", "acme", "jobs.stream", "--retry-quarantined"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(a_control_error_record_prints_last_and_exits_6) {
    auto r = run({"call", "--tenant", "acme", "jobs.stream", "--args", R"({"partial_source":"workable"})"});
    BOOST_TEST(r.exit_code == 6);
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) lines.push_back(l);
    BOOST_REQUIRE(lines.size() >= 2u);
    auto last = json::parse(lines.back()).as_object();
    BOOST_TEST(last.at("_type").as_string() == "error");
    BOOST_TEST(last.at("source").as_string() == "workable");
    BOOST_TEST(last.at("retryable").as_bool());
    for (size_t i = 0; i + 1 < lines.size(); ++i) BOOST_TEST(!json::parse(lines[i]).as_object().contains("_type"));
    auto e = error_line(r.err);
    BOOST_TEST(e.at("kind").as_string() == "partial");
    BOOST_TEST(e.at("code").as_string() == "transient");
    // --limit counts results only; the control record still comes, last.
    auto lim =
        run({"call", "--tenant", "acme", "jobs.stream", "--limit", "2", "--args", R"({"partial_source":"workable"})"});
    BOOST_TEST(lim.exit_code == 6);
    size_t n = 0;
    std::istringstream in2(lim.out);
    std::string l, last2;
    for (; std::getline(in2, l);)
        if (!l.empty()) ++n, last2 = l;
    BOOST_TEST(n == 3u);
    BOOST_TEST(json::parse(last2).as_object().contains("_type"));
}

BOOST_AUTO_TEST_CASE(sync_draws_a_progress_bar_on_a_terminal) {
    if (!boost::filesystem::exists("/usr/bin/script")) {
        BOOST_TEST_MESSAGE("util-linux `script` missing: no pseudo-terminal to test with");
        return;
    }
    // `script` runs the command on a pseudo-terminal (stdout and stderr both), so isatty(2) holds.
    std::string cmd;
    for (const auto &a : argv({"sync", "--tenant", "acme"})) cmd += "'" + a + "' ";
    auto r = test::run_process({"/usr/bin/script", "-qec", cmd, "/dev/null"}, env, 60s);
    BOOST_TEST(r.exit_code == 0, r.out);
    BOOST_TEST(contains(r.out, "\rsyncing"));
    BOOST_TEST(contains(r.out, "[##############################] 4/4"));
    BOOST_TEST(contains(r.out, "\"runs\":1"));
}

BOOST_AUTO_TEST_CASE(a_lock_held_by_a_killed_process_is_released) {
    test::ChildProcess holder(argv({"call", "--tenant", "acme", "sync", "--args", R"({"hold_ms":60000})"}), env);
    std::string lock_file = data + "/locks/acme.sync.lock";
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline &&
           ats::test::read_file(lock_file) != std::to_string(holder.pid()) + "\n")
        std::this_thread::sleep_for(20ms);
    BOOST_REQUIRE_EQUAL(ats::test::read_file(lock_file), std::to_string(holder.pid()) + "\n");

    auto refused = run({"call", "--tenant", "acme", "sync", "--args", "{}"});
    BOOST_TEST(refused.exit_code == 1);
    auto e = error_line(refused.err);
    BOOST_TEST(e.at("code").as_string() == "conflict");
    BOOST_TEST(contains(e.at("message").as_string().c_str(), "held by pid " + std::to_string(holder.pid())));

    holder.kill(SIGKILL);
    auto w = holder.wait(10s);
    BOOST_TEST(w.signal == SIGKILL);
    auto after = run({"call", "--tenant", "acme", "sync", "--args", "{}"});
    BOOST_TEST(after.exit_code == 0);
    BOOST_TEST(json::parse(after.out).at("runs").as_int64() == 1); // the killed run never committed
}

BOOST_AUTO_TEST_CASE(sigint_cancels_a_running_call) {
    test::ChildProcess p(argv({"call", "--tenant", "acme", "jobs.stream", "--args", R"({"delay_ms":300})"}), env);
    BOOST_REQUIRE(p.wait_for_output("job-0", 20s));
    p.kill(SIGINT);
    auto r = p.wait(20s);
    BOOST_TEST(r.exit_code == 130);
    BOOST_TEST(error_line(r.err).at("code").as_string() == "cancelled");
}

BOOST_AUTO_TEST_CASE(plugin_http_goes_through_the_host_with_retries_and_the_allow_list) {
    std::atomic<int> seen{0};
    std::string auth_seen;
    test::LoopbackHttpServer upstream([&](const test::TestRequest &req) {
        test::TestResponse r;
        auth_seen = req.header("Authorization");
        if (seen.fetch_add(1) < 2) r.status = 503;
        r.body = "pong";
        return r;
    });
    manifest("net", R"({"tenant_id":"net","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}},"base_url":")" +
                        upstream.url("") + R"("},
        "host":{"egress_allow":["127.0.0.1"],"retry":{"base_delay_ms":10}}})");
    auto r = run({"--log-level", "debug", "check", "--tenant", "net"});
    BOOST_TEST(r.exit_code == 0, r.err);
    auto d = json::parse(r.out).at("details").as_object();
    BOOST_TEST(d.at("http_status").as_int64() == 200);
    BOOST_TEST(d.at("attempts").as_int64() == 3);
    BOOST_TEST(d.at("body").as_string() == "pong");
    BOOST_TEST(auth_seen == "Bearer cli-secret-31337"); // the plugin's header reached upstream
    std::string log = ats::test::read_file(logfile);
    BOOST_TEST(contains(log, "HTTP 503; retrying"));
    BOOST_TEST(!contains(log, "cli-secret-31337"));

    test::LoopbackHttpServer down([](const test::TestRequest &) {
        test::TestResponse r;
        r.status = 503;
        return r;
    });
    manifest("down", R"({"tenant_id":"down","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}},"base_url":")" +
                         down.url("") + R"("},
        "host":{"egress_allow":["127.0.0.1"],"retry":{"base_delay_ms":10,"max_attempts":2}}})");
    auto d2 = run({"check", "--tenant", "down"});
    BOOST_TEST(d2.exit_code == 1); // {"ok":false} from check
    BOOST_TEST(json::parse(d2.out).at("ok").as_bool() == false);
    BOOST_TEST(contains(error_line(d2.err).at("message").as_string().c_str(), "connection unusable"));

    manifest("walled", R"({"tenant_id":"walled","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_CLI_KEY"}},"base_url":"http://127.0.0.1:9"},
        "host":{"egress_allow":["api.example.com"]}})");
    auto f = run({"check", "--tenant", "walled"});
    BOOST_TEST(f.exit_code == 1);
    auto e = error_line(f.err);
    BOOST_TEST(e.at("code").as_string() == "forbidden");
    BOOST_TEST(contains(e.at("message").as_string().c_str(), "egress allow-list"));
}

BOOST_AUTO_TEST_CASE(a_closed_stdout_stops_the_stream_quietly) {
    auto r = test::run_process({"bash", "-c", "\"$@\" | head -n 1", "sh", test::bin_dir() + "/ats-host", "--plugins",
                                plugins, "--manifests", manifests, "--data-dir", data, "--log-file", logfile, "call",
                                "--tenant", "acme", "jobs.stream"},
                               env, 60s);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(lines(r.out).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
