// serve_tracker_test.cpp - the real `tracker` provider behind `ats-host serve`, against the
// sandbox's Tracker emulator: reads, streams and writes through the REST API, an unsupported
// operation's 501, and every real response validated against the OpenAPI document.
#define BOOST_TEST_MODULE serve_tracker
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "raw_http.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

using namespace ats::test;
using namespace ats::test::serve;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kToken = "tracker-tenant-token";

ServeSetup tracker_setup(const Sandbox &sandbox) {
    ServeSetup setup;
    setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"}};
    setup.manifests = {{"tr", tracker_manifest(sandbox, "tr", "TR_TRACKER_KEY")}};
    setup.tokens = {{"tr", {kToken}}};
    setup.env = {{"TR_TRACKER_KEY", Sandbox::kTrackerApiKey}};
    return setup;
}

std::string first_id(const ats::net::HttpResponse &page) {
    auto results = json::parse(page.body).as_object().at("results").as_array();
    BOOST_REQUIRE(!results.empty());
    return std::string(results[0].as_object().at("id").as_string());
}

} // namespace

BOOST_AUTO_TEST_CASE(tracker_provider_through_the_service) {
    Sandbox sandbox;
    ServeInstance s(tracker_setup(sandbox));
    ExchangeRecorder rec(s);
    const std::string T = "/v1/tenants/{tenant}", A = "/v1/tenants/tr";

    BOOST_TEST(rec.call("GET", T + "/check", A + "/check", kToken).status == 200);
    auto caps = rec.call("GET", T + "/capabilities", A + "/capabilities", kToken);
    BOOST_TEST(caps.status == 200);

    auto jobs = rec.call("GET", T + "/jobs", A + "/jobs?limit=3", kToken);
    BOOST_TEST(jobs.status == 200);
    std::string job = first_id(jobs);
    BOOST_TEST(rec.call("GET", T + "/jobs/{job_id}", A + "/jobs/" + job, kToken).status == 200);
    BOOST_TEST(rec.call("GET", T + "/jobs/{job_id}/enhanced", A + "/jobs/" + job + "/enhanced", kToken).status == 200);

    auto apps_nd =
        rec.call("GET", T + "/applications", A + "/applications", kToken, "", {{"Accept", "application/x-ndjson"}});
    BOOST_TEST(apps_nd.status == 200);
    BOOST_TEST(apps_nd.header("content-type") == "application/x-ndjson");
    size_t lines = static_cast<size_t>(std::count(apps_nd.body.begin(), apps_nd.body.end(), '\n'));
    BOOST_TEST(lines > 0u);
    auto apps = rec.call("GET", T + "/applications", A + "/applications?limit=2", kToken);
    std::string app = first_id(apps);
    BOOST_TEST(rec.call("GET", T + "/applications/{application_id}", A + "/applications/" + app, kToken).status == 200);

    auto cands = rec.call("GET", T + "/candidates", A + "/candidates?limit=2", kToken);
    BOOST_TEST(cands.status == 200);
    std::string cand = first_id(cands);
    BOOST_TEST(rec.call("GET", T + "/candidates/{candidate_id}", A + "/candidates/" + cand, kToken).status == 200);
    BOOST_TEST(rec.call("GET", T + "/stages", A + "/stages", kToken).status == 200);

    // Tracker has no rejection reasons: 501 with the provider's reason.
    auto reasons = rec.call("GET", T + "/rejection-reasons", A + "/rejection-reasons", kToken);
    BOOST_TEST(reasons.status == 501);
    BOOST_TEST(error_code(reasons) == "not_supported");
    BOOST_TEST(reasons.body.find("getSettings") != std::string::npos, reasons.body);

    // A write: a note on the application, then read back.
    auto note = rec.call("POST", T + "/applications/{application_id}/notes", A + "/applications/" + app + "/notes",
                         kToken, R"({"content":"Phone screen booked"})");
    BOOST_TEST(note.status == 201, note.body);
    auto notes =
        rec.call("GET", T + "/applications/{application_id}/notes", A + "/applications/" + app + "/notes", kToken);
    BOOST_TEST(notes.body.find("Phone screen booked") != std::string::npos);

    auto missing = rec.call("GET", T + "/jobs/{job_id}", A + "/jobs/999999999", kToken);
    BOOST_TEST(missing.status == 404);

    // One 429 from Tracker: the host retries, the client sees a 200, /metrics shows the wait.
    sandbox.admin_post(
        "faults", json::object{{"tracker", {{"getIndividualRecord", {{"rate", 1}, {"kinds", {429}}, {"max", 1}}}}}});
    BOOST_TEST(s.get(A + "/jobs/" + job, kToken).status == 200);
    auto metrics = s.get("/metrics", "admin-token-0").body;
    BOOST_TEST(metrics.find("ats_upstream_requests_total{tenant=\"tr\",provider=\"tracker\",status=\"200\"}") !=
               std::string::npos);
    BOOST_TEST(metrics.find("ats_upstream_requests_total{tenant=\"tr\",provider=\"tracker\",status=\"429\"} 1") !=
                   std::string::npos,
               metrics);
    BOOST_TEST(metrics.find("ats_upstream_rate_limit_waits_total{tenant=\"tr\",provider=\"tracker\"} 1") !=
               std::string::npos);
    BOOST_TEST(metrics.find("ats_upstream_retries_total{tenant=\"tr\",provider=\"tracker\"} 1") != std::string::npos);
    BOOST_TEST(metrics.find("ats_provider_calls_total{provider=\"tracker\",operation=\"jobs.get\",outcome=\"ok\"}") !=
               std::string::npos);

    BOOST_TEST_MESSAGE(rec.check_against_openapi(true));
    BOOST_TEST(s.stderr_text().find(Sandbox::kTrackerApiKey) == std::string::npos,
               "the Tracker key reached a log line");
}

// An upstream document whose content type and file name carry CR LF (response splitting): the
// client reads exactly the responses it asked for, the content type falls back to
// application/octet-stream and the file name comes escaped (RFC 6266 filename*).
BOOST_AUTO_TEST_CASE(hostile_upstream_header_material_never_splits_the_response) {
    Sandbox sandbox;
    ServeInstance s(tracker_setup(sandbox));
    const std::string A = "/v1/tenants/tr";
    auto cands = s.get(A + "/candidates?limit=1", kToken);
    std::string candidate = first_id(cands);
    auto added = s.request("POST", A + "/candidates/" + candidate + "/attachments", kToken,
                           R"({"file_name":"cv.txt","data_base64":"aGVsbG8=","type":"RESUME"})");
    BOOST_REQUIRE_MESSAGE(added.status == 201, added.body);
    std::string document;
    auto list = json::parse(s.get(A + "/candidates/" + candidate + "/attachments", kToken).body);
    const auto results = list.as_object().at("results").as_array();
    BOOST_REQUIRE(!results.empty());
    document = std::string(results[0].as_object().at("id").as_string());
    const std::string forged =
        "text/html\r\nSet-Cookie: session=stolen\r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 25\r\n\r\n<script>alert(1)</script>";
    sandbox.admin_post(
        "tracker/document_field",
        json::object{{"document_id", std::stoll(document)}, {"field", "contenttype"}, {"value", forged}});
    sandbox.admin_post("tracker/document_field",
                       json::object{{"document_id", std::stoll(document)},
                                    {"field", "filename"},
                                    {"value", "r\xC3\xA9sum\xC3\xA9\r\nX-Evil: 1\r\n\"/../cv.pdf"}});

    RawConnection c(s.port());
    const std::string get = "GET " + A + "/candidates/" + candidate + "/attachments/" + document +
                            " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken + "\r\n\r\n";
    BOOST_REQUIRE(c.send(get + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    std::string bytes = c.read_until_close(10s);
    auto first = parse_response(bytes);
    BOOST_TEST(first.status == 200, first.head);
    BOOST_REQUIRE(first.complete);
    std::string head_lower = first.head;
    for (char &ch : head_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    BOOST_TEST(head_lower.find("content-type: application/octet-stream\r\n") != std::string::npos, first.head);
    BOOST_TEST(head_lower.find("\r\nset-cookie") == std::string::npos, first.head);
    BOOST_TEST(head_lower.find("\r\nx-evil") == std::string::npos, first.head);
    BOOST_TEST(head_lower.find("\r\nx-content-type-options: nosniff") != std::string::npos, first.head);
    BOOST_TEST(first.head.find("filename*=UTF-8''r%C3%A9sum%C3%A9__X-Evil%3A%201__%22_.._cv.pdf") != std::string::npos,
               first.head);
    // Exactly one more response (the /healthz), then the close: nothing forged in between.
    std::string rest = bytes.substr(first.head.size() + 4 + first.body.size());
    auto second = parse_response(rest);
    BOOST_TEST(second.status == 200, rest.substr(0, 200));
    BOOST_TEST(second.body == "{\"status\":\"ok\"}\n");
    BOOST_TEST(rest.size() == second.head.size() + 4 + second.body.size(), "extra bytes: " << rest);
}
