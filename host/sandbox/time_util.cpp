#include "time_util.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <stdexcept>

namespace ats::sandbox {

namespace {
using Ms = std::chrono::milliseconds;
using SysMs = date::sys_time<Ms>;
} // namespace

EpochMs real_now_ms() {
    return std::chrono::duration_cast<Ms>(std::chrono::system_clock::now().time_since_epoch()).count();
}

EpochMs VirtualClock::now() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (frozen_) return *frozen_;
    return real_now_ms() + offset_ms_;
}

void VirtualClock::advance(EpochMs delta_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (frozen_)
        *frozen_ += delta_ms;
    else
        offset_ms_ += delta_ms;
}

void VirtualClock::set(EpochMs at, bool freeze) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (freeze) {
        frozen_ = at;
    } else {
        frozen_.reset();
        offset_ms_ = at - real_now_ms();
    }
}

void VirtualClock::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    offset_ms_ = 0;
    frozen_.reset();
}

std::string iso_utc(EpochMs ms) {
    SysMs tp{Ms{ms}};
    return date::format("%FT%TZ", tp); // %T with millisecond precision prints HH:MM:SS.mmm
}

std::optional<EpochMs> parse_iso(const std::string &text) {
    static const std::regex pattern(R"(^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.(\d+))?)?Z?$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
    date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                             date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    EpochMs result = std::chrono::duration_cast<Ms>(date::sys_days{ymd}.time_since_epoch()).count();
    if (m[4].matched) {
        int h = std::stoi(m[5]), mi = std::stoi(m[6]), s = std::stoi(m[7]);
        if (h > 23 || mi > 59 || s > 60) return std::nullopt;
        result += ((h * 60 + mi) * 60 + s) * 1000LL;
        if (m[9].matched) {
            std::string frac = m[9].str();
            frac.resize(3, '0');
            result += std::stoi(frac.substr(0, 3));
        }
    }
    return result;
}

TrackerZone::TrackerZone(const std::string &iana_name) : name_(iana_name), zone_(nullptr) {
    try {
        zone_ = date::locate_zone(iana_name);
    } catch (const std::exception &e) {
        throw std::runtime_error("unknown IANA time zone '" + iana_name + "': " + e.what());
    }
}

std::string TrackerZone::local_datetime(EpochMs ms) const {
    auto zoned = date::make_zoned(zone_, date::floor<std::chrono::seconds>(SysMs{Ms{ms}}));
    return date::format("%Y-%m-%d %H:%M:%S", zoned.get_local_time());
}

std::string TrackerZone::local_date(EpochMs ms) const {
    auto zoned = date::make_zoned(zone_, date::floor<std::chrono::seconds>(SysMs{Ms{ms}}));
    return date::format("%Y-%m-%d", zoned.get_local_time());
}

std::string TrackerZone::local_time_ampm(EpochMs ms) const {
    auto zoned = date::make_zoned(zone_, date::floor<std::chrono::seconds>(SysMs{Ms{ms}}));
    auto local = zoned.get_local_time();
    auto day = date::floor<date::days>(local);
    date::hh_mm_ss<std::chrono::seconds> hms{local - day};
    int hour = static_cast<int>(hms.hours().count());
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%d:%02d %s", hour % 12 == 0 ? 12 : hour % 12,
                  static_cast<int>(hms.minutes().count()), hour < 12 ? "AM" : "PM");
    return buffer;
}

std::optional<EpochMs> TrackerZone::parse_local(const std::string &text) const {
    static const std::regex pattern(R"(^(\d{4})-(\d{2})-(\d{2})( (\d{2}):(\d{2})(:(\d{2}))?)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    date::year_month_day ymd{date::year{std::stoi(m[1])}, date::month{static_cast<unsigned>(std::stoi(m[2]))},
                             date::day{static_cast<unsigned>(std::stoi(m[3]))}};
    if (!ymd.ok()) return std::nullopt;
    date::local_seconds local{date::local_days{ymd}.time_since_epoch()};
    if (m[4].matched) {
        int h = std::stoi(m[5]), mi = std::stoi(m[6]), s = m[8].matched ? std::stoi(m[8]) : 0;
        if (h > 23 || mi > 59 || s > 59) return std::nullopt;
        local += std::chrono::seconds{(h * 60 + mi) * 60 + s};
    }
    auto sys = zone_->to_sys(local, date::choose::earliest);
    return std::chrono::duration_cast<Ms>(sys.time_since_epoch()).count();
}

} // namespace ats::sandbox
