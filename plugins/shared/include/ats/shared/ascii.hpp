// ascii.hpp - ASCII case and whitespace handling for protocol text (Tracker status and field names, HTTP-ish
// prefixes, HTML tag names, file extensions). Not for people's text: e-mail addresses are
// NFC and simple-lower-cased by normalize_email (email.hpp).
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out) c = ascii_lower(c);
    return out;
}

inline bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline bool ascii_istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && ascii_iequals(s.substr(0, prefix.size()), prefix);
}

// `s` without leading and trailing ASCII spaces, tabs and line breaks (job titles and names as
// two systems spell them: "Site Manager " and "Site Manager" are the same job).
inline std::string ascii_trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    size_t b = 0, e = s.size();
    while (b < e && space(s[b])) ++b;
    while (e > b && space(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

} // namespace ats::shared
