// paths.hpp - build-tree locations compiled in by CMake (tests/support/CMakeLists.txt).
#pragma once

#include <string>
#include <vector>

namespace ats::test {

std::string binary_dir();                              // the top build folder (PROJECT_BINARY_DIR)
std::string source_dir();                              // the repository root (PROJECT_SOURCE_DIR)
std::string bin_dir();                                 // <build>/bin: ats-host and other executables
std::string plugins_dir();                             // <build>/plugins: the production plugins
std::string test_plugins_dir(const std::string &name); // <build>/test_plugins/<name>

// argv of the built `ats-host` with its plugins, manifests, data folder and log file, then `command`.
std::vector<std::string> ats_host_argv(const std::string &plugins, const std::string &manifests,
                                       const std::string &data_dir, const std::string &log_file,
                                       const std::vector<std::string> &command);

} // namespace ats::test
