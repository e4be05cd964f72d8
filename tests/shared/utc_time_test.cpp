#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/utc_time.hpp"

BOOST_AUTO_TEST_SUITE(shared_utc_time)

BOOST_AUTO_TEST_CASE(milliseconds_in_utc) {
    BOOST_TEST(ats::shared::format_utc_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(ats::shared::format_utc_iso8601_ms(1767323045123) == "2026-01-02T03:04:05.123Z");
    BOOST_TEST(ats::shared::format_utc_iso8601_ms(1767323045007) == "2026-01-02T03:04:05.007Z");
}

BOOST_AUTO_TEST_SUITE_END()
