// lock_manager.hpp - exclusive named locks per tenant, across processes: flock() on
// <data-dir>/locks/<tenant>.<name>.lock. The kernel drops a flock when its holder dies, so a
// crashed sync never leaves a lock behind. The holder writes its pid into the file, so a refused
// caller can be told who holds it. Two acquisitions in one process also exclude each other
// (each opens its own file description).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ats::host {

class FileLock {
public:
    ~FileLock(); // releases
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;
    const std::string &path() const { return path_; }

private:
    friend class LockManager;
    FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_;
    std::string path_;
};

class LockManager {
public:
    explicit LockManager(std::string locks_dir); // created on first use
    // Waits up to wait_ms (0 = one try). Throws HostError(operation, ATS_ERR_CONFLICT) naming the
    // lock and the holder's pid when it cannot be had, HostError(..., ATS_ERR_INVALID_ARGUMENT) for
    // a bad name, std::runtime_error for I/O errors.
    std::unique_ptr<FileLock> acquire(const std::string &tenant, const std::string &name, int64_t wait_ms);
    const std::string &directory() const { return dir_; }

private:
    std::string dir_;
};

} // namespace ats::host
