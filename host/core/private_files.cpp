#include "private_files.hpp"

#include "host_error.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ats::host {
namespace {

std::string mode_text(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

void refuse(const std::string &what, const std::string &path, mode_t mode, const char *fix_mode) {
    throw HostError(ErrorKind::usage, ATS_ERR_FORBIDDEN,
                    what + " " + path + " is open to other users (mode " + mode_text(mode) +
                        "); it holds applicants' personal data and credentials: run `chmod " + fix_mode + " " + path +
                        "`, or pass --allow-shared-data-dir if sharing it is intended");
}

} // namespace

void ensure_private_dir(const std::string &dir, bool allow_shared) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        boost::filesystem::path p(dir);
        if (p.has_parent_path()) boost::filesystem::create_directories(p.parent_path());
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT,
                            "cannot create data directory " + dir + ": " + std::strerror(errno));
        if (::stat(dir.c_str(), &st) != 0)
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT,
                            "cannot read " + dir + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT, dir + " is not a directory");
    if ((st.st_mode & 077) && !allow_shared) refuse("data directory", dir, st.st_mode, "700");
}

void ensure_private_file(const std::string &file, bool allow_shared, bool create) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (!create) return;
        int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT,
                            "cannot create " + file + ": " + std::strerror(errno));
        ::close(fd);
        if (::stat(file.c_str(), &st) != 0) return;
    }
    if ((st.st_mode & 066) && !allow_shared) refuse("state file", file, st.st_mode, "600");
}

} // namespace ats::host
