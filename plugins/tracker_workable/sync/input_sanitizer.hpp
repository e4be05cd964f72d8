// input_sanitizer.hpp - hostile or broken applicant data gets a reason, never a loop and never
// junk in the system of record. Pure functions.
//
// Text that reaches Tracker from Workable is cleaned: control characters (NUL, newlines, tabs,
// DEL, C1) become spaces, runs of white space collapse, ends are trimmed, invalid UTF-8 bytes are
// dropped. What cannot be cleaned into something Tracker accepts is refused with a reason: a
// person with no name (Tracker requires one), a name over 256 characters. Contact details that are
// too long (an e-mail over 254 characters, RFC 5321; a phone over 250 characters) are refused one
// by one and reported; the application itself still syncs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kombo/kombo_application.hpp"

namespace ats::tracker_workable {

constexpr size_t kMaxNameChars = 256;
constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxPhoneChars = 250;

// Control characters to spaces, white space collapsed, trimmed, invalid UTF-8 dropped.
std::string clean_text(const std::string &raw);
// Number of Unicode code points in valid UTF-8.
size_t utf8_length(const std::string &s);

struct SanitizedApplication {
    KomboApplication app;                     // names, e-mails, phones, source cleaned
    std::optional<std::string> name_problem;  // set when the name cannot be used (blank, too long)
    std::vector<std::string> refused_details; // "e-mail of 300 characters refused (over 254)", ...
};

SanitizedApplication sanitize(KomboApplication app);

} // namespace ats::tracker_workable
