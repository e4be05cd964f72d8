// page_cursor.hpp - the `cursor` of a JSON page: where the next page of a stream starts.
//
// A cursor is opaque to clients and signed by the service (HMAC-SHA256 under a key of this
// process), so a client cannot forge or edit one; it is bound to the tenant, the operation and
// the request's filter arguments, so it cannot be replayed on another query. It holds either:
//   - the provider's own position (ABI 1.3, ats_sink_t.position): the next page RESUMES the
//     upstream read where the last one stopped (a page costs what its records cost upstream, and
//     changes in between neither skip nor repeat an unchanged record); or
//   - an offset, for a provider that reports no position: the next page re-runs the stream and
//     skips that many results (the order must then be stable between pages).
// Cursors survive a reload, not a restart (the key lives in memory): an old cursor is then a 400
// and the client starts over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ats::serve {

struct PageCursor {
    std::optional<std::string> position; // the provider's position, or
    uint64_t offset = 0;                 // results to skip
};

class CursorCodec {
public:
    // A fresh random key.
    CursorCodec();
    explicit CursorCodec(std::string key) : key_(std::move(key)) {}

    // `scope` binds the cursor to one query: tenant, operation and filter arguments.
    std::string encode(const std::string &scope, const PageCursor &cursor) const;
    // nullopt when `token` was not issued by this codec for `scope` (forged, edited, truncated,
    // another query's, or from before a restart).
    std::optional<PageCursor> decode(const std::string &scope, const std::string &token) const;

    // The scope text of a query.
    static std::string scope_of(const std::string &tenant, const std::string &operation, const std::string &args_json);

private:
    std::string key_;
};

} // namespace ats::serve
