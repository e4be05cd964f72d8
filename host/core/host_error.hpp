// host_error.hpp - errors raised by the host itself (not by a plugin), with an ABI status code so
// that callers (CLI, server) map host and plugin failures the same way.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ats::host {

// What went wrong on the host side; decides the CLI exit code (listed in `ats-host --help` and the
// top README, "Using the host") and the server's HTTP status.
enum class ErrorKind {
    usage,    // bad command line or arguments
    manifest, // a tenant manifest is missing, malformed, or fails validation
    plugin,   // no usable plugin for the provider, plugin rejected, create() failed
    operation // the operation itself failed (status says how)
};

class HostError : public std::runtime_error {
public:
    HostError(ErrorKind kind, int32_t status, const std::string &message)
        : std::runtime_error(message), kind_(kind), status_(status) {}
    ErrorKind kind() const noexcept { return kind_; }
    int32_t status() const noexcept { return status_; } // an ATS_ERR_* value
private:
    ErrorKind kind_;
    int32_t status_;
};

// "not_supported", "invalid_argument", ... for ATS_ERR_* values ("unknown_<n>" otherwise).
const char *status_name(int32_t status) noexcept;

} // namespace ats::host
