// json_schema.hpp - the JSON Schema subset the ABI promises for config_schema_json (see
// ats_plugin.h: type, properties, required, additionalProperties, items, enum, const, minimum,
// maximum, minLength, maxLength, minItems, pattern, default, description), plus the "x-secret"
// annotation. Small on purpose: the host must explain a bad manifest key by key.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace ats::host {

struct SchemaViolation {
    std::string path;    // "provider_config.kombo.page_size" (prefix + dotted keys, [i] for items)
    std::string message; // "must be <= 250" - never echoes the offending value (it may be a secret)
};

// Validates `value` against `schema`, inserting every missing property that has a "default"
// (recursively, before validating it). Returns all violations, in document order.
std::vector<SchemaViolation> validate_and_apply_defaults(const boost::json::value &schema, boost::json::value &value,
                                                         const std::string &path_prefix);

// Checks that `schema` itself only uses the supported subset and is well-formed; returns
// problems ("properties.page_size.minimum: must be a number").
std::vector<std::string> check_schema(const boost::json::value &schema);

// Dotted paths of properties marked "x-secret": true (descending through "properties").
std::vector<std::vector<std::string>> secret_property_paths(const boost::json::value &schema);

} // namespace ats::host
