#include "ats/shared/html_text.hpp"
#include "ats/shared/ascii.hpp"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <vector>

namespace ats::shared {

namespace {

void append_utf8(std::string &out, uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

struct Named {
    const char *name;
    uint32_t cp;
};
constexpr Named kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"pound", 0xA3},   {"euro", 0x20AC},   {"copy", 0xA9},    {"reg", 0xAE},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bull", 0x2022},   {"middot", 0xB7},  {"trade", 0x2122},
};

// Decodes the entity starting at html[i] == '&'; appends it and returns the index after it, or
// appends '&' and returns i + 1 when it is not a recognised entity.
size_t decode_entity(std::string_view html, size_t i, std::string &out) {
    size_t semi = html.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
        out += '&';
        return i + 1;
    }
    std::string_view body = html.substr(i + 1, semi - i - 1);
    if (!body.empty() && body[0] == '#') {
        uint32_t cp = 0;
        bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
        std::string_view num = body.substr(hex ? 2 : 1);
        if (num.empty()) {
            out += '&';
            return i + 1;
        }
        for (char c : num) {
            int d = std::isdigit(static_cast<unsigned char>(c))           ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                                          : -1;
            if (d < 0 || cp > 0x10FFFF) {
                out += '&';
                return i + 1;
            }
            cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        }
        append_utf8(out, cp);
        return semi + 1;
    }
    for (const auto &e : kEntities)
        if (body == e.name) {
            append_utf8(out, e.cp);
            return semi + 1;
        }
    out += '&';
    return i + 1;
}

bool is_one_of(const std::string &name, std::initializer_list<const char *> names) {
    for (const char *n : names)
        if (name == n) return true;
    return false;
}

// Break markers written while scanning tags, resolved by tidy(): explicit <br> line breaks add up
// ("<br><br>" leaves a blank line); block boundaries do not (a "</li><li>" or "</div><div>" pair
// is one line break, "</p><p>" one blank line, however many boundaries meet).
constexpr char kLineBreak = '\n';
constexpr char kBlockBreak = '\x02';
constexpr char kParagraphBreak = '\x01';

bool is_break(char c) { return c == kLineBreak || c == kBlockBreak || c == kParagraphBreak; }

// Collapses whitespace: runs of spaces -> one space (tabs between cells kept), lines trimmed, a
// run of breaks resolved as above (at most one blank line), the whole text trimmed.
std::string tidy(const std::string &raw) {
    std::vector<std::string> lines(1);
    std::vector<int> gaps; // newlines before lines[i+1]
    for (size_t i = 0; i < raw.size();) {
        if (is_break(raw[i])) {
            int explicit_breaks = 0;
            int block = 0;
            for (; i < raw.size() && (is_break(raw[i]) || raw[i] == ' '); ++i) {
                if (raw[i] == kLineBreak)
                    ++explicit_breaks;
                else if (raw[i] == kBlockBreak)
                    block = std::max(block, 1);
                else if (raw[i] == kParagraphBreak)
                    block = 2;
            }
            gaps.push_back(std::min(2, std::max(explicit_breaks, block)));
            lines.emplace_back();
            continue;
        }
        char c = raw[i++];
        std::string &line = lines.back();
        if (c == ' ' || c == '\r' || c == '\f' || c == '\v') {
            if (!line.empty() && line.back() != ' ' && line.back() != '\t') line += ' ';
        } else if (c == '\t') {
            while (!line.empty() && line.back() == ' ') line.pop_back();
            line += '\t';
        } else {
            line += c;
        }
    }
    std::string out;
    int pending = 0;
    for (size_t k = 0; k < lines.size(); ++k) {
        std::string &line = lines[k];
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
        size_t start = line.find_first_not_of(" \t");
        if (start != std::string::npos) {
            if (!out.empty()) out.append(pending >= 2 ? "\n\n" : "\n");
            out += line.substr(start);
            pending = 0;
        }
        if (k < gaps.size()) pending = std::max(pending, gaps[k]);
    }
    return out;
}

} // namespace

std::string html_to_text(std::string_view html) {
    std::string raw;
    raw.reserve(html.size());
    size_t i = 0;
    while (i < html.size()) {
        char c = html[i];
        if (c == '&') {
            i = decode_entity(html, i, raw);
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            raw += ' ';
            ++i;
            continue;
        } // source newlines are spaces in HTML
        // '<' starts a tag only before a letter, '/', '!' or '?': "1 < 2" is text.
        bool tag_start = c == '<' && i + 1 < html.size() &&
                         (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' ||
                          html[i + 1] == '!' || html[i + 1] == '?');
        if (!tag_start) {
            raw += c;
            ++i;
            continue;
        }
        if (html.compare(i, 4, "<!--") == 0) {
            size_t end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        size_t close = html.find('>', i);
        if (close == std::string_view::npos) {
            raw += html.substr(i);
            break;
        } // a stray '<': keep the text
        std::string_view tag = html.substr(i + 1, close - i - 1);
        bool closing = !tag.empty() && tag[0] == '/';
        if (closing) tag.remove_prefix(1);
        size_t name_end = 0;
        while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])))) ++name_end;
        std::string name = ats::shared::ascii_lower(tag.substr(0, name_end));
        i = close + 1;
        if (name.empty()) continue; // <!DOCTYPE>, <?xml?>, "< >"
        if (!closing && is_one_of(name, {"script", "style", "head", "title"})) {
            std::string end_tag = "</" + name;
            std::string rest = ats::shared::ascii_lower(html.substr(i));
            size_t end = rest.find(end_tag);
            if (end == std::string::npos) {
                i = html.size();
                continue;
            }
            size_t end_close = html.find('>', i + end);
            i = end_close == std::string_view::npos ? html.size() : end_close + 1;
            continue;
        }
        if (name == "br") {
            raw += kLineBreak;
        } else if (name == "li" && !closing) {
            raw += kBlockBreak;
            raw += "- ";
        } else if ((name == "td" || name == "th") && closing) {
            raw += '\t';
        } else if (name == "p" || name == "blockquote" || name == "pre" || name == "table" ||
                   (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6')) {
            raw += kParagraphBreak;
        } else if (name == "div" || name == "ul" || name == "ol" || name == "tr" || name == "li" || name == "hr") {
            raw += kBlockBreak;
        }
    }
    // A non-breaking space is a space in plain text.
    std::string spaced;
    spaced.reserve(raw.size());
    for (size_t k = 0; k < raw.size(); ++k) {
        if (static_cast<unsigned char>(raw[k]) == 0xC2 && k + 1 < raw.size() &&
            static_cast<unsigned char>(raw[k + 1]) == 0xA0) {
            spaced += ' ';
            ++k;
        } else {
            spaced += raw[k];
        }
    }
    return tidy(spaced);
}

std::string note_text(std::string_view content, std::string_view content_type) {
    std::string type = ats::shared::ascii_lower(content_type);
    if (type.rfind("text/html", 0) == 0) return html_to_text(content);
    return ats::shared::ascii_trim(content);
}

} // namespace ats::shared
