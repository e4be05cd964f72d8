// crypto.hpp - the few cryptographic helpers the service needs (OpenSSL underneath):
// token hashing, webhook HMAC verification, constant-time comparison.
#pragma once

#include "state_crypto.hpp"

#include <string>
#include <string_view>

namespace ats::serve {

// Lower-case hex SHA-256 of `data` (how API tokens are stored: never the token itself).
std::string sha256_hex(std::string_view data);

std::string to_hex(std::string_view bytes);
// HMAC-SHA-256 and base64 are the state's own (host/core/state_crypto.hpp): one implementation.
using ats::host::base64_decode;
using ats::host::base64_encode;
using ats::host::base64url_encode;
using ats::host::hmac_sha256_raw;

// Compares without an early exit, so the time taken does not reveal how many bytes matched.
bool constant_time_equal(std::string_view a, std::string_view b);

// Random hex string of `bytes` random bytes (request ids).
std::string random_hex(size_t bytes);

} // namespace ats::serve
