// serve_routes_test.cpp - every route of `ats-host serve` through a real HTTP client against the
// running service (probe providers), and every recorded response checked against the served
// OpenAPI document with ajv (openapi_check.js), which also fails on any documented operation the
// test did not exercise.
#define BOOST_TEST_MODULE serve_routes
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
namespace json = boost::json;

namespace {

const std::string kAcme = "acme-token-1";
const std::string kAdmin = "admin-token-0";

ServeSetup setup_with_webhook() {
    ServeSetup setup;
    setup.webhook_secret_env["acme"] = "ACME_KOMBO_SECRET";
    setup.env["ACME_KOMBO_SECRET"] = "whsec-acme-test";
    return setup;
}

std::string hmac_hex(const std::string &key, const std::string &body) {
    // Computed by openssl(1), independently of the service's own code.
    auto r = run_process({"openssl", "dgst", "-sha256", "-hmac", key, "-r"}, {}, std::chrono::seconds(20), body);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    return r.out.substr(0, 64);
}

std::string now_unix() {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// The headers of a Kombo delivery signed at `ts`: the HMAC covers "<ts>.<body>".
std::vector<std::pair<std::string, std::string>> kombo_headers(const std::string &secret, const std::string &body,
                                                               const std::string &ts = now_unix()) {
    return {{"X-Kombo-Signature", hmac_hex(secret, ts + "." + body)},
            {"X-Kombo-Timestamp", ts},
            {"Content-Type", "application/json"}};
}

// The error envelope without its request id: what a prober could compare.
std::string envelope_without_id(const ats::net::HttpResponse &r) {
    auto v = json::parse(r.body);
    v.as_object()["error"].as_object().erase("request_id");
    return json::serialize(v);
}

json::object obj(const ats::net::HttpResponse &r) {
    auto v = json_body(r);
    BOOST_REQUIRE(v.is_object());
    return v.as_object();
}

} // namespace

// One spelling of a provider: `ats-host providers --json` prints what /v1/providers answers, plus
// the facts only a local operator needs (status, file, config_schema, warnings).
BOOST_AUTO_TEST_CASE(cli_and_rest_render_a_provider_alike) {
    ServeInstance s;
    auto rest = obj(s.get("/v1/providers", kAdmin));
    auto cli = run_process(
        {ats_host_path(), "--plugins", s.plugins_dir(), "--data-dir", s.dir() / "cli-var", "providers", "--json"}, {},
        std::chrono::seconds(60));
    BOOST_REQUIRE_EQUAL(cli.exit_code, 0);
    std::map<std::string, json::object> by_provider;
    std::istringstream lines(cli.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        json::object o = json::parse(line).as_object();
        BOOST_TEST(o.at("status").as_string() == "ok");
        for (const char *own : {"status", "file", "config_schema", "warnings"}) o.erase(own);
        by_provider[std::string(o.at("provider").as_string())] = o;
    }
    BOOST_REQUIRE_EQUAL(rest["providers"].as_array().size(), by_provider.size());
    for (const auto &p : rest["providers"].as_array()) {
        const std::string name(p.at("provider").as_string());
        BOOST_REQUIRE(by_provider.count(name));
        BOOST_TEST(json::value(by_provider[name]) == p,
                   name << ": CLI " << json::serialize(by_provider[name]) << " vs REST " << json::serialize(p));
    }
}

BOOST_AUTO_TEST_CASE(every_route_answers_and_matches_the_openapi_document) {
    ServeInstance s(setup_with_webhook());
    ExchangeRecorder rec(s);
    const std::string T = "/v1/tenants/{tenant}";
    const std::string A = "/v1/tenants/acme";

    // --- operations routes ------------------------------------------------------------------
    BOOST_TEST(rec.call("GET", "/healthz", "/healthz", "").status == 200);
    int ready = 0;
    for (int i = 0; i < 50 && ready != 200; ++i) {
        ready = rec.call("GET", "/readyz", "/readyz", "").status;
        if (ready != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(ready == 200);
    auto openapi = rec.call("GET", "/openapi.json", "/openapi.json", "");
    BOOST_TEST(openapi.status == 200);
    std::ifstream source(source_dir() + "/host/serve/openapi.json");
    std::string source_text((std::istreambuf_iterator<char>(source)), {});
    BOOST_TEST(json::parse(openapi.body) == json::parse(source_text),
               "served /openapi.json differs from host/serve/openapi.json");

    auto providers = obj(rec.call("GET", "/v1/providers", "/v1/providers", kAcme));
    BOOST_TEST(providers["providers"].as_array().size() == 2u);
    auto tenants = obj(rec.call("GET", "/v1/tenants", "/v1/tenants", kAcme));
    BOOST_REQUIRE_EQUAL(tenants["tenants"].as_array().size(), 1u); // only its own tenant
    BOOST_TEST(tenants["tenants"].as_array()[0].as_object().at("tenant_id").as_string() == "acme");
    BOOST_TEST(obj(rec.call("GET", "/v1/tenants", "/v1/tenants", kAdmin))["tenants"].as_array().size() == 2u);

    auto caps = obj(rec.call("GET", T + "/capabilities", A + "/capabilities", kAcme));
    BOOST_TEST(caps["provider"].as_string() == "serve_probe");
    BOOST_TEST(obj(rec.call("GET", T + "/check", A + "/check", kAcme))["ok"].as_bool());

    // --- jobs ---------------------------------------------------------------------------------
    auto jobs = obj(rec.call("GET", T + "/jobs", A + "/jobs", kAcme));
    BOOST_TEST(jobs["results"].as_array().size() == 3u);
    BOOST_TEST(jobs["next_cursor"].is_null());
    BOOST_TEST(obj(rec.call("GET", T + "/jobs", A + "/jobs?statuses=CLOSED", kAcme))["results"].as_array().size() ==
               1u);
    auto jobs_nd = rec.call("GET", T + "/jobs", A + "/jobs", kAcme, "", {{"Accept", "application/x-ndjson"}});
    BOOST_TEST(jobs_nd.header("content-type") == "application/x-ndjson");
    BOOST_TEST(std::count(jobs_nd.body.begin(), jobs_nd.body.end(), '\n') == 3);
    auto many = obj(rec.call("POST", T + "/jobs/get-many", A + "/jobs/get-many", kAcme, R"({"job_ids":["j1","zz"]})"));
    BOOST_TEST(many["results"].as_array().size() == 1u);
    BOOST_TEST(many["missing"].as_array()[0].as_string() == "zz");
    BOOST_TEST(obj(rec.call("GET", T + "/jobs/{job_id}", A + "/jobs/j1", kAcme))["name"].as_string() == "Probe job 1");
    auto missing = rec.call("GET", T + "/jobs/{job_id}", A + "/jobs/j404", kAcme);
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(error_code(missing) == "not_found");
    auto enhanced = obj(rec.call("GET", T + "/jobs/{job_id}/enhanced", A + "/jobs/j1/enhanced", kAcme));
    BOOST_TEST(enhanced["application_counts"].as_object().at("total").as_int64() == 4);
    // The alt provider does not support it: 501 with the provider's reason.
    auto unsupported = rec.call("GET", T + "/jobs/{job_id}/enhanced", "/v1/tenants/beta/jobs/j1/enhanced", kAdmin);
    BOOST_TEST(unsupported.status == 501);
    BOOST_TEST(error_code(unsupported) == "not_supported");
    BOOST_TEST(unsupported.body.find("the alt probe keeps no job details") != std::string::npos);

    // --- applications ---------------------------------------------------------------------------
    auto page1 = obj(rec.call("GET", T + "/applications", A + "/applications?limit=5", kAcme));
    BOOST_TEST(page1["results"].as_array().size() == 5u);
    BOOST_REQUIRE(page1["next_cursor"].is_string()); // opaque and signed (page_cursor.hpp)
    auto page2 =
        obj(rec.call("GET", T + "/applications",
                     A + "/applications?limit=5&cursor=" + std::string(page1["next_cursor"].as_string()), kAcme));
    BOOST_TEST(page2["results"].as_array().size() == 5u);
    BOOST_REQUIRE(page2["next_cursor"].is_string());
    auto page3 =
        obj(rec.call("GET", T + "/applications",
                     A + "/applications?limit=5&cursor=" + std::string(page2["next_cursor"].as_string()), kAcme));
    BOOST_TEST(page3["results"].as_array().size() == 2u);
    BOOST_TEST(page3["next_cursor"].is_null());
    auto bad_limit = rec.call("GET", T + "/applications", A + "/applications?limit=0", kAcme);
    BOOST_TEST(bad_limit.status == 400);
    auto apps_nd =
        rec.call("GET", T + "/applications", A + "/applications?job_ids=j1,j2&updated_after=2026-01-03T00:00:00Z",
                 kAcme, "", {{"Accept", "application/x-ndjson"}});
    BOOST_TEST(apps_nd.status == 200);
    size_t lines = 0;
    for (size_t pos = 0; (pos = apps_nd.body.find('\n', pos)) != std::string::npos; ++pos) ++lines;
    BOOST_TEST(lines == 7u); // a3..a12 minus those on j3, after Jan 3
    auto created =
        rec.call("POST", T + "/applications", A + "/applications", kAcme, R"({"candidate_id":"c1","job_id":"j2"})");
    BOOST_TEST(created.status == 201);
    BOOST_TEST(obj(created)["job_id"].as_string() == "j2");
    auto bad_body = rec.call("POST", T + "/applications", A + "/applications", kAcme, "{not json");
    BOOST_TEST(bad_body.status == 400);
    BOOST_TEST(error_code(bad_body) == "invalid_json");
    auto bulk = obj(rec.call("POST", T + "/applications/bulk-reject", A + "/applications/bulk-reject", kAcme,
                             R"({"application_ids":["a1","a999"]})"));
    BOOST_TEST(bulk["results"].as_array()[0].as_object().at("ok").as_bool());
    BOOST_TEST(!bulk["results"].as_array()[1].as_object().at("ok").as_bool());
    BOOST_TEST(
        obj(rec.call("GET", T + "/applications/{application_id}", A + "/applications/a2", kAcme))["id"].as_string() ==
        "a2");
    auto moved = obj(rec.call("POST", T + "/applications/{application_id}/stage", A + "/applications/a2/stage", kAcme,
                              R"({"stage":"Interview"})"));
    BOOST_TEST(moved["current_stage"].as_object().at("name").as_string() == "Interview");
    auto bad_stage = rec.call("POST", T + "/applications/{application_id}/stage", A + "/applications/a2/stage", kAcme,
                              R"({"stage":"Nowhere"})");
    BOOST_TEST(bad_stage.status == 400);
    BOOST_TEST(error_code(bad_stage) == "invalid_argument");
    auto rejected =
        obj(rec.call("POST", T + "/applications/{application_id}/reject", A + "/applications/a3/reject", kAcme, "{}"));
    BOOST_TEST(rejected["outcome"].as_string() == "DECLINED");

    // --- notes and attachments on applications and candidates ------------------------------------
    for (std::string kind : {"applications", "candidates"}) {
        std::string idn = kind == "applications" ? "{application_id}" : "{candidate_id}";
        std::string id = kind == "applications" ? "a2" : "c1";
        std::string base = T + "/" + kind + "/" + idn, real = A + "/" + kind + "/" + id;
        auto note = rec.call("POST", base + "/notes", real + "/notes", kAcme, R"({"content":"Called, strong fit"})");
        BOOST_TEST(note.status == 201);
        auto notes = obj(rec.call("GET", base + "/notes", real + "/notes", kAcme));
        BOOST_TEST(notes["results"].as_array().size() == 1u);
        auto att = rec.call(
            "POST", base + "/attachments", real + "/attachments", kAcme,
            R"({"file_name":"cv.txt","content_type":"text/plain","data_base64":"aGVsbG8gd29ybGQ=","type":"RESUME"})");
        BOOST_TEST(att.status == 201);
        std::string att_id(obj(att)["id"].as_string());
        auto atts = obj(rec.call("GET", base + "/attachments", real + "/attachments", kAcme));
        BOOST_TEST(atts["results"].as_array().size() == 1u);
        auto file = rec.call("GET", base + "/attachments/{attachment_id}", real + "/attachments/" + att_id, kAcme);
        BOOST_TEST(file.status == 200);
        BOOST_TEST(file.body == "hello world");
        BOOST_TEST(file.header("content-type") == "text/plain");
        BOOST_TEST(file.header("content-disposition") == "attachment; filename=\"cv.txt\"");
    }

    // --- candidates -------------------------------------------------------------------------------
    BOOST_TEST(obj(rec.call("GET", T + "/candidates", A + "/candidates", kAcme))["results"].as_array().size() == 5u);
    auto cands_nd =
        rec.call("GET", T + "/candidates", A + "/candidates", kAcme, "", {{"Accept", "application/x-ndjson"}});
    BOOST_TEST(cands_nd.status == 200);
    auto found =
        obj(rec.call("GET", T + "/candidates/search", A + "/candidates/search?email=pat1%40probe.example", kAcme));
    BOOST_REQUIRE_EQUAL(found["results"].as_array().size(), 1u);
    BOOST_TEST(found["results"].as_array()[0].as_object().at("matched_on").as_array()[0].as_string() == "email");
    BOOST_TEST(rec.call("GET", T + "/candidates/search", A + "/candidates/search", kAcme).status == 400);
    BOOST_TEST(
        obj(rec.call("GET", T + "/candidates/{candidate_id}", A + "/candidates/c1", kAcme))["first_name"].as_string() ==
        "Pat1");
    auto resume = rec.call("GET", T + "/candidates/{candidate_id}/resume", A + "/candidates/c1/resume", kAcme);
    BOOST_TEST(resume.status == 200);
    BOOST_TEST(resume.header("content-type") == "application/pdf");
    BOOST_TEST(resume.body.rfind("%PDF-1.4", 0) == 0u);

    // --- Kombo-shaped reads (Kombo's envelopes; the full check is serve.kombo) --------------------------
    auto kjobs = obj(rec.call("GET", T + "/ats/jobs", A + "/ats/jobs?page_size=1&statuses=OPEN", kAcme));
    BOOST_TEST(kjobs["status"].as_string() == "success");
    BOOST_TEST(kjobs["data"].at("results").as_array().size() == 1u);
    BOOST_TEST(kjobs["data"].at("next").is_string());
    auto kapps = obj(
        rec.call("GET", T + "/ats/applications", A + "/ats/applications?job_ids=j1&outcomes=PENDING,DECLINED", kAcme));
    BOOST_TEST(!kapps["data"].at("results").as_array().empty());
    for (const auto &a : kapps["data"].at("results").as_array()) BOOST_TEST(a.at("job").at("id").as_string() == "j1");
    BOOST_TEST(
        obj(rec.call("GET", T + "/ats/candidates", A + "/ats/candidates?email=PAT1%40probe.example", kAcme))["data"]
            .at("results")
            .as_array()
            .size() == 1u);
    auto kbad = rec.call("GET", T + "/ats/candidates", A + "/ats/candidates?page_size=0", kAcme);
    BOOST_TEST(kbad.status == 400);
    BOOST_TEST(json_body(kbad).at("error").at("code").as_string() == "PLATFORM.INPUT_INVALID");
    BOOST_TEST(rec.call("GET", T + "/ats/candidates", A + "/ats/candidates", "").status == 401);
    auto katt = obj(rec.call("GET", T + "/ats/applications/{application_id}/attachments",
                             A + "/ats/applications/a2/attachments", kAcme));
    BOOST_TEST(katt["data"].at("results").as_array().size() == 1u); // added above, as RESUME: answered as CV
    BOOST_TEST(katt["data"].at("results").at(0).at("type").as_string() == "CV");
    BOOST_TEST(
        rec.call("GET", T + "/ats/candidates/{candidate_id}/attachments", A + "/ats/candidates/c1/attachments", kAcme)
            .status == 200);

    // --- reference data and custom fields -------------------------------------------------------------
    BOOST_TEST(obj(rec.call("GET", T + "/stages", A + "/stages?job_id=j1", kAcme))["results"].as_array().size() == 4u);
    BOOST_TEST(
        obj(rec.call("GET", T + "/rejection-reasons", A + "/rejection-reasons", kAcme))["results"].as_array().size() ==
        2u);
    std::string cf = T + "/custom-fields/{record_type}/{record_id}";
    auto set = obj(rec.call("PUT", cf, A + "/custom-fields/candidate/c1", kAcme,
                            R"({"values":{"Notice period":"3 months","Score":7}})"));
    BOOST_TEST(set["results"].as_array().size() == 2u);
    BOOST_TEST(obj(rec.call("GET", cf, A + "/custom-fields/candidate/c1", kAcme))["results"].as_array().size() == 2u);

    // --- syncs and the Kombo webhook ------------------------------------------------------------------
    auto started = rec.call("POST", T + "/sync", A + "/sync", kAcme, R"({"full":true})");
    BOOST_TEST(started.status == 202);
    std::string status;
    for (int i = 0; i < 100 && status != "succeeded"; ++i) {
        auto runs = obj(rec.call("GET", T + "/sync", A + "/sync", kAcme));
        status = std::string(runs["runs"].as_array()[0].as_object().at("status").as_string());
        if (status != "succeeded") std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST(status == "succeeded");
    // One run of the durable history by its id; ?last bounds the list.
    std::string run_id(obj(started)["run"].as_object().at("id").as_string());
    auto one = obj(rec.call("GET", T + "/sync/{run}", A + "/sync/" + run_id, kAcme));
    BOOST_TEST(one["run"].as_object().at("status").as_string() == "succeeded");
    BOOST_TEST(one["run"].as_object().at("summary").is_object());
    BOOST_TEST(obj(rec.call("GET", T + "/sync", A + "/sync?last=1", kAcme))["runs"].as_array().size() == 1u);
    BOOST_TEST(rec.call("GET", T + "/sync/{run}", A + "/sync/no-such-run", kAcme).status == 404);
    std::string hook =
        R"({"id":"wh1","type":"data-changed","data":{"integration_id":"workable:x","integration_tool":"workable","integration_category":"ATS","changed_models":[{"name":"ats_applications"}]}})";
    auto delivered = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", hook,
                              kombo_headers("whsec-acme-test", hook));
    BOOST_TEST(delivered.status == 200, delivered.body);
    BOOST_TEST(!obj(delivered)["sync"].is_null());
    // The same signed delivery again (a replay inside the tolerance): refused by its event id.
    auto replayed = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", hook,
                             kombo_headers("whsec-acme-test", hook));
    BOOST_TEST(replayed.status == 409);
    BOOST_TEST(error_code(replayed) == "webhook_replayed");
    auto forged =
        rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", hook, kombo_headers("wrong-secret", hook));
    BOOST_TEST(forged.status == 401);
    BOOST_TEST(error_code(forged) == "invalid_signature");
    // Signed correctly but long ago (or with the body-only signature of old): refused.
    std::string hook2 =
        R"({"id":"wh2","type":"data-changed","data":{"integration_id":"workable:x","changed_models":[{"name":"ats_jobs"}]}})";
    std::string stale_ts = std::to_string(std::stoll(now_unix()) - 3600);
    auto stale = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", hook2,
                          kombo_headers("whsec-acme-test", hook2, stale_ts));
    BOOST_TEST(stale.status == 401);
    auto unsigned_ts = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", hook2,
                                {{"X-Kombo-Signature", hmac_hex("whsec-acme-test", hook2)}});
    BOOST_TEST(unsigned_ts.status == 401);
    std::string malformed = R"({"id":"wh3","type":"data-changed","data":{"changed_models":"all"}})";
    auto bad_hook = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", malformed,
                             kombo_headers("whsec-acme-test", malformed));
    BOOST_TEST(bad_hook.status == 400);
    BOOST_TEST(error_code(bad_hook) == "invalid_webhook");
    std::string no_id = R"({"type":"data-changed","data":{"integration_id":"x","changed_models":[]}})";
    BOOST_TEST(rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", no_id,
                        kombo_headers("whsec-acme-test", no_id))
                   .status == 400);
    std::string other = R"({"id":"wh4","type":"integration-created","data":{"id":"x"}})";
    auto ignored = rec.call("POST", T + "/webhooks/kombo", A + "/webhooks/kombo", "", other,
                            kombo_headers("whsec-acme-test", other));
    BOOST_TEST(ignored.status == 200);
    BOOST_TEST(obj(ignored)["sync"].is_null());
    // Unknown tenant, tenant without a webhook secret, wrong signature: one answer, so a prober
    // cannot tell which tenants exist.
    auto no_secret = rec.call("POST", T + "/webhooks/kombo", "/v1/tenants/beta/webhooks/kombo", "", other,
                              kombo_headers("whsec-acme-test", other));
    auto no_tenant =
        s.request("POST", "/v1/tenants/nosuch/webhooks/kombo", "", other, kombo_headers("whsec-acme-test", other));
    BOOST_TEST(no_secret.status == 401);
    BOOST_TEST(no_tenant.status == 401);
    BOOST_TEST(envelope_without_id(no_secret) == envelope_without_id(forged));
    BOOST_TEST(envelope_without_id(no_tenant) == envelope_without_id(forged));

    // --- admin ----------------------------------------------------------------------------------------
    auto metrics = rec.call("GET", "/metrics", "/metrics", kAdmin);
    BOOST_TEST(metrics.status == 200);
    BOOST_TEST(metrics.body.find(
                   "ats_http_requests_total{route=\"/v1/tenants/{tenant}/jobs\",method=\"GET\",status=\"200\"}") !=
               std::string::npos);
    BOOST_TEST(metrics.body.find("ats_sync_runs_total{tenant=\"acme\",trigger=\"api\",status=\"succeeded\"} 1") !=
               std::string::npos);
    BOOST_TEST(metrics.body.find("ats_provider_calls_total") != std::string::npos);
    auto reload = obj(rec.call("POST", "/v1/admin/reload", "/v1/admin/reload", kAdmin));
    BOOST_TEST(reload["generation"].as_int64() == 2);
    // Erasure of a person: the admin token only; the probe provider keeps no people (501, its reason).
    const std::string F = "/v1/admin/tenants/{tenant}/forget";
    BOOST_TEST(rec.call("POST", F, "/v1/admin/tenants/acme/forget", kAcme, R"({"email":"a@x.org"})").status == 403);
    auto forget = rec.call("POST", F, "/v1/admin/tenants/acme/forget", kAdmin, R"({"email":"a@x.org"})");
    BOOST_TEST(forget.status == 501);
    BOOST_TEST(error_code(forget) == "not_supported");

    // --- unknown routes and methods ---------------------------------------------------------------------
    auto nowhere = s.get("/v1/nowhere", kAcme);
    BOOST_TEST(nowhere.status == 404);
    BOOST_TEST(error_code(nowhere) == "route_not_found");
    auto wrong_method = s.request("DELETE", A + "/jobs", kAcme);
    BOOST_TEST(wrong_method.status == 405);
    BOOST_TEST(error_code(wrong_method) == "method_not_allowed");
    BOOST_TEST(wrong_method.header("allow") == "GET");

    // Every response carries a request id, and it reaches the plugin's log lines.
    auto traced = s.request("GET", A + "/jobs/j1", kAcme, "", {{"X-Request-Id", "trace-me-42"}});
    BOOST_TEST(traced.header("x-request-id") == "trace-me-42");

    // --- the document against all of the above ---------------------------------------------------------
    BOOST_TEST_MESSAGE(rec.check_against_openapi(false));

    // The access log has the request, and the host log has the plugin's line with the same id.
    // Access lines are buffered (EventLog::kFlushInterval): wait for the request's line.
    std::string log;
    for (int i = 0; i < 100; ++i) {
        log = s.stderr_text();
        if (log.find("\"type\":\"access\",\"request_id\":\"trace-me-42\"") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST(log.find("\"type\":\"access\",\"request_id\":\"trace-me-42\"") != std::string::npos);
    bool plugin_line_traced = false;
    for (size_t pos = 0, end; (end = log.find('\n', pos)) != std::string::npos; pos = end + 1) {
        std::string line = log.substr(pos, end - pos);
        if (line.find("probe jobs.get") != std::string::npos && line.find("trace-me-42") != std::string::npos)
            plugin_line_traced = true;
    }
    BOOST_TEST(plugin_line_traced, "no plugin log line carries the request id");
    // No token or secret ever reaches the log.
    for (const std::string &secret : {kAcme, kAdmin, std::string("whsec-acme-test")})
        BOOST_TEST(log.find(secret) == std::string::npos, "log contains a secret");
}
