#include "sync/input_sanitizer.hpp"

namespace ats::tracker_workable {

namespace {
// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
size_t utf8_sequence(const std::string &s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) return 1;
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (n == 0 || (c >= 0xE0 && c < 0xF0 && n != 3) || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
    if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0; // surrogates
    if (n == 4 && c == 0xF0 && b(i + 1) < 0x90) return 0;  // overlong
    if (n == 4 && c == 0xF4 && b(i + 1) >= 0x90) return 0; // above U+10FFFF
    return n;
}

bool is_c1_control(const std::string &s, size_t i, size_t n) {
    // U+0080..U+009F are encoded C2 80..C2 9F.
    return n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

std::vector<std::string> clean_all(const std::vector<std::string> &v, size_t max_chars, const char *what,
                                   std::vector<std::string> &refused, std::vector<std::string> *parallel) {
    std::vector<std::string> out;
    std::vector<std::string> kept_parallel;
    for (size_t i = 0; i < v.size(); ++i) {
        std::string c = clean_text(v[i]);
        if (c.empty()) continue;
        if (utf8_length(c) > max_chars) {
            refused.push_back(std::string(what) + " of " + std::to_string(utf8_length(c)) +
                              " characters refused (over " + std::to_string(max_chars) + ")");
            continue;
        }
        out.push_back(std::move(c));
        if (parallel) kept_parallel.push_back(i < parallel->size() ? (*parallel)[i] : std::string());
    }
    if (parallel) *parallel = std::move(kept_parallel);
    return out;
}
} // namespace

std::string clean_text(const std::string &raw) {
    std::string out;
    out.reserve(raw.size());
    bool space = false;
    for (size_t i = 0; i < raw.size();) {
        size_t n = utf8_sequence(raw, i);
        if (n == 0) { // invalid byte: dropped
            ++i;
            continue;
        }
        unsigned char c = static_cast<unsigned char>(raw[i]);
        bool blank = (n == 1 && (c < 0x20 || c == 0x7F || c == ' ')) || is_c1_control(raw, i, n);
        if (blank) {
            space = !out.empty();
        } else {
            if (space) out.push_back(' ');
            space = false;
            out.append(raw, i, n);
        }
        i += n;
    }
    return out;
}

size_t utf8_length(const std::string &s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

SanitizedApplication sanitize(KomboApplication app) {
    SanitizedApplication out;
    app.first_name = clean_text(app.first_name);
    app.last_name = clean_text(app.last_name);
    app.source = clean_text(app.source);
    if (utf8_length(app.source) > kMaxNameChars) app.source = app.source.substr(0, kMaxNameChars); // a label only
    app.emails = clean_all(app.emails, kMaxEmailChars, "e-mail", out.refused_details, nullptr);
    app.phones = clean_all(app.phones, kMaxPhoneChars, "phone", out.refused_details, &app.phone_types);
    const size_t name_chars = utf8_length(app.first_name) + utf8_length(app.last_name);
    if (app.first_name.empty() && app.last_name.empty())
        out.name_problem = "the candidate has no name (Tracker requires one)";
    else if (utf8_length(app.first_name) > kMaxNameChars || utf8_length(app.last_name) > kMaxNameChars)
        out.name_problem = "the candidate's name has " + std::to_string(name_chars) + " characters (over " +
                           std::to_string(kMaxNameChars) + " per name part)";
    out.app = std::move(app);
    return out;
}

} // namespace ats::tracker_workable
