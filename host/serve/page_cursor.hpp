// page_cursor.hpp - the `cursor` of a JSON page: where the next page of a stream starts.
//
// A cursor is opaque to clients and signed by the service (HMAC-SHA256 under a key the caller
// gives: serve derives it per tenant from the tenant's durable identity key), so a client cannot forge or edit one; it is bound to the tenant, the operation and
// the request's filter arguments, so it cannot be replayed on another query. It holds either:
//   - the provider's own position (ABI 1.3, ats_sink_t.position): the next page RESUMES the
//     upstream read where the last one stopped (a page costs what its records cost upstream, and
//     changes in between neither skip nor repeat an unchanged record); or
//   - an offset, for a provider that reports no position: the next page re-runs the stream and
//     skips that many results (the order must then be stable between pages).
// Cursors survive reloads and restarts, and any instance sharing the tenant's state accepts them
// (the key is the tenant's, not the process's).
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
    explicit CursorCodec(std::string key) : key_(std::move(key)) {}

    // `scope` binds the cursor to one query: tenant, operation and filter arguments.
    std::string encode(const std::string &scope, const PageCursor &cursor) const;
    // nullopt when `token` was not issued under this key for `scope` (forged, edited, truncated,
    // or another query's).
    std::optional<PageCursor> decode(const std::string &scope, const std::string &token) const;

    // The scope text of a query.
    static std::string scope_of(const std::string &tenant, const std::string &operation, const std::string &args_json);

private:
    std::string key_;
};

} // namespace ats::serve
