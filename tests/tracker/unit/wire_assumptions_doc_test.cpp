// WIRE_ASSUMPTIONS.md must say what the one table in code says (ats/shared/wire_assumptions.hpp):
// its generated tables are compared with the table's rendering. On a difference the test prints
// the table to paste between the markers.
#include <boost/test/unit_test.hpp>

#include "ats/shared/wire_assumptions.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {
std::string read_doc() {
    std::ifstream in(ATS_WIRE_ASSUMPTIONS_MD);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text between "<!-- generated: <system> -->\n" and "<!-- end: <system> -->".
std::string section(const std::string &doc, const std::string &system) {
    const std::string begin = "<!-- generated: " + system + " -->\n", end = "<!-- end: " + system + " -->";
    size_t b = doc.find(begin), e = doc.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) return "(markers for " + system + " missing)";
    return doc.substr(b + begin.size(), e - b - begin.size());
}
} // namespace

BOOST_AUTO_TEST_SUITE(wire_assumptions_doc)

BOOST_AUTO_TEST_CASE(the_document_renders_the_table) {
    const std::string doc = read_doc();
    BOOST_REQUIRE_MESSAGE(!doc.empty(), "cannot read " << ATS_WIRE_ASSUMPTIONS_MD);
    for (const char *system : {"tracker", "kombo"}) {
        const std::string want = ats::shared::wire_assumptions_markdown(system);
        BOOST_TEST(section(doc, system) == want,
                   "WIRE_ASSUMPTIONS.md (" << system
                                           << ") differs from the table in "
                                              "plugins/shared/include/ats/shared/wire_assumptions.hpp; paste:\n"
                                           << want);
    }
}

BOOST_AUTO_TEST_CASE(tags_are_unique_and_unviolable_rows_say_why) {
    std::set<std::string_view> ids;
    for (const auto &a : ats::shared::kWireAssumptions) {
        BOOST_TEST(ids.insert(a.id).second, a.id);
        BOOST_TEST((a.system == "tracker" || a.system == "kombo"));
        if (!a.read_only_checkable) BOOST_TEST(a.probe.rfind("not checkable read-only: ", 0) == 0u, a.id);
    }
}

BOOST_AUTO_TEST_SUITE_END()
