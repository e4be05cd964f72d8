// phone.hpp - phone numbers compared as people mean them, not as they typed them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::shared {

// The E.164 form ("+447700900123") of `raw`, parsed with libphonenumber, or nullopt when it does
// not parse as a VALID number. Numbers written without a country code are read in
// `default_region` (ISO 3166 alpha-2, e.g. "GB"); "+", the region's international prefix ("00"
// in GB) and a bracketed trunk zero ("+44 (0)7700-900-123") are understood; an extension
// ("x123", "ext. 123") is dropped, so the same line with and without it compares equal.
// A number that does not parse never equals anything: callers must not match on nullopt.
// "Valid" is libphonenumber's IsValidNumber, with one listed exception: Ofcom's fictional ranges
// (07700 900xxx, 01632 960xxx), which the reference material uses as its example of one number
// written several ways, count as valid (see phone.cpp).
std::optional<std::string> normalize_phone_for_comparison(std::string_view raw, std::string_view default_region);

// The digit strings under which a number is commonly stored, for upstream searches that compare
// digits only (Tracker checkPerson, A11): national with trunk prefix ("07400100123"),
// international ("447400100123") and with the default region's international prefix
// ("00447400100123"), without duplicates. Empty when `e164` is not a valid E.164 number.
std::vector<std::string> phone_digit_spellings(std::string_view e164, std::string_view default_region);

// True when `region` is a region code libphonenumber knows ("GB", "US", ...).
bool is_known_phone_region(std::string_view region);

} // namespace ats::shared
