// utc_time.hpp - the one text form of an instant the project writes with milliseconds.
//
// Log lines, sync reports and Kombo's `updated_after` filter all spell an instant the same way, so
// the formatter lives here once. It is a piece of its own (no time zone database, no JSON) because
// the host links it as well as every plugin: the host may not depend on the rest of shared.
#pragma once

#include <cstdint>
#include <string>

namespace ats::shared {

// ISO 8601 UTC with milliseconds: 1767323045123 -> "2026-01-02T03:04:05.123Z".
std::string format_utc_iso8601_ms(int64_t unix_ms);

} // namespace ats::shared
