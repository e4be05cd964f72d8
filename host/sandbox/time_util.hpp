#pragma once
// Time in the sandbox: a virtual clock (real time plus an offset that the admin API can move, or a
// frozen instant) and the two wire formats: Kombo ISO-8601 UTC and Tracker local time without zone
// (TRACKER-ASSUMPTION A8), converted through the IANA database (libhowardhinnant-date, OS tzdb).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace date {
class time_zone;
}

namespace ats::sandbox {

using EpochMs = std::int64_t;

class VirtualClock {
public:
    EpochMs now() const;
    void advance(EpochMs delta_ms);
    // Moves the clock to `at`; when `freeze` it stays there until advanced or unfrozen.
    void set(EpochMs at, bool freeze);
    void reset();

private:
    mutable std::mutex mutex_;
    EpochMs offset_ms_ = 0;
    std::optional<EpochMs> frozen_;
};

EpochMs real_now_ms();

// "2026-03-29T00:30:00.000Z"
std::string iso_utc(EpochMs ms);
// Accepts Kombo's filter pattern ^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?Z?$ (always UTC).
std::optional<EpochMs> parse_iso(const std::string &text);

class TrackerZone {
public:
    explicit TrackerZone(const std::string &iana_name); // throws std::runtime_error naming the zone
    const std::string &name() const { return name_; }
    // "YYYY-MM-DD HH:MM:SS" in the zone.
    std::string local_datetime(EpochMs ms) const;
    // "YYYY-MM-DD" in the zone.
    std::string local_date(EpochMs ms) const;
    // "HH:MM AM" in the zone (createActivity's documented time format).
    std::string local_time_ampm(EpochMs ms) const;
    // Parses "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" as local time; a time skipped or repeated by a
    // DST change resolves to the earliest instant.
    std::optional<EpochMs> parse_local(const std::string &text) const;

private:
    std::string name_;
    const date::time_zone *zone_;
};

} // namespace ats::sandbox
