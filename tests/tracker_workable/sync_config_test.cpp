// Unit tests of provider_config.workable parsing: the v2 sections (stage_mapping, workable_source,
// contacts, cvs, quarantine_after_failures, overlap_seconds) and that errors name the field.
#define BOOST_TEST_MODULE tracker_workable_sync_config
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "sync/sync_config.hpp"

using namespace ats::tracker_workable;

namespace {
const char *kBase = R"({"kombo":{"base_url":"http://k/v1","api_key":"x","integration_id":"workable:1"},
                        "job_mapping":{"by_title":true})";

SyncConfig parse(const std::string &extra) {
    std::string text = R"({"workable":)" + std::string(kBase) + (extra.empty() ? "" : "," + extra) + "}}";
    return sync_config_table().parse(boost::json::parse(text).as_object());
}

std::string error_of(const std::string &extra) {
    try {
        parse(extra);
    } catch (const ats::sdk::Error &e) {
        BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
        return e.what();
    }
    return "";
}
} // namespace

BOOST_AUTO_TEST_CASE(defaults_when_absent) {
    SyncConfig c = parse("");
    BOOST_TEST(c.stages.table.empty());
    BOOST_TEST(c.stages.match_equal_names);
    BOOST_TEST(c.workable_source.custom_field == "Workable Source");
    BOOST_TEST(!c.workable_source.on_link);
    BOOST_TEST(c.contacts.note_subject == "Workable contact details");
    BOOST_TEST(c.cvs.enabled);
    BOOST_TEST(c.cvs.max_bytes == 10 * 1024 * 1024);
    BOOST_TEST(!c.cvs.content_types.empty());
    BOOST_TEST(c.quarantine_after_failures == 3);
    BOOST_TEST(c.overlap_seconds == 600);
}

BOOST_AUTO_TEST_CASE(every_v2_field_is_read) {
    SyncConfig c =
        parse(R"("stage_mapping":{"table":{"Phone screen":"Interview","Offer":" Offer "},"match_equal_names":false},
        "workable_source":{"custom_field":"","on_link":true},
        "contacts":{"note_subject":"Other contact details"},
        "cvs":{"enabled":false,"max_bytes":2048,"content_types":["Application/PDF"," text/plain "]},
        "quarantine_after_failures":5,"overlap_seconds":0)");
    BOOST_TEST(c.stages.table.size() == 2u);
    BOOST_TEST(c.stages.table.at("Phone screen") == "Interview");
    BOOST_TEST(c.stages.table.at("Offer") == "Offer");
    BOOST_TEST(!c.stages.match_equal_names);
    BOOST_TEST(c.workable_source.custom_field == "");
    BOOST_TEST(c.workable_source.on_link);
    BOOST_TEST(c.contacts.note_subject == "Other contact details");
    BOOST_TEST(!c.cvs.enabled);
    BOOST_TEST(c.cvs.max_bytes == 2048);
    BOOST_TEST((c.cvs.content_types == std::vector<std::string>{"application/pdf", "text/plain"}));
    BOOST_TEST(c.quarantine_after_failures == 5);
    BOOST_TEST(c.overlap_seconds == 0);
    // Bounds are inclusive.
    SyncConfig m = parse(R"("cvs":{"max_bytes":104857600},"quarantine_after_failures":100,"overlap_seconds":604800)");
    BOOST_TEST(m.cvs.max_bytes == kMaxCvBytes);
    BOOST_TEST(m.overlap_seconds == kMaxOverlapSeconds);
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
    auto has = [](const std::string &msg, const char *part) {
        BOOST_TEST_INFO(msg);
        BOOST_TEST(msg.find(part) != std::string::npos);
    };
    has(error_of(R"("stage_mapping":{"table":{"Offer":""}})"), "provider_config.workable.stage_mapping.table['Offer']");
    has(error_of(R"("stage_mapping":{"table":{"Offer":3}})"), "stage_mapping.table['Offer']");
    has(error_of(R"("stage_mapping":{"Offer":"Offer"})"), "provider_config.workable.stage_mapping.Offer");
    has(error_of(R"("stage_mapping":{"match_equal_names":"yes"})"), "match_equal_names");
    has(error_of(R"("workable_source":{"on_link":1})"), "on_link");
    has(error_of(R"("contacts":{"note_subject":"  "})"), "provider_config.workable.contacts.note_subject");
    has(error_of(R"("cvs":{"max_bytes":0})"), "provider_config.workable.cvs.max_bytes");
    has(error_of(R"("cvs":{"max_bytes":104857601})"), "cvs.max_bytes");
    has(error_of(R"("cvs":{"content_types":[]})"), "provider_config.workable.cvs.content_types");
    has(error_of(R"("cvs":{"content_types":["pdf"]})"), "cvs.content_types[0]");
    has(error_of(R"("quarantine_after_failures":0)"), "provider_config.workable.quarantine_after_failures");
    has(error_of(R"("quarantine_after_failures":101)"), "quarantine_after_failures");
    has(error_of(R"("overlap_seconds":-1)"), "provider_config.workable.overlap_seconds");
    has(error_of(R"("overlap_seconds":604801)"), "overlap_seconds");
}
