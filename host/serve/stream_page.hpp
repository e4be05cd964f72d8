// stream_page.hpp - one JSON page of a stream operation (jobs.stream, applications.stream, ...):
// the page's results, the partial-failure warnings and the cursor of the next page
// (page_cursor.hpp). Every paged route reads its pages through read_stream_page.
#pragma once

#include "page_cursor.hpp"
#include "tenant.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ats::serve {

struct StreamPageRequest {
    std::string operation; // an ATS_OP_* stream
    std::string args_json; // the stream's arguments (filters), a JSON object
    size_t limit = 100;    // results per page, >= 1
    std::string cursor;    // "" for the first page, else a next_cursor of the same query
};

struct StreamPage {
    ats::host::InvokeResult result;         // the provider's status (records may be partial on failure)
    std::vector<std::string> records;       // one JSON document each, one line
    std::vector<std::string> warnings;      // from {"_type":"error",...} control records, without "_type"
    std::optional<std::string> next_cursor; // nullopt on the last page
    bool resumed = false;                   // the page continued the provider's position (not an offset)
};

// Reads one page. Cursors are signed under the tenant's cursor key (cursor_codec_for), so a
// cursor stays valid across restarts and in every instance sharing the tenant's state. Throws
// ApiError 400 invalid_argument naming the query parameter `cursor` when the cursor was not
// issued for this tenant, operation and arguments (forged, edited, another query's), or holds a
// position the tenant's provider can no longer take.
// `options`: request id and cancellation (max_results is set here).
StreamPage read_stream_page(ats::host::Tenant &tenant, const StreamPageRequest &request,
                            ats::host::CallOptions options);

// The codec of the tenant's cursors: its key is derived from the tenant's durable identity key.
CursorCodec cursor_codec_for(const ats::host::Tenant &tenant);

} // namespace ats::serve
