// test_plugin_dir.hpp - compose a plugins folder from the test plugins built into
// <build>/test_plugins/all (tests/abi/CMakeLists.txt), Vulkan-loader style.
#pragma once

#include "paths.hpp"
#include "temp_dir.hpp"

#include <boost/filesystem.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace ats::test {

// Path of a built test plugin: name "good" -> <build>/test_plugins/all/libatstest_good.so.
inline std::string test_plugin_path(const std::string &name) {
    return test_plugins_dir("all") + "/libatstest_" + name + ".so";
}

// Copies the named test plugins into `dir` (created); returns dir.
inline std::string make_plugin_dir(const std::string &dir, const std::vector<std::string> &names) {
    boost::filesystem::create_directories(dir);
    for (const auto &n : names) {
        std::string src = test_plugin_path(n);
        if (!boost::filesystem::exists(src)) throw std::runtime_error("test plugin not built: " + src);
        boost::filesystem::copy_file(src, dir + "/libatstest_" + n + ".so",
                                     boost::filesystem::copy_options::overwrite_existing);
    }
    return dir;
}

} // namespace ats::test
