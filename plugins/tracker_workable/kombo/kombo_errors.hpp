// kombo_errors.hpp - Kombo's error envelope mapped to the ABI's error codes.
//
// Kombo's documentation says: branch on `error.code`, not on the HTTP status. The HTTP status is the
// fallback only when the body is not the envelope.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "ats_plugin.hpp"

namespace ats::tracker_workable {

// Builds the error to throw for a Kombo failure. `code`/`message` come from the envelope (may be
// empty), `http_status` from the response, `what` names the request ("GET /ats/applications page 3").
ats::sdk::Error kombo_error(const std::string &code, const std::string &message, int http_status,
                            const std::string &what);

// The `data` object of Kombo's success envelope {"status":"success","data":{..., "results":[..]}}.
// Throws: the error envelope (or a non-200 status) -> kombo_error; a 200 whose body is not JSON
// or not the envelope -> ATS_ERR_TRANSIENT, retryable (truncated or corrupted in transit: fetching
// the same GET again is harmless). `doc` keeps the parsed body alive; the result points into it.
const boost::json::object &kombo_success_data(std::string_view body, int http_status, const std::string &what,
                                              boost::json::value &doc);

} // namespace ats::tracker_workable
