#include "ats/shared/timezone.hpp"

#include <ats_plugin.hpp>
#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <stdexcept>

namespace ats::shared {

namespace {

using namespace std::chrono;

[[noreturn]] void bad_time(std::string_view what, std::string_view text, std::string_view expected) {
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, std::string(what) + ": '" + std::string(text) +
                                                        "' is not a valid time (expected " + std::string(expected) +
                                                        ")");
}

// Reads exactly `n` digits at s[pos]; -1 when they are not digits.
int digits(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

struct Fields {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    size_t end = 0; // index after the last character consumed
};

// "YYYY-MM-DD" then optionally [T| ]HH:MM[:SS[.fff]]. Returns false on a syntax error.
bool parse_fields(std::string_view s, Fields &f) {
    f.y = digits(s, 0, 4);
    if (f.y < 0 || s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    f.mo = digits(s, 5, 2);
    f.d = digits(s, 8, 2);
    if (f.mo < 0 || f.d < 0) return false;
    f.end = 10;
    if (s.size() == 10) return true;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    f.h = digits(s, 11, 2);
    if (f.h < 0 || s.size() < 16 || s[13] != ':') return false;
    f.mi = digits(s, 14, 2);
    if (f.mi < 0) return false;
    f.end = 16;
    if (f.end < s.size() && s[f.end] == ':') {
        f.sec = digits(s, 17, 2);
        if (f.sec < 0) return false;
        f.end = 19;
        if (f.end < s.size() && s[f.end] == '.') { // fractional seconds are dropped (Tracker has none)
            ++f.end;
            size_t start = f.end;
            while (f.end < s.size() && s[f.end] >= '0' && s[f.end] <= '9') ++f.end;
            if (f.end == start) return false;
        }
    }
    return true;
}

bool valid_fields(const Fields &f) {
    date::year_month_day ymd{date::year{f.y}, date::month{static_cast<unsigned>(f.mo)},
                             date::day{static_cast<unsigned>(f.d)}};
    return ymd.ok() && f.h <= 23 && f.mi <= 59 && f.sec <= 59;
}

template <class Clock>
time_point<Clock, seconds> to_time_point(const Fields &f) {
    date::year_month_day ymd{date::year{f.y}, date::month{static_cast<unsigned>(f.mo)},
                             date::day{static_cast<unsigned>(f.d)}};
    auto days = date::local_days{ymd}.time_since_epoch();
    return time_point<Clock, seconds>{duration_cast<seconds>(days) + hours{f.h} + minutes{f.mi} + seconds{f.sec}};
}

const date::time_zone *tz(const void *p) { return static_cast<const date::time_zone *>(p); }

} // namespace

UtcSeconds parse_utc_iso8601(std::string_view text, std::string_view what) {
    static constexpr std::string_view expected = "ISO 8601 with a zone, e.g. 2026-03-29T00:30:00Z";
    Fields f;
    if (!parse_fields(text, f) || !valid_fields(f)) bad_time(what, text, expected);
    UtcSeconds t{to_time_point<date::local_t>(f).time_since_epoch()};
    std::string_view rest = text.substr(f.end);
    if (f.end == 10 && rest.empty()) return t; // a bare date: midnight UTC
    if (rest == "Z" || rest == "z") return t;
    if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        int oh = digits(rest, 1, 2), om = digits(rest, 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59) bad_time(what, text, expected);
        seconds off = hours{oh} + minutes{om};
        return rest[0] == '+' ? t - off : t + off;
    }
    bad_time(what, text, expected);
}

// Every record's timestamps pass here: digits written directly, where date::format built an
// ostringstream (locale, facets) per call and showed in a stream's profile.
std::string format_utc_iso8601(UtcSeconds t) {
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<seconds> time{t - day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) return date::format("%Y-%m-%dT%H:%M:%SZ", t); // as before, rare
    char text[24];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
    return text;
}

TimeZone::TimeZone(std::string_view iana_name) : name_(iana_name), zone_(nullptr) {
    try {
        zone_ = date::locate_zone(name_);
    } catch (const std::exception &) {
        zone_ = nullptr;
    }
    if (!zone_)
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              "time zone '" + name_ + "' is not in the IANA tz database (/usr/share/zoneinfo)");
}

UtcSeconds TimeZone::local_to_utc(std::string_view local, std::string_view what) const {
    Fields f;
    if (!parse_fields(local, f) || f.end != local.size() || !valid_fields(f))
        bad_time(what, local, "local time 'YYYY-MM-DD HH:MM:SS'");
    date::local_seconds ls = to_time_point<date::local_t>(f);
    date::local_info li = tz(zone_)->get_info(ls);
    switch (li.result) {
    case date::local_info::unique: return UtcSeconds{ls.time_since_epoch() - li.first.offset};
    case date::local_info::nonexistent:
        // Spring gap: the offset in force before the change (li.first) shifts it forward.
        return UtcSeconds{ls.time_since_epoch() - li.first.offset};
    case date::local_info::ambiguous:
    default:
        // Autumn overlap: the earlier instant, i.e. with the offset of the first pass.
        return UtcSeconds{ls.time_since_epoch() - li.first.offset};
    }
}

std::string TimeZone::utc_to_local(UtcSeconds t) const {
    date::zoned_seconds z{tz(zone_), t};
    return date::format("%Y-%m-%d %H:%M:%S", z.get_local_time());
}

std::string TimeZone::utc_to_local_filter(UtcSeconds t) const {
    date::sys_info si = tz(zone_)->get_info(t);
    date::local_seconds local{t.time_since_epoch() + si.offset};
    date::local_info li = tz(zone_)->get_info(local);
    if (li.result == date::local_info::ambiguous && t < li.second.begin) {
        // First pass of a repeated hour: widen to where the second pass starts on the wall clock.
        date::local_seconds second_start{li.second.begin.time_since_epoch() + li.second.offset};
        return date::format("%Y-%m-%d %H:%M:%S", second_start);
    }
    return date::format("%Y-%m-%d %H:%M:%S", local);
}

} // namespace ats::shared
