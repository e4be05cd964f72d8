// Which backend a state URL names, the URL as it may be printed (without its password), and the
// key range of a prefix scan (shared by both backends).
#include "pg_state_store.hpp"
#include "sqlite_state_store.hpp"

#include <cctype>
#include <string>

namespace ats::host {
namespace {

struct PasswordSpan {
    size_t at = std::string::npos, len = 0;
};

// postgresql://user:PASSWORD@host/db -> the span of PASSWORD in the authority.
PasswordSpan authority_password(const std::string &url) {
    size_t start = url.find("://");
    if (start == std::string::npos) return {};
    start += 3;
    size_t end = url.find_first_of("/?", start);
    if (end == std::string::npos) end = url.size();
    size_t at = url.rfind('@', end);
    if (at == std::string::npos || at < start) return {};
    size_t colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return {};
    return {colon + 1, at - colon - 1};
}

// ...?password=PASSWORD&... (or a key=value string's "password=PASSWORD ").
PasswordSpan parameter_password(const std::string &url) {
    for (size_t p = url.find("password="); p != std::string::npos; p = url.find("password=", p + 1)) {
        if (p > 0 && url[p - 1] != '?' && url[p - 1] != '&' && url[p - 1] != ' ') continue;
        size_t v = p + 9, e = url.find_first_of("& ", v);
        if (e == std::string::npos) e = url.size();
        return {v, e - v};
    }
    return {};
}

std::string percent_decoded(const std::string &s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

} // namespace

bool is_postgres_url(const std::string &url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string redact_state_url(const std::string &url) {
    std::string out = url;
    for (auto span_of : {parameter_password, authority_password}) { // the later span first keeps offsets valid
        auto s = span_of(out);
        if (s.at != std::string::npos && s.len) out.replace(s.at, s.len, "***");
    }
    return out;
}

std::string state_url_password(const std::string &url) {
    auto s = authority_password(url);
    if (s.at == std::string::npos || !s.len) s = parameter_password(url);
    if (s.at == std::string::npos || !s.len) return "";
    return percent_decoded(url.substr(s.at, s.len));
}

std::unique_ptr<StateStore> open_state_store(const std::string &url) {
    if (is_postgres_url(url)) return std::make_unique<PgStateStore>(url);
    return std::make_unique<SqliteStateStore>(url);
}

std::string prefix_end(std::string p) {
    while (!p.empty()) {
        unsigned char c = static_cast<unsigned char>(p.back());
        if (c != 0xFF) {
            p.back() = static_cast<char>(c + 1);
            return p;
        }
        p.pop_back();
    }
    return p;
}

} // namespace ats::host
