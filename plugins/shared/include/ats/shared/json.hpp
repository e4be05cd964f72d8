// json.hpp - typed access to Boost.JSON documents with errors that name the field at fault.
//
// Two families:
//   * require_* / optional_*: for CALLER input (operation arguments, provider configuration).
//     A missing or mistyped field throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) whose message
//     names `where` and the field, e.g. "jobs.get arguments: field 'job_id' must be a string".
//   * text_or / int_or / find_ci (and the strict-typed string_or_empty, ...): lenient readers for UPSTREAM rows, whose casing and types are
//     inconsistent (Tracker: `PlacementId` next to `clientid`, ids as numbers or strings). They
//     never throw; absent or null fields give the fallback.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::shared::json {

namespace bj = boost::json;

// Parses `text`; throws INVALID_ARGUMENT "<what>: invalid JSON (<reason>)" on a syntax error.
bj::value parse(std::string_view text, std::string_view what);
// Parses `text` and requires an object at the top.
bj::object parse_object(std::string_view text, std::string_view what);
// Compact serialisation.
std::string dump(const bj::value &v);

const bj::object &as_object(const bj::value &v, std::string_view what);

// Required fields (throw when missing, null or of another type).
std::string require_string(const bj::object &o, std::string_view field, std::string_view where);
// A non-empty string.
std::string require_nonempty_string(const bj::object &o, std::string_view field, std::string_view where);
int64_t require_int(const bj::object &o, std::string_view field, std::string_view where);
const bj::object &require_object(const bj::object &o, std::string_view field, std::string_view where);
const bj::array &require_array(const bj::object &o, std::string_view field, std::string_view where);
// An id given as a JSON string or integer, returned as its decimal string ("42" for 42 or "42").
std::string require_id(const bj::object &o, std::string_view field, std::string_view where);
// An array of ids (strings or integers).
std::vector<std::string> require_id_array(const bj::object &o, std::string_view field, std::string_view where);

// Optional fields: nullopt/fallback when missing or null; throw when present with another type.
std::optional<std::string> optional_string(const bj::object &o, std::string_view field, std::string_view where);
std::optional<int64_t> optional_int(const bj::object &o, std::string_view field, std::string_view where);
bool optional_bool(const bj::object &o, std::string_view field, bool fallback, std::string_view where);
const bj::object *optional_object(const bj::object &o, std::string_view field, std::string_view where);
std::optional<std::vector<std::string>> optional_string_array(const bj::object &o, std::string_view field,
                                                              std::string_view where);
std::optional<std::vector<std::string>> optional_id_array(const bj::object &o, std::string_view field,
                                                          std::string_view where);

// Lenient readers for upstream data.
// Case-insensitive key lookup (exact match first); nullptr when absent.
const bj::value *find_ci(const bj::object &o, std::string_view key);
// String value of a scalar: strings as-is, integers/doubles/bools in decimal text; fallback otherwise.
std::string text_or(const bj::object &o, std::string_view key, std::string_view fallback = {});
// Integer value of a number or a decimal string; fallback otherwise.
int64_t int_or(const bj::object &o, std::string_view key, int64_t fallback);
// The scalar as text (see text_or) or nullopt.
std::optional<std::string> scalar_text(const bj::value &v);

// Strict-typed lenient readers for upstreams with one spelling and typed fields (Kombo): the exact
// key's value when it has the type asked for, otherwise "" or nullptr. Unlike text_or, a number
// is not a string here: a field of the wrong type reads as absent.
std::string string_or_empty(const bj::object &o, std::string_view key);
const bj::object *object_or_null(const bj::object &o, std::string_view key);
const bj::array *array_or_null(const bj::object &o, std::string_view key);

} // namespace ats::shared::json
