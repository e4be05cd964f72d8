// json_text.hpp - a field of a JSON report as text, for the places that print reports to people
// (the CLI's summary text, serve's console): a string as it is, nothing for absent or null, any
// other value as its JSON.
#pragma once

#include <boost/json/object.hpp>

#include <string>

namespace ats::cli {

std::string field_text(const boost::json::object &o, const char *key);

} // namespace ats::cli
