// state_crypto.hpp - how the host protects what it keeps for a tenant (OpenSSL underneath):
// AES-256-GCM for values a plugin marks secret, HMAC-SHA-256 for identity hashes.
//
// A sealed value is  0x01 | key id (8 bytes) | nonce (12 random bytes) | ciphertext | tag (16).
// The key id (a hash of the key, never the key) says which configured key sealed it, so a
// rotation knows what to re-encrypt. The additional authenticated data binds the ciphertext to
// its row (tenant and state key): a value moved to another row or tenant does not open.
// Nothing here ever puts key material into an exception message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::host {

// A 32-byte AES key and its id.
struct SealingKey {
    std::string key; // 32 raw bytes
    std::string id;  // 8 raw bytes
};

// The key derived from configured key material (any length >= 16 bytes: hex, base64 or raw -
// SHA-256 makes it 32 bytes of the right shape). Throws std::invalid_argument when too short.
SealingKey sealing_key_from_material(std::string_view material);

// The additional data of one row.
std::string row_aad(std::string_view tenant, std::string_view key);

std::string seal(const SealingKey &k, std::string_view aad, std::string_view plaintext);

// Opens with whichever of `keys` sealed it. Throws std::runtime_error("... sealed with key id
// <hex>, which is not configured" / "... does not authenticate") - never key material.
std::string open_sealed(const std::vector<SealingKey> &keys, std::string_view aad, std::string_view sealed);

// The key id of a sealed value ("" when it is not one).
std::string sealed_key_id(std::string_view sealed);

// Raw 32-byte HMAC-SHA-256.
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
// Standard base64 with padding, and the URL-safe alphabet without padding (RFC 4648 section 5).
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Base64 text to bytes, in the standard alphabet (where '=' padding ends the text) or the URL-safe
// one (which has no padding: '=' is outside it). nullopt on a character outside the alphabet;
// `exact` also refuses a dangling character and bits set past the last byte, so that only the one
// spelling base64*_encode writes decodes (a signed token cannot be edited into an equal one).
std::optional<std::string> base64_decode(std::string_view text, bool url_alphabet, bool exact);

// "h1." + URL-safe base64 without padding of HMAC-SHA-256(key, data): 46 printable characters.
std::string identity_hash_text(std::string_view key, std::string_view data);

// `n` random bytes from OpenSSL's CSPRNG (throws when it fails).
std::string random_bytes(size_t n);

std::string hex_of(std::string_view bytes);

} // namespace ats::host
