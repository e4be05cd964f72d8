// crypto.hpp - the few cryptographic helpers the service needs (OpenSSL underneath):
// token hashing, webhook HMAC verification, constant-time comparison.
#pragma once

#include <string>
#include <string_view>

namespace ats::serve {

// Lower-case hex SHA-256 of `data` (how API tokens are stored: never the token itself).
std::string sha256_hex(std::string_view data);

// Raw (32-byte) HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

std::string to_hex(std::string_view bytes);
// Standard base64 with padding, and the URL-safe alphabet without padding.
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);

// Compares without an early exit, so the time taken does not reveal how many bytes matched.
bool constant_time_equal(std::string_view a, std::string_view b);

// Random hex string of `bytes` random bytes (request ids).
std::string random_hex(size_t bytes);

} // namespace ats::serve
