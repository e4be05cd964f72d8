// base64.hpp - RFC 4648 base64 (standard alphabet, padded) for documents sent to and read from
// Tracker (attachDocument `data`, TRACKER-ASSUMPTION A5 `data`) and for attachment arguments.
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

std::string base64_encode(std::string_view bytes);

// Decodes standard or URL-safe base64; whitespace (line breaks in MIME-style data) is ignored and
// missing padding is tolerated. Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming `what`
// and the offset of the first invalid character.
std::string base64_decode(std::string_view text, std::string_view what);

} // namespace ats::shared
