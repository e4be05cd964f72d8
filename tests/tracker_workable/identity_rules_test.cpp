// Table-driven tests of the identity rules (README "Who is the same person"): which phones and e-mails are
// identity keys, and which applicants are one person (group_by_person). No network.
#define BOOST_TEST_MODULE tracker_workable_identity_rules
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>

#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"
#include "identity/person_grouping.hpp"

using namespace ats::tracker_workable;

namespace {

// Rule sets used by the tables.
enum Rules { D, F, X }; // D: default (region of the row); F: sandbox (fictional numbers are identities); X: deny-list

IdentityRules rules_of(Rules r, const char *region) {
    IdentityRules out;
    out.phone_region = region;
    if (r == F) out.fictional_numbers_are_identities = true;
    if (r == X)
        out.phone_deny_list = {"+44 20 7123 4567", "0800 123 4567 ext 9", "07400 100999",
                               "not a number"}; // an entry that does not parse denies nothing
    return out;
}

const char *const NONE = "";

struct PhoneRow {
    std::string raw;
    const char *region;
    Rules rules;
    std::string key; // "" = no key
};

std::string padded_left(const std::string &s, size_t total) { return std::string(total - s.size(), ' ') + s; }

std::vector<PhoneRow> phone_rows() {
    const std::string m = "p:+447400100123";
    return {
        // One UK mobile, written every way.
        {"07400 100123", "GB", D, m},
        {"07400100123", "GB", D, m},
        {"+44 7400 100123", "GB", D, m},
        {"+44 (0)7400-100-123", "GB", D, m},
        {"00447400100123", "GB", D, m},
        {"0044 7400 100123", "GB", D, m},
        {"+447400100123", "GB", D, m},
        {" (07400) 100-123 ", "GB", D, m},
        {"+44.7400.100.123", "GB", D, m},
        {"+44 7400 100123\xC2\xA0", "GB", D, m},
        {"07400 100123", "gb", D, m},    // region case does not matter
        {"07400 100123", "US", D, NONE}, // not a valid number in the US
        // Extensions are part of the identity; a number without one keeps the plain key.
        {"07400 100123 ext. 42", "GB", D, m + ";ext=42"},
        {"+44 7400 100123 x7", "GB", D, m + ";ext=7"},
        {"+44 20 7123 4567 x123", "GB", D, "p:+442071234567;ext=123"},
        {"+44 20 7123 4567 ext. 45", "GB", D, "p:+442071234567;ext=45"},
        {"+44 20 7123 4567 extension 45", "GB", D, "p:+442071234567;ext=45"},
        {"020 7123 4567", "GB", D, "p:+442071234567"},
        {"212-736-0123 ext 99", "US", D, "p:+12127360123;ext=99"},
        {"+44 20 7946 0000 x123", "GB", F, "p:+442079460000;ext=123"},
        {"+44 20 7946 0000 ext. 45", "GB", F, "p:+442079460000;ext=45"},
        {"+44 20 7946 0000", "GB", F, "p:+442079460000"},
        {"+44 20 7946 0000 x123", "GB", D, NONE}, // fictional outside a sandbox tenant
        // Digits of other scripts are digits.
        {"\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x94\xEF\xBC\x90\xEF\xBC\x90 "
         "\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
         "GB", D, m}, // full-width ０７４００ １００１２３
        {"\xEF\xBC\x8B\xEF\xBC\x94\xEF\xBC\x94 \xEF\xBC\x97\xEF\xBC\x94\xEF\xBC\x90\xEF\xBC\x90 "
         "\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
         "GB", D, m}, // ＋４４ ７４００ １００１２３
        {"\xEF\xBC\x8B"
         "44 7400 100123",
         "GB", D, m},                                       // full-width plus
        {"07400 1001\xEF\xBC\x92\xEF\xBC\x93", "GB", D, m}, // mixed ASCII and full-width
        {"\xD9\xA0\xD9\xA7\xD9\xA4\xD9\xA0\xD9\xA0 \xD9\xA1\xD9\xA0\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3", "GB", D,
         m}, // Arabic-Indic ٠٧٤٠٠ ١٠٠١٢٣
        {"\xDB\xB0\xDB\xB7\xDB\xB4\xDB\xB0\xDB\xB0\xDB\xB1\xDB\xB0\xDB\xB0\xDB\xB1\xDB\xB2\xDB\xB3", "GB", D,
         m}, // Extended Arabic-Indic
        {"\xE0\xA5\xA6\xE0\xA5\xAD\xE0\xA5\xAA\xE0\xA5\xA6\xE0\xA5\xA6 "
         "\xE0\xA5\xA7\xE0\xA5\xA6\xE0\xA5\xA6\xE0\xA5\xA7\xE0\xA5\xA8\xE0\xA5\xA9",
         "GB", D, m}, // Devanagari
        {"\xE0\xA7\xA6\xE0\xA7\xAD\xE0\xA7\xAA\xE0\xA7\xA6\xE0\xA7\xA6 "
         "\xE0\xA7\xA7\xE0\xA7\xA6\xE0\xA7\xA6\xE0\xA7\xA7\xE0\xA7\xA8\xE0\xA7\xA9",
         "GB", D, m}, // Bengali
        {"\xE0\xB9\x90\xE0\xB9\x97\xE0\xB9\x94\xE0\xB9\x90\xE0\xB9\x90\xE0\xB9\x91\xE0\xB9\x90\xE0\xB9\x90\xE0\xB9\x91"
         "\xE0\xB9\x92\xE0\xB9\x93",
         "GB", D, m},                                                                // Thai
        {"+44 \xE0\xA5\xAD\xE0\xA5\xAA\xE0\xA5\xA6\xE0\xA5\xA6 100123", "GB", D, m}, // Devanagari inside ASCII
        {"+44 7400 100123 ext. \xEF\xBC\x94\xEF\xBC\x92", "GB", D, m + ";ext=42"},   // full-width extension
        {"\xD9\xA0\xD9\xA7\xD9\xA7\xD9\xA0\xD9\xA0 \xD9\xA9\xD9\xA0\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3", "GB", F,
         "p:+447700900123"}, // Arabic-Indic 07700 900123
        {"\xD9\xA0\xD9\xA7\xD9\xA7\xD9\xA0\xD9\xA0 \xD9\xA9\xD9\xA0\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3", "GB", D, NONE},
        // Size limits, checked before libphonenumber.
        {padded_left("+44 7400 100123", 250), "GB", D, m},    // 250 characters: still read
        {padded_left("+44 7400 100123", 251), "GB", D, NONE}, // 251 characters
        {"+44 7400 100123 ext " + std::string(18, '1'), "GB", D,
         m + ";ext=" + std::string(18, '1')},                       // 30 digits: still read
        {"07400100123 ext " + std::string(20, '5'), "GB", D, NONE}, // 31 digits
        {std::string(31, '7'), "GB", D, NONE},
        {"+" + std::string(16000, '4'), "GB", D, NONE},          // 16k digits
        {std::string(1 << 20, '9'), "GB", D, NONE},              // 1 MB
        {std::string(240, ' ') + "07400 100123", "GB", D, NONE}, // 252 characters
        // Placeholders.
        {"1234567890", "GB", D, NONE},
        {"+44 1234 567890", "GB", D, NONE},
        {"0123456789", "GB", D, NONE},
        {"9876543210", "GB", D, NONE},
        {"123-456-7890", "US", D, NONE},
        {"(123) 456-7890", "US", D, NONE},
        {"+1 234 567 8901", "GB", D, NONE}, // 2345678901: ascending, wrapping 9 -> 0
        {"+1 987 654 3210", "US", D, NONE},
        {"07890 123456", "GB", D, NONE}, // 7890123456: ascending with wrap
        {"07777 777777", "GB", D, NONE},
        {"07000 000000", "GB", D, NONE},
        {"07111 111111", "GB", D, NONE},
        {"+44 1111 111111", "GB", D, NONE},
        {"+44 20 0000 0000", "GB", D, NONE},
        {"555-555-5555", "US", D, NONE},
        {"+1 222 222 2222", "US", D, NONE},
        {"0000000000", "GB", D, NONE},
        {"07777 777777", "GB", F, NONE}, // placeholders are never identities, sandbox or not
        // Near-placeholders that are real numbers.
        {"07400 777777", "GB", D, "p:+447400777777"},
        {"07412 345678", "GB", D, "p:+447412345678"},
        {"01234 567891", "GB", D, "p:+441234567891"},
        {"+1 212 555 5555", "US", D, "p:+12125555555"},
        {"+1 202 555 2222", "US", D, "p:+12025552222"},
        {"+1 202 222 2222", "US", D, "p:+12022222222"}, // 022222222 after the first digit: not one digit
        // Fictional ranges: identities only in a sandbox tenant.
        {"07700 900123", "GB", D, NONE},
        {"07700 900123", "GB", F, "p:+447700900123"},
        {"+44 (0)7700-900-123", "GB", F, "p:+447700900123"},
        {"00447700900123", "GB", F, "p:+447700900123"},
        {"07700 900123 ext. 5", "GB", F, "p:+447700900123;ext=5"},
        {"07700 900999", "GB", F, "p:+447700900999"},
        {"07700 900000", "GB", F, "p:+447700900000"},
        {"01632 960001", "GB", D, NONE},
        {"01632 960001", "GB", F, "p:+441632960001"},
        {"0113 496 0000", "GB", D, NONE},
        {"0113 496 0000", "GB", F, "p:+441134960000"},
        {"0161 496 0999", "GB", D, NONE},
        {"0161 496 1000", "GB", D, "p:+441614961000"}, // just outside the range
        {"+44 20 7946 0999", "GB", D, NONE},
        {"+44 20 7946 1000", "GB", D, "p:+442079461000"},
        {"0191 498 0123", "GB", D, NONE},
        {"029 2018 0123", "GB", D, NONE},
        {"(201) 555-0123", "US", D, NONE},
        {"(201) 555-0123", "US", F, "p:+12015550123"},
        {"+1 212 555 0199", "GB", D, NONE},
        {"+1 212 555 0100", "GB", D, NONE},
        {"+1 212 555 0100", "GB", F, "p:+12125550100"},
        {"+1 212 555 0200", "GB", D, "p:+12125550200"},
        {"+1 212 555 0099", "GB", D, "p:+12125550099"},
        {"212-555-0150", "US", D, NONE},
        // Deny-list (compared after normalisation; an entry without extension denies every extension).
        {"020 7123 4567", "GB", X, NONE},
        {"+44 (0)20-7123-4567", "GB", X, NONE},
        {"+44 (0)20-7123-4567 x12", "GB", X, NONE},
        {"0044 20 7123 4567", "GB", X, NONE},
        {"0800 123 4567 ext 9", "GB", X, NONE},
        {"0800 123 4567 ext 8", "GB", X, "p:+448001234567;ext=8"},
        {"0800 123 4567", "GB", X, "p:+448001234567"},
        {"00447400100999", "GB", X, NONE},
        {"07400 100998", "GB", X, "p:+447400100998"},
        {"07400 100123", "GB", X, m},
        {"020 7123 4567", "GB", D, "p:+442071234567"}, // not denied without the list
        // Other countries.
        {"+1 212 736 0123", "GB", D, "p:+12127360123"},
        {"(212) 736-0123", "US", D, "p:+12127360123"},
        {"001 212 736 0123", "GB", D, "p:+12127360123"},
        {"011 44 7400 100123", "US", D, m},
        {"+49 30 231 25042", "GB", D, "p:+493023125042"},
        {"0049 30 23125042", "GB", D, "p:+493023125042"},
        {"+49 (0)30 23125042", "GB", D, "p:+493023125042"},
        {"030 23125042", "DE", D, "p:+493023125042"},
        {"+33 1 42 68 53 00", "GB", D, "p:+33142685300"},
        {"01 42 68 53 00", "FR", D, "p:+33142685300"},
        {"+61 2 9374 4000", "GB", D, "p:+61293744000"},
        {"(02) 9374 4000", "AU", D, "p:+61293744000"},
        // Not numbers.
        {"", "GB", D, NONE},
        {"   ", "GB", D, NONE},
        {"n/a", "GB", D, NONE},
        {"12", "GB", D, NONE},
        {"123456", "GB", D, NONE},
        {"07700 9001", "GB", F, NONE},
        {"+44 1234", "GB", D, NONE},
        {"+999 123 456 789", "GB", D, NONE},
        {"not a phone", "GB", D, NONE},
        {"+44 7400 100 1234", "GB", D, NONE},
        {"0770 090", "GB", D, NONE},
        {"000", "GB", D, NONE},
        {"07400 100123\xFF", "GB", D, NONE}, // invalid UTF-8
        {"07400 \xC0\xB1"
         "00123",
         "GB", D, NONE},                         // overlong encoding of '1'
        {"07400 100123\xE2\x82", "GB", D, NONE}, // truncated sequence
    };
}

std::string show(const std::string &raw) {
    if (raw.size() > 60) return raw.substr(0, 30) + "...(" + std::to_string(raw.size()) + " bytes)";
    return raw;
}

} // namespace

BOOST_AUTO_TEST_CASE(phone_keys_table) {
    auto rows = phone_rows();
    BOOST_TEST_MESSAGE(rows.size() << " phone rows");
    BOOST_TEST(rows.size() >= 100u);
    for (const auto &r : rows) {
        auto k = phone_key(r.raw, rules_of(r.rules, r.region));
        BOOST_TEST_CONTEXT("'" << show(r.raw) << "' in " << r.region << " rules " << int(r.rules)) {
            BOOST_TEST(k.value_or("") == r.key);
        }
    }
}

BOOST_AUTO_TEST_CASE(oversized_phone_input_is_refused_in_linear_time) {
    // Before the limits, libphonenumber took ~9 s on 32k digits. Refusal must cost microseconds.
    const std::string huge(1 << 20, '7'), digits32k = "+" + std::string(32000, '4');
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        BOOST_TEST(!phone_key(huge, rules_of(D, "GB")));
        BOOST_TEST(!phone_key(digits32k, rules_of(D, "GB")));
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    BOOST_TEST(ms < 1000);
}

namespace {
struct EmailRow {
    std::string raw;
    std::string key; // "" = no key
};

std::vector<EmailRow> email_rows() {
    return {
        {" Jane.Doe@Example.COM ", "e:jane.doe@example.com"},
        {"\tJANE.DOE@EXAMPLE.COM\n", "e:jane.doe@example.com"},
        {"\xC2\xA0jane@example.com\xC2\xA0", "e:jane@example.com"},
        {"\xC2\xA0 jane@example.com \t", "e:jane@example.com"},
        {"jane@example.com", "e:jane@example.com"},
        {"J\xC3\x9CRGEN@EXAMPLE.DE", "e:j\xC3\xBCrgen@example.de"}, // Ü -> ü
        // ß is not ss: simple case mapping, no folding.
        {"stra\xC3\x9F"
         "e@example.de",
         "e:stra\xC3\x9F"
         "e@example.de"},
        {"STRA\xC3\x9F"
         "E@example.de",
         "e:stra\xC3\x9F"
         "e@example.de"},
        {"strasse@example.de", "e:strasse@example.de"},
        {"STRASSE@example.de", "e:strasse@example.de"},
        {"STRA\xE1\xBA\x9E"
         "E@example.de",
         "e:stra\xC3\x9F"
         "e@example.de"}, // capital sharp s U+1E9E -> ß
        // Long s stays long s (folding would make it s).
        {"\xC5\xBF"
         "am@example.org",
         "e:\xC5\xBF"
         "am@example.org"},
        {"SAM@example.org", "e:sam@example.org"},
        // Final sigma stays final sigma; capital sigma lower-cases to σ (no context rules).
        {"\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x82@example.gr",
         "e:\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x82@example.gr"}, // οδυσσευς
        {"\xCE\x9F\xCE\x94\xCE\xA5\xCE\xA3\xCE\xA3\xCE\x95\xCE\xA5\xCE\xA3@example.gr",
         "e:\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x83@example.gr"}, // ΟΔΥΣΣΕΥΣ -> οδυσσευσ
        {"\xCF\x82@example.gr", "e:\xCF\x82@example.gr"},                                  // ς
        {"\xCF\x83@example.gr", "e:\xCF\x83@example.gr"},                                  // σ
        // Kelvin sign U+212A is canonically equivalent to K: NFC makes it K, then k.
        {"\xE2\x84\xAA"
         "elvin@example.org",
         "e:kelvin@example.org"},
        {"Kelvin@example.org", "e:kelvin@example.org"},
        // Angstrom sign U+212B is canonically Å; ohm sign U+2126 is canonically Ω.
        {"\xE2\x84\xAB"
         "lund@example.se",
         "e:\xC3\xA5lund@example.se"},
        {"\xC3\x85"
         "SA@example.se",
         "e:\xC3\xA5sa@example.se"},
        {"A\xCC\x8A"
         "SA@example.se",
         "e:\xC3\xA5sa@example.se"}, // A + combining ring -> å
        {"\xE2\x84\xA6@example.gr", "e:\xCF\x89@example.gr"},
        {"\xCF\x89@example.gr", "e:\xCF\x89@example.gr"},
        // NFC and NFD spellings are one address.
        {"caf\xC3\xA9@example.fr", "e:caf\xC3\xA9@example.fr"},
        {"cafe\xCC\x81@example.fr", "e:caf\xC3\xA9@example.fr"},
        {"CAFE\xCC\x81@EXAMPLE.FR", "e:caf\xC3\xA9@example.fr"},
        {"CAF\xC3\x89@example.fr", "e:caf\xC3\xA9@example.fr"},
        {"mu\xCC\x88ller@example.de", "e:m\xC3\xBCller@example.de"},
        {"M\xC3\x9CLLER@example.de", "e:m\xC3\xBCller@example.de"},
        {"MUELLER@example.de", "e:mueller@example.de"},
        // Simple mappings of special letters.
        {"\xC4\xB0nci@example.tr", "e:inci@example.tr"},        // İ -> i (simple; full lower-casing adds U+0307)
        {"\xC4\xB1nci@example.tr", "e:\xC4\xB1nci@example.tr"}, // dotless ı stays
        {"\xC7\x85@example.org", "e:\xC7\x86@example.org"},     // titlecase ǅ -> ǆ
        {"\xEF\xAC\x81@example.org",
         "e:\xEF\xAC\x81@example.org"}, // ligature ﬁ stays (folding would not split it either; NFKC is not applied)
        {"fi@example.org", "e:fi@example.org"},
        {"\xEF\xBC\xA1\xEF\xBC\xA2@example.org",
         "e:\xEF\xBD\x81\xEF\xBD\x82@example.org"},                   // full-width ＡＢ -> ａｂ, not ab
        {"Jane.Doe+jobs@Example.com", "e:jane.doe+jobs@example.com"}, // no sub-address stripping
        {"jane.doe@googlemail.com", "e:jane.doe@googlemail.com"},     // no provider-specific rules
        // Not identities.
        {"jane\xFF@example.com", NONE},
        {"\xC0\xAF@example.com", NONE},         // overlong '/'
        {"\xED\xA0\x80@example.com", NONE},     // UTF-8 encoded surrogate
        {"jane\xC3@example.com", NONE},         // truncated
        {"jane@example.com\xE2\x82", NONE},     // truncated at the end
        {"\xF4\x90\x80\x80@example.com", NONE}, // above U+10FFFF
        {"", NONE},
        {"   ", NONE},
        {"no-at-sign", NONE},
        {"@example.com", NONE},
        {"jane@", NONE},
        {"a@b@c", NONE},
        {"jane doe@example.com", NONE},
        {std::string(5000, 'a') + "@example.com", NONE},
    };
}
} // namespace

BOOST_AUTO_TEST_CASE(email_keys_table) {
    auto rows = email_rows();
    BOOST_TEST_MESSAGE(rows.size() << " e-mail rows");
    BOOST_TEST(rows.size() >= 50u);
    for (const auto &r : rows) BOOST_TEST_CONTEXT("'" << show(r.raw) << "'") {
            BOOST_TEST(email_key(r.raw).value_or("") == r.key);
        }
}

BOOST_AUTO_TEST_CASE(adversarial_emails_are_distinct_or_equal_as_specified) {
    auto k = [](const char *s) { return email_key(s).value_or("<none>"); };
    BOOST_TEST(k("stra\xC3\x9F"
                 "e@example.de") != k("strasse@example.de"));
    BOOST_TEST(k("\xC5\xBF"
                 "am@example.org") != k("sam@example.org"));
    BOOST_TEST(k("\xCF\x82@example.gr") != k("\xCF\x83@example.gr"));
    BOOST_TEST(k("caf\xC3\xA9@example.fr") == k("cafe\xCC\x81@example.fr"));
}

namespace {
struct Person {
    std::vector<std::string> emails, phones;
    std::string first, last, candidate = "";
};

struct PairRow {
    std::string what;
    Person a, b;
    bool merged;
    std::string conflict; // kind of the one conflict expected, "" = none
};

const std::string kLong = std::string(240, ' ') + "07400 100123"; // 252 characters

std::vector<PairRow> pair_rows() {
    const std::string fw = "\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x94\xEF\xBC\x90\xEF\xBC\x90 "
                           "\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93";
    const std::string ar = "\xD9\xA0\xD9\xA7\xD9\xA4\xD9\xA0\xD9\xA0 \xD9\xA1\xD9\xA0\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3";
    return {
        {"one e-mail, two spellings",
         {{"Jane@Example.com"}, {}, "Jane", "Doe"},
         {{" jane@example.com"}, {}, "Jane", "Doe"},
         true,
         ""},
        {"NFC and NFD e-mail",
         {{"caf\xC3\xA9@example.fr"}, {}, "A", "B"},
         {{"cafe\xCC\x81@example.fr"}, {}, "A", "B"},
         true,
         ""},
        {"strasse vs stra\xC3\x9F"
         "e",
         {{"stra\xC3\x9F"
           "e@example.de"},
          {},
          "Jo",
          "Weiss"},
         {{"strasse@example.de"}, {}, "Jo", "Weiss"},
         false,
         ""},
        {"long s vs s",
         {{"\xC5\xBF"
           "am@example.org"},
          {},
          "Sam",
          "Lee"},
         {{"sam@example.org"}, {}, "Sam", "Lee"},
         false,
         ""},
        {"final sigma vs sigma",
         {{"\xCF\x82@example.gr"}, {}, "A", "B"},
         {{"\xCF\x83@example.gr"}, {}, "A", "B"},
         false,
         ""},
        {"Kelvin sign is K",
         {{"\xE2\x84\xAA"
           "elvin@example.org"},
          {},
          "K",
          "L"},
         {{"kelvin@example.org"}, {}, "K", "L"},
         true,
         ""},
        {"dotted capital I lower-cases to i",
         {{"\xC4\xB0nci@example.tr"}, {}, "I", "N"},
         {{"inci@example.tr"}, {}, "I", "N"},
         true,
         ""},
        {"sub-address is another address",
         {{"jane+jobs@example.com"}, {}, "Jane", "Doe"},
         {{"jane@example.com"}, {}, "Jane", "Doe"},
         false,
         ""},
        {"invalid UTF-8 e-mail, same bytes",
         {{"jane\xFF@example.com"}, {}, "Jane", "Doe"},
         {{"jane\xFF@example.com"}, {}, "Jane", "Doe"},
         false,
         ""},
        {"same phone, formats differ, no e-mails",
         {{}, {"07400 100123"}, "A", "B"},
         {{}, {"+44 (0)7400-100-123"}, "A", "B"},
         true,
         ""},
        {"same phone, one e-mail",
         {{"a@x.org"}, {"07400 100123"}, "A", "B"},
         {{}, {"00447400100123"}, "A", "B"},
         true,
         ""},
        {"same phone, different e-mails",
         {{"a@x.org"}, {"07400 100123"}, "A", "B"},
         {{"b@x.org"}, {"07400 100123"}, "A", "B"},
         false,
         "phone_shared_by_different_emails"},
        {"same phone, one e-mail in common",
         {{"a@x.org", "c@x.org"}, {"07400 100123"}, "A", "B"},
         {{"b@x.org", "c@x.org"}, {"07400 100123"}, "A", "B"},
         true,
         ""},
        {"same e-mail, other name, other phone",
         {{"f@x.org"}, {"07400 100123"}, "Ann", "Lee"},
         {{"f@x.org"}, {"07400 100456"}, "Bob", "Lee"},
         false,
         "email_shared_by_different_people"},
        {"same e-mail, other name, same phone",
         {{"f@x.org"}, {"07400 100123"}, "Ann", "Lee"},
         {{"f@x.org"}, {"07400 100123"}, "Bob", "Lee"},
         true,
         ""},
        {"same e-mail, same name, other phone",
         {{"f@x.org"}, {"07400 100123"}, "Ann", "Lee"},
         {{"f@x.org"}, {"07400 100456"}, "Ann", "Lee"},
         true,
         ""},
        {"same e-mail, other name, one phone missing",
         {{"f@x.org"}, {"07400 100123"}, "Ann", "Lee"},
         {{"f@x.org"}, {}, "Bob", "Lee"},
         true,
         ""},
        {"same e-mail, other name, no phones",
         {{"f@x.org"}, {}, "Ann", "Lee"},
         {{"f@x.org"}, {}, "Bob", "Lee"},
         true,
         ""},
        {"same e-mail, one name missing, other phone",
         {{"f@x.org"}, {"07400 100123"}, "", ""},
         {{"f@x.org"}, {"07400 100456"}, "Bob", "Lee"},
         true,
         ""},
        {"same name only", {{"a@x.org"}, {}, "Ann", "Lee"}, {{"b@x.org"}, {}, "Ann", "Lee"}, false, ""},
        {"same name, nothing else", {{}, {}, "Ann", "Lee"}, {{}, {}, "Ann", "Lee"}, false, ""},
        {"same name and placeholder phone",
         {{}, {"1234567890"}, "Ann", "Lee"},
         {{}, {"123-456-7890"}, "Ann", "Lee"},
         false,
         ""},
        {"repeated-digit phone", {{}, {"07777 777777"}, "A", "B"}, {{}, {"07777777777"}, "A", "B"}, false, ""},
        {"fictional phone outside a sandbox",
         {{}, {"07700 900123"}, "A", "B"},
         {{}, {"+447700900123"}, "A", "B"},
         false,
         ""},
        {"extension 123 vs 45",
         {{}, {"+44 20 7123 4567 x123"}, "A", "B"},
         {{}, {"+44 20 7123 4567 ext. 45"}, "C", "D"},
         false,
         ""},
        {"extension vs the line",
         {{}, {"+44 20 7123 4567 x123"}, "A", "B"},
         {{}, {"+44 20 7123 4567"}, "C", "D"},
         false,
         ""},
        {"same extension",
         {{}, {"+44 20 7123 4567 x123"}, "A", "B"},
         {{}, {"020 7123 4567 ext 123"}, "A", "B"},
         true,
         ""},
        {"full-width digits", {{}, {fw}, "A", "B"}, {{}, {"07400 100123"}, "A", "B"}, true, ""},
        {"Arabic-Indic digits", {{}, {ar}, "A", "B"}, {{}, {"+44 7400 100123"}, "A", "B"}, true, ""},
        {"251-character phone", {{}, {kLong}, "A", "B"}, {{}, {"07400 100123"}, "A", "B"}, false, ""},
        {"31-digit phones",
         {{}, {"07400100123 ext " + std::string(20, '5')}, "A", "B"},
         {{}, {"07400100123 ext " + std::string(20, '5')}, "A", "B"},
         false,
         ""},
        {"deny-listed switchboard",
         {{}, {"020 7123 4567 x1"}, "A", "B"},
         {{}, {"020 7123 4567 x1"}, "C", "D"},
         false,
         ""},
        {"same candidate record", {{"a@x.org"}, {}, "A", "B", "cand1"}, {{"b@x.org"}, {}, "A", "B", "cand1"}, true, ""},
        {"US number, national and international",
         {{}, {"(212) 736-0123"}, "A", "B"},
         {{}, {"+1 212 736 0123"}, "A", "B"},
         true,
         ""},
    };
}

ApplicantIdentity applicant(const std::string &id, const Person &p, const IdentityRules &rules) {
    return {id, identity_of(p.emails, p.phones, p.candidate, p.first, p.last, rules)};
}

IdentityRules us_or_gb(const PairRow &r) {
    IdentityRules rules;
    rules.phone_region = r.what.rfind("US ", 0) == 0 ? "US" : "GB";
    if (r.what == "deny-listed switchboard") rules.phone_deny_list = {"+44 20 7123 4567"};
    return rules;
}
} // namespace

BOOST_AUTO_TEST_CASE(pairs_that_must_or_must_not_merge) {
    auto rows = pair_rows();
    BOOST_TEST_MESSAGE(rows.size() << " applicant pairs");
    BOOST_TEST(rows.size() >= 30u);
    const IdentityIndex empty;
    for (const auto &r : rows) {
        BOOST_TEST_CONTEXT(r.what) {
            auto rules = us_or_gb(r);
            for (int order = 0; order < 2; ++order) { // the decision must not depend on the order
                std::vector<ApplicantIdentity> apps{applicant("A", order ? r.b : r.a, rules),
                                                    applicant("B", order ? r.a : r.b, rules)};
                auto g = group_by_person(apps, empty);
                BOOST_TEST(g.groups.size() == (r.merged ? 1u : 2u));
                if (r.conflict.empty()) {
                    BOOST_TEST(g.conflicts.empty());
                } else {
                    BOOST_TEST_REQUIRE(g.conflicts.size() == 1u);
                    BOOST_TEST(g.conflicts[0].kind == r.conflict);
                    BOOST_TEST(g.conflicts[0].application_id == "B");
                }
                for (const auto &grp : g.groups) BOOST_TEST(grp.resource_id == "");
            }
        }
    }
}

// ---- Matching groups to Tracker resources --------------------------------------------------------

namespace {
IdentityRules gb() { return rules_of(D, "GB"); }

void index_person(IdentityIndex &ix, const std::string &res, const std::vector<std::string> &emails,
                  const std::vector<std::string> &phones) {
    for (const auto &k : identity_of(emails, phones, "", "", "", gb()).keys) ix.add(k, res);
}

void check_partition(const Grouping &g, size_t n) {
    std::vector<int> seen(n, 0);
    for (const auto &grp : g.groups)
        for (size_t m : grp.members) {
            BOOST_REQUIRE_LT(m, n);
            ++seen[m];
        }
    for (size_t i = 0; i < n; ++i) BOOST_TEST(seen[i] == 1, "member " << i);
}
} // namespace

BOOST_AUTO_TEST_CASE(email_finds_a_phone_finds_b_links_a_and_reports) {
    IdentityIndex ix;
    index_person(ix, "10", {"ann@x.org"}, {"07400 100111"});
    index_person(ix, "20", {"bob@x.org"}, {"07400 100222"});
    auto g = group_by_person({applicant("app1", {{"ann@x.org"}, {"07400 100222"}, "Ann", "Lee"}, gb())}, ix);
    BOOST_REQUIRE_EQUAL(g.groups.size(), 1u);
    BOOST_TEST(g.groups[0].resource_id == "10");
    BOOST_TEST(g.groups[0].match_kind == 'e');
    BOOST_REQUIRE_EQUAL(g.conflicts.size(), 1u);
    BOOST_TEST(g.conflicts[0].kind == "email_and_phone_name_different_people");
    BOOST_TEST((g.conflicts[0].resource_ids == std::vector<std::string>{"10", "20"}));
    BOOST_TEST(g.conflicts[0].application_id == "app1");
}

BOOST_AUTO_TEST_CASE(phone_match_only_when_the_resources_emails_agree) {
    IdentityIndex ix;
    index_person(ix, "10", {"ann@x.org"}, {"07400 100111"});
    index_person(ix, "30", {}, {"07400 100333"});
    BOOST_TEST((ix.emails_of("10") == std::vector<std::string>{"e:ann@x.org"}));
    BOOST_TEST(ix.emails_of("30").empty());
    // Different e-mail, same phone: a new person, reported.
    auto g = group_by_person({applicant("x", {{"other@x.org"}, {"07400 100111"}, "O", "P"}, gb())}, ix);
    BOOST_TEST(g.groups[0].resource_id == "");
    BOOST_REQUIRE_EQUAL(g.conflicts.size(), 1u);
    BOOST_TEST(g.conflicts[0].kind == "phone_shared_by_different_emails");
    BOOST_TEST((g.conflicts[0].resource_ids == std::vector<std::string>{"10"}));
    // No e-mail on the applicant: the phone finds the person.
    g = group_by_person({applicant("y", {{}, {"+44 7400 100111"}, "A", "L"}, gb())}, ix);
    BOOST_TEST(g.groups[0].resource_id == "10");
    BOOST_TEST(g.groups[0].match_kind == 'p');
    BOOST_TEST(g.conflicts.empty());
    // No e-mail on the resource: the phone finds the person.
    g = group_by_person({applicant("z", {{"new@x.org"}, {"07400100333"}, "A", "L"}, gb())}, ix);
    BOOST_TEST(g.groups[0].resource_id == "30");
    BOOST_TEST(g.groups[0].match_kind == 'p');
}

BOOST_AUTO_TEST_CASE(candidate_id_first_then_email_then_phone) {
    IdentityIndex ix;
    ix.add("k:cand9", "90");
    index_person(ix, "10", {"ann@x.org"}, {"07400 100111"});
    auto g = group_by_person({applicant("a", {{"ann@x.org"}, {}, "A", "L", "cand9"}, gb())}, ix);
    BOOST_TEST(g.groups[0].resource_id == "90");
    BOOST_TEST(g.groups[0].match_kind == 'k');
}

BOOST_AUTO_TEST_CASE(ambiguous_phone_without_email_merges_with_nobody) {
    // A and C share a phone with contradicting e-mails; B has only the phone: three people.
    std::vector<ApplicantIdentity> apps{applicant("A", {{"a@x.org"}, {"07400 100123"}, "A", "A"}, gb()),
                                        applicant("B", {{}, {"07400 100123"}, "B", "B"}, gb()),
                                        applicant("C", {{"c@x.org"}, {"07400 100123"}, "C", "C"}, gb())};
    auto g = group_by_person(apps, IdentityIndex{});
    check_partition(g, 3);
    BOOST_TEST(g.groups.size() == 3u);
    BOOST_TEST(g.conflicts.size() >= 1u);
    for (const auto &c : g.conflicts) BOOST_TEST(c.kind == "phone_shared_by_different_emails");
}

BOOST_AUTO_TEST_CASE(phone_chain_never_joins_contradicting_emails) {
    // A (a@, P) - B (no e-mail, P and Q) - C (c@, Q): B may join A, but then C contradicts.
    std::vector<ApplicantIdentity> apps{applicant("A", {{"a@x.org"}, {"07400 100123"}, "A", "A"}, gb()),
                                        applicant("B", {{}, {"07400 100123", "07400 100456"}, "B", "B"}, gb()),
                                        applicant("C", {{"c@x.org"}, {"07400 100456"}, "C", "C"}, gb())};
    auto g = group_by_person(apps, IdentityIndex{});
    check_partition(g, 3);
    BOOST_TEST(g.groups.size() == 2u);
    BOOST_TEST((g.groups[0].members == std::vector<size_t>{0, 1}));
    BOOST_REQUIRE_EQUAL(g.conflicts.size(), 1u);
    BOOST_TEST(g.conflicts[0].kind == "phone_shared_by_different_emails");
    BOOST_TEST(g.conflicts[0].application_id == "C");
}

BOOST_AUTO_TEST_CASE(people_kept_apart_never_share_a_tracker_resource) {
    // Two applicants share an e-mail but have other names and phones; Tracker knows the e-mail.
    IdentityIndex ix;
    index_person(ix, "10", {"f@x.org"}, {});
    std::vector<ApplicantIdentity> apps{applicant("A", {{"f@x.org"}, {"07400 100123"}, "Ann", "Lee"}, gb()),
                                        applicant("B", {{"f@x.org"}, {"07400 100456"}, "Bob", "Lee"}, gb())};
    auto g = group_by_person(apps, ix);
    check_partition(g, 2);
    BOOST_REQUIRE_EQUAL(g.groups.size(), 2u);
    BOOST_TEST(g.groups[0].resource_id == "10");
    BOOST_TEST(g.groups[1].resource_id == "");
    BOOST_TEST(g.conflicts.size() == 2u);
    // When Tracker also knows B's phone on that person, B (two keys pointing at it) keeps it.
    index_person(ix, "10", {}, {"07400 100456"});
    g = group_by_person(apps, ix);
    BOOST_TEST(g.groups[0].resource_id == "");
    BOOST_TEST(g.groups[1].resource_id == "10");
    BOOST_TEST(g.groups[1].match_kind == 'e'); // found by e-mail first, confirmed by the phone
}

BOOST_AUTO_TEST_CASE(groups_that_find_one_resource_are_one_group) {
    IdentityIndex ix;
    index_person(ix, "10", {"a@x.org", "b@x.org"}, {});
    std::vector<ApplicantIdentity> apps{applicant("A", {{"a@x.org"}, {}, "A", "A"}, gb()),
                                        applicant("N", {{"n@x.org"}, {}, "N", "N"}, gb()),
                                        applicant("B", {{"b@x.org"}, {}, "A", "A"}, gb())};
    auto g = group_by_person(apps, ix);
    check_partition(g, 3);
    BOOST_REQUIRE_EQUAL(g.groups.size(), 2u);
    BOOST_TEST((g.groups[0].members == std::vector<size_t>{0, 2}));
    BOOST_TEST(g.groups[0].resource_id == "10");
    BOOST_TEST(g.groups[1].resource_id == "");
}

BOOST_AUTO_TEST_CASE(every_applicant_in_exactly_one_group_on_a_generated_batch) {
    // 600 applicants drawn from 40 e-mails, 40 phones and 10 names: whatever the rules decide,
    // the groups partition the batch, no group holds contradicting e-mails via a phone only.
    IdentityIndex ix;
    for (int i = 0; i < 20; ++i)
        index_person(ix, std::to_string(100 + i), {"p" + std::to_string(i) + "@x.org"},
                     {"07400 1" + std::to_string(10000 + i * 7)});
    std::vector<ApplicantIdentity> apps;
    uint64_t s = 12345;
    auto next = [&s](int mod) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((s >> 33) % mod);
    };
    for (int i = 0; i < 600; ++i) {
        Person p;
        if (next(3)) p.emails.push_back("p" + std::to_string(next(40)) + "@x.org");
        if (next(2)) p.phones.push_back("07400 1" + std::to_string(10000 + next(40) * 7));
        p.first = "N" + std::to_string(next(10));
        p.last = "L";
        apps.push_back(applicant("app" + std::to_string(i), p, gb()));
    }
    auto t0 = std::chrono::steady_clock::now();
    auto g = group_by_person(apps, ix);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    BOOST_TEST_MESSAGE("600 applicants grouped in " << ms << " ms: " << g.groups.size() << " groups, "
                                                    << g.conflicts.size() << " conflicts");
    check_partition(g, apps.size());
    std::set<std::string> resources;
    for (const auto &grp : g.groups)
        if (!grp.resource_id.empty()) BOOST_TEST(resources.insert(grp.resource_id).second, grp.resource_id);
    // Same input, same output.
    auto again = group_by_person(apps, ix);
    BOOST_REQUIRE_EQUAL(again.groups.size(), g.groups.size());
    for (size_t i = 0; i < g.groups.size(); ++i) BOOST_TEST(again.groups[i].members == g.groups[i].members);
}

// ---- Configuration: provider_config.workable.identity ----------------------------------------

#include <boost/json.hpp>

#include "sync/sync_config.hpp"

BOOST_AUTO_TEST_CASE(identity_rules_are_read_from_the_workable_config) {
    auto parse = [](const char *identity) {
        std::string text =
            std::string(R"({"workable":{"kombo":{"base_url":"http://k","api_key":"x","integration_id":"i"},)"
                        R"("job_mapping":{"by_title":true})") +
            (*identity ? std::string(",\"identity\":") + identity : std::string()) + "}}";
        SyncConfig start; // the hybrid's table sets the region from provider_config.default_phone_region
        start.identity.phone_region = "US";
        return sync_config_table().parse(boost::json::parse(text).as_object(), start);
    };
    auto plain = parse("");
    BOOST_TEST(plain.identity.phone_region == "US");
    BOOST_TEST(!plain.identity.fictional_numbers_are_identities);
    BOOST_TEST(plain.identity.phone_deny_list.empty());
    auto sandbox =
        parse(R"({"fictional_numbers_are_identities":true,"phone_deny_list":["(212) 736-0123","+44 20 7123 4567"]})");
    BOOST_TEST(sandbox.identity.fictional_numbers_are_identities);
    BOOST_TEST((sandbox.identity.phone_deny_list == std::vector<std::string>{"(212) 736-0123", "+44 20 7123 4567"}));
    BOOST_TEST(!phone_key("+1 212 736 0123", sandbox.identity));
    BOOST_TEST(phone_key("+1 212 555 0123", sandbox.identity).value_or("") == "p:+12125550123");
    BOOST_CHECK_THROW(parse(R"({"phone_deny_list":["not a number"]})"), std::exception);
    BOOST_CHECK_THROW(parse(R"({"phone_deny_list":[42]})"), std::exception);
    BOOST_CHECK_THROW(parse(R"({"fictional_numbers_are_identities":"yes"})"), std::exception);
}
