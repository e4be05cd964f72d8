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
    BOOST_REQUIRE_EQUAL(a.phones.size(), 1u); // the empty number is dropped
    BOOST_TEST(a.source == "LinkedIn");
    BOOST_TEST(a.current_stage_name == "Hired");
    BOOST_TEST(!a.deleted());
    const auto &d = page.results[1];
    BOOST_TEST(d.outcome == "");
    BOOST_TEST(d.deleted());
    BOOST_TEST(d.first_name == "");
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
    BOOST_TEST(check(full.substr(0, full.size() / 2))); // truncated
    BOOST_TEST(check(R"({"status":"success","data":{"next":null}})")); // no results
    BOOST_TEST(check("[1,2,3]"));
}

BOOST_AUTO_TEST_CASE(pending_round_trip_keeps_every_field) {
    auto page = parse_application_page(kPage, 200, "x");
    const auto &a = page.results[0];
    auto b = application_from_json(application_to_json(a));
    BOOST_TEST(b.id == a.id);
    BOOST_TEST(b.remote_id == a.remote_id);
    BOOST_TEST(b.outcome == a.outcome);
    BOOST_TEST(b.job_id == a.job_id);
    BOOST_TEST(b.job_remote_id == a.job_remote_id);
    BOOST_TEST(b.job_name == a.job_name);
    BOOST_TEST(b.candidate_id == a.candidate_id);
    BOOST_TEST(b.emails == a.emails);
    BOOST_TEST(b.phones == a.phones);
    BOOST_TEST(b.first_name == a.first_name);
    BOOST_TEST(b.remote_updated_at == a.remote_updated_at);
}

BOOST_AUTO_TEST_CASE(query_helpers) {
    BOOST_TEST(url_encode("2026-01-02T03:04:05.000Z") == "2026-01-02T03%3A04%3A05.000Z");
    BOOST_TEST(url_encode("a,b c/+") == "a%2Cb%20c%2F%2B");
    BOOST_TEST(kombo_time(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(kombo_time(1767323045123) == "2026-01-02T03:04:05.123Z");
}
