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

// Every way applicants write a UK mobile number ("07700 900123", "+44 7700 900123",
// "+44 (0)7700-900-123", "00447700900123", extensions) compares equal - shown with an allocated
// mobile number; Ofcom's fictional 07700 900xxx range has its own test below.
BOOST_AUTO_TEST_CASE(uk_formats_are_one_number) {
    for (const char *raw :
         {"07400 100123", "07400100123", "+44 7400 100123", "+44 (0)7400-100-123", "00447400100123", "0044 7400 100123",
          "+447400100123", " (07400) 100-123 ", "07400 100123 ext. 42", "+44 7400 100123 x7", "07400-100-123#12"})
        BOOST_TEST(norm(raw) == "+447400100123", raw);
    BOOST_TEST(norm("+44 (0)20 7946 0123") == "+442079460123");
    BOOST_TEST(norm("0044 20 7946 0123 ext. 12") == "+442079460123");
}

// Ofcom's fictional mobile range (used by the sandbox as real identities), written every way, is one number.
BOOST_AUTO_TEST_CASE(fictional_range_is_one_number) {
    for (const char *raw :
         {"07700 900123", "+44 7700 900123", "+44 (0)7700-900-123", "00447700900123", "07700 900123 ext. 5"})
        BOOST_TEST(norm(raw) == "+447700900123", raw);
    BOOST_TEST(norm("01632 960001") == "+441632960001");
    // A number too short for the range is still invalid.
    BOOST_TEST(!normalize_phone_for_comparison("07700 90012", "GB").has_value());
}

BOOST_AUTO_TEST_CASE(us_and_other_countries) {
    BOOST_TEST(norm("+1 (212) 555-0123") == "+12125550123");
    BOOST_TEST(norm("001 212 555 0123") == "+12125550123");     // "00" from a GB default region
    BOOST_TEST(norm("(212) 555-0123", "US") == "+12125550123"); // national, in a US tenant
    BOOST_TEST(norm("212-555-0123 ext 99", "US") == "+12125550123");
    BOOST_TEST(norm("011 44 7400 100123", "US") == "+447400100123"); // US international prefix
    BOOST_TEST(norm("+49 30 231 25042") == "+493023125042");
    BOOST_TEST(norm("0049 30 23125042") == "+493023125042");
    BOOST_TEST(norm("+49 (0)30 23125042") == "+493023125042");
    BOOST_TEST(norm("+33 1 42 68 53 00") == "+33142685300");
    BOOST_TEST(norm("+61 2 9374 4000") == "+61293744000");
    BOOST_TEST(norm("020 7946 0018") == "+442079460018"); // UK landline
}

BOOST_AUTO_TEST_CASE(invalid_numbers_never_match) {
    for (const char *raw :
         {"", "   ", "n/a", "12", "123456", "07700 9001", "+44 1234", "+999 123 456 789", "not a phone", "0000000000",
          "+1 (212) 555-01", "+44 7400 100 1234", "0770 090", "+44 7700 9001", "000"})
        BOOST_TEST(!normalize_phone_for_comparison(raw, "GB").has_value(), raw);
}

BOOST_AUTO_TEST_CASE(region_decides_national_numbers) {
    // The same digits are a UK number in GB and not a valid number in US.
    BOOST_TEST(norm("07400 100123", "GB") == "+447400100123");
    BOOST_TEST(norm("07400 100123", "US") == "<none>");
    BOOST_TEST(norm("07400 100123", "gb") == "+447400100123"); // region case does not matter
}

BOOST_AUTO_TEST_CASE(digit_spellings_for_digit_only_searches) {
    using V = std::vector<std::string>;
    BOOST_TEST((ats::shared::phone_digit_spellings("+447400100123", "GB") ==
                V{"07400100123", "447400100123", "00447400100123"}));
    BOOST_TEST(
        (ats::shared::phone_digit_spellings("+12015550123", "US") == V{"2015550123", "12015550123", "01112015550123"}));
    BOOST_TEST((ats::shared::phone_digit_spellings("+447700900123", "GB") ==
                V{"07700900123", "447700900123", "00447700900123"}));
    BOOST_TEST(ats::shared::phone_digit_spellings("+44770090", "GB").empty()); // not valid
    BOOST_TEST(ats::shared::phone_digit_spellings("garbage", "GB").empty());
}

// Oversized input is refused before libphonenumber (its extraction is quadratic in the digits).
BOOST_AUTO_TEST_CASE(oversized_input_is_refused_before_parsing) {
    using ats::shared::PhoneRefusal;
    PhoneRefusal why{};
    BOOST_TEST(!ats::shared::parse_phone(std::string(251, ' ') + "07400 100123", "GB", &why));
    BOOST_TEST(static_cast<int>(why) == static_cast<int>(PhoneRefusal::too_long));
    BOOST_TEST(!ats::shared::parse_phone("07400100123 ext " + std::string(20, '5'), "GB", &why));
    BOOST_TEST(static_cast<int>(why) == static_cast<int>(PhoneRefusal::too_many_digits));
    BOOST_TEST(!ats::shared::parse_phone(std::string(1 << 20, '9'), "GB", &why));
    BOOST_TEST(static_cast<int>(why) == static_cast<int>(PhoneRefusal::too_long));
    BOOST_TEST(!ats::shared::parse_phone("07400 100123\xFF", "GB", &why));
    BOOST_TEST(static_cast<int>(why) == static_cast<int>(PhoneRefusal::invalid_utf8));
}

BOOST_AUTO_TEST_CASE(digits_of_any_script_and_the_extension) {
    BOOST_TEST(norm("\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x94\xEF\xBC\x90\xEF\xBC\x90 100123") ==
               "+447400100123");                                                            // full-width
    BOOST_TEST(norm("\xD9\xA0\xD9\xA7\xD9\xA4\xD9\xA0\xD9\xA0 100123") == "+447400100123"); // Arabic-Indic
    auto p = ats::shared::parse_phone("+44 20 7123 4567 ext. 45", "GB");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->e164 == "+442071234567");
    BOOST_TEST(p->extension == "45");
    BOOST_TEST(p->national_number == "2071234567");
    BOOST_TEST(!p->fictional);
    BOOST_TEST(!p->placeholder);
    BOOST_TEST(ats::shared::parse_phone("07777 777777", "GB")->placeholder);
    BOOST_TEST(ats::shared::parse_phone("+44 20 7946 0123", "GB")->fictional);
    BOOST_TEST(ats::shared::parse_phone("+1 212 555 0150", "GB")->fictional);
}

BOOST_AUTO_TEST_SUITE_END()
