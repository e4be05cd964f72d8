#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/url_encoding.hpp"

using ats::shared::percent_encode;

BOOST_AUTO_TEST_SUITE(shared_url_encoding)

BOOST_AUTO_TEST_CASE(only_unreserved_characters_pass) {
    BOOST_TEST(percent_encode("Az09-._~") == "Az09-._~");
    BOOST_TEST(percent_encode("2026-01-02T03:04:05.000Z") == "2026-01-02T03%3A04%3A05.000Z");
    BOOST_TEST(percent_encode("a,b c/+") == "a%2Cb%20c%2F%2B");
    BOOST_TEST(percent_encode("é") == "%C3%A9");
}

BOOST_AUTO_TEST_CASE(a_form_body_writes_a_space_as_plus) {
    BOOST_TEST(percent_encode("a b&c=d", true) == "a+b%26c%3Dd");
    BOOST_TEST(percent_encode("a+b", true) == "a%2Bb");
}

BOOST_AUTO_TEST_SUITE_END()
