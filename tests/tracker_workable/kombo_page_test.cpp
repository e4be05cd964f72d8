// Unit tests of the Kombo applications page parser, the error mapping and the query helpers.
#define BOOST_TEST_MODULE tracker_workable_kombo_page
#include <boost/test/unit_test.hpp>

#include "kombo/kombo_application.hpp"
#include "kombo/kombo_client.hpp"

using namespace ats::tracker_workable;

namespace {
const char *kPage = R"({"status":"success","data":{"next":"CURSOR-2","results":[
 {"id":"A1","remote_id":"123","outcome":"HIRED","rejection_reason_name":null,"rejected_at":null,
  "current_stage_id":"S1","job_id":"J1","candidate_id":"C1","custom_fields":{},"integration_fields":[],
  "remote_url":null,"changed_at":"2026-01-02T03:04:05.000Z","remote_deleted_at":null,
  "remote_created_at":"2026-01-01T00:00:00.000Z","remote_updated_at":"2026-01-02T03:04:05.000Z","remote_data":null,
  "candidate":{"id":"C1","remote_id":"wc1","first_name":"Ann","last_name":"Lee",
    "email_addresses":[{"email_address":"Ann.Lee@Example.com","type":"PERSONAL"}],
    "phone_numbers":[{"phone_number":"07400 100123","type":"MOBILE"},{"phone_number":"","type":null}],
    "social_media":[],"source":{"id":"x","name":"LinkedIn"},"remote_url":null,"tags":[]},
  "current_stage":{"id":"S1","remote_id":"s","name":"Hired","index":5},
  "job":{"id":"J1","remote_id":"WKJOB1","name":"Java Programmer"},"interviews":[],"offers":[],
  "screening_question_answers":[]},
 {"id":"A2","remote_id":"124","outcome":null,"job_id":"J2","candidate_id":"C2","remote_deleted_at":"2026-01-03T00:00:00.000Z",
  "candidate":null,"job":null,"current_stage":null}
]}})";
} // namespace

BOOST_AUTO_TEST_CASE(parses_a_full_page) {
    auto page = parse_application_page(kPage, 200, "GET /ats/applications page 1");
    BOOST_TEST(page.next == "CURSOR-2");
    BOOST_REQUIRE_EQUAL(page.results.size(), 2u);
    const auto &a = page.results[0];
    BOOST_TEST(a.id == "A1");
    BOOST_TEST(a.remote_id == "123");
    BOOST_TEST(a.outcome == "HIRED");
    BOOST_TEST(a.job_id == "J1");
    BOOST_TEST(a.job_remote_id == "WKJOB1");
    BOOST_TEST(a.job_name == "Java Programmer");
    BOOST_TEST(a.candidate_id == "C1");
    BOOST_TEST(a.first_name == "Ann");
    BOOST_REQUIRE_EQUAL(a.emails.size(), 1u);
    BOOST_TEST(a.emails[0] == "Ann.Lee@Example.com");
    BOOST_REQUIRE_EQUAL(a.phones.size(), 1u);      // the empty number is dropped
    BOOST_REQUIRE_EQUAL(a.phone_types.size(), 1u); // ... and its type with it (parallel)
    BOOST_TEST(a.phone_types[0] == "MOBILE");
    BOOST_TEST(a.source == "LinkedIn"); // an object source (not Kombo's documented shape) still reads
    BOOST_TEST(a.current_stage_name == "Hired");
    BOOST_TEST(a.current_stage_id == "S1");
    BOOST_TEST(a.remote_created_at == "2026-01-01T00:00:00.000Z");
    BOOST_TEST(!a.deleted());
    const auto &d = page.results[1];
    BOOST_TEST(d.outcome == "");
    BOOST_TEST(d.deleted());
    BOOST_TEST(d.first_name == "");
}

// GET /ats/applications example1 from kombo-openapi.json (trimmed to the fields the sync reads,
// values as recorded there): candidate.source is a plain string.
const char *kOpenApiExample = R"({"status":"success","data":{"next":"eyJwYWdlIjoxMn0=","results":[
 {"id":"H77fDF8uvEzGNPRubiz5DvQ7","remote_id":"32","outcome":"HIRED","rejection_reason_name":null,"rejected_at":null,
  "current_stage_id":"5J7L4b48wBfffYwek9Az9pkM","job_id":"H5daSm8e85Dmvmne3wLeCPhX","candidate_id":"26vafvWSRmbhNcxJYqjCzuJg",
  "custom_fields":{},"integration_fields":[],"remote_url":"https://app.greenhouse.io/applications/32",
  "changed_at":"2022-08-07T14:01:29.196Z","remote_deleted_at":null,"remote_created_at":"2022-08-07T14:01:29.196Z",
  "remote_updated_at":"2022-08-07T14:01:29.196Z","remote_data":null,
  "candidate":{"id":"26vafvWSRmbhNcxJYqjCzuJg","remote_id":"32","first_name":"John","last_name":"Doe",
    "email_addresses":[{"email_address":"john.doe@example.com","type":"PRIVATE"}],
    "phone_numbers":[{"phone_number":"+1-541-754-3010","type":"HOME"}],
    "social_media":[{"link":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"YOUTUBE","username":null}],
    "source":"Employee Referral","remote_url":"https://app.greenhouse.io/people/32",
    "tags":[{"id":"26vafvWSRmbhNcxJYqjCzuJg","remote_id":"32","name":"High Potential"}]},
  "current_stage":{"id":"5J7L4b48wBfffYwek9Az9pkM","remote_id":"32","name":"Initial Screening","index":2},
  "job":{"id":"H5daSm8e85Dmvmne3wLeCPhX","remote_id":"32","name":"Backend Engineer"},"interviews":[],"offers":[]}
]}})";

BOOST_AUTO_TEST_CASE(string_source_from_kombo_openapi_example_is_kept) {
    auto page = parse_application_page(kOpenApiExample, 200, "GET /ats/applications page 1");
    BOOST_REQUIRE_EQUAL(page.results.size(), 1u);
    const auto &a = page.results[0];
    BOOST_TEST(a.source == "Employee Referral"); // was lost: only an object {name} was read
    BOOST_REQUIRE_EQUAL(a.phones.size(), 1u);
    BOOST_TEST(a.phones[0] == "+1-541-754-3010");
    BOOST_REQUIRE_EQUAL(a.phone_types.size(), 1u);
    BOOST_TEST(a.phone_types[0] == "HOME");
    BOOST_TEST(a.current_stage_id == "5J7L4b48wBfffYwek9Az9pkM");
    BOOST_TEST(a.current_stage_name == "Initial Screening");
    BOOST_TEST(a.remote_created_at == "2022-08-07T14:01:29.196Z");
    BOOST_TEST(a.candidate_remote_id == "32");
}

BOOST_AUTO_TEST_CASE(null_source_and_null_phone_type_are_empty) {
    auto page = parse_application_page(
        R"({"status":"success","data":{"next":null,"results":[{"id":"A9","current_stage":{"id":"S9","name":"Applied"},
        "candidate":{"id":"C9","source":null,"phone_numbers":[{"phone_number":"020 7946 0000","type":null},
        {"phone_number":"07700 900123","type":"MOBILE"}]}}]}})",
        200, "x");
    const auto &a = page.results[0];
    BOOST_TEST(a.source == "");
    BOOST_TEST(a.current_stage_id == "S9"); // from current_stage.id when current_stage_id is absent
    BOOST_REQUIRE_EQUAL(a.phone_types.size(), 2u);
    BOOST_TEST(a.phone_types[0] == "");
    BOOST_TEST(a.phone_types[1] == "MOBILE");
}

BOOST_AUTO_TEST_CASE(null_or_missing_next_ends_the_list) {
    auto p1 = parse_application_page(R"({"status":"success","data":{"next":null,"results":[]}})", 200, "x");
    BOOST_TEST(p1.next.empty());
    auto p2 = parse_application_page(R"({"status":"success","data":{"results":[]}})", 200, "x");
    BOOST_TEST(p2.next.empty());
}

BOOST_AUTO_TEST_CASE(error_envelope_maps_by_code_not_http_status) {
    auto code_of = [](const char *body, int status) {
        try {
            parse_application_page(body, status, "GET /ats/applications page 1");
        } catch (const ats::sdk::Error &e) {
            return std::make_pair(e.code(), e.retryable());
        }
        return std::make_pair(0, false);
    };
    auto env = [](const char *code) {
        return std::string(R"({"status":"error","error":{"code":")") + code +
               R"(","title":"t","message":"m","log_url":null}})";
    };
    BOOST_TEST(code_of(env("PLATFORM.RATE_LIMIT_EXCEEDED").c_str(), 429).first == ATS_ERR_RATE_LIMITED);
    BOOST_TEST(code_of(env("PLATFORM.RATE_LIMIT_EXCEEDED").c_str(), 429).second);
    BOOST_TEST(code_of(env("PLATFORM.AUTHENTICATION_INVALID").c_str(), 401).first == ATS_ERR_UNAUTHORIZED);
    BOOST_TEST(code_of(env("PLATFORM.INPUT_INVALID").c_str(), 400).first == ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(code_of(env("PLATFORM.INTEGRATION_NOT_FOUND").c_str(), 404).first == ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(code_of(env("REMOTE.SERVICE_UNAVAILABLE").c_str(), 503).first == ATS_ERR_TRANSIENT);
    BOOST_TEST(code_of(env("INTEGRATION.INACTIVE").c_str(), 400).first == ATS_ERR_UPSTREAM);
    // The code wins even when the HTTP status would suggest otherwise.
    BOOST_TEST(code_of(env("PLATFORM.AUTHENTICATION_INVALID").c_str(), 500).first == ATS_ERR_UNAUTHORIZED);
    // No envelope: the status decides.
    BOOST_TEST(code_of("<html>bad gateway</html>", 502).first == ATS_ERR_TRANSIENT);
    BOOST_TEST(code_of("", 401).first == ATS_ERR_UNAUTHORIZED);
}

BOOST_AUTO_TEST_CASE(malformed_success_is_retryable_transient) {
    auto check = [](const std::string &body) {
        try {
            parse_application_page(body, 200, "GET /ats/applications page 4");
            return false;
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(e.code() == ATS_ERR_TRANSIENT);
            BOOST_TEST(e.retryable());
            BOOST_TEST(std::string(e.what()).find("page 4") != std::string::npos);
            return true;
        }
    };
    std::string full = kPage;
    BOOST_TEST(check(full.substr(0, full.size() / 2)));                // truncated
    BOOST_TEST(check(R"({"status":"success","data":{"next":null}})")); // no results
    BOOST_TEST(check("[1,2,3]"));
}

namespace {
void check_same(const KomboApplication &a, const KomboApplication &b) {
    BOOST_TEST(b.id == a.id);
    BOOST_TEST(b.remote_id == a.remote_id);
    BOOST_TEST(b.outcome == a.outcome);
    BOOST_TEST(b.job_id == a.job_id);
    BOOST_TEST(b.job_remote_id == a.job_remote_id);
    BOOST_TEST(b.job_name == a.job_name);
    BOOST_TEST(b.candidate_id == a.candidate_id);
    BOOST_TEST(b.candidate_remote_id == a.candidate_remote_id);
    BOOST_TEST(b.first_name == a.first_name);
    BOOST_TEST(b.last_name == a.last_name);
    BOOST_TEST(b.emails == a.emails);
    BOOST_TEST(b.phones == a.phones);
    BOOST_TEST(b.phone_types == a.phone_types);
    BOOST_TEST(b.source == a.source);
    BOOST_TEST(b.remote_created_at == a.remote_created_at);
    BOOST_TEST(b.current_stage_id == a.current_stage_id);
    BOOST_TEST(b.remote_updated_at == a.remote_updated_at);
    BOOST_TEST(b.remote_deleted_at == a.remote_deleted_at);
    BOOST_TEST(b.current_stage_name == a.current_stage_name);
}
} // namespace

BOOST_AUTO_TEST_CASE(pending_round_trip_keeps_every_field) {
    for (const char *body : {kPage, kOpenApiExample}) {
        auto page = parse_application_page(body, 200, "x");
        for (const auto &a : page.results) check_same(a, application_from_json(application_to_json(a)));
    }
    // Every member set to a distinct value (a field missing from the JSON would come back "").
    KomboApplication a;
    a.id = "i";
    a.remote_id = "ri";
    a.outcome = "DECLINED";
    a.job_id = "j";
    a.job_remote_id = "rj";
    a.job_name = "jn";
    a.candidate_id = "c";
    a.candidate_remote_id = "rc";
    a.first_name = "f";
    a.last_name = "l";
    a.emails = {"e1", "e2"};
    a.phones = {"p1", "p2"};
    a.phone_types = {"WORK", ""};
    a.source = "Referral";
    a.remote_created_at = "2026-01-01T00:00:00.000Z";
    a.current_stage_id = "st";
    a.remote_updated_at = "2026-01-02T00:00:00.000Z";
    a.remote_deleted_at = "2026-01-03T00:00:00.000Z";
    a.current_stage_name = "Interview";
    check_same(a, application_from_json(application_to_json(a)));
}

BOOST_AUTO_TEST_CASE(older_pending_record_without_new_fields_reads) {
    auto a = application_from_json(R"({"id":"A1","phones":["07400 100123","020 7946 0000"],"source":"Workable"})");
    BOOST_TEST(a.phones.size() == 2u);
    BOOST_REQUIRE_EQUAL(a.phone_types.size(), 2u); // parallel even when the record predates types
    BOOST_TEST(a.phone_types[0] == "");
    BOOST_TEST(a.current_stage_id == "");
    BOOST_TEST(a.remote_created_at == "");
}
