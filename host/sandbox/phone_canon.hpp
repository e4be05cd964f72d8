#pragma once
// A small, deterministic phone canonicaliser for the sandbox's ground truth and the e2e judge: it
// understands exactly the spellings the generator writes (national "07400 100123", "+44 ...",
// "+44 (0)...", "0044...", "001 ...", extensions "... ext. 45") and says "" for anything it cannot
// place. It is NOT a phone parser (the plugin uses libphonenumber); whether a number parses is
// decided by the truth (the generator knows which numbers it made valid), never by this function.
#include <cctype>
#include <string>

namespace ats::sandbox {

// "+<country><national>[;ext=<digits>]", or "" when the spelling has no country we can infer.
// Numbers written without a country code are taken as GB (the sandbox tenants' default region).
inline std::string canonical_phone(const std::string &typed) {
    std::string lower;
    for (char c : typed) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string main = typed, ext;
    auto cut = lower.find("ext");
    if (cut == std::string::npos) cut = lower.find(" x");
    if (cut != std::string::npos) {
        main = typed.substr(0, cut);
        for (char c : typed.substr(cut))
            if (std::isdigit(static_cast<unsigned char>(c))) ext += c;
    }
    if (auto trunk = main.find("(0)"); trunk != std::string::npos) main.erase(trunk, 3);
    auto first = main.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    std::string digits;
    for (char c : main)
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    std::string out;
    if (main[first] == '+')
        out = "+" + digits;
    else if (digits.rfind("00", 0) == 0)
        out = "+" + digits.substr(2);
    else if (digits.rfind("0", 0) == 0)
        out = "+44" + digits.substr(1);
    else
        return "";
    if (out.size() < 9) return ""; // too short to be a number anywhere
    return ext.empty() ? out : out + ";ext=" + ext;
}

// The key two spellings of one phone share: the canonical form, or the bare digits when the
// spelling cannot be placed (an unparseable "12345" is only ever equal to itself).
inline std::string phone_key(const std::string &typed) {
    std::string c = canonical_phone(typed);
    if (!c.empty()) return c;
    std::string digits;
    for (char ch : typed)
        if (std::isdigit(static_cast<unsigned char>(ch))) digits += ch;
    return "raw:" + digits;
}

} // namespace ats::sandbox
