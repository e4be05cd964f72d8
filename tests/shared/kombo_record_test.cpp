// ats::shared::kombo: the completion every provider applies to its records (Kombo's item shapes).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/kombo_record.hpp"

namespace bj = boost::json;
namespace kombo = ats::shared::kombo;

BOOST_AUTO_TEST_SUITE(shared_kombo_record)

BOOST_AUTO_TEST_CASE(email_addresses_take_kombos_form_or_null) {
    BOOST_TEST(kombo::email_address_or_null("  Ann.Lee@Example.CO.UK ") == bj::value("Ann.Lee@example.co.uk"));
    BOOST_TEST(kombo::email_address_or_null("o'neil+cv@mail.example.org") == bj::value("o'neil+cv@mail.example.org"));
    BOOST_TEST(kombo::email_address_or_null("ann lee@example.org").is_null());  // inner space
    BOOST_TEST(kombo::email_address_or_null("ann..lee@example.org").is_null()); // doubled dot
    BOOST_TEST(kombo::email_address_or_null(".ann@example.org").is_null());
    BOOST_TEST(kombo::email_address_or_null("ann@localhost").is_null()); // no top-level domain
    BOOST_TEST(kombo::email_address_or_null("no-at-sign").is_null());
}

BOOST_AUTO_TEST_CASE(candidate_emails_keep_the_upstream_text_when_changed) {
    bj::object c{{"id", "1"},
                 {"remote_id", "1"},
                 {"email_addresses", bj::array{bj::object{{"email_address", "Ann@EXAMPLE.org"}},
                                               bj::object{{"email_address", "ann lee@x.org"}, {"type", "WORK"}},
                                               bj::object{{"email_address", "bo@x.org"}}}}};
    kombo::complete_candidate(c);
    const bj::array &e = c.at("email_addresses").as_array();
    BOOST_TEST(e[0].at("email_address") == "Ann@example.org");
    BOOST_TEST(e[0].at("raw_email_address") == "Ann@EXAMPLE.org");
    BOOST_TEST(e[0].at("type").is_null());
    BOOST_TEST(e[1].at("email_address").is_null());
    BOOST_TEST(e[1].at("raw_email_address") == "ann lee@x.org");
    BOOST_TEST(e[1].at("type") == "WORK");
    BOOST_TEST(!e[2].as_object().contains("raw_email_address"));
    for (const char *k : {"company", "title", "confidential", "remote_url", "remote_data", "remote_deleted_at"})
        BOOST_TEST(c.at(k).is_null(), k);
    for (const char *k : {"applications", "tags", "integration_fields", "phone_numbers"})
        BOOST_TEST(c.at(k).as_array().empty(), k);
}

BOOST_AUTO_TEST_CASE(application_embeds_job_candidate_and_stage_without_overwriting) {
    bj::object a{{"id", "9"},
                 {"remote_id", "9"},
                 {"job_id", "2311"},
                 {"job_name", "Java"},
                 {"candidate_id", "10437"},
                 {"candidate_name", "Ann van Berg"},
                 {"current_stage", bj::object{{"id", "314"}, {"name", "Applied"}}},
                 {"remote_url", "https://kept.example/9"}};
    kombo::complete_application(a);
    BOOST_TEST(a.at("current_stage_id") == "314");
    BOOST_TEST(a.at("current_stage").at("remote_id") == "314");
    BOOST_TEST(a.at("current_stage").at("index").is_null());
    BOOST_TEST(a.at("job") == (bj::object{{"id", "2311"}, {"remote_id", "2311"}, {"name", "Java"}}));
    BOOST_TEST(a.at("candidate").at("first_name") == "Ann van");
    BOOST_TEST(a.at("candidate").at("last_name") == "Berg");
    BOOST_TEST(a.at("candidate").at("tags").as_array().empty());
    BOOST_TEST(a.at("remote_url") == "https://kept.example/9"); // set by the provider: kept
    for (const char *k : {"interviews", "offers", "integration_fields"}) BOOST_TEST(a.at(k).as_array().empty(), k);
    bj::object again = a;
    kombo::complete_application(again);
    BOOST_TEST(again == a); // idempotent: the host may complete a completed record

    bj::object bare{{"id", "1"}, {"remote_id", "1"}, {"current_stage", nullptr}};
    kombo::complete_application(bare);
    BOOST_TEST(bare.at("current_stage_id").is_null());
    BOOST_TEST(bare.at("job").is_null());
    BOOST_TEST(bare.at("candidate").is_null());
}

BOOST_AUTO_TEST_CASE(attachments_stages_and_reasons) {
    bj::object a{{"id", "5"}, {"remote_id", "5"}, {"type", "RESUME"}, {"candidate_id", "7"}};
    kombo::complete_attachment(a);
    BOOST_TEST(a.at("type") == "CV");
    BOOST_TEST(a.at("data_url") == "candidates/7/attachments/5");
    BOOST_TEST(a.at("remote_updated_at").is_null());
    BOOST_TEST(kombo::attachment_type("COVER_LETTER") == "COVER_LETTER");
    BOOST_TEST(kombo::attachment_type("photo") == "OTHER");

    bj::object s{{"id", "3"}, {"name", "Offer"}, {"index", 2}};
    kombo::complete_stage(s);
    BOOST_TEST(s.at("remote_id") == "3");
    BOOST_TEST(s.at("index") == 2);
    BOOST_TEST(s.at("changed_at") == kombo::unknown_time);
    bj::object r{{"id", "r1"}, {"name", "Not a fit"}};
    kombo::complete_rejection_reason(r);
    BOOST_TEST(r.at("remote_id") == "r1");
    BOOST_TEST(r.at("remote_deleted_at").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
