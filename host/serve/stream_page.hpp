// stream_page.hpp - one page of a stream operation (jobs/applications/candidates.stream) as parsed
// records: the ONE paging path of the Kombo-shaped routes (kombo_routes.cpp).
//
// Today a cursor is the number of kept records before the page (decimal text, opaque to clients),
// and a page re-runs the provider's stream from the start, skipping that many: O(N^2/P) upstream
// work for N records in pages of P, and a record can be skipped or repeated when the upstream
// changes between pages. A resumable cursor (the provider's own position) replaces this function
// without touching its callers.
#pragma once

#include "provider_catalog.hpp"

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ats::serve {

// Called on every result record in stream order; may reshape it. false drops it from the page
// (and from the cursor's count), so filters applied here page correctly.
using RecordFilter = std::function<bool(boost::json::object &)>;

struct StreamPage {
    std::vector<boost::json::object> records;
    std::vector<boost::json::object> warnings;   // {"_type":"error"} control records, "_type" removed
    std::optional<std::string> next_cursor;      // nullopt: this was the last page
    InvokeOutcome outcome;                       // the plugin's verdict (check .code before using records)
};

// Thrown for a cursor this function did not issue.
class BadCursor : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

StreamPage read_stream_page(TenantRuntime &runtime, const std::string &operation, const std::string &args_json,
                            const CallContext &ctx, const std::string &cursor, size_t page_size, const RecordFilter &keep);

}  // namespace ats::serve
