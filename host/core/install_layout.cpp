#include "install_layout.hpp"

#include <boost/filesystem.hpp>

#include <unistd.h>

#ifndef ATS_INSTALL_BIN_TO_PLUGINS
#define ATS_INSTALL_BIN_TO_PLUGINS "../lib/ats-host/plugins"
#endif

namespace ats::host {

std::string executable_dir() {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    buf[n] = '\0';
    return boost::filesystem::path(buf).parent_path().string();
}

std::string default_plugins_dir() {
    namespace fs = boost::filesystem;
    fs::path exe = executable_dir();
    boost::system::error_code ec;
    fs::path build_tree = (exe / ".." / "plugins").lexically_normal();
    if (fs::is_directory(build_tree, ec)) return build_tree.string();
    return (exe / ATS_INSTALL_BIN_TO_PLUGINS).lexically_normal().string();
}

} // namespace ats::host
