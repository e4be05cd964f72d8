// api_error.hpp - the one JSON error envelope of the service:
//   {"error": {"code": "<stable code>", "message": "<text>", "request_id": "<id>"}}
// Codes are stable strings clients branch on; statuses follow them (table in api_error.cpp).
#pragma once

#include "http_exchange.hpp"
#include "tenant.hpp"

#include <stdexcept>
#include <string>

namespace ats::serve {

// Thrown by route handlers; turned into the envelope by the dispatcher.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, std::string message)
        : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)) {}
    int status() const noexcept { return status_; }
    const std::string &code() const noexcept { return code_; }

private:
    int status_;
    std::string code_;
};

std::string error_body(const std::string &code, const std::string &message, const std::string &request_id);
// Sends the envelope as a complete response (when nothing was sent yet).
void send_error(ResponseWriter &w, const HttpRequest &req, int status, const std::string &code,
                const std::string &message);

// ABI status (ATS_ERR_*) -> HTTP status and stable code.
int http_status_for_abi(int abi_code);
std::string code_for_abi(int abi_code);

// Throws the ApiError for a failed call (does nothing when it succeeded): the plugin's worker
// process crashed (502 plugin_crashed) or was killed past its deadline or is restarting (503
// plugin_timeout / plugin_unavailable) - a host verdict, not the plugin's status - or the
// plugin's ATS_ERR_* mapped as above, its message or "<operation> failed".
void throw_if_failed(const ats::host::InvokeResult &result, const std::string &operation);

} // namespace ats::serve
