// The `tracker` provider's configuration table against the schema its descriptor publishes, and
// the errors a bad provider_config gets.
#include <boost/test/unit_test.hpp>

#include "ats/tracker/provider.hpp"
#include "ats/tracker/provider_config.hpp"
#include "config_table_check.hpp"

namespace bj = boost::json;
using ats::test::mentions;
using ats::tracker::tracker_config_table;
using ats::tracker::TrackerConfig;

namespace {
bj::object minimal() {
    return bj::object{{"base_url", "https://evoapi.tracker-rms.com/"},
                      {"auth", bj::object{{"method", "api_key"}, {"api_key", "k"}}}};
}
bj::object with(const char *key, bj::value v) {
    bj::object o = minimal();
    o[key] = std::move(v);
    return o;
}
} // namespace

BOOST_AUTO_TEST_SUITE(tracker_config_table_suite)

BOOST_AUTO_TEST_CASE(every_schema_key_is_parsed_and_every_parsed_key_is_in_the_schema) {
    const ats_plugin_descriptor_t &d = ats::tracker::TrackerProvider::descriptor();
    ats::test::check_schema_and_parser_agree(tracker_config_table(), d.config_schema_json, minimal());
}

BOOST_AUTO_TEST_CASE(values_reach_the_client_options) {
    TrackerConfig c = TrackerConfig::parse(with("page_size", 17));
    BOOST_TEST(c.client.base_url == "https://evoapi.tracker-rms.com"); // trailing slash dropped
    BOOST_TEST(c.client.page_size == 17);
    BOOST_TEST(c.client.auth.api_key == "k");
    BOOST_TEST(c.statuses.new_application == "Applied");
    BOOST_TEST(c.default_phone_region == "GB");
}

BOOST_AUTO_TEST_CASE(errors_name_the_field_and_never_echo_a_secret) {
    const auto &t = tracker_config_table();
    using ats::test::config_error;
    BOOST_TEST(mentions(config_error(t, with("page_size", 501)),
                        "provider_config.page_size: must be between 1 and 500, not 501"));
    BOOST_TEST(mentions(config_error(t, with("page_size", "20")), "provider_config.page_size: must be an integer"));
    BOOST_TEST(mentions(config_error(t, with("base_url", "ftp://x.example")), "provider_config.base_url"));
    BOOST_TEST(mentions(config_error(t, with("timezone", "Mars/Olympus")), "Mars/Olympus"));
    BOOST_TEST(mentions(config_error(t, with("default_phone_region", "ZZ")),
                        "provider_config.default_phone_region: 'ZZ' is not a region"));
    BOOST_TEST(mentions(config_error(t, with("statuses", bj::object{{"declined", ""}})),
                        "provider_config.statuses.declined: must not be empty"));
    BOOST_TEST(mentions(config_error(t, with("statuses", bj::object{{"hired", "Placed"}})),
                        "provider_config.statuses.hired: unknown key"));
    bj::object password = with("auth", bj::object{{"method", "password"}, {"username", "u"}});
    BOOST_TEST(
        mentions(config_error(t, password), "provider_config.auth.password: is required for auth.method password"));
    std::string method = config_error(t, with("auth", bj::object{{"method", "token"}, {"api_key", "s3cret-value"}}));
    BOOST_TEST(mentions(method, "provider_config.auth.method: must be one of api_key, password, oauth2 (got 'token')"));
    BOOST_TEST(!mentions(method, "s3cret-value"));
    bj::object no_url = minimal();
    no_url.erase("base_url");
    BOOST_TEST(mentions(config_error(t, no_url), "provider_config.base_url: is required"));
}

BOOST_AUTO_TEST_SUITE_END()
