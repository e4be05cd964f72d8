// phone.hpp - phone numbers compared as people mean them, not as they typed them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::shared {

// The region of numbers written without a country code when a tenant does not configure one
// (provider_config.default_phone_region).
inline constexpr const char *kDefaultPhoneRegion = "GB";

// Inputs beyond these bounds are refused before libphonenumber sees them: its extraction of a
// number from free text is quadratic in the number of digits (32,000 digits take about 9 s), and
// no real phone number, written any way, comes near either bound (E.164 allows 15 digits; a
// country code, trunk prefix, international prefix and a long extension stay under 30).
constexpr size_t kMaxPhoneChars = 250; // Unicode characters (code points) of the raw text
constexpr size_t kMaxPhoneDigits = 30; // decimal digits of any script

// Why parse_phone gave no number (for reports and tests).
enum class PhoneRefusal {
    none,            // parsed
    blank,           // fewer than 3 digits
    too_long,        // more than kMaxPhoneChars characters
    too_many_digits, // more than kMaxPhoneDigits digits
    invalid_utf8,    // not well-formed UTF-8
    unparsable,      // libphonenumber could not parse it
    invalid,         // parsed, but not a valid number (libphonenumber's IsValidNumber) nor a fictional one
};

// A number as libphonenumber reads it, with the facts identity rules need.
struct ParsedPhone {
    std::string e164;            // "+442079460000"
    std::string extension;       // "123" for "... x123", "" when none
    std::string national_number; // national significant number, digits only: "2079460000"
    // In a range reserved for drama and documentation, never allocated to anyone: Ofcom's UK
    // ranges (07700 900xxx, 01632 960xxx, 020 7946 0xxx, 0113 496 0xxx, ...; see phone.cpp) and
    // North America's 555-0100..555-0199 under any area code.
    bool fictional = false;
    // A placeholder someone typed to get past a form: the national significant number (7+ digits)
    // is one run of consecutive digits up or down ("1234567890", "0123456789" -> 123456789,
    // "9876543210", wrapping 9->0 / 0->9), or all its digits after the first are one digit
    // ("07777 777777", "07000 000000", "555-555-5555", "020 0000 0000").
    bool placeholder = false;
};

// The raw text with every decimal digit of any script (full-width ０-９, Arabic-Indic ٠-٩, Extended
// Arabic-Indic ۰-۹, Devanagari ०-९, ...: Unicode category Nd) replaced by its ASCII digit, other
// characters unchanged. nullopt (with the reason in *why) when the text is not well-formed UTF-8,
// longer than kMaxPhoneChars characters or holds more than kMaxPhoneDigits digits: cheap, linear,
// and done before any libphonenumber call.
std::optional<std::string> ascii_digits_phone_text(std::string_view raw, PhoneRefusal *why = nullptr);

// Parses `raw` (after ascii_digits_phone_text) with libphonenumber in `default_region`. Returns the
// number when it is valid (IsValidNumber) or fictional; nullopt with the reason in *why otherwise.
std::optional<ParsedPhone> parse_phone(std::string_view raw, std::string_view default_region,
                                       PhoneRefusal *why = nullptr);

// The E.164 form ("+447700900123") of `raw`, parsed with libphonenumber, or nullopt when it does
// not parse as a VALID number. Numbers written without a country code are read in
// `default_region` (ISO 3166 alpha-2, e.g. "GB"); "+", the region's international prefix ("00"
// in GB) and a bracketed trunk zero ("+44 (0)7700-900-123") are understood; an extension
// ("x123", "ext. 123") is dropped, so the same line with and without it compares equal (Tracker's
// digit-only checkPerson compares lines, not extensions; identity keys of tracker_workable keep
// the extension: parse_phone). Non-ASCII digits are read as digits, oversized input is refused
// (kMaxPhoneChars, kMaxPhoneDigits). A number that does not parse never equals anything: callers
// must not match on nullopt. "Valid" is libphonenumber's IsValidNumber, with one listed exception:
// the fictional ranges (ParsedPhone::fictional), which applicants and test data use as the example
// of one number written several ways, count as valid here (identity rules may refuse them).
std::optional<std::string> normalize_phone_for_comparison(std::string_view raw, std::string_view default_region);

// The digit strings under which a number is commonly stored, for upstream searches that compare
// digits only (Tracker checkPerson, A11): national with trunk prefix ("07400100123"),
// international ("447400100123") and with the default region's international prefix
// ("00447400100123"), without duplicates. Empty when `e164` is not a valid E.164 number.
std::vector<std::string> phone_digit_spellings(std::string_view e164, std::string_view default_region);

// True when `region` is a region code libphonenumber knows ("GB", "US", ...).
bool is_known_phone_region(std::string_view region);

} // namespace ats::shared
