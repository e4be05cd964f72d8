// report_text.hpp - the human-readable forms of two reports, printed when stdout is a terminal and
// --json was not given: the plan of `sync --dry-run` and the report of `probe`. Both are views of
// the JSON record the plugin answered (which --json, or a pipe, prints unchanged).
#pragma once

#include <boost/json.hpp>

#include <string>

namespace ats::cli {

// sync --dry-run: the plan grouped by kind of write, then the counters a real run would report.
std::string render_plan(const boost::json::object &summary);
// probe: one line per assumption (verdict, id, statement), evidence or reason beneath.
std::string render_probe(const boost::json::object &report);

} // namespace ats::cli
