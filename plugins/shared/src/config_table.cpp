#include "ats/shared/config_table.hpp"

#include <ats_plugin.hpp>

#include <limits>
#include <regex>

namespace ats::shared::config {

namespace {

std::vector<std::string> split(const std::string &path) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
        parts.push_back(path.substr(start, dot - start));
    parts.push_back(path.substr(start));
    return parts;
}

std::string parent_of(const std::string &path) {
    size_t dot = path.rfind('.');
    return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

bj::object object_schema() {
    return bj::object{{"type", "object"}, {"additionalProperties", false}, {"properties", bj::object{}}};
}

// The schema object of the section at `path` ("" = the root), created on first use.
bj::object &section_schema(bj::object &root, const std::string &path) {
    bj::object *node = &root;
    if (path.empty()) return *node;
    for (const auto &part : split(path)) {
        bj::object &props = (*node)["properties"].as_object();
        if (!props.contains(part)) props[part] = object_schema();
        node = &props[part].as_object();
    }
    return *node;
}

void mark_required(bj::object &parent, const std::string &name) {
    if (!parent.contains("required")) parent["required"] = bj::array{};
    parent["required"].as_array().emplace_back(name);
}

bj::object string_schema(const Row &r, int64_t min_length) {
    bj::object s{{"type", "string"}};
    if (min_length > 0) s["minLength"] = min_length;
    if (!r.pattern.empty()) s["pattern"] = r.pattern;
    return s;
}

bj::object leaf_schema(const Row &r) {
    bj::object s;
    switch (r.type) {
    case Type::string:
        s = string_schema(r, r.min.value_or(0));
        if (!r.one_of.empty()) {
            bj::array values;
            for (const auto &v : r.one_of) values.emplace_back(v);
            s["enum"] = std::move(values);
        }
        if (r.secret) s["x-secret"] = true;
        break;
    case Type::integer:
        s["type"] = "integer";
        if (r.min) s["minimum"] = *r.min;
        if (r.max) s["maximum"] = *r.max;
        break;
    case Type::boolean: s["type"] = "boolean"; break;
    case Type::string_list:
        s = bj::object{{"type", "array"}, {"items", string_schema(r, 1)}};
        if (r.min) s["minItems"] = *r.min;
        break;
    case Type::string_map: s = bj::object{{"type", "object"}, {"additionalProperties", string_schema(r, 1)}}; break;
    }
    s["description"] = r.description;
    if (!r.example.is_null()) s["examples"] = bj::array{r.example};
    return s;
}

std::string text_checked(const bj::value &v, const Row &r, const std::string &field, int64_t min_length) {
    if (!v.is_string()) bad(field, "must be a string");
    std::string s(v.get_string());
    if (static_cast<int64_t>(s.size()) < min_length)
        bad(field,
            min_length == 1 ? "must not be empty" : "must be at least " + std::to_string(min_length) + " characters");
    if (!r.pattern.empty() && !std::regex_search(s, std::regex(r.pattern, std::regex::ECMAScript)))
        bad(field, r.secret ? "is not in the expected form" : "'" + s + "' must match the pattern " + r.pattern);
    return s;
}

Value checked(const bj::value &v, const Row &r, const std::string &field) {
    switch (r.type) {
    case Type::string: {
        std::string s = text_checked(v, r, field, r.min.value_or(0));
        if (!r.one_of.empty()) {
            std::string allowed;
            for (const auto &o : r.one_of) {
                if (o == s) return s;
                allowed += (allowed.empty() ? "" : ", ") + o;
            }
            bad(field, "must be one of " + allowed + " (got '" + s + "')");
        }
        return s;
    }
    case Type::integer: {
        int64_t n = 0;
        if (v.is_int64())
            n = v.get_int64();
        else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            n = static_cast<int64_t>(v.get_uint64());
        else
            bad(field, "must be an integer");
        if ((r.min && n < *r.min) || (r.max && n > *r.max)) {
            std::string range = r.min && r.max ? "between " + std::to_string(*r.min) + " and " + std::to_string(*r.max)
                                : r.min        ? "at least " + std::to_string(*r.min)
                                               : "at most " + std::to_string(*r.max);
            bad(field, "must be " + range + ", not " + std::to_string(n));
        }
        return n;
    }
    case Type::boolean:
        if (!v.is_bool()) bad(field, "must be true or false");
        return v.get_bool();
    case Type::string_list: {
        if (!v.is_array()) bad(field, "must be an array of strings");
        const bj::array &a = v.get_array();
        if (r.min && static_cast<int64_t>(a.size()) < *r.min)
            bad(field, "must have at least " + std::to_string(*r.min) + " item" + (*r.min == 1 ? "" : "s"));
        std::vector<std::string> out;
        for (size_t i = 0; i < a.size(); ++i)
            out.push_back(text_checked(a[i], r, field + "[" + std::to_string(i) + "]", 1));
        return out;
    }
    case Type::string_map: {
        if (!v.is_object()) bad(field, "must be an object of strings");
        std::map<std::string, std::string> out;
        for (const auto &kv : v.get_object()) {
            std::string key(kv.key());
            out[key] = text_checked(kv.value(), r, field + "['" + key + "']", 1);
        }
        return out;
    }
    }
    bad(field, "has an unknown type");
}

} // namespace

void bad(const std::string &field, const std::string &problem) {
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, field + ": " + problem);
}

void Layout::add_section(Section s) {
    for (auto &known : sections_)
        if (known.path == s.path) { // a composed table may declare a shared section again
            if (known.description.empty()) known.description = s.description;
            known.required = known.required || s.required;
            if (known.unknown_key_hint.empty()) known.unknown_key_hint = s.unknown_key_hint;
            return;
        }
    sections_.push_back(std::move(s));
}

void Layout::add_row(Row r) { rows_.push_back(std::move(r)); }

const Section *Layout::find_section(const std::string &path) const {
    for (const auto &s : sections_)
        if (s.path == path) return &s;
    return nullptr;
}

std::vector<std::string> Layout::key_paths() const {
    std::vector<std::string> out;
    for (const auto &r : rows_) out.push_back(r.path);
    return out;
}

bj::object Layout::schema(const std::vector<bj::value> &defaults) const {
    bj::object root = object_schema();
    for (const auto &s : sections_) {
        bj::object &node = section_schema(root, s.path);
        if (!s.description.empty()) node["description"] = s.description;
        if (s.required) mark_required(section_schema(root, parent_of(s.path)), split(s.path).back());
    }
    for (size_t i = 0; i < rows_.size(); ++i) {
        const Row &r = rows_[i];
        bj::object &parent = section_schema(root, parent_of(r.path));
        bj::object leaf = leaf_schema(r);
        if (i < defaults.size() && !defaults[i].is_null()) leaf["default"] = defaults[i];
        std::string name = split(r.path).back();
        parent["properties"].as_object()[name] = std::move(leaf);
        if (r.required) mark_required(parent, name);
    }
    return root;
}

std::optional<Value> Layout::read(const bj::object &root, const Row &row) const {
    const bj::object *node = &root;
    std::string path;
    auto parts = split(row.path);
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        path += (path.empty() ? "" : ".") + parts[i];
        const bj::value *v = node->if_contains(parts[i]);
        if (!v || v->is_null()) {
            if (const Section *s = find_section(path); s && s->required) bad(field(path), "is required");
            return std::nullopt;
        }
        if (!v->is_object()) bad(field(path), "must be an object");
        node = &v->get_object();
    }
    const bj::value *v = node->if_contains(parts.back());
    if (!v || v->is_null()) {
        if (row.required) bad(field(row.path), "is required");
        return std::nullopt;
    }
    return checked(*v, row, field(row.path));
}

void Layout::refuse_unknown_keys(const bj::object &root) const {
    std::function<void(const bj::object &, const std::string &)> walk = [&](const bj::object &o,
                                                                            const std::string &at) {
        for (const auto &kv : o) {
            std::string child = (at.empty() ? "" : at + ".") + std::string(kv.key());
            if (find_section(child)) {
                if (kv.value().is_object())
                    walk(kv.value().get_object(), child);
                else if (!kv.value().is_null())
                    bad(field(child), "must be an object");
                continue;
            }
            bool is_row = false;
            for (const auto &r : rows_) is_row = is_row || r.path == child;
            if (is_row) continue;
            std::string known;
            for (const auto &s : sections_)
                if (parent_of(s.path) == at) known += (known.empty() ? "" : ", ") + split(s.path).back();
            for (const auto &r : rows_)
                if (parent_of(r.path) == at) known += (known.empty() ? "" : ", ") + split(r.path).back();
            const Section *here = find_section(at);
            std::string hint = here && !here->unknown_key_hint.empty() ? "; " + here->unknown_key_hint : "";
            bad(field(child), "unknown key (known: " + known + ")" + hint);
        }
    };
    walk(root, "");
}

} // namespace ats::shared::config
