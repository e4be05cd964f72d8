// config_table_check.hpp - the checks every provider's configuration table must pass, against the
// JSON Schema its descriptor publishes (Boost.Test assertions; header only).
//
//   * the schema's keys are exactly the table's rows: nothing published that is not parsed;
//   * a provider_config giving every key its example parses, and each key's parsed value is its
//     example (so each key reaches its own member, and no two keys share one);
//   * each published default is what the parser gives when the key is absent;
//   * a key the schema does not have is refused by the parser, naming the field.
#pragma once

#include "ats/shared/config_table.hpp"

#include <ats_plugin.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace ats::test {

namespace cfg_check_detail {
namespace bj = boost::json;

inline bool is_section(const bj::object &s) {
    const bj::value *t = s.if_contains("type");
    return t && *t == "object" && s.contains("properties");
}

// Leaf keys of a schema by path ("workable.kombo.page_size") and their schema; sections by path.
inline void walk(const bj::object &schema, const std::string &at, std::map<std::string, bj::object> &leaves,
                 std::vector<std::string> &sections) {
    sections.push_back(at);
    for (const auto &kv : schema.at("properties").as_object()) {
        std::string path = (at.empty() ? "" : at + ".") + std::string(kv.key());
        const bj::object &sub = kv.value().as_object();
        if (is_section(sub))
            walk(sub, path, leaves, sections);
        else
            leaves[path] = sub;
    }
}

inline void put(bj::object &root, const std::string &path, const bj::value &v) {
    bj::object *node = &root;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
        std::string part = path.substr(start, dot - start);
        if (!node->contains(part)) (*node)[part] = bj::object{};
        node = &(*node)[part].as_object();
    }
    (*node)[path.substr(start)] = v;
}

inline bool has(const bj::object &root, const std::string &path) {
    const bj::object *node = &root;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
        const bj::value *v = node->if_contains(path.substr(start, dot - start));
        if (!v || !v->is_object()) return false;
        node = &v->get_object();
    }
    return node->contains(path.substr(start));
}

// The value the check sets for a leaf: its example, else one that differs from its default.
inline bj::value sample(const bj::object &leaf) {
    if (const bj::value *e = leaf.if_contains("examples")) return e->as_array().at(0);
    const bj::value *d = leaf.if_contains("default");
    if (leaf.at("type") == "boolean") return !(d && d->is_bool() && d->get_bool());
    if (leaf.at("type") == "integer") {
        bj::value hi = leaf.at("maximum");
        return d && *d == hi ? leaf.at("minimum") : hi;
    }
    return nullptr;
}
} // namespace cfg_check_detail

// `minimal`: the smallest valid provider_config (the required keys).
template <class Config>
void check_schema_and_parser_agree(const ats::shared::config::Table<Config> &table, const std::string &schema_json,
                                   const boost::json::object &minimal) {
    namespace bj = boost::json;
    using namespace cfg_check_detail;
    const bj::object schema = bj::parse(schema_json).as_object();
    std::map<std::string, bj::object> leaves;
    std::vector<std::string> sections;
    walk(schema, "", leaves, sections);

    // Every published key is a row, every row is published.
    std::vector<std::string> rows = table.key_paths();
    std::sort(rows.begin(), rows.end());
    const bool unique = std::adjacent_find(rows.begin(), rows.end()) == rows.end();
    BOOST_TEST(unique, "a key is declared twice");
    std::vector<std::string> published;
    for (const auto &kv : leaves) published.push_back(kv.first);
    BOOST_TEST(published == rows, boost::test_tools::per_element());

    // Defaults: what the host fills in from the schema equals what the parser gives without it.
    const auto base = table.values(table.parse(minimal));
    for (const auto &[path, leaf] : leaves)
        if (const bj::value *d = leaf.if_contains("default"); d && !has(minimal, path))
            BOOST_TEST(base.at(path) == *d, path);

    // Every key given its example lands where the table says, and changes what was parsed.
    bj::object full = minimal;
    for (const auto &[path, leaf] : leaves) {
        bj::value v = sample(leaf);
        BOOST_TEST_INFO(path);
        BOOST_TEST_REQUIRE(!v.is_null(), "a key of this type needs an example");
        put(full, path, v);
    }
    const auto parsed = table.values(table.parse(full));
    for (const auto &[path, leaf] : leaves) {
        bj::value v = sample(leaf);
        BOOST_TEST(parsed.at(path) == v,
                   path + " parsed as " + bj::serialize(parsed.at(path)) + ", given " + bj::serialize(v));
        BOOST_TEST(parsed.at(path) != base.at(path), path + ": its example must differ from its default");
    }

    // A key the schema does not publish is refused, naming the field.
    for (const auto &section : sections) {
        bj::object extra = full;
        put(extra, (section.empty() ? "" : section + ".") + "not_a_key", 1);
        std::string field = "provider_config." + (section.empty() ? "" : section + ".") + "not_a_key";
        try {
            table.parse(extra);
            BOOST_ERROR(field + " was accepted");
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
            BOOST_TEST(std::string(e.what()).find(field + ": unknown key") != std::string::npos, e.what());
        }
    }
}

// Whether an error message says `part` (the message is shown when it does not).
inline bool mentions(const std::string &message, const std::string &part) {
    BOOST_TEST_INFO(message);
    return message.find(part) != std::string::npos;
}

// The message of the ats::sdk::Error parsing `config` throws ("" when it parses).
template <class Config>
std::string config_error(const ats::shared::config::Table<Config> &table, const boost::json::object &config) {
    try {
        table.parse(config);
    } catch (const ats::sdk::Error &e) {
        BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
        return e.what();
    }
    return "";
}

} // namespace ats::test
