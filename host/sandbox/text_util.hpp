#pragma once
// Text normalisations shared by the Tracker emulator's matching rules (TRACKER-ASSUMPTION A11) and
// the World's contact indexes, so that an index lookup and a scan can never disagree.
#include <cctype>
#include <string>

namespace ats::sandbox {

// Trimmed (spaces, tabs, line breaks) and lower-cased (ASCII).
inline std::string lower_trimmed(const std::string &s) {
    auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return "";
    auto end = s.find_last_not_of(" \t\r\n");
    std::string out = s.substr(begin, end - begin + 1);
    for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

inline std::string digits_of(const std::string &s) {
    std::string out;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    return out;
}

} // namespace ats::sandbox
