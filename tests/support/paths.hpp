// paths.hpp - build-tree locations compiled in by CMake (tests/support/CMakeLists.txt).
#pragma once

#include <string>

namespace ats::test {

std::string binary_dir();                              // the top build folder (PROJECT_BINARY_DIR)
std::string source_dir();                              // the repository root (PROJECT_SOURCE_DIR)
std::string bin_dir();                                 // <build>/bin: ats-host and other executables
std::string plugins_dir();                             // <build>/plugins: the production plugins
std::string test_plugins_dir(const std::string &name); // <build>/test_plugins/<name>

} // namespace ats::test
