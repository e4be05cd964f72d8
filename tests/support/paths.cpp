#include "paths.hpp"

namespace ats::test {

std::string binary_dir() { return ATS_TEST_BINARY_DIR; }
std::string source_dir() { return ATS_TEST_SOURCE_DIR; }
std::string bin_dir() { return std::string(ATS_TEST_BINARY_DIR) + "/bin"; }
std::string plugins_dir() { return ATS_TEST_PLUGINS_DIR; }
std::string test_plugins_dir(const std::string &name) {
    return std::string(ATS_TEST_BINARY_DIR) + "/test_plugins/" + name;
}

std::vector<std::string> ats_host_argv(const std::string &plugins, const std::string &manifests,
                                       const std::string &data_dir, const std::string &log_file,
                                       const std::vector<std::string> &command) {
    std::vector<std::string> argv{bin_dir() + "/ats-host",
                                  "--plugins",
                                  plugins,
                                  "--manifests",
                                  manifests,
                                  "--data-dir",
                                  data_dir,
                                  "--log-file",
                                  log_file};
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
}

} // namespace ats::test
