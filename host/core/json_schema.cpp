#include "json_schema.hpp"
#include "pattern_matcher.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <set>

namespace json = boost::json;

namespace ats::host {
namespace {

std::string join(const std::string &prefix, const std::string &key) {
    return prefix.empty() ? key : prefix + "." + key;
}

const char *type_of(const json::value &v) {
    switch (v.kind()) {
    case json::kind::object: return "object";
    case json::kind::array: return "array";
    case json::kind::string: return "string";
    case json::kind::bool_: return "boolean";
    case json::kind::null: return "null";
    case json::kind::double_: return "number";
    default: return "integer";
    }
}

bool is_number(const json::value &v) { return v.is_int64() || v.is_uint64() || v.is_double(); }
double as_double(const json::value &v) {
    return v.is_int64()    ? static_cast<double>(v.get_int64())
           : v.is_uint64() ? static_cast<double>(v.get_uint64())
                           : v.get_double();
}

bool matches_type(const json::value &v, std::string_view t) {
    if (t == "number") return is_number(v);
    if (t == "integer") {
        if (v.is_int64() || v.is_uint64()) return true;
        return v.is_double() && std::floor(v.get_double()) == v.get_double();
    }
    return t == type_of(v);
}

std::string fmt_number(const json::value &v) { return json::serialize(v); }

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

void validate(const json::value &schema, json::value &value, const std::string &path,
              std::vector<SchemaViolation> &out) {
    if (!schema.is_object()) return; // `true`/absent schemas accept everything
    const auto &s = schema.get_object();
    const std::string where = path.empty() ? "(root)" : path;

    if (auto *t = s.if_contains("type")) {
        bool ok = false;
        std::string wanted;
        if (t->is_string()) {
            ok = matches_type(value, t->get_string());
            wanted = std::string(t->get_string());
        } else if (t->is_array()) {
            for (const auto &x : t->get_array())
                if (x.is_string()) {
                    ok = ok || matches_type(value, x.get_string());
                    wanted += (wanted.empty() ? "" : " or ") + std::string(x.get_string());
                }
        }
        if (!ok) {
            out.push_back({where, std::string("must be of type ") + wanted + " (found " + type_of(value) + ")"});
            return; // the other keywords would only add noise
        }
    }
    if (auto *e = s.if_contains("enum"); e && e->is_array()) {
        bool found = false;
        for (const auto &x : e->get_array()) found = found || x == value;
        if (!found) out.push_back({where, "must be one of " + json::serialize(*e)});
    }
    if (auto *c = s.if_contains("const"); c && *c != value) out.push_back({where, "must be " + json::serialize(*c)});
    if (is_number(value)) {
        if (auto *m = s.if_contains("minimum"); m && is_number(*m) && as_double(value) < as_double(*m))
            out.push_back({where, "must be >= " + fmt_number(*m)});
        if (auto *m = s.if_contains("maximum"); m && is_number(*m) && as_double(value) > as_double(*m))
            out.push_back({where, "must be <= " + fmt_number(*m)});
    }
    if (value.is_string()) {
        size_t len = utf8_length(value.get_string());
        bool too_long = false;
        if (auto *m = s.if_contains("minLength"); m && is_number(*m) && len < as_double(*m))
            out.push_back({where, "must be at least " + fmt_number(*m) + " characters long"});
        if (auto *m = s.if_contains("maxLength"); m && is_number(*m) && len > as_double(*m)) {
            out.push_back({where, "must be at most " + fmt_number(*m) + " characters long"});
            too_long = true;
        }
        // A value over maxLength is already refused: matching an unbounded value against the
        // pattern would only cost time and add noise.
        if (auto *p = s.if_contains("pattern"); p && p->is_string() && !too_long) {
            try {
                if (!Pattern(p->get_string()).search(value.get_string()))
                    out.push_back({where, "must match the pattern " + json::serialize(*p)});
            } catch (const PatternError &) {
                out.push_back(
                    {where, "the schema's pattern " + json::serialize(*p) + " is not a valid regular expression"});
            }
        }
    }
    if (value.is_array()) {
        auto &arr = value.get_array();
        if (auto *m = s.if_contains("minItems"); m && is_number(*m) && arr.size() < as_double(*m))
            out.push_back({where, "must have at least " + fmt_number(*m) + " items"});
        if (auto *items = s.if_contains("items"))
            for (size_t i = 0; i < arr.size(); ++i) validate(*items, arr[i], path + "[" + std::to_string(i) + "]", out);
    }
    if (value.is_object()) {
        auto &obj = value.get_object();
        const json::object *props = nullptr;
        if (auto *p = s.if_contains("properties"); p && p->is_object()) props = &p->get_object();
        // defaults first, so that required + default is satisfied and nested defaults apply
        if (props)
            for (const auto &[k, sub] : *props)
                if (!obj.contains(k) && sub.is_object())
                    if (auto *d = sub.get_object().if_contains("default")) obj[k] = *d;
        if (auto *r = s.if_contains("required"); r && r->is_array())
            for (const auto &k : r->get_array())
                if (k.is_string() && !obj.contains(k.get_string()))
                    out.push_back({join(path, std::string(k.get_string())), "is required"});
        const json::value *additional = s.if_contains("additionalProperties");
        for (auto &[k, v] : obj) {
            std::string child = join(path, std::string(k));
            if (props && props->contains(k)) {
                validate(props->at(k), v, child, out);
            } else if (additional) {
                if (additional->is_bool() && !additional->get_bool())
                    out.push_back({child, "is not a known key" + std::string(props ? " (known: " : "") + [&] {
                                       std::string ks;
                                       if (props)
                                           for (const auto &[pk, pv] : *props)
                                               ks += (ks.empty() ? "" : ", ") + std::string(pk);
                                       return ks;
                                   }() + (props ? ")" : "")});
                else if (additional->is_object())
                    validate(*additional, v, child, out);
            }
        }
    }
}

const std::set<std::string> kSupportedKeywords = {"type",    "properties", "required",    "additionalProperties",
                                                  "items",   "enum",       "const",       "minimum",
                                                  "maximum", "minLength",  "maxLength",   "minItems",
                                                  "pattern", "default",    "description", "x-secret",
                                                  "$schema", "$id",        "title",       "examples",
                                                  "$comment"};

void check(const json::value &schema, const std::string &path, std::vector<std::string> &out) {
    if (schema.is_bool()) return;
    if (!schema.is_object()) {
        out.push_back((path.empty() ? "(root)" : path) + ": a schema must be an object or a boolean");
        return;
    }
    for (const auto &[k, v] : schema.get_object()) {
        std::string key(k), here = join(path, key);
        if (!kSupportedKeywords.count(key)) {
            out.push_back(here + ": keyword not supported by the host's schema subset");
            continue;
        }
        if ((key == "minimum" || key == "maximum" || key == "minLength" || key == "maxLength" || key == "minItems") &&
            !is_number(v))
            out.push_back(here + ": must be a number");
        if (key == "properties") {
            if (!v.is_object())
                out.push_back(here + ": must be an object");
            else
                for (const auto &[pk, pv] : v.get_object()) check(pv, here + "." + std::string(pk), out);
        }
        if (key == "items" || (key == "additionalProperties" && !v.is_bool())) check(v, here, out);
        if ((key == "required" || key == "enum") && !v.is_array()) out.push_back(here + ": must be an array");
        if (key == "pattern") {
            if (!v.is_string())
                out.push_back(here + ": must be a string");
            else
                try {
                    Pattern re(v.get_string());
                } catch (const PatternError &e) {
                    out.push_back(here + ": not a valid regular expression in the host's subset (" + e.what() + ")");
                }
        }
        if (key == "x-secret" && !v.is_bool()) out.push_back(here + ": must be a boolean");
    }
}

void collect_secrets(const json::value &schema, std::vector<std::string> &prefix,
                     std::vector<std::vector<std::string>> &out) {
    if (!schema.is_object()) return;
    const auto &s = schema.get_object();
    if (auto *x = s.if_contains("x-secret"); x && x->is_bool() && x->get_bool() && !prefix.empty())
        out.push_back(prefix);
    if (auto *p = s.if_contains("properties"); p && p->is_object())
        for (const auto &[k, sub] : p->get_object()) {
            prefix.emplace_back(k);
            collect_secrets(sub, prefix, out);
            prefix.pop_back();
        }
}

} // namespace

std::vector<SchemaViolation> validate_and_apply_defaults(const json::value &schema, json::value &value,
                                                         const std::string &path_prefix) {
    std::vector<SchemaViolation> out;
    validate(schema, value, path_prefix, out);
    return out;
}

std::vector<std::string> check_schema(const json::value &schema) {
    std::vector<std::string> out;
    check(schema, "", out);
    return out;
}

std::vector<std::vector<std::string>> secret_property_paths(const json::value &schema) {
    std::vector<std::vector<std::string>> out;
    std::vector<std::string> prefix;
    collect_secrets(schema, prefix, out);
    return out;
}

} // namespace ats::host
