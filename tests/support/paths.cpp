#include "paths.hpp"

namespace ats::test {

std::string binary_dir() { return ATS_TEST_BINARY_DIR; }
std::string source_dir() { return ATS_TEST_SOURCE_DIR; }
std::string bin_dir() { return std::string(ATS_TEST_BINARY_DIR) + "/bin"; }
std::string plugins_dir() { return ATS_TEST_PLUGINS_DIR; }
std::string test_plugins_dir(const std::string &name) {
    return std::string(ATS_TEST_BINARY_DIR) + "/test_plugins/" + name;
}

} // namespace ats::test
