// timezone.hpp - an IANA time zone for converting Tracker's offset-less local timestamps.
//
// Tracker stores and answers "YYYY-MM-DD HH:MM:SS" in the account's local zone with no offset
// (TRACKER-ASSUMPTION A8), and compares `updatedafter` filters as local times. This class turns
// such strings into UTC ISO 8601 ("2026-03-29T00:30:00Z") and back, using the tz database in
// /usr/share/zoneinfo (Howard Hinnant's date library in USE_OS_TZDB mode), never a fixed offset.
//
// Daylight saving, decided deliberately:
//   * Spring gap (e.g. Europe/London 2026-03-29 01:00-01:59 never exists): a local time in the gap
//     is read with the offset in force BEFORE the change, i.e. shifted forward by the gap's length
//     ("01:30" -> 01:30Z, the instant the clocks showed 02:30 BST). Same rule as java.time and
//     Python's fold=0. Such a time can only come from a clock that had not moved yet.
//   * Autumn overlap (2026-10-25 01:00-01:59 happens twice in London): local_to_utc takes the
//     EARLIER instant (the first pass, BST). An updated_at in the repeated hour may then be up to
//     one hour early, never late, so a consumer that checkpoints on it re-reads rather than skips.
//   * Filters (utc_to_local_filter): Tracker compares local strings, which are not monotonic in
//     the repeated hour. To never miss a record, a cut-off instant that falls in the FIRST pass of
//     the repeated hour is widened to the start of the repeated hour (its second pass begins
//     there, and everything updated during it is after the cut-off). The price is re-reading at
//     most one hour of records, which at-least-once delivery tolerates.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ats::shared {

using UtcSeconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// Parses ISO 8601 with a zone: "2026-03-29T00:30:00Z", "...00:30:00.123Z", "...+01:00", and
// also "2026-03-29" (midnight UTC). Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming `what`.
UtcSeconds parse_utc_iso8601(std::string_view text, std::string_view what);
// "2026-03-29T00:30:00Z"
std::string format_utc_iso8601(UtcSeconds t);

class TimeZone {
public:
    // Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming the zone when it is not in the tz db.
    explicit TimeZone(std::string_view iana_name);

    const std::string &name() const { return name_; }

    // "YYYY-MM-DD HH:MM:SS" (also "YYYY-MM-DDTHH:MM:SS", "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" =
    // local midnight) in this zone -> UTC instant. Throws INVALID_ARGUMENT naming `what`.
    UtcSeconds local_to_utc(std::string_view local, std::string_view what) const;
    std::string local_to_utc_iso(std::string_view local, std::string_view what) const {
        return format_utc_iso8601(local_to_utc(local, what));
    }

    // UTC instant -> "YYYY-MM-DD HH:MM:SS" in this zone (the wall clock at that instant).
    std::string utc_to_local(UtcSeconds t) const;
    // The local string to send as an `updatedafter` filter so that every record updated at or
    // after `t` matches `lastupdated >= filter` (widened in the autumn overlap; see above).
    std::string utc_to_local_filter(UtcSeconds t) const;

private:
    std::string name_;
    const void *zone_; // const date::time_zone*, kept opaque to keep <date/tz.h> out of this header
};

} // namespace ats::shared
