// kombo_errors.hpp - Kombo's error envelope mapped to the ABI's error codes.
//
// Kombo says: branch on `error.code`, not on the HTTP status (kombo-api.md). The HTTP status is the
// fallback only when the body is not the envelope.
#pragma once

#include <string>

#include "ats_plugin.hpp"

namespace ats::tracker_workable {

// Builds the error to throw for a Kombo failure. `code`/`message` come from the envelope (may be
// empty), `http_status` from the response, `what` names the request ("GET /ats/applications page 3").
ats::sdk::Error kombo_error(const std::string &code, const std::string &message, int http_status,
                            const std::string &what);

} // namespace ats::tracker_workable
