#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/timezone.hpp"

#include <ats_plugin.hpp>

using ats::shared::format_utc_iso8601;
using ats::shared::parse_utc_iso8601;
using ats::shared::TimeZone;

namespace {
std::string to_utc(const TimeZone &z, const char *local) { return z.local_to_utc_iso(local, "test"); }
std::string to_local(const TimeZone &z, const char *iso) { return z.utc_to_local(parse_utc_iso8601(iso, "test")); }
std::string to_filter(const TimeZone &z, const char *iso) {
    return z.utc_to_local_filter(parse_utc_iso8601(iso, "test"));
}
} // namespace

BOOST_AUTO_TEST_SUITE(shared_timezone)

BOOST_AUTO_TEST_CASE(iso8601_parsing_and_formatting) {
    BOOST_TEST(format_utc_iso8601(parse_utc_iso8601("2026-03-29T00:30:00Z", "t")) == "2026-03-29T00:30:00Z");
    BOOST_TEST(format_utc_iso8601(parse_utc_iso8601("2026-03-29T00:30:00.999Z", "t")) == "2026-03-29T00:30:00Z");
    BOOST_TEST(format_utc_iso8601(parse_utc_iso8601("2026-03-29T02:30:00+01:00", "t")) == "2026-03-29T01:30:00Z");
    BOOST_TEST(format_utc_iso8601(parse_utc_iso8601("2026-03-28T20:30:00-05:00", "t")) == "2026-03-29T01:30:00Z");
    BOOST_TEST(format_utc_iso8601(parse_utc_iso8601("2026-03-29", "t")) == "2026-03-29T00:00:00Z");
    for (const char *bad : {"2026-03-29T00:30:00", "2026-02-30T00:00:00Z", "yesterday", "2026-03-29T25:00:00Z", ""}) {
        try {
            parse_utc_iso8601(bad, "applications.stream argument 'updated_after'");
            BOOST_FAIL("accepted " << bad);
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
            BOOST_TEST(std::string(e.what()).find("updated_after") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_zone_is_rejected_by_name) {
    try {
        TimeZone z("Europe/Atlantis");
        BOOST_FAIL("accepted an unknown zone");
    } catch (const ats::sdk::Error &e) {
        BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find("Europe/Atlantis") != std::string::npos);
    }
}

// Europe/London 2026: BST starts 2026-03-29 01:00 UTC (01:00 local -> 02:00), ends 2026-10-25
// 01:00 UTC (02:00 BST -> 01:00 GMT).
BOOST_AUTO_TEST_CASE(london_spring_change_both_sides) {
    TimeZone z("Europe/London");
    BOOST_TEST(to_utc(z, "2026-03-29 00:59:59") == "2026-03-29T00:59:59Z"); // GMT, before
    BOOST_TEST(to_utc(z, "2026-03-29 02:00:00") == "2026-03-29T01:00:00Z"); // BST, after
    BOOST_TEST(to_utc(z, "2026-03-29 03:30:00") == "2026-03-29T02:30:00Z");
    // The gap 01:00-01:59 does not exist: read with the offset before the change (shift forward).
    BOOST_TEST(to_utc(z, "2026-03-29 01:30:00") == "2026-03-29T01:30:00Z");
    BOOST_TEST(to_local(z, "2026-03-29T00:59:59Z") == "2026-03-29 00:59:59");
    BOOST_TEST(to_local(z, "2026-03-29T01:00:00Z") == "2026-03-29 02:00:00");
    BOOST_TEST(to_filter(z, "2026-03-29T00:30:00Z") == "2026-03-29 00:30:00");
    BOOST_TEST(to_filter(z, "2026-03-29T01:30:00Z") == "2026-03-29 02:30:00");
}

BOOST_AUTO_TEST_CASE(london_autumn_change_both_sides) {
    TimeZone z("Europe/London");
    BOOST_TEST(to_utc(z, "2026-10-25 00:59:59") == "2026-10-24T23:59:59Z"); // BST, before
    BOOST_TEST(to_utc(z, "2026-10-25 02:00:00") == "2026-10-25T02:00:00Z"); // GMT, after
    // 01:30 happens twice (00:30Z BST and 01:30Z GMT): the earlier instant is chosen.
    BOOST_TEST(to_utc(z, "2026-10-25 01:30:00") == "2026-10-25T00:30:00Z");
    BOOST_TEST(to_local(z, "2026-10-25T00:30:00Z") == "2026-10-25 01:30:00");
    BOOST_TEST(to_local(z, "2026-10-25T01:30:00Z") == "2026-10-25 01:30:00");
    // Filter from inside the first pass widens to the start of the repeated hour...
    BOOST_TEST(to_filter(z, "2026-10-25T00:30:00Z") == "2026-10-25 01:00:00");
    // ...from the second pass or outside the overlap it is the plain wall-clock time.
    BOOST_TEST(to_filter(z, "2026-10-25T01:30:00Z") == "2026-10-25 01:30:00");
    BOOST_TEST(to_filter(z, "2026-10-24T23:30:00Z") == "2026-10-25 00:30:00");
    BOOST_TEST(to_filter(z, "2026-10-25T02:00:00Z") == "2026-10-25 02:00:00");
    // Summer and winter offsets away from the changes.
    BOOST_TEST(to_utc(z, "2026-07-01 12:00:00") == "2026-07-01T11:00:00Z");
    BOOST_TEST(to_utc(z, "2026-01-15 12:00:00") == "2026-01-15T12:00:00Z");
}

// America/New_York 2026: EDT starts 2026-03-08 02:00 EST (07:00Z), ends 2026-11-01 02:00 EDT (06:00Z).
BOOST_AUTO_TEST_CASE(new_york_both_changes) {
    TimeZone z("America/New_York");
    BOOST_TEST(to_utc(z, "2026-03-08 01:59:59") == "2026-03-08T06:59:59Z");
    BOOST_TEST(to_utc(z, "2026-03-08 03:00:00") == "2026-03-08T07:00:00Z");
    BOOST_TEST(to_utc(z, "2026-03-08 02:30:00") == "2026-03-08T07:30:00Z"); // gap: EST offset, shifted forward
    BOOST_TEST(to_utc(z, "2026-11-01 00:59:59") == "2026-11-01T04:59:59Z");
    BOOST_TEST(to_utc(z, "2026-11-01 01:30:00") == "2026-11-01T05:30:00Z"); // overlap: EDT, the earlier
    BOOST_TEST(to_utc(z, "2026-11-01 02:00:00") == "2026-11-01T07:00:00Z");
    BOOST_TEST(to_filter(z, "2026-11-01T05:30:00Z") == "2026-11-01 01:00:00");
    BOOST_TEST(to_filter(z, "2026-11-01T06:30:00Z") == "2026-11-01 01:30:00");
    BOOST_TEST(to_local(z, "2026-03-08T07:00:00Z") == "2026-03-08 03:00:00");
}

BOOST_AUTO_TEST_CASE(local_formats_and_errors) {
    TimeZone z("Europe/London");
    BOOST_TEST(to_utc(z, "2026-07-01T12:00:00") == "2026-07-01T11:00:00Z");
    BOOST_TEST(to_utc(z, "2026-07-01 12:00") == "2026-07-01T11:00:00Z");
    BOOST_TEST(to_utc(z, "2026-07-01") == "2026-06-30T23:00:00Z");
    for (const char *bad : {"2026-07-01 12:00:00Z", "01/07/2026", "2026-13-01 00:00:00", ""}) {
        try {
            z.local_to_utc(bad, "Tracker OR 5 lastupdated");
            BOOST_FAIL("accepted " << bad);
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(std::string(e.what()).find("lastupdated") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
