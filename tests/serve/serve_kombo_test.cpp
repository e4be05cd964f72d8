// serve_kombo_test.cpp - the Kombo-shaped routes (/v1/tenants/{t}/ats/...) of `ats-host serve`
// with both real providers (tracker, tracker_workable) against the sandbox:
//   * Kombo's official TypeScript SDK, pointed at the service with a tenant token, reads every
//     page of jobs, applications and candidates (each record once: the same ids as the NDJSON
//     stream of the service's own routes) and gets its typed error for a wrong token;
//   * every answer, success or error, validates against Kombo's OpenAPI document (tests/kombo);
//   * Kombo's query parameters filter and page as Kombo documents them.
#define BOOST_TEST_MODULE serve_kombo
#include <boost/test/unit_test.hpp>

#include "kombo_check.hpp"
#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kTrackerToken = "tr-token", kHybridToken = "demo-token";

ServeSetup both_providers(const Sandbox &sandbox) {
    ServeSetup setup;
    setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"},
                     {"libtracker_workable.so", plugins_dir() + "/libtracker_workable.so"}};
    const std::string tracker = R"("base_url":")" + sandbox.tracker_url() + R"(",
        "auth":{"method":"api_key","api_key":{"$secret":{"env":"TRACKER_KEY"}}},
        "timezone":"Europe/London","default_phone_region":"GB",
        "statuses":{"declined":"Declined","accepted":"Accepted","new_application":"Applied"})";
    const std::string tracker_port = std::to_string(sandbox.tracker_port());
    setup.manifests = {
        {"tr", R"({"tenant_id":"tr","provider":"tracker","provider_config":{)" + tracker +
                   R"(},"host":{"egress_allow":["127.0.0.1:)" + tracker_port + R"("]}})"},
        {"demo", R"({"tenant_id":"demo","provider":"tracker_workable","provider_config":{)" + tracker + R"(,
        "workable":{"kombo":{"base_url":")" +
                     sandbox.kombo_url() + R"(",
                             "api_key":{"$secret":{"env":"KOMBO_KEY"}},"integration_id":")" +
                     Sandbox::kKomboIntegrationId + R"("},
                    "job_mapping":{"custom_field":"Workable Job ID","by_title":true},
                    "source_label":"Workable"}},
        "host":{"egress_allow":["127.0.0.1:)" +
                     tracker_port + R"(","127.0.0.1:)" + std::to_string(sandbox.kombo_port()) + R"("]}})"}};
    setup.tokens = {{"tr", {kTrackerToken}}, {"demo", {kHybridToken}}};
    setup.env = {{"TRACKER_KEY", Sandbox::kTrackerApiKey}, {"KOMBO_KEY", Sandbox::kKomboApiKey}};
    return setup;
}

// The hybrid's first sync, so its applications stream has both sides (synced and pending).
void sync_hybrid(ServeInstance &s) {
    auto started = s.request("POST", "/v1/tenants/demo/sync", kHybridToken, "{}");
    BOOST_REQUIRE_MESSAGE(started.status == 202, started.body);
    for (int i = 0; i < 600; ++i) {
        auto runs = json::parse(s.get("/v1/tenants/demo/sync", kHybridToken).body).as_object()["runs"].as_array();
        if (!runs.empty() && runs[0].as_object().at("status").as_string() != "running") {
            BOOST_REQUIRE_MESSAGE(runs[0].as_object().at("status") == "succeeded", json::serialize(runs[0]));
            return;
        }
        std::this_thread::sleep_for(100ms);
    }
    BOOST_FAIL("the sync did not finish");
}

// The ids of the service's own NDJSON stream of `list` (jobs, applications, candidates).
std::multiset<std::string> stream_ids(ServeInstance &s, const std::string &tenant, const std::string &token,
                                      const std::string &list) {
    auto r = s.request("GET", "/v1/tenants/" + tenant + "/" + list, token, "", {{"Accept", "application/x-ndjson"}});
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 500));
    std::multiset<std::string> ids;
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) ids.insert(std::string(json::parse(line).at("id").as_string()));
    return ids;
}

void sdk_reads_everything(ServeInstance &s, const std::string &tenant, const std::string &token) {
    auto r = run_process({"node", source_dir() + "/tests/kombo/kombo_sdk_client.mjs", ajv_node_modules(),
                          s.url("/v1/tenants/" + tenant), token, "7"},
                         {}, 240s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, tenant << ": the Kombo SDK failed: " << r.out << r.err);
    json::object report = json::parse(r.out).as_object();
    for (const char *list : {"jobs", "applications", "candidates"}) {
        const json::object &got = report.at(list).as_object();
        std::multiset<std::string> ids;
        for (const auto &id : got.at("ids").as_array()) ids.insert(std::string(id.as_string()));
        auto expected = stream_ids(s, tenant, token, list);
        BOOST_TEST(!expected.empty(), tenant << " " << list);
        BOOST_TEST((ids == expected), tenant << " " << list << ": the SDK's pages hold " << ids.size()
                                             << " records, the stream " << expected.size() << " (every record once)");
        // A page stops at its last record (reading one more could cost an upstream request), so a
        // list whose size is a multiple of the page size ends with one empty page.
        const int64_t want_pages = static_cast<int64_t>(expected.size() / 7) + 1;
        BOOST_TEST(got.at("pages").as_int64() == want_pages, tenant << " " << list << ": " << got.at("pages").as_int64()
                                                                    << " pages for " << expected.size() << " records");
    }
    const json::object &wrong = report.at("wrong_token").as_object();
    BOOST_TEST(wrong.at("class").as_string() == "KomboAtsError", json::serialize(wrong));
    BOOST_TEST(wrong.at("is_kombo_ats_error").as_bool());
    BOOST_TEST(wrong.at("status").as_int64() == 401);
    BOOST_TEST(wrong.at("code").as_string() == "PLATFORM.AUTHENTICATION_INVALID");
}

struct Captures {
    TempDir dir{"serve-kombo-captures"};
    int count = 0;
    json::value add(const std::string &name, const std::string &kombo_path, const ats::net::HttpResponse &r) {
        boost::system::error_code ec;
        json::value body = json::parse(r.body, ec);
        BOOST_TEST_REQUIRE(!ec, name + " is not JSON: " + r.body.substr(0, 200));
        json::object capture{{"name", name}, {"path", kombo_path}, {"status", r.status}, {"body", body}};
        char file[32];
        std::snprintf(file, sizeof file, "%03d.json", count++);
        std::ofstream(dir / file) << json::serialize(capture);
        return body;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(kombo_sdk_reads_every_page_of_both_providers) {
    Sandbox sandbox;
    ServeInstance s(both_providers(sandbox));
    sync_hybrid(s);
    sdk_reads_everything(s, "tr", kTrackerToken);
    sdk_reads_everything(s, "demo", kHybridToken);
}

BOOST_AUTO_TEST_CASE(kombo_routes_answer_kombo_shapes_filters_and_errors) {
    Sandbox sandbox;
    ServeInstance s(both_providers(sandbox));
    sync_hybrid(s);
    Captures c;
    for (const auto &[tenant, token] :
         {std::pair<std::string, std::string>{"tr", kTrackerToken}, {"demo", kHybridToken}}) {
        const std::string A = "/v1/tenants/" + tenant + "/ats";
        json::value jobs = c.add(tenant + " jobs", "/ats/jobs", s.get(A + "/jobs?page_size=250", token));
        json::value apps =
            c.add(tenant + " applications", "/ats/applications", s.get(A + "/applications?page_size=250", token));
        json::value cands =
            c.add(tenant + " candidates", "/ats/candidates", s.get(A + "/candidates?page_size=250", token));
        BOOST_REQUIRE(jobs.at("status") == "success");
        const json::array apps_list = apps.at("data").at("results").as_array();
        BOOST_REQUIRE(apps_list.size() > 2u);
        BOOST_TEST(apps.at("data").at("next").is_null());

        // ids and a paged walk with a filter: exactly the matching records, each once.
        const json::object first = apps_list[0].as_object();
        json::value by_id = c.add(tenant + " applications by ids", "/ats/applications",
                                  s.get(A + "/applications?ids=" + std::string(first.at("id").as_string()), token));
        BOOST_TEST(by_id.at("data").at("results").as_array().size() == 1u);
        size_t pending = 0;
        for (const auto &a : apps_list) pending += a.at("outcome") == "PENDING";
        size_t walked = 0;
        std::string cursor;
        for (int page = 0; page < 100; ++page) {
            json::value p = c.add(
                tenant + " PENDING page " + std::to_string(page), "/ats/applications",
                s.get(A + "/applications?page_size=2&outcomes=PENDING" + (cursor.empty() ? "" : "&cursor=" + cursor),
                      token));
            for (const auto &a : p.at("data").at("results").as_array()) walked += a.at("outcome") == "PENDING";
            if (p.at("data").at("next").is_null()) break;
            cursor = std::string(p.at("data").at("next").as_string());
        }
        BOOST_TEST(walked == pending);
        c.add(tenant + " updated_after in the future", "/ats/applications",
              s.get(A + "/applications?updated_after=2099-01-01T00:00:00.000Z", token));
        json::value none = c.add(tenant + " candidates by job_ids (unsupported)", "/ats/candidates",
                                 s.get(A + "/candidates?job_ids=1", token));
        BOOST_TEST(none.at("data").at("results").as_array().empty());
        json::value all =
            c.add(tenant + " candidates ignoring unsupported filters", "/ats/candidates",
                  s.get(A + "/candidates?job_ids=1&ignore_unsupported_filters=true&page_size=250", token));
        BOOST_TEST(all.at("data").at("results").as_array().size() == cands.at("data").at("results").as_array().size());

        // Attachments, with absolute download URLs on this service.
        size_t with_files = 0;
        for (const auto &cand : cands.at("data").at("results").as_array()) {
            std::string id(cand.at("id").as_string());
            json::value att = c.add(tenant + " candidate attachments", "/ats/applications/{application_id}/attachments",
                                    s.get(A + "/candidates/" + id + "/attachments", token));
            for (const auto &a : att.at("data").at("results").as_array()) {
                std::string url(a.at("data_url").as_string());
                BOOST_TEST(url.rfind(s.url("/v1/tenants/" + tenant + "/candidates/" + id + "/attachments/"), 0) == 0u,
                           url);
                auto file = s.get(url.substr(url.find("/v1/")), token);
                BOOST_TEST(file.status == 200);
                ++with_files;
            }
            if (with_files >= 2) break;
        }
        BOOST_TEST(with_files > 0u, tenant << ": no attachment was listed (the sync attaches CVs)");
        c.add(tenant + " application attachments", "/ats/applications/{application_id}/attachments",
              s.get(A + "/applications/" + std::string(first.at("id").as_string()) + "/attachments", token));

        // Errors, in Kombo's envelope.
        auto page_size = s.get(A + "/jobs?page_size=251", token);
        BOOST_TEST(page_size.status == 400);
        c.add(tenant + " page_size 251", "", page_size);
        auto cursor_bad = s.get(A + "/jobs?cursor=xyz", token);
        BOOST_TEST(cursor_bad.status == 400);
        c.add(tenant + " bad cursor", "", cursor_bad);
        auto unknown = s.get(A + "/jobs?colour=red", token);
        BOOST_TEST(unknown.status == 400);
        c.add(tenant + " unknown parameter", "", unknown);
        auto wrong = s.get(A + "/jobs", token + "-wrong");
        BOOST_TEST(wrong.status == 401);
        BOOST_TEST(c.add(tenant + " wrong token", "", wrong).at("error").at("code") ==
                   "PLATFORM.AUTHENTICATION_INVALID");
        auto missing = s.get(A + "/applications/999999999/attachments", token);
        BOOST_TEST(missing.status >= 400);
        c.add(tenant + " unknown application", "", missing);
    }
    auto other = s.get("/v1/tenants/demo/ats/jobs", kTrackerToken);
    BOOST_TEST(other.status == 403);
    c.add("another tenant's token", "", other);

    auto result = run_process(
        {"node", kombo_validator_path(), kombo_openapi_path(), ajv_node_modules(), "captures", c.dir.str()}, {}, 120s);
    BOOST_TEST_MESSAGE(result.out);
    BOOST_TEST(result.exit_code == 0, result.out + result.err);
}

namespace {
// Requests the sandbox's Kombo emulator answered so far.
int64_t kombo_requests(Sandbox &sandbox) {
    int64_t n = 0;
    const json::value counters = sandbox.admin_get("counters"); // kept: the loop reads into it
    for (const auto &c : counters.at("counters").as_array())
        if (c.as_object().at("service") == "kombo") n += c.as_object().at("count").to_number<int64_t>();
    return n;
}
} // namespace

BOOST_AUTO_TEST_CASE(hybrid_application_pages_resume_without_syncing_again) {
    Sandbox sandbox;
    ServeInstance s(both_providers(sandbox));
    sync_hybrid(s);
    const auto expected = stream_ids(s, "demo", kHybridToken, "applications");
    std::multiset<std::string> paged;
    size_t pages = 0, pending = 0;
    int64_t kombo_after_first_page = 0;
    std::string cursor;
    for (;;) {
        std::string url = "/v1/tenants/demo/applications?limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor);
        auto r = s.get(url, kHybridToken);
        BOOST_REQUIRE_MESSAGE(r.status == 200, url << " -> " << r.status << " " << r.body.substr(0, 500));
        json::object page = json::parse(r.body).as_object();
        if (++pages == 1) kombo_after_first_page = kombo_requests(sandbox);
        for (const auto &rec : page.at("results").as_array()) {
            paged.insert(std::string(rec.at("id").as_string()));
            if (auto *st = rec.as_object().if_contains("sync_status"); st && *st == "pending") ++pending;
        }
        if (page.at("next_cursor").is_null()) break;
        cursor = std::string(page.at("next_cursor").as_string());
        BOOST_REQUIRE(pages < 500);
    }
    // Every application once, the pending Workable ones after Tracker's included...
    BOOST_TEST((paged == expected), paged.size() << " paged vs " << expected.size() << " streamed");
    BOOST_TEST(pending > 5u); // more than a page of them: a resume inside the pending part happened
    BOOST_TEST(pages > expected.size() / 5);
    // ...and only the first page synced: the later pages resumed from positions (re-running the
    // stream would sync, and read Kombo, once per page).
    BOOST_TEST(kombo_requests(sandbox) == kombo_after_first_page);
}
