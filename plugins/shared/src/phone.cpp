#include "ats/shared/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <set>

namespace ats::shared {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Ofcom reserves these UK ranges for drama, documentation and test data: correctly formed
// numbers that are never allocated, so libphonenumber's metadata marks them invalid. Test and demo
// data (issue 3's generator: "07700 900123") use them, and sync-semantics.md treats
// "07700 900123" / "+44 (0)7700-900-123" / "00447700900123" as one number, so they are accepted
// as valid here - a deliberate, listed exception, not a loosening of validation.
struct ReservedRange { const char *e164_prefix; size_t e164_length; };
constexpr ReservedRange kFictionalRanges[] = {
    {"+447700900", 13}, // mobile 07700 900000-900999
    {"+441632960", 13}, // geographic 01632 960000-960999
};

bool in_fictional_range(const std::string &e164) {
    for (const auto &r : kFictionalRanges)
        if (e164.size() == r.e164_length && e164.rfind(r.e164_prefix, 0) == 0) return true;
    return false;
}

} // namespace

std::optional<std::string> normalize_phone_for_comparison(std::string_view raw, std::string_view default_region) {
    // Blank or too short to be a phone number at all.
    if (std::count_if(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; }) < 3) return std::nullopt;
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string region(default_region);
    std::transform(region.begin(), region.end(), region.begin(), [](unsigned char c) { return std::toupper(c); });
    // libphonenumber itself understands "+", the region's international prefix ("00" in GB,
    // "011" in US), a bracketed trunk zero after the country code ("+44 (0)7700...") and
    // extensions ("x12", "ext. 12", "#12"), which E.164 formatting drops.
    if (util.Parse(std::string(raw), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
    number.clear_extension();
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    if (!util.IsValidNumber(number) && !in_fictional_range(e164)) return std::nullopt;
    return e164;
}

bool is_known_phone_region(std::string_view region) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(std::string(region)) != 0;
}

} // namespace ats::shared
