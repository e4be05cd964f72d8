#include "lock_manager.hpp"

#include "host_error.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ats::host {

FileLock::~FileLock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

LockManager::LockManager(std::string locks_dir) : dir_(std::move(locks_dir)) {}

namespace {
bool valid_name(const std::string &s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
    return s.find("..") == std::string::npos;
}

std::string read_holder(int fd) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.empty() ? "unknown" : s;
}
} // namespace

std::unique_ptr<FileLock> LockManager::acquire(const std::string &tenant, const std::string &name, int64_t wait_ms) {
    if (!valid_name(name))
        throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                        "lock name '" + name + "' is invalid (use letters, digits, '_', '-', '.')");
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) { // private like the data directory
        boost::system::error_code ec;
        boost::filesystem::create_directories(dir_, ec);
        ::chmod(dir_.c_str(), 0700);
    }
    std::string path = dir_ + "/" + tenant + "." + name + ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            ::close(fd);
            throw std::runtime_error("cannot lock " + path + ": " + std::strerror(e));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            std::string holder = read_holder(fd);
            ::close(fd);
            throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                            "lock '" + name + "' of tenant '" + tenant + "' is held by pid " + holder + " (" + path + ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // the lock itself is held; the pid is only informative
    }
    return std::unique_ptr<FileLock>(new FileLock(fd, path));
}

} // namespace ats::host
