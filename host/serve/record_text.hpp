// record_text.hpp - the text of a provider's JSON records as the service writes them out.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace ats::serve {

// The record as one line (NDJSON and JSON pages hold one record per line): a plugin may
// pretty-print, so a record with a line break is re-serialized. Throws ApiError 502
// invalid_provider_output when such a record is not JSON.
std::string one_line(std::string_view json_text);

// A control record (ats_plugin.h, "Control records"): a JSON object with a top-level "_type"
// member, moved into `out`. A cheap text test first, so a result record is parsed only when it
// mentions "_type".
bool is_control_record(std::string_view json_text, boost::json::object &out);

} // namespace ats::serve
