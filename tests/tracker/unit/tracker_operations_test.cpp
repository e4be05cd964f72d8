// The tracker provider's matrix names every operation of the table (ATS_OPERATIONS) exactly once
// and nothing else: a new operation in the table fails here until the provider says what it does
// with it.
#include "ats/tracker/capabilities.hpp"

#include <ats_operations.h>
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

BOOST_AUTO_TEST_SUITE(tracker_operations)

BOOST_AUTO_TEST_CASE(the_matrix_lists_every_operation_of_the_table_once) {
#define ROW(name, shape) name,
    const std::vector<std::string> table = {ATS_OPERATIONS(ROW)};
#undef ROW
    std::map<std::string, int> listed;
    for (const auto &c : ats::tracker::tracker_capabilities()) {
        ++listed[c.operation];
        BOOST_TEST((c.support == ATS_SUPPORTED || c.reason.size() > 0),
                   c.operation << " is limited or refused without a reason");
    }
    for (const auto &name : table) BOOST_TEST(listed[name] == 1, name << " is listed " << listed[name] << " times");
    BOOST_TEST(listed.size() == table.size(), "the matrix names operations the table does not know");
}

BOOST_AUTO_TEST_SUITE_END()
