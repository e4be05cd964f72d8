#pragma once
// Small accessors for boost::json objects used by the emulators (missing keys read as defaults).
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ats::sandbox {

namespace json = boost::json;

inline const json::value *field(const json::object &o, const char *key) {
    auto it = o.find(key);
    return it == o.end() ? nullptr : &it->value();
}

inline std::string str_of(const json::object &o, const char *key, const std::string &fallback = "") {
    const json::value *v = field(o, key);
    if (!v) return fallback;
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
    if (v->is_bool()) return v->as_bool() ? "true" : "false";
    return fallback;
}

// Integers may arrive as JSON numbers or as strings ("42"): Tracker clients send both.
inline std::optional<std::int64_t> int_of(const json::value *v) {
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
    if (v->is_string()) {
        const auto &s = v->as_string();
        if (s.empty()) return std::nullopt;
        try {
            size_t used = 0;
            long long n = std::stoll(std::string(s), &used);
            if (used == s.size()) return n;
        } catch (...) {}
    }
    return std::nullopt;
}

inline std::optional<std::int64_t> int_of(const json::object &o, const char *key) { return int_of(field(o, key)); }

inline std::int64_t int_or(const json::object &o, const char *key, std::int64_t fallback) {
    auto v = int_of(o, key);
    return v ? *v : fallback;
}

inline bool truthy(const json::object &o, const char *key) {
    const json::value *v = field(o, key);
    if (!v) return false;
    if (v->is_bool()) return v->as_bool();
    if (v->is_string()) {
        std::string s(v->as_string());
        return s == "true" || s == "1" || s == "y" || s == "yes" || s == "True";
    }
    if (auto n = int_of(v)) return *n != 0;
    return false;
}

inline const json::object *object_at(const json::object &o, const char *key) {
    const json::value *v = field(o, key);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

inline const json::array *array_at(const json::object &o, const char *key) {
    const json::value *v = field(o, key);
    return v && v->is_array() ? &v->as_array() : nullptr;
}

} // namespace ats::sandbox
