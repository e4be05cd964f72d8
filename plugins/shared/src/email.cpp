#include "ats/shared/email.hpp"

#include <unicode/unistr.h>

#include <algorithm>

namespace ats::shared {

namespace {

bool is_space_prefix(std::string_view s, size_t &len) {
    if (s.empty()) return false;
    unsigned char c = static_cast<unsigned char>(s[0]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') { len = 1; return true; }
    if (s.size() >= 2 && c == 0xC2 && static_cast<unsigned char>(s[1]) == 0xA0) { len = 2; return true; } // NBSP
    return false;
}

bool is_space_suffix(std::string_view s, size_t &len) {
    if (s.empty()) return false;
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') { len = 1; return true; }
    if (s.size() >= 2 && c == 0xA0 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2) { len = 2; return true; }
    return false;
}

} // namespace

std::string normalize_email(std::string_view raw) {
    size_t n = 0;
    while (is_space_prefix(raw, n)) raw.remove_prefix(n);
    while (is_space_suffix(raw, n)) raw.remove_suffix(n);
    if (raw.empty()) return {};
    std::string folded;
    icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())))
        .foldCase()
        .toUTF8String(folded);
    auto at = folded.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == folded.size() || folded.find('@', at + 1) != std::string::npos)
        return {};
    if (std::any_of(folded.begin(), folded.end(), [](char c) { return c == ' ' || c == '\t'; })) return {};
    return folded;
}

} // namespace ats::shared
