#include "ats/shared/json.hpp"
#include "ats/shared/ascii.hpp"

#include <ats_plugin.hpp>

#include <cctype>
#include <cmath>
#include <limits>
#include <cstdio>

namespace ats::shared::json {

namespace {

[[noreturn]] void bad(std::string_view where, std::string_view field, std::string_view problem) {
    std::string m(where);
    m += ": field '";
    m += field;
    m += "' ";
    m += problem;
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, m);
}

const bj::value *present(const bj::object &o, std::string_view field) {
    auto it = o.find(field);
    if (it == o.end() || it->value().is_null()) return nullptr;
    return &it->value();
}

const bj::value &required(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) bad(where, field, "is required");
    return *v;
}

std::optional<std::string> id_text(const bj::value &v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    return std::nullopt;
}

std::vector<std::string> id_array(const bj::array &a, std::string_view field, std::string_view where) {
    std::vector<std::string> out;
    out.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        auto t = id_text(a[i]);
        if (!t || t->empty())
            bad(where, std::string(field) + "[" + std::to_string(i) + "]", "must be a non-empty string or integer id");
        out.push_back(std::move(*t));
    }
    return out;
}

} // namespace

bj::value parse(std::string_view text, std::string_view what) {
    boost::system::error_code ec;
    bj::value v = bj::parse(bj::string_view(text.data(), text.size()), ec);
    if (ec)
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, std::string(what) + ": invalid JSON (" + ec.message() + ")");
    return v;
}

bj::object parse_object(std::string_view text, std::string_view what) {
    bj::value v = parse(text, what);
    if (!v.is_object()) throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, std::string(what) + ": expected a JSON object");
    return std::move(v.get_object());
}

std::string dump(const bj::value &v) { return bj::serialize(v); }

const bj::object &as_object(const bj::value &v, std::string_view what) {
    if (!v.is_object()) throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, std::string(what) + ": expected a JSON object");
    return v.get_object();
}

std::string require_string(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value &v = required(o, field, where);
    if (!v.is_string()) bad(where, field, "must be a string");
    return std::string(v.get_string());
}

std::string require_nonempty_string(const bj::object &o, std::string_view field, std::string_view where) {
    std::string s = require_string(o, field, where);
    if (s.empty()) bad(where, field, "must not be empty");
    return s;
}

int64_t require_int(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value &v = required(o, field, where);
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX))
        return static_cast<int64_t>(v.get_uint64());
    bad(where, field, "must be an integer");
}

const bj::object &require_object(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value &v = required(o, field, where);
    if (!v.is_object()) bad(where, field, "must be an object");
    return v.get_object();
}

const bj::array &require_array(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value &v = required(o, field, where);
    if (!v.is_array()) bad(where, field, "must be an array");
    return v.get_array();
}

std::string require_id(const bj::object &o, std::string_view field, std::string_view where) {
    auto t = id_text(required(o, field, where));
    if (!t || t->empty()) bad(where, field, "must be a non-empty string or integer id");
    return *t;
}

std::vector<std::string> require_id_array(const bj::object &o, std::string_view field, std::string_view where) {
    return id_array(require_array(o, field, where), field, where);
}

std::optional<std::string> optional_string(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) return std::nullopt;
    if (!v->is_string()) bad(where, field, "must be a string");
    return std::string(v->get_string());
}

std::optional<int64_t> optional_int(const bj::object &o, std::string_view field, std::string_view where) {
    if (!present(o, field)) return std::nullopt;
    return require_int(o, field, where);
}

bool optional_bool(const bj::object &o, std::string_view field, bool fallback, std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) return fallback;
    if (!v->is_bool()) bad(where, field, "must be true or false");
    return v->get_bool();
}

const bj::object *optional_object(const bj::object &o, std::string_view field, std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) return nullptr;
    if (!v->is_object()) bad(where, field, "must be an object");
    return &v->get_object();
}

std::optional<std::vector<std::string>> optional_string_array(const bj::object &o, std::string_view field,
                                                              std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) return std::nullopt;
    if (!v->is_array()) bad(where, field, "must be an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < v->get_array().size(); ++i) {
        const bj::value &e = v->get_array()[i];
        if (!e.is_string()) bad(where, std::string(field) + "[" + std::to_string(i) + "]", "must be a string");
        out.emplace_back(e.get_string());
    }
    return out;
}

std::optional<std::vector<std::string>> optional_id_array(const bj::object &o, std::string_view field,
                                                          std::string_view where) {
    const bj::value *v = present(o, field);
    if (!v) return std::nullopt;
    if (!v->is_array()) bad(where, field, "must be an array of ids");
    return id_array(v->get_array(), field, where);
}

const bj::value *find_ci(const bj::object &o, std::string_view key) {
    if (auto it = o.find(key); it != o.end()) return &it->value();
    for (const auto &kv : o) {
        if (ascii_iequals(kv.key(), key)) return &kv.value();
    }
    return nullptr;
}

std::optional<std::string> scalar_text(const bj::value &v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
    if (v.is_double()) {
        double d = v.get_double();
        // Range first: converting a double outside int64's range is undefined behaviour.
        if (d > -9.0e15 && d < 9.0e15 && d == std::trunc(d)) return std::to_string(static_cast<int64_t>(d));
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        return std::string(buf);
    }
    return std::nullopt;
}

std::string string_or_empty(const bj::object &o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

const bj::object *object_or_null(const bj::object &o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const bj::array *array_or_null(const bj::object &o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

std::string text_or(const bj::object &o, std::string_view key, std::string_view fallback) {
    const bj::value *v = find_ci(o, key);
    if (!v) return std::string(fallback);
    auto t = scalar_text(*v);
    return t ? *t : std::string(fallback);
}

int64_t int_or(const bj::object &o, std::string_view key, int64_t fallback) {
    const bj::value *v = find_ci(o, key);
    if (!v) return fallback;
    if (v->is_int64()) return v->get_int64();
    // Upstream numbers outside int64 are not a number we can use: the fallback, never a wrapped
    // or undefined conversion.
    if (v->is_uint64()) {
        uint64_t u = v->get_uint64();
        return u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? static_cast<int64_t>(u) : fallback;
    }
    if (v->is_double()) {
        double d = v->get_double();
        // 2^63 is exact in a double; every double strictly inside (-2^63 - 1, 2^63) truncates into range.
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return fallback;
        return static_cast<int64_t>(d);
    }
    if (v->is_string()) {
        std::string_view s = v->get_string();
        bool neg = !s.empty() && s[0] == '-';
        if (neg) s.remove_prefix(1);
        if (s.empty()) return fallback;
        // Accumulate negatively: INT64_MIN has no positive counterpart.
        int64_t n = 0;
        constexpr int64_t min = std::numeric_limits<int64_t>::min();
        for (char c : s) {
            if (c < '0' || c > '9') return fallback;
            int digit = c - '0';
            if (n < (min + digit) / 10) return fallback;
            n = n * 10 - digit;
        }
        if (!neg && n == min) return fallback;
        return neg ? n : -n;
    }
    return fallback;
}

} // namespace ats::shared::json
