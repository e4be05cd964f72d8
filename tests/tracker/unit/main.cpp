// The one translation unit that defines main() for the unit tests of plugins/shared and the
// Tracker client's pure (no HTTP) pieces.
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE ats_tracker_unit
#include <boost/test/unit_test.hpp>
