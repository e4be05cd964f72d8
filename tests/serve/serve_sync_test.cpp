// serve_sync_test.cpp - syncs as a service with the real hybrid provider (tracker_workable)
// against the sandbox: POST .../sync runs one and GET .../sync reports its summary; a signed Kombo
// data-changed webhook starts the next one; the run history and metrics say what happened.
#define BOOST_TEST_MODULE serve_sync
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <map>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kToken = "demo-token";

// `workable_extra`: more keys of provider_config.workable (",\"key\":value..."); `tenant_extra`:
// more top-level manifest keys (",\"sync\":{...}").
ServeSetup hybrid_setup(const Sandbox &sandbox, const std::string &workable_extra = "",
                        const std::string &tenant_extra = "") {
    ServeSetup setup;
    setup.plugins = {{"libtracker_workable.so", plugins_dir() + "/libtracker_workable.so"}};
    setup.manifests = {{"demo", hybrid_manifest(sandbox, "demo", workable_extra, "", tenant_extra)}};
    setup.tokens = {{"demo", {kToken}}};
    setup.webhook_secret_env = {{"demo", "DEMO_KOMBO_WEBHOOK_SECRET"}};
    setup.env = {{"DEMO_TRACKER_KEY", Sandbox::kTrackerApiKey},
                 {"DEMO_KOMBO_KEY", Sandbox::kKomboApiKey},
                 {"DEMO_KOMBO_WEBHOOK_SECRET", "whsec-demo"}};
    return setup;
}

// Waits for the newest run to finish; returns it.
json::object wait_for_run(ServeInstance &s) {
    for (int i = 0; i < 600; ++i) {
        auto runs = json::parse(s.get("/v1/tenants/demo/sync", kToken).body).as_object()["runs"].as_array();
        if (!runs.empty() && runs[0].as_object().at("status").as_string() != "running") return runs[0].as_object();
        std::this_thread::sleep_for(100ms);
    }
    BOOST_FAIL("the sync did not finish");
    return {};
}

std::string hmac_base64url(const std::string &key, const std::string &body) {
    auto r = run_process(
        {"sh", "-c", "openssl dgst -sha256 -hmac \"$KEY\" -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='"},
        {{"KEY", key}}, 20s, body);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    return r.out;
}

} // namespace

BOOST_AUTO_TEST_CASE(api_and_webhook_triggered_syncs_of_the_hybrid_provider) {
    Sandbox sandbox;
    ServeInstance s(hybrid_setup(sandbox));

    auto started = s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"full":false})");
    BOOST_TEST(started.status == 202, started.body);
    auto first = wait_for_run(s);
    BOOST_TEST(first["status"].as_string() == "succeeded", json::serialize(first));
    BOOST_TEST(first["trigger"].as_string() == "api");
    BOOST_REQUIRE(first["summary"].is_object());
    BOOST_TEST(first["summary"].as_object().at("applications_seen").as_int64() > 0);

    // Kombo reports changed applications: a signed webhook starts the next (incremental) run.
    std::string hook =
        R"({"id":"evt-1","type":"data-changed","data":{"integration_id":"workable:sandbox","integration_tool":"workable","integration_category":"ATS","changed_models":[{"name":"ats_applications"}]}})";
    std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    auto delivered = s.request("POST", "/v1/tenants/demo/webhooks/kombo", "", hook,
                               {{"X-Kombo-Signature", hmac_base64url("whsec-demo", ts + "." + hook)},
                                {"X-Kombo-Timestamp", ts},
                                {"Content-Type", "application/json"}});
    BOOST_TEST(delivered.status == 200, delivered.body);
    auto second = wait_for_run(s);
    BOOST_TEST(second["trigger"].as_string() == "webhook");
    BOOST_TEST(second["status"].as_string() == "succeeded", json::serialize(second));
    BOOST_TEST(second["summary"].as_object().at("mode").as_string() == "incremental");

    auto runs = json::parse(s.get("/v1/tenants/demo/sync", kToken).body).as_object()["runs"].as_array();
    BOOST_TEST(runs.size() == 2u);
    auto metrics = s.get("/metrics", "admin-token-0").body;
    BOOST_TEST(metrics.find("ats_sync_runs_total{tenant=\"demo\",trigger=\"webhook\",status=\"succeeded\"} 1") !=
               std::string::npos);
    BOOST_TEST(metrics.find("ats_webhooks_total{outcome=\"sync_started\"} 1") != std::string::npos);
    std::string log = s.stderr_text();
    for (const char *secret : {Sandbox::kTrackerApiKey, Sandbox::kKomboApiKey, "whsec-demo"})
        BOOST_TEST(log.find(secret) == std::string::npos, "a secret reached the log");
}

// {"dry_run": true}: answered at once with the plan (200), recorded in the history as a dry run
// (its plan as counts), nothing written; the real run that follows writes what the plan said
// (counted per Tracker method).
BOOST_AUTO_TEST_CASE(a_dry_run_answers_the_plan_and_writes_nothing) {
    Sandbox sandbox;
    ServeInstance s(hybrid_setup(sandbox));
    auto dry = s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"dry_run":true})");
    BOOST_TEST(dry.status == 200, dry.body);
    auto plan = json::parse(dry.body).as_object();
    BOOST_TEST(plan.at("dry_run").as_bool());
    BOOST_TEST(sandbox.admin_get("writes").at("writes").as_array().empty());
    auto runs = json::parse(s.get("/v1/tenants/demo/sync", kToken).body).as_object()["runs"].as_array();
    BOOST_TEST_REQUIRE(runs.size() == 1u);
    BOOST_TEST(runs[0].at("dry_run").as_bool());
    BOOST_TEST(runs[0].at("trigger").as_string() == "api");
    BOOST_TEST(!runs[0].at("summary").as_object().contains("plan"));
    BOOST_TEST(runs[0].at("summary").at("plan_counts").at("create_person").as_int64() > 0);
    std::map<std::string, int64_t> planned;
    for (const auto &i : plan.at("plan").as_array()) ++planned[std::string(i.at("method").as_string())];
    BOOST_TEST(planned["createResource"] > 0);

    BOOST_TEST(s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"full":false})").status == 202);
    BOOST_TEST(wait_for_run(s)["status"].as_string() == "succeeded");
    std::map<std::string, int64_t> written;
    const json::value log = sandbox.admin_get("writes");
    for (const auto &e : log.at("writes").as_array()) ++written[std::string(e.at("endpoint").as_string())];
    BOOST_TEST(planned == written);
    BOOST_TEST(s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"dry_run":"yes"})").status == 400);
}

// Kombo unavailable: applications.stream still answers with Tracker's applications (and the
// pending ones from state); a JSON page carries the Workable side's failure in `warnings`, NDJSON
// ends with the {"_type":"error"} record, and ?strict=true fails as before.
BOOST_AUTO_TEST_CASE(application_pages_carry_warnings_when_kombo_fails) {
    Sandbox sandbox;
    ServeInstance s(hybrid_setup(sandbox));
    ExchangeRecorder rec(s);
    const std::string P = "/v1/tenants/{tenant}/applications", A = "/v1/tenants/demo/applications";

    auto healthy = rec.call("GET", P, A + "?limit=5", kToken);
    BOOST_TEST(healthy.status == 200, healthy.body);
    BOOST_TEST(!json_body(healthy).as_object().contains("warnings"));

    sandbox.admin_post(
        "faults",
        json::object{{"kombo", json::object{{"*", json::object{{"rate", 1.0}, {"kinds", json::array{"503"}}}}}}});
    auto page = rec.call("GET", P, A + "?limit=5", kToken);
    BOOST_TEST(page.status == 200, page.body);
    auto body = json_body(page).as_object();
    BOOST_TEST(body.at("results").as_array().size() == 5u);
    BOOST_TEST(!body.at("next_cursor").is_null());
    BOOST_REQUIRE(body.contains("warnings"));
    const auto &warnings = body.at("warnings").as_array();
    BOOST_REQUIRE(warnings.size() == 1u);
    const auto &w = warnings[0].as_object();
    BOOST_TEST(w.at("source").as_string() == "workable");
    BOOST_TEST(w.at("retryable").as_bool());
    BOOST_TEST(!w.at("code").as_string().empty());
    BOOST_TEST(!w.contains("_type"));
    // The next page too (the failure is reported on every page, not only the first).
    auto next = rec.call("GET", P, A + "?limit=5&cursor=" + std::string(body.at("next_cursor").as_string()), kToken);
    BOOST_TEST(json_body(next).as_object().contains("warnings"));

    auto nd = rec.call("GET", P, A, kToken, "", {{"Accept", "application/x-ndjson"}});
    BOOST_TEST(nd.status == 200);
    std::vector<json::object> lines;
    size_t start = 0;
    while (start < nd.body.size()) {
        size_t end = nd.body.find('\n', start);
        if (end == std::string::npos) end = nd.body.size();
        if (end > start) lines.push_back(json::parse(nd.body.substr(start, end - start)).as_object());
        start = end + 1;
    }
    BOOST_REQUIRE(lines.size() > 1u);
    BOOST_TEST(lines.back().at("_type").as_string() == "error");
    BOOST_TEST(lines.back().at("source").as_string() == "workable");
    for (size_t i = 0; i + 1 < lines.size(); ++i) BOOST_TEST(!lines[i].contains("_type"));

    auto strict = rec.call("GET", P, A + "?strict=true", kToken);
    BOOST_TEST((strict.status == 503 || strict.status == 429 || strict.status == 502),
               strict.status << " " << strict.body);
    rec.check_against_openapi(true);
}

// A Workable change that reaches Kombo stamped 300 s in the past is older than the incremental
// window (checkpoint - overlap_seconds), so incremental syncs miss it; the scheduled full
// reconciliation finds it and applies it.
BOOST_AUTO_TEST_CASE(scheduled_full_reconciliation_fixes_a_change_backdated_300_seconds) {
    Sandbox sandbox;
    ServeInstance s(hybrid_setup(sandbox, R"(,"overlap_seconds":30,"stage_mapping":{"match_equal_names":false})",
                                 R"(,"sync":{"interval_seconds":86400,"full_every_seconds":12})"));
    BOOST_TEST(s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"full":false})").status == 202);
    auto cold = wait_for_run(s);
    BOOST_REQUIRE(cold["status"].as_string() == "succeeded");

    // The change, stamped 300 s ago by the sandbox's clock; then the clock is put back.
    const auto now = std::chrono::system_clock::now();
    auto iso = [](std::chrono::system_clock::time_point t) {
        std::time_t tt = std::chrono::system_clock::to_time_t(t);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        return std::string(buf);
    };
    json::object changed =
        sandbox.admin_post("mutate", json::object{{"set_time", iso(now - 300s)}, {"change_outcomes", 6}}).as_object();
    sandbox.admin_post("mutate", json::object{{"set_time", iso(std::chrono::system_clock::now())}});
    const json::array &changes = changed.at("changed").as_array();
    BOOST_REQUIRE(!changes.empty());

    // An incremental sync does not see it.
    BOOST_TEST(s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"full":false})").status == 202);
    auto missed = wait_for_run(s);
    BOOST_REQUIRE(missed["status"].as_string() == "succeeded");
    BOOST_TEST(missed["summary"].at("statuses").at("written").as_int64() == 0, json::serialize(missed["summary"]));

    // The scheduled full run does.
    json::object full;
    for (int i = 0; i < 400 && full.empty(); ++i) {
        auto runs = json::parse(s.get("/v1/tenants/demo/sync", kToken).body).as_object()["runs"].as_array();
        for (const auto &r : runs) {
            const auto &o = r.as_object();
            if (o.at("status").as_string() == "succeeded" && o.at("summary").is_object() &&
                o.at("summary").at("mode").as_string() == "full")
                full = o;
        }
        if (full.empty()) std::this_thread::sleep_for(100ms);
    }
    BOOST_REQUIRE_MESSAGE(!full.empty(), "no scheduled full run within 40 s");
    BOOST_TEST(full.at("trigger").as_string() != "api");
    json::object expected = sandbox.admin_get("expected").as_object();
    json::object state = sandbox.admin_get("state").as_object();
    std::map<int64_t, std::string> status_name;
    for (const auto &st : state.at("tracker").at("settings").at("opportunityResourceStatuses").as_array())
        status_name[st.at("Id").to_number<int64_t>()] = std::string(st.at("Name").as_string());
    std::map<int64_t, int64_t> link_status;
    for (const auto &l : state.at("tracker").at("links").as_array())
        link_status[l.at("id").to_number<int64_t>()] = l.at("statusid").to_number<int64_t>();
    int checked = 0;
    for (const auto &c : changes)
        for (const auto &a : expected.at("applications").as_array())
            if (a.at("application_id") == c.at("application_id") && !a.at("existing_link_id").is_null()) {
                BOOST_TEST(status_name[link_status[a.at("existing_link_id").to_number<int64_t>()]] ==
                               std::string(a.at("expected_status").as_string()),
                           "application " << json::serialize(a.at("application_id")));
                ++checked;
            }
    BOOST_TEST(checked > 0);
}

// The operator console in a real browser: headless Chromium loads /console with the tenant's
// token after a sync, the rendered text names the tenant, its run and what needs attention, and
// Workable job titles written to attack the page (<script>, quotes) are shown as text. A
// screenshot is taken. Chromium is part of the test setup: without it the test fails.
BOOST_AUTO_TEST_CASE(the_console_renders_runs_and_attention_in_chromium_with_hostile_names_as_text) {
    const std::string chromium = ATS_CHROMIUM;
    BOOST_REQUIRE_MESSAGE(!chromium.empty(),
                          "chromium not found at configure time: install Debian's `chromium` (setup.sh test)");
    TempDir dir("ats-console");
    // The sandbox's world with every Workable job title made hostile: the unmapped ones reach
    // the page through the pending reasons.
    const std::string fixture = dir / "world.json";
    auto exported = run_process({bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--seed", "1",
                                 "--export-fixture", fixture});
    BOOST_REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
    json::value world;
    {
        std::ifstream in(fixture);
        std::stringstream text;
        text << in.rdbuf();
        world = json::parse(text.str());
    }
    const std::string hostile = "<script>document.title='owned'</script>\"Site\" & 'Co'";
    int n = 0;
    for (auto &job : world.at("kombo").at("jobs").as_array())
        job.as_object()["name"] = hostile + " " + std::to_string(++n);
    {
        std::ofstream out(fixture, std::ios::trunc);
        out << json::serialize(world);
    }
    Sandbox::Options so;
    so.fixture = fixture;
    Sandbox sandbox(so);
    ServeInstance s(hybrid_setup(sandbox));
    BOOST_TEST(s.request("POST", "/v1/tenants/demo/sync", kToken, R"({"full":false})").status == 202);
    BOOST_TEST_REQUIRE(wait_for_run(s)["status"].as_string() == "succeeded");

    auto anonymous = s.get("/console");
    BOOST_TEST(anonymous.status == 401);
    BOOST_TEST(anonymous.header("www-authenticate").rfind("Basic", 0) == 0u);
    auto page = s.get("/console", kToken);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.header("content-security-policy").find("default-src 'none'") != std::string::npos);
    BOOST_TEST(page.body.find("<script") == std::string::npos); // escaped, never markup

    const std::string url = "http://console:" + kToken + "@127.0.0.1:" + std::to_string(s.port()) + "/console";
    auto browser = [&](std::vector<std::string> args) {
        std::vector<std::string> argv{chromium,
                                      "--headless",
                                      "--no-sandbox",
                                      "--disable-gpu",
                                      "--no-first-run",
                                      "--user-data-dir=" + (dir / "profile"),
                                      "--window-size=1280,1000"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back(url);
        return run_process(argv, {}, 120s);
    };
    auto dom = browser({"--dump-dom"});
    BOOST_REQUIRE_MESSAGE(dom.exit_code == 0, dom.err);
    for (const char *expected :
         {"ats-host console", "tenant token (demo)", "Tenant demo", "Recent sync runs", "succeeded", "Needs attention",
          "unmapped Workable job", "What to do:", "Capability matrix"})
        BOOST_TEST(dom.out.find(expected) != std::string::npos, "rendered page lacks: " << expected);
    // The hostile title is in the DOM as text (serialised escaped), no script element came of it.
    BOOST_TEST(dom.out.find("&lt;script&gt;document.title='owned'&lt;/script&gt;\"Site\" &amp; 'Co'") !=
               std::string::npos);
    BOOST_TEST(dom.out.find("<script") == std::string::npos);
    BOOST_TEST(dom.out.find("<title>ats-host console</title>") != std::string::npos);

    const std::string png = dir / "console.png";
    auto shot = browser({"--screenshot=" + png});
    BOOST_REQUIRE_MESSAGE(shot.exit_code == 0, shot.err);
    std::ifstream in(png, std::ios::binary);
    std::string head(8, '\0');
    in.read(&head[0], 8);
    BOOST_TEST(head == std::string("\x89PNG\r\n\x1a\n", 8));
    in.seekg(0, std::ios::end);
    BOOST_TEST(in.tellg() > 10000); // a page, not a blank
}
