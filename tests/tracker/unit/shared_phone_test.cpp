#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/phone.hpp"

using ats::shared::normalize_phone_for_comparison;

namespace {
std::string norm(const char *raw, const char *region = "GB") {
    auto r = normalize_phone_for_comparison(raw, region);
    return r ? *r : std::string("<none>");
}
} // namespace

BOOST_AUTO_TEST_SUITE(shared_phone)

// Every way issue 3's generator writes the one UK mobile number compares equal.
BOOST_AUTO_TEST_CASE(uk_formats_are_one_number) {
    for (const char *raw : {"07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700-900-123",
                            "00447700900123", "0044 7700 900123", "+447700900123", " (07700) 900-123 ",
                            "07700 900123 ext. 42", "+44 7700 900123 x7", "07700-900-123#12"})
        BOOST_TEST(norm(raw) == "+447700900123", raw);
}

BOOST_AUTO_TEST_CASE(us_and_other_countries) {
    BOOST_TEST(norm("+1 (212) 555-0123") == "+12125550123");
    BOOST_TEST(norm("001 212 555 0123") == "+12125550123");      // "00" from a GB default region
    BOOST_TEST(norm("(212) 555-0123", "US") == "+12125550123");  // national, in a US tenant
    BOOST_TEST(norm("212-555-0123 ext 99", "US") == "+12125550123");
    BOOST_TEST(norm("011 44 7700 900123", "US") == "+447700900123"); // US international prefix
    BOOST_TEST(norm("+49 30 901820") == "+4930901820");
    BOOST_TEST(norm("+33 1 42 68 53 00") == "+33142685300");
    BOOST_TEST(norm("+61 2 9374 4000") == "+61293744000");
    BOOST_TEST(norm("020 7946 0018") == "+442079460018");        // UK landline
}

BOOST_AUTO_TEST_CASE(invalid_numbers_never_match) {
    for (const char *raw : {"", "   ", "n/a", "12", "123456", "07700 9001", "+44 1234", "+999 123 456 789",
                            "not a phone", "0000000000", "+1 (212) 555-01", "+44 7700 900 1234"})
        BOOST_TEST(!normalize_phone_for_comparison(raw, "GB").has_value(), raw);
}

BOOST_AUTO_TEST_CASE(region_decides_national_numbers) {
    // The same digits are a UK number in GB and not a valid number in US.
    BOOST_TEST(norm("07700 900123", "GB") == "+447700900123");
    BOOST_TEST(norm("07700 900123", "US") == "<none>");
    BOOST_TEST(norm("07700 900123", "gb") == "+447700900123"); // region case does not matter
}

BOOST_AUTO_TEST_SUITE_END()
