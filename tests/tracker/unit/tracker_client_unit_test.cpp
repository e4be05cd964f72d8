// Unit tests of the Tracker client's pure pieces: error mapping, settings lookups, record ids, record mapping.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/tracker/auth.hpp"
#include "ats/tracker/mapper.hpp"
#include "ats/tracker/rows.hpp"
#include "ats/tracker/settings.hpp"
#include "ats/tracker/wire.hpp"

namespace bj = boost::json;
using namespace ats::tracker;

BOOST_AUTO_TEST_SUITE(tracker_wire_errors)

BOOST_AUTO_TEST_CASE(body_statuses) {
    auto e1 = body_status_error(1, "user not found", "getRecords", "O list page 1");
    BOOST_TEST(e1.code() == ATS_ERR_UNAUTHORIZED);
    BOOST_TEST(std::string(e1.what()).find("Tracker getRecords (O list page 1)") != std::string::npos);
    BOOST_TEST(body_status_error(2, "user not active", "m", "").code() == ATS_ERR_UNAUTHORIZED);
    BOOST_TEST(body_status_error(3, "Record found and cannot be overwritten", "createResource", "").code() ==
               ATS_ERR_CONFLICT);
    auto nf = body_status_error(99, "Record not found: recordtype OR id 5", "getIndividualRecord", "OR 5");
    BOOST_TEST(nf.code() == ATS_ERR_NOT_FOUND);
    BOOST_TEST(std::string(nf.what()).find("OR 5") != std::string::npos);
    BOOST_TEST(body_status_error(99, "Object variable or With block variable not set.", "m", "").code() ==
               ATS_ERR_UPSTREAM);
    BOOST_TEST(body_status_error(42, "?", "m", "").code() == ATS_ERR_UPSTREAM);
    BOOST_TEST(!body_status_error(99, "x", "m", "").retryable());
}

BOOST_AUTO_TEST_CASE(http_statuses) {
    auto r = http_status_error(429, "getRecords", "", 4, "7");
    BOOST_TEST(r.code() == ATS_ERR_RATE_LIMITED);
    BOOST_TEST(r.retryable());
    BOOST_TEST(std::string(r.what()).find("after 4 attempts") != std::string::npos);
    BOOST_TEST(std::string(r.what()).find("Retry-After 7s") != std::string::npos);
    for (int s : {500, 502, 503, 504}) {
        BOOST_TEST(http_status_error(s, "m", "", 3, "").code() == ATS_ERR_TRANSIENT);
        BOOST_TEST(http_status_error(s, "m", "", 3, "").retryable());
    }
    BOOST_TEST(http_status_error(401, "m", "", 1, "").code() == ATS_ERR_UNAUTHORIZED);
    BOOST_TEST(!http_status_error(401, "m", "", 1, "").retryable());
    BOOST_TEST(http_status_error(404, "m", "", 1, "").code() == ATS_ERR_UPSTREAM);
    BOOST_TEST(http_status_error(400, "m", "", 1, "").code() == ATS_ERR_UPSTREAM);
}

BOOST_AUTO_TEST_CASE(form_encoding) {
    BOOST_TEST(form_encode("a b&c=d/é") == "a+b%26c%3Dd%2F%C3%A9");
    BOOST_TEST(form_encode("Az09-._~") == "Az09-._~");
}

BOOST_AUTO_TEST_SUITE_END()

namespace {
bj::object sample_settings() {
    return bj::parse(
               R"({"status":0,"opportunityResourceStatuses":[{"Id":314,"Name":"Applied"},{"Id":7,"Name":"Declined"},
        {"Id":1441,"Name":"Accepted"}],"customFields":[{"Association":"Resource","Id":40118,"Name":"Notice Period","Type":"Text","ListId":0},
        {"Association":"Opportunity","Id":40232,"Name":"Salary Band","Type":"List","ListId":812}],
        "customFieldLists":[{"Id":812,"Name":"Salary Bands","Items":[{"Id":9001,"Name":"Band A"}]}]})")
        .as_object();
}
} // namespace

BOOST_AUTO_TEST_SUITE(tracker_settings)

BOOST_AUTO_TEST_CASE(lookups_by_name_never_by_fixed_id) {
    Settings s = Settings::parse(sample_settings());
    BOOST_TEST(s.link_status("declined")->id == 7);
    BOOST_TEST(s.link_status("ACCEPTED")->id == 1441);
    BOOST_TEST(s.link_status("314")->name == "Applied"); // an id that exists is accepted too
    BOOST_TEST(!s.link_status("999").has_value());
    BOOST_TEST(!s.link_status("Hired").has_value());
    BOOST_TEST(*s.link_status_name(7) == "Declined");
    BOOST_TEST(s.custom_field("resource", "notice period")->id == 40118);
    BOOST_TEST(!s.custom_field("Opportunity", "Notice Period").has_value()); // association matters
    BOOST_TEST(s.list_items(812)->at(0).name == "Band A");
}

BOOST_AUTO_TEST_SUITE_END()

// The one parser of Tracker record ids (both providers): digits only, positive, within int64.
BOOST_AUTO_TEST_SUITE(tracker_record_id)

BOOST_AUTO_TEST_CASE(plain_positive_digits_parse) {
    BOOST_TEST(parse_record_id("812").value() == 812);
    BOOST_TEST(parse_record_id("9223372036854775807").value() == INT64_MAX);
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused) {
    for (const char *bad :
         {"", "0", "000", "-5", "+5", " 5", "5 ", "5a", "0x10", "9223372036854775808", "99999999999999999999"})
        BOOST_TEST(!parse_record_id(bad).has_value(), "'" << bad << "' parsed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tracker_mapper)

BOOST_AUTO_TEST_CASE(application_outcome_and_local_times) {
    RecordMapper m(ats::shared::TimeZone("Europe/London"), MappingOptions{});
    LinkRow l =
        parse_link_row(bj::parse(R"({"id":88015,"opportunityid":2311,"opportunityname":"Nurse","resourceid":10437,
        "resourcename":"Jane Doe","list":"long","statusid":7,"status":"Declined","source":"Workable",
        "dateadded":"2026-03-29 00:30:00","lastupdated":"2026-10-25 01:30:00"})")
                           .as_object());
    bj::object a = m.application(l);
    BOOST_TEST(a.at("id").as_string() == "88015");
    BOOST_TEST(a.at("job_id").as_string() == "2311");
    BOOST_TEST(a.at("candidate_id").as_string() == "10437");
    BOOST_TEST(a.at("outcome").as_string() == "DECLINED");
    BOOST_TEST(a.at("remote_created_at").as_string() == "2026-03-29T00:30:00Z"); // GMT, before the spring change
    BOOST_TEST(a.at("remote_updated_at").as_string() == "2026-10-25T00:30:00Z"); // ambiguous: the earlier instant
    BOOST_TEST(a.at("rejected_at").as_string() == "2026-10-25T00:30:00Z");
    BOOST_TEST(a.at("current_stage").at("id").as_string() == "7");
    l.status = "Accepted";
    BOOST_TEST(m.application(l).at("outcome").as_string() == "HIRED");
    BOOST_TEST(m.application(l).at("rejected_at").is_null());
    l.status = "Interview";
    BOOST_TEST(m.application(l).at("outcome").as_string() == "PENDING");
}

BOOST_AUTO_TEST_CASE(candidate_and_custom_fields) {
    RecordMapper m(ats::shared::TimeZone("Europe/London"), MappingOptions{});
    Settings s = Settings::parse(sample_settings());
    ResourceRow r =
        parse_resource_row(bj::parse(R"({"id":10437,"name":"Jane Doe","details":{"firstname":"Jane","lastname":"Doe",
        "email":"Jane@Example.com","mobiletelephone":"07400 100123","worktelephone":"n/a"},
        "customfields":[{"id":40118,"name":"Notice Period","value":"1 month"}],
        "datecreated":"2026-07-01 12:00:00","lastupdated":"2026-07-02 09:15:00"})")
                               .as_object());
    bj::object c = m.candidate(r, &s);
    BOOST_TEST(c.at("first_name").as_string() == "Jane");
    // Kombo's form (domain lower-cased), the upstream text kept beside it.
    BOOST_TEST(c.at("email_addresses").at(0).at("email_address").as_string() == "Jane@example.com");
    BOOST_TEST(c.at("email_addresses").at(0).at("raw_email_address").as_string() == "Jane@Example.com");
    BOOST_TEST(c.at("phone_numbers").at(0).at("e164").as_string() == "+447400100123");
    BOOST_TEST(c.at("phone_numbers").at(1).at("e164").is_null()); // "n/a" is no number
    BOOST_TEST(c.at("custom_fields").at("Notice Period").as_string() == "1 month");
    BOOST_TEST(c.at("changed_at").as_string() == "2026-07-02T08:15:00Z"); // BST
    // A List custom field holding an item id reads as the item's name.
    OpportunityRow o = parse_opportunity_row(bj::parse(R"({"id":2311,"name":"JOB-2311 Nurse","status":"Open",
        "customfields":[{"id":40232,"name":"Salary Band","value":"9001"}],"dateopened":"2026-01-05","lastupdated":"2026-01-06 10:00:00"})")
                                                 .as_object());
    bj::object j = m.job(o, &s);
    BOOST_TEST(j.at("custom_fields").at("Salary Band").as_string() == "Band A");
    BOOST_TEST(j.at("job_code").as_string() == "JOB-2311");
    BOOST_TEST(j.at("status").as_string() == "OPEN");
    BOOST_TEST(RecordMapper::job_status("Closed - Filled") == "CLOSED");
    BOOST_TEST(RecordMapper::job_status("Won") == "CLOSED");
}

BOOST_AUTO_TEST_SUITE_END()
