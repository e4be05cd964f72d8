#include "page_cursor.hpp"

#include "crypto.hpp"

#include <boost/json.hpp>

namespace ats::serve {
namespace json = boost::json;

namespace {

constexpr size_t kMacBytes = 16; // 128 bits of HMAC-SHA256: forging one is out of reach
constexpr size_t kMaxToken = 24 * 1024;

// Exact: the one spelling per token keeps an edit from passing as the same cursor.
std::optional<std::string> base64url_decode(const std::string &in) { return base64_decode(in, true, true); }

} // namespace

std::string CursorCodec::scope_of(const std::string &tenant, const std::string &operation,
                                  const std::string &args_json) {
    return tenant + '\n' + operation + '\n' + args_json;
}

std::string CursorCodec::encode(const std::string &scope, const PageCursor &cursor) const {
    json::object o;
    if (cursor.position)
        o["p"] = *cursor.position;
    else
        o["n"] = cursor.offset;
    std::string payload = json::serialize(o);
    std::string mac = hmac_sha256_raw(key_, scope + '\n' + payload).substr(0, kMacBytes);
    return base64url_encode(payload) + "." + base64url_encode(mac);
}

std::optional<PageCursor> CursorCodec::decode(const std::string &scope, const std::string &token) const {
    if (token.size() > kMaxToken) return std::nullopt;
    auto dot = token.find('.');
    if (dot == std::string::npos) return std::nullopt;
    auto payload = base64url_decode(token.substr(0, dot));
    auto mac = base64url_decode(token.substr(dot + 1));
    if (!payload || !mac) return std::nullopt;
    std::string expected = hmac_sha256_raw(key_, scope + '\n' + *payload).substr(0, kMacBytes);
    if (!constant_time_equal(*mac, expected)) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*payload, ec);
    if (ec || !v.is_object()) return std::nullopt;
    PageCursor c;
    if (auto *p = v.as_object().if_contains("p"); p && p->is_string())
        c.position = std::string(p->as_string());
    else if (auto *n = v.as_object().if_contains("n"); n && (n->is_uint64() || (n->is_int64() && n->as_int64() >= 0)))
        c.offset = n->is_uint64() ? n->as_uint64() : static_cast<uint64_t>(n->as_int64());
    else
        return std::nullopt;
    return c;
}

} // namespace ats::serve
