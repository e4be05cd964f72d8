#include "ats/shared/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace ats::shared {

namespace {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Ranges reserved for drama, documentation and test data: correctly formed numbers that are never
// allocated. Ofcom's UK list (https://www.ofcom.org.uk - "TV and radio drama numbers"), by E.164
// prefix, each 1,000 numbers long. libphonenumber's metadata calls some of them invalid (07700 900,
// 01632 960), others valid (020 7946 0); either way parse_phone returns them flagged `fictional`.
// The identity rules treat a number in 07700 900xxx as ONE person's number, whichever of the
// ways it is written ("07700 900123", "+44 (0)7700-900-123", "00447700900123" in region GB), and
// the sandbox tenant uses these ranges as identities (IdentityRules::fictional_numbers_are_identities).
constexpr const char *kOfcomFictionalPrefixes[] = {
    "+447700900", // mobile         07700 900000-900999
    "+441632960", // no area        01632 960000-960999
    "+442079460", // London         020 7946 0000-0999
    "+441134960", // Leeds          0113 496 0000-0999
    "+441144960", // Sheffield      0114 496 0xxx
    "+441154960", // Nottingham     0115 496 0xxx
    "+441164960", // Leicester      0116 496 0xxx
    "+441174960", // Bristol        0117 496 0xxx
    "+441184960", // Reading        0118 496 0xxx
    "+441214960", // Birmingham     0121 496 0xxx
    "+441314960", // Edinburgh      0131 496 0xxx
    "+441414960", // Glasgow        0141 496 0xxx
    "+441514960", // Liverpool      0151 496 0xxx
    "+441614960", // Manchester     0161 496 0xxx
    "+441914980", // Tyneside       0191 498 0xxx
    "+442920180", // Cardiff        029 2018 0xxx
    "+448081570", // freephone      08081 570xxx
    "+449098790", // premium rate   0909 879 0xxx
    "+443069990", // UK-wide        03069 990xxx
};

bool in_fictional_range(const std::string &e164) {
    if (e164.size() == 13)
        for (const char *p : kOfcomFictionalPrefixes)
            if (e164.compare(0, 10, p) == 0) return true;
    // North American Numbering Plan: NXX-555-0100 through 0199 are reserved for fiction in every
    // area code ("+1 AAA 555 01xx").
    if (e164.size() == 12 && e164.compare(0, 2, "+1") == 0 && e164.compare(5, 5, "55501") == 0) return true;
    return false;
}

// See ParsedPhone::placeholder.
bool is_placeholder(const std::string &nsn) {
    if (nsn.size() < 7) return false;
    bool up = true, down = true, rest_same = true;
    for (size_t i = 1; i < nsn.size(); ++i) {
        int prev = nsn[i - 1] - '0', cur = nsn[i] - '0';
        up = up && cur == (prev + 1) % 10;
        down = down && cur == (prev + 9) % 10;
        rest_same = rest_same && (i == 1 || nsn[i] == nsn[1]);
    }
    return up || down || rest_same;
}

std::string upper(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return r;
}

void set(PhoneRefusal *why, PhoneRefusal v) {
    if (why) *why = v;
}

} // namespace

std::optional<std::string> ascii_digits_phone_text(std::string_view raw, PhoneRefusal *why) {
    set(why, PhoneRefusal::none);
    // A UTF-8 character is at most 4 bytes: anything longer than this is refused without reading it.
    if (raw.size() > kMaxPhoneChars * 4) return set(why, PhoneRefusal::too_long), std::nullopt;
    std::string out;
    out.reserve(raw.size());
    size_t chars = 0, digits = 0;
    const auto *s = reinterpret_cast<const uint8_t *>(raw.data());
    const int32_t n = static_cast<int32_t>(raw.size());
    for (int32_t i = 0; i < n;) {
        const int32_t start = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) return set(why, PhoneRefusal::invalid_utf8), std::nullopt;
        if (++chars > kMaxPhoneChars) return set(why, PhoneRefusal::too_long), std::nullopt;
        if (c >= '0' && c <= '9') {
            out.push_back(static_cast<char>(c));
            ++digits;
        } else if (c >= 0x80 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
            out.push_back(static_cast<char>('0' + u_charDigitValue(c)));
            ++digits;
        } else {
            out.append(raw.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
        }
        if (digits > kMaxPhoneDigits) return set(why, PhoneRefusal::too_many_digits), std::nullopt;
    }
    return out;
}

std::optional<ParsedPhone> parse_phone(std::string_view raw, std::string_view default_region, PhoneRefusal *why) {
    auto text = ascii_digits_phone_text(raw, why);
    if (!text) return std::nullopt;
    // Blank or too short to be a phone number at all.
    if (std::count_if(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) < 3)
        return set(why, PhoneRefusal::blank), std::nullopt;
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    // libphonenumber itself understands "+", the region's international prefix ("00" in GB,
    // "011" in US), a bracketed trunk zero after the country code ("+44 (0)7700...") and
    // extensions ("x12", "ext. 12", "#12").
    if (util.Parse(*text, upper(default_region), &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return set(why, PhoneRefusal::unparsable), std::nullopt;
    ParsedPhone p;
    if (number.has_extension()) p.extension = number.extension();
    number.clear_extension();
    util.Format(number, PhoneNumberUtil::E164, &p.e164);
    p.fictional = in_fictional_range(p.e164);
    if (!p.fictional && !util.IsValidNumber(number)) return set(why, PhoneRefusal::invalid), std::nullopt;
    util.GetNationalSignificantNumber(number, &p.national_number);
    p.placeholder = is_placeholder(p.national_number);
    return p;
}

std::optional<std::string> normalize_phone_for_comparison(std::string_view raw, std::string_view default_region) {
    auto p = parse_phone(raw, default_region);
    if (!p) return std::nullopt;
    return std::move(p->e164);
}

std::vector<std::string> phone_digit_spellings(std::string_view e164, std::string_view default_region) {
    std::vector<std::string> out;
    if (e164.size() > kMaxPhoneChars) return out;
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return out;
    std::string formatted;
    util.Format(number, PhoneNumberUtil::E164, &formatted);
    if (!util.IsValidNumber(number) && !in_fictional_range(formatted)) return out;
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
    add((util.GetCountryCodeForRegion(upper(default_region)) == 1 ? "011" : "00") + digits_of(international));
    return out;
}

bool is_known_phone_region(std::string_view region) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(std::string(region)) != 0;
}

} // namespace ats::shared
