// The tracker_workable provider's configuration table against the schema its descriptor publishes;
// what the hybrid shares with Tracker (status names, phone region) is configured once.
#define BOOST_TEST_MODULE tracker_workable_hybrid_config
#include <boost/test/unit_test.hpp>

#include "config_table_check.hpp"
#include "provider/hybrid_config.hpp"
#include "provider/workable_provider.hpp"

namespace bj = boost::json;
using ats::test::mentions;
using namespace ats::tracker_workable;

namespace {
bj::object minimal() {
    return bj::object{{"base_url", "http://127.0.0.1:1"},
                      {"auth", bj::object{{"method", "api_key"}, {"api_key", "k"}}},
                      {"workable", bj::object{{"kombo", bj::object{{"base_url", "http://127.0.0.1:2/v1"},
                                                                   {"api_key", "x"},
                                                                   {"integration_id", "workable:1"}}},
                                              {"job_mapping", bj::object{{"custom_field", "Job"}}}}}};
}
} // namespace

BOOST_AUTO_TEST_CASE(every_schema_key_is_parsed_and_every_parsed_key_is_in_the_schema) {
    const ats_plugin_descriptor_t &d = WorkableTrackerProvider::descriptor();
    ats::test::check_schema_and_parser_agree(hybrid_config_table(), d.config_schema_json, minimal());
}

BOOST_AUTO_TEST_CASE(tracker_rows_are_the_tracker_providers_rows) {
    // The hybrid publishes every Tracker key with the same schema (shared rows, not a copy).
    bj::object tracker = bj::parse(ats::tracker::tracker_config_schema_json()).as_object();
    bj::object hybrid = bj::parse(workable_config_schema_json()).as_object();
    for (const auto &kv : tracker.at("properties").as_object()) {
        if (kv.key() == "statuses") continue; // the hybrid adds statuses.pending
        BOOST_TEST(hybrid.at("properties").at(kv.key()) == kv.value(), std::string(kv.key()));
    }
    for (const auto &kv : tracker.at("properties").at("statuses").at("properties").as_object())
        BOOST_TEST(hybrid.at("properties").at("statuses").at("properties").at(kv.key()) == kv.value());
}

BOOST_AUTO_TEST_CASE(status_names_and_phone_region_are_configured_once) {
    bj::object c = minimal();
    c["default_phone_region"] = "US";
    c["statuses"] = bj::object{{"declined", "Rejected"}, {"accepted", "Placed"}, {"new_application", "New"}};
    HybridConfig h = hybrid_config_table().parse(c);
    BOOST_TEST(h.sync.identity.phone_region == "US");
    BOOST_TEST(h.sync.statuses.accepted == "Placed");
    BOOST_TEST(h.sync.statuses.declined == "Rejected");
    BOOST_TEST(h.sync.statuses.new_application == "New");
    BOOST_TEST(h.sync.statuses.pending_status() == "New"); // statuses.pending absent: new_application
    BOOST_TEST(h.sync.statuses.for_outcome("HIRED") == "Placed");
    c["statuses"].as_object()["pending"] = "In Review";
    BOOST_TEST(hybrid_config_table().parse(c).sync.statuses.for_outcome("PENDING") == "In Review");

    // The former second places are refused, naming the field.
    const auto &t = hybrid_config_table();
    bj::object twice = minimal();
    twice["workable"].as_object()["default_phone_region"] = "US";
    BOOST_TEST(
        mentions(ats::test::config_error(t, twice), "provider_config.workable.default_phone_region: unknown key"));
    bj::object mapping = minimal();
    mapping["workable"].as_object()["status_mapping"] = bj::object{{"HIRED", "Placed"}};
    BOOST_TEST(mentions(ats::test::config_error(t, mapping), "provider_config.workable.status_mapping: unknown key"));
}

BOOST_AUTO_TEST_CASE(kombo_page_size_is_bounded_by_kombos_maximum) {
    bj::object c = minimal();
    c["workable"].at("kombo").as_object()["page_size"] = kKomboMaxPageSize + 1;
    BOOST_TEST(mentions(ats::test::config_error(hybrid_config_table(), c),
                        "provider_config.workable.kombo.page_size: must be between 1 and " +
                            std::to_string(kKomboMaxPageSize)));
    BOOST_TEST(hybrid_config_table().parse(minimal()).sync.kombo.page_size == kKomboMaxPageSize);
}

BOOST_AUTO_TEST_CASE(the_deny_list_is_read_in_the_tenants_region) {
    bj::object c = minimal();
    c["default_phone_region"] = "US";
    c["workable"].as_object()["identity"] = bj::object{{"phone_deny_list", bj::array{"(212) 736-0123"}}};
    BOOST_TEST(hybrid_config_table().parse(c).sync.identity.phone_deny_list.size() == 1u);
    c["default_phone_region"] = "GB"; // (212) ... is not a valid GB number
    BOOST_TEST(mentions(ats::test::config_error(hybrid_config_table(), c),
                        "provider_config.workable.identity.phone_deny_list[0]: '(212) 736-0123' is not a phone number "
                        "valid in region GB"));
    bj::object none = minimal();
    none["workable"].as_object()["job_mapping"] = bj::object{{"by_title", false}};
    BOOST_TEST(mentions(ats::test::config_error(hybrid_config_table(), none),
                        "provider_config.workable.job_mapping: give at least one of table, custom_field, by_title"));
}
