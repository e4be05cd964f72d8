// wire.hpp - one Tracker Widget API request and its response envelope.
//
// Every call is `POST {base}/api/widget/{method}` with body
// {"trackerrms": {"<method>": {"credentials": {...}, <params>}}} (Tracker's Widget API). Answers are
// HTTP 200 with {"status": N, "message": ..., ...}; this class turns every other outcome into an
// ats::sdk::Error whose message names the Tracker method and the record, never a credential:
//   body status 1 "user not found", 2 "user not active"   -> ATS_ERR_UNAUTHORIZED   (A9)
//   body status 3 "record cannot be overwritten"          -> ATS_ERR_CONFLICT (RecordExistsError
//                                                            with the existing record's id when the
//                                                            answer names it, A16)
//   body status 99 "Record not found..."                  -> ATS_ERR_NOT_FOUND      (A9)
//   body status 99 otherwise / any other status           -> ATS_ERR_UPSTREAM
//   HTTP 401 (bearer token invalid/expired, A9)           -> one token refresh and one retry, then UNAUTHORIZED
//   HTTP 429 (A10, after the host's retries)              -> ATS_ERR_RATE_LIMITED, retryable
//   HTTP 500/502/503/504 (after the host's retries)       -> ATS_ERR_TRANSIENT, retryable
//   a body that is not JSON (truncated)                   -> retried twice for reads, then TRANSIENT, retryable
//   other HTTP statuses                                   -> ATS_ERR_UPSTREAM
// Reads are sent as idempotent (the host retries 429/5xx/resets per its policy); writes are not:
// a failed write may still have been applied, so the caller reconciles by reading back.
#pragma once

#include "ats/tracker/auth.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace ats::tracker {

struct RequestContext {
    const ats_call_t *call = nullptr; // cancellation + log correlation; may be null
    bool idempotent = false;          // true for reads
    std::string record;               // the record concerned, for messages: "OR 812", "R 77", ""
};

// Body status 3 "record found and cannot be overwritten" (ATS_ERR_CONFLICT). When the answer names
// the existing record (`recordId`, TRACKER-ASSUMPTION A16: createResource -> the resource found,
// resourceApplication -> the link found), existing_id() is that id, else 0. Callers that only
// catch ats::sdk::Error see the CONFLICT they always saw.
class RecordExistsError : public ats::sdk::Error {
public:
    RecordExistsError(const ats::sdk::Error &e, int64_t existing_id)
        : ats::sdk::Error(e.code(), e.what(), e.retryable()), existing_id_(existing_id) {}
    int64_t existing_id() const noexcept { return existing_id_; }

private:
    int64_t existing_id_;
};

// Error for a Tracker body status other than 0 (exposed for unit tests).
ats::sdk::Error body_status_error(int64_t status, std::string_view message, std::string_view method,
                                  std::string_view record);
// Error for an HTTP status other than 200 (exposed for unit tests). `attempts` as reported by the host.
ats::sdk::Error http_status_error(int status, std::string_view method, std::string_view record, int attempts,
                                  std::string_view retry_after);

class WireClient {
public:
    WireClient(ats::sdk::Host host, std::string base_url, Authenticator &auth, int timeout_ms);

    // Sends one widget call; returns the response object (status 0). `params` are the members of
    // the method object besides "credentials" (instructions, resource, updates, file, ...).
    boost::json::object call(std::string_view method, boost::json::object params, const RequestContext &ctx) const;

    const std::string &base_url() const { return base_url_; }
    // Widget requests sent by this client (each HTTP attempt the host reports counts once).
    uint64_t requests_sent() const { return requests_.load(); }

private:
    ats::sdk::Host host_;
    std::string base_url_;
    Authenticator &auth_;
    int timeout_ms_;
    mutable std::atomic<uint64_t> requests_{0};
};

} // namespace ats::tracker
