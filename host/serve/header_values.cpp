#include "header_values.hpp"

#include <cctype>
#include <cstring>

namespace ats::serve {

namespace {

bool is_tchar(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return false;
    return std::isalnum(u) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool is_attr_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return false;
    return std::isalnum(u) || (c != '\0' && std::strchr("!#$&+-.^_`|~", c) != nullptr);
}

// Consumes a token at `i`; false when there is none.
bool token(std::string_view s, size_t &i) {
    size_t start = i;
    while (i < s.size() && is_tchar(s[i])) ++i;
    return i > start;
}

void skip_ows(std::string_view s, size_t &i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

bool quoted_string(std::string_view s, size_t &i) {
    if (i >= s.size() || s[i] != '"') return false;
    for (++i; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (s[i] == '"') {
            ++i;
            return true;
        }
        if (s[i] == '\\') {
            if (++i >= s.size()) return false;
            u = static_cast<unsigned char>(s[i]);
            if (u != '\t' && (u < 0x20 || u >= 0x7f)) return false;
            continue;
        }
        if (u != '\t' && (u < 0x20 || u >= 0x7f)) return false;
    }
    return false;
}

bool parses_as_media_type(std::string_view s) {
    size_t i = 0;
    if (!token(s, i) || i >= s.size() || s[i] != '/') return false;
    ++i;
    if (!token(s, i)) return false;
    while (true) {
        skip_ows(s, i);
        if (i == s.size()) return true;
        if (s[i] != ';') return false;
        ++i;
        skip_ows(s, i);
        if (i == s.size()) return true; // a trailing ";" is allowed (empty parameter)
        if (s[i] == ';') continue;
        if (!token(s, i) || i >= s.size() || s[i] != '=') return false;
        ++i;
        if (i < s.size() && s[i] == '"') {
            if (!quoted_string(s, i)) return false;
        } else if (!token(s, i)) {
            return false;
        }
    }
}

} // namespace

std::string media_type_or_octet_stream(std::string_view value) {
    return !value.empty() && value.size() <= 256 && parses_as_media_type(value) ? std::string(value)
                                                                                : "application/octet-stream";
}

std::string attachment_disposition(std::string_view file_name) {
    std::string fallback, encoded;
    bool plain = true;
    static const char hex[] = "0123456789ABCDEF";
    for (char c : file_name) {
        auto u = static_cast<unsigned char>(c);
        // A name is a name, not a path, and never a header break.
        if (u < 0x20 || u == 0x7f || c == '/' || c == '\\') {
            fallback += '_';
            encoded += '_';
            continue;
        }
        if (u >= 0x80) plain = false;
        fallback += u >= 0x80 || c == '"' ? '_' : c;
        if (is_attr_char(c)) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[u >> 4];
            encoded += hex[u & 15];
        }
    }
    if (fallback.empty()) return "attachment; filename=\"download\"";
    std::string out = "attachment; filename=\"" + fallback + "\"";
    if (!plain) out += "; filename*=UTF-8''" + encoded;
    return out;
}

} // namespace ats::serve
