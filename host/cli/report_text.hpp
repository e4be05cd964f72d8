// report_text.hpp - the human-readable forms of the reports, printed when stdout is a terminal and
// --json was not given: the plan of `sync --dry-run` and the report of `probe`. Both are views of
// the JSON record the plugin answered (which --json, or a pipe, prints unchanged).
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace ats::cli {

// sync --dry-run: the plan grouped by kind of write, then the counters a real run would report.
std::string render_plan(const boost::json::object &summary);
// sync (not a dry run): counts, then what needs the operator grouped and ranked with what to do
// (attention.hpp), then where the complete lists are.
std::string render_summary(const boost::json::object &summary);
// The "needs attention" block of a summary or plan ("" never: says when nothing does).
std::string render_attention(const boost::json::object &summary);
// sync history (`ats-host syncs`): the header and one line per run; one run in full.
std::string render_history(const std::vector<boost::json::object> &runs, const std::string &tenant);
std::string render_run(const boost::json::object &run);
// probe: one line per assumption (verdict, id, statement), evidence or reason beneath.
std::string render_probe(const boost::json::object &report);

} // namespace ats::cli
