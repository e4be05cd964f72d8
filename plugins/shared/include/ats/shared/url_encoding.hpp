// url_encoding.hpp - the one percent-encoding of text put into a URL query or a form body.
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

// Every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX in upper-case hex,
// so a value can never end its parameter early ("a,b c/+" -> "a%2Cb%20c%2F%2B"). `space_as_plus`
// writes a space as '+', the spelling of application/x-www-form-urlencoded bodies.
std::string percent_encode(std::string_view text, bool space_as_plus = false);

} // namespace ats::shared
