// Phone numbers as applicants type them: parse_phone (libphonenumber behind our own length and
// character screening), the comparison key and the digit spellings used to find a person in
// Tracker. Input: a region (first line, may be empty or garbage) and the raw number (the rest).
#include "ats/shared/phone.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view in(reinterpret_cast<const char *>(data), size);
    size_t nl = in.find('\n');
    std::string_view region = nl == std::string_view::npos ? std::string_view("GB") : in.substr(0, nl);
    std::string_view raw = nl == std::string_view::npos ? in : in.substr(nl + 1);
    ats::shared::is_known_phone_region(region);
    ats::shared::ascii_digits_phone_text(raw);
    if (auto p = ats::shared::parse_phone(raw, region)) ats::shared::phone_digit_spellings(p->e164, region);
    ats::shared::normalize_phone_for_comparison(raw, region);
    ats::shared::phone_digit_spellings(raw, region); // also given text that is not E.164
    return 0;
}
