// Every kind of Kombo response the sandbox produces, validated against kombo-openapi.json by Ajv
// (JSON Schema 2020-12) through validate_kombo.cjs. The sandbox fails here rather than drift.
#define BOOST_TEST_MODULE sandbox_openapi
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <cstdio>
#include <fstream>
#include <set>

using namespace sandbox_test;
using ats::test::Sandbox;

namespace {
struct Captures {
    ats::test::TempDir dir{"kombo-captures"};
    int count = 0;
    std::set<int> statuses;
    void add(const std::string &name, const std::string &path_template, const ats::net::HttpResponse &r) {
        boost::system::error_code ec;
        json::value body = json::parse(r.body, ec);
        BOOST_TEST_REQUIRE(!ec, name + " is not JSON: " + r.body.substr(0, 200));
        json::object capture{{"name", name}, {"path", path_template}, {"status", r.status}, {"body", body}};
        char file[32];
        std::snprintf(file, sizeof file, "%03d.json", count++);
        std::ofstream(dir / file) << json::serialize(capture);
        statuses.insert(r.status);
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(every_kombo_response_kind_validates_against_the_openapi) {
    const std::string openapi = ATS_KOMBO_OPENAPI;
    {
        std::ifstream probe(openapi);
        BOOST_TEST_REQUIRE(probe.good(), "kombo-openapi.json not found at " + openapi +
                                             " (regenerate it with tests/kombo/strip_openapi.py)");
    }
    Sandbox::Options options;
    options.applications = 120;
    options.people = 60;
    options.tracker_people = 20;
    Sandbox sb(options);
    // Outcome changes, new and deleted applications so every shape of record appears.
    sb.admin_post("mutate", json::object{{"change_outcomes", 5}, {"add_applications", 5}, {"delete_applications", 3}});
    Captures c;
    auto apps = sb.kombo_get("/ats/applications?page_size=250&include_deleted=true");
    c.add("applications (all, deleted included)", "/ats/applications", apps);
    c.add("applications page with cursor", "/ats/applications",
          sb.kombo_get("/ats/applications?page_size=2&outcomes=HIRED,DECLINED"));
    c.add("applications empty page", "/ats/applications",
          sb.kombo_get("/ats/applications?updated_after=2099-01-01T00:00:00.000Z"));
    c.add("candidates", "/ats/candidates", sb.kombo_get("/ats/candidates?page_size=250&include_deleted=true"));
    c.add("jobs", "/ats/jobs", sb.kombo_get("/ats/jobs?page_size=250"));
    c.add("check-api-key", "/check-api-key", sb.kombo_get("/check-api-key"));
    int with = 0, without = 0;
    const json::value apps_body = parse(apps.body);
    for (const auto &a : apps_body.at("data").at("results").as_array()) {
        auto att = sb.kombo_get("/ats/applications/" + s(a, "id") + "/attachments");
        bool has = !parse(att.body).at("data").at("results").as_array().empty();
        if ((has && with++ == 0) || (!has && without++ == 0)) {
            c.add(std::string("application attachments ") + (has ? "(CV)" : "(none)"),
                  "/ats/applications/{application_id}/attachments", att);
            c.add(std::string("candidate attachments ") + (has ? "(CV)" : "(none)"),
                  "/ats/candidates/{candidate_id}/attachments",
                  sb.kombo_get("/ats/candidates/" + s(a, "candidate_id") + "/attachments"));
        }
    }
    BOOST_TEST(with > 0);
    BOOST_TEST(without > 0);
    // Errors.
    c.add("missing api key", "", sb.kombo_get("/ats/applications", false, {{"X-Integration-Id", "workable:sandbox"}}));
    c.add("wrong api key", "",
          sb.kombo_get("/ats/applications", false,
                       {{"Authorization", "Bearer nope"}, {"X-Integration-Id", "workable:sandbox"}}));
    c.add("missing integration id", "",
          sb.kombo_get("/ats/applications", false, {{"Authorization", "Bearer sandbox-kombo-key"}}));
    c.add("unknown integration", "",
          sb.kombo_get("/ats/jobs", false,
                       {{"Authorization", "Bearer sandbox-kombo-key"}, {"X-Integration-Id", "workable:x"}}));
    c.add("page_size 251", "", sb.kombo_get("/ats/applications?page_size=251"));
    c.add("bad cursor", "", sb.kombo_get("/ats/candidates?cursor=xyz"));
    c.add("unknown application", "", sb.kombo_get("/ats/applications/Nope1/attachments"));
    c.add("unknown route", "", sb.kombo_get("/ats/nothing-here"));
    ats::net::HttpRequest post;
    post.method = "POST";
    post.url = sb.kombo_url() + "/ats/candidates";
    post.body = "{}";
    c.add("write refused", "", sb.send(post));
    for (const char *kind : {"429", "500", "502", "503"}) {
        sb.admin_post(
            "faults",
            json::object{{"kombo", json::object{{"*", json::object{{"rate", 1.0}, {"kinds", json::array{kind}}}}}}});
        c.add(std::string("fault ") + kind, "", sb.kombo_get("/ats/applications"));
    }
    sb.admin_post(
        "faults",
        json::object{
            {"kombo",
             json::object{{"*", json::object{{"budget", json::object{{"requests", 1}, {"window_ms", 60000}}}}}}}});
    sb.kombo_get("/ats/jobs");
    c.add("budget 429", "", sb.kombo_get("/ats/jobs"));
    for (int status : {200, 400, 401, 404, 405, 429, 500, 502, 503}) BOOST_TEST(c.statuses.count(status) == 1u, status);

    auto result =
        ats::test::run_process({"node", ATS_KOMBO_VALIDATOR, openapi, ATS_AJV_NODE_MODULES, "captures", c.dir.str()},
                               {}, std::chrono::seconds(120));
    BOOST_TEST_MESSAGE(result.out);
    BOOST_TEST(result.exit_code == 0, result.out + result.err);
}

// Kombo's official TypeScript SDK (zod-validated responses) reads every page of the emulator's
// jobs, applications and candidates, and gets its typed error for a wrong key.
BOOST_AUTO_TEST_CASE(kombo_sdk_reads_the_emulator) {
    Sandbox sb;
    auto result = ats::test::run_process({"node", ats::test::source_dir() + "/tests/kombo/kombo_sdk_client.mjs",
                                          ATS_AJV_NODE_MODULES, sb.kombo_url(), Sandbox::kKomboApiKey, "9",
                                          Sandbox::kKomboIntegrationId},
                                         {}, std::chrono::seconds(120));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.out + result.err);
    json::value report = json::parse(result.out);
    for (const char *list : {"jobs", "applications", "candidates"}) {
        const auto &ids = report.at(list).at("ids").as_array();
        BOOST_TEST(!ids.empty(), list);
        std::set<std::string> distinct;
        for (const auto &id : ids) distinct.insert(std::string(id.as_string()));
        BOOST_TEST(distinct.size() == ids.size(), list << ": a record came twice");
        BOOST_TEST(report.at(list).at("pages").as_int64() == static_cast<int64_t>((ids.size() + 8) / 9), list);
    }
    BOOST_TEST(report.at("wrong_token").at("class").as_string() == "KomboAtsError");
    BOOST_TEST(report.at("wrong_token").at("code").as_string() == "PLATFORM.AUTHENTICATION_INVALID");
}
