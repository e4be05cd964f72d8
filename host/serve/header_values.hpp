// header_values.hpp - response header values built from data the service does not control
// (an upstream ATS's attachment content type and file name). Whatever the upstream sends, the
// result is one well-formed header value: it can never end the header block or start another.
#pragma once

#include <string>
#include <string_view>

namespace ats::serve {

// `value` when it parses as a media type (RFC 9110 8.3.1: token "/" token, then
// *( OWS ";" OWS token "=" ( token / quoted-string ) ), ASCII only), otherwise
// "application/octet-stream".
std::string media_type_or_octet_stream(std::string_view value);

// `attachment; filename="<ASCII fallback>"` plus, when the name is not plain printable ASCII,
// `; filename*=UTF-8''<percent-encoded>` (RFC 6266 / RFC 8187). Path separators and control
// bytes never survive; an empty name becomes "download".
std::string attachment_disposition(std::string_view file_name);

} // namespace ats::serve
