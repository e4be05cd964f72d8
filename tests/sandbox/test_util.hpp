// Helpers shared by the sandbox contract tests.
#pragma once

#include "sandbox_fixture.hpp"

#include <boost/json.hpp>

#include <string>

namespace sandbox_test {

namespace json = boost::json;

inline json::value parse(const std::string &text) { return json::parse(text); }

inline std::string s(const json::value &v, const char *key) {
    const auto &o = v.as_object();
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return "";
    if (it->value().is_string()) return std::string(it->value().as_string());
    return json::serialize(it->value());
}

inline int64_t n(const json::value &v, const char *key) { return v.as_object().at(key).to_number<int64_t>(); }

// The Tracker status id of a name, read from getSettings (never hard-coded).
inline int64_t status_id(ats::test::Sandbox &sandbox, const std::string &name) {
    auto settings = sandbox.tracker("getSettings", {});
    for (const auto &st : settings.at("opportunityResourceStatuses").as_array())
        if (s(st, "Name") == name) return n(st, "Id");
    throw std::runtime_error("no status " + name);
}

} // namespace sandbox_test
