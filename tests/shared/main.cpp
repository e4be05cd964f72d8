// The one translation unit that defines main() for the unit tests of plugins/shared.
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE ats_shared_unit
#include <boost/test/unit_test.hpp>
