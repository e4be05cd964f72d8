// The one translation unit that defines main() for the unit tests of the Tracker client's and
// provider's pure (no HTTP) pieces.
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE ats_tracker_unit
#include <boost/test/unit_test.hpp>
