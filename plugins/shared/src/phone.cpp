#include "ats/shared/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace ats::shared {

namespace {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Ofcom reserves these UK ranges for drama, documentation and test data: correctly formed numbers
// that are never allocated, so libphonenumber's metadata calls them invalid. The reference material
// (sync-semantics.md, issue 3) uses exactly them as ONE person's number written three ways
// ("07700 900123", "+44 (0)7700-900-123", "00447700900123" in region GB), and demo data must behave
// like production data, so they count as valid here: a deliberate, listed exception.
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

// Valid for identity: libphonenumber's IsValidNumber, or one of the fictional ranges above.
bool is_identity_number(const PhoneNumberUtil &util, const PhoneNumber &number) {
    if (util.IsValidNumber(number)) return true;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return in_fictional_range(e164);
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
    if (!is_identity_number(util, number)) return std::nullopt;
    number.clear_extension();
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return e164;
}

std::vector<std::string> phone_digit_spellings(std::string_view e164, std::string_view default_region) {
    std::vector<std::string> out;
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !is_identity_number(util, number))
        return out;
    auto digits_of = [](const std::string &s) {
        std::string d;
        for (char c : s)
            if (c >= '0' && c <= '9') d += c;
        return d;
    };
    auto add = [&out](std::string d) {
        if (!d.empty() && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
    };
    std::string national, international;
    util.Format(number, PhoneNumberUtil::NATIONAL, &national);
    util.Format(number, PhoneNumberUtil::E164, &international);
    add(digits_of(national));
    add(digits_of(international));
    // The international prefix of the default region: "011" in the North American plan, "00" in
    // most of the rest of the world (ITU-T E.164 recommendation) including the UK.
    std::string region(default_region);
    std::transform(region.begin(), region.end(), region.begin(), [](unsigned char c) { return std::toupper(c); });
    add((util.GetCountryCodeForRegion(region) == 1 ? "011" : "00") + digits_of(international));
    return out;
}

bool is_known_phone_region(std::string_view region) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(std::string(region)) != 0;
}

} // namespace ats::shared
