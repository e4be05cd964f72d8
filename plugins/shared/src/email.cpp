#include "ats/shared/email.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace ats::shared {

namespace {

bool is_space_prefix(std::string_view s, size_t &len) {
    if (s.empty()) return false;
    unsigned char c = static_cast<unsigned char>(s[0]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        len = 1;
        return true;
    }
    if (s.size() >= 2 && c == 0xC2 && static_cast<unsigned char>(s[1]) == 0xA0) {
        len = 2;
        return true;
    } // NBSP
    return false;
}

bool is_space_suffix(std::string_view s, size_t &len) {
    if (s.empty()) return false;
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        len = 1;
        return true;
    }
    if (s.size() >= 2 && c == 0xA0 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2) {
        len = 2;
        return true;
    }
    return false;
}

// Well-formed UTF-8 (ICU's U8_NEXT: no overlong forms, no surrogates, nothing above U+10FFFF);
// sets `ascii` when every byte is < 0x80.
bool well_formed_utf8(std::string_view s, bool &ascii) {
    ascii = true;
    const auto *p = reinterpret_cast<const uint8_t *>(s.data());
    const int32_t n = static_cast<int32_t>(s.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
        if (c >= 0x80) ascii = false;
    }
    return true;
}

// NFC, simple lower-case mapping per code point, NFC again. "" when ICU reports an error.
std::string nfc_simple_lower(std::string_view s) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err)) return {};
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    icu::UnicodeString composed = nfc->normalize(in, err);
    if (U_FAILURE(err)) return {};
    icu::UnicodeString lowered;
    for (int32_t i = 0; i < composed.length();) {
        UChar32 c = composed.char32At(i);
        lowered.append(static_cast<UChar32>(u_tolower(c)));
        i += U16_LENGTH(c);
    }
    icu::UnicodeString out = nfc->normalize(lowered, err);
    if (U_FAILURE(err)) return {};
    std::string utf8;
    out.toUTF8String(utf8);
    return utf8;
}

} // namespace

std::string normalize_email(std::string_view raw) {
    size_t n = 0;
    while (is_space_prefix(raw, n)) raw.remove_prefix(n);
    while (is_space_suffix(raw, n)) raw.remove_suffix(n);
    if (raw.empty() || raw.size() > 4096) return {};
    bool ascii = true;
    if (!well_formed_utf8(raw, ascii)) return {};
    std::string folded;
    if (ascii) {
        folded.assign(raw);
        std::transform(folded.begin(), folded.end(), folded.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    } else {
        folded = nfc_simple_lower(raw);
        if (folded.empty()) return {};
    }
    auto at = folded.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == folded.size() || folded.find('@', at + 1) != std::string::npos)
        return {};
    if (std::any_of(folded.begin(), folded.end(), [](char c) { return c == ' ' || c == '\t'; })) return {};
    return folded;
}

} // namespace ats::shared
