#include "lock_manager.hpp"

#include "host_error.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ats::host {

// Renews the leases this process holds on a shared store, every ttl/3, on one thread.
struct LeaseRenewer {
    struct Entry {
        std::string tenant, name;
        int64_t token;
        std::shared_ptr<std::atomic<bool>> lost;
    };
    StateStore *store;
    int64_t ttl_ms;
    std::mutex mu;
    std::condition_variable wake;
    std::map<const HeldLock *, Entry> held;
    bool stopping = false;
    std::thread thread;

    LeaseRenewer(StateStore *s, int64_t ttl) : store(s), ttl_ms(ttl) {
        thread = std::thread([this] { run(); });
    }
    ~LeaseRenewer() {
        {
            std::lock_guard<std::mutex> lk(mu);
            stopping = true;
        }
        wake.notify_all();
        thread.join();
    }
    void add(const HeldLock *h, Entry e) {
        std::lock_guard<std::mutex> lk(mu);
        held.emplace(h, std::move(e));
    }
    void remove(const HeldLock *h) {
        std::lock_guard<std::mutex> lk(mu);
        held.erase(h);
    }
    void run() {
        std::unique_lock<std::mutex> lk(mu);
        while (!stopping) {
            wake.wait_for(lk, std::chrono::milliseconds(std::max<int64_t>(ttl_ms / 3, 10)));
            if (stopping) break;
            std::vector<Entry> batch;
            for (const auto &[_, e] : held)
                if (!e.lost->load()) batch.push_back(e);
            lk.unlock();
            for (const auto &e : batch) {
                try {
                    if (!store->lease_renew(e.tenant, e.name, e.token, ttl_ms)) e.lost->store(true);
                } catch (const std::exception &) {
                    // the database is unreachable: keep trying; if the lease ends meanwhile, the
                    // next renewal finds it taken over (or renews it when nobody did)
                }
            }
            lk.lock();
        }
    }
};

HeldLock::~HeldLock() {
    if (renewer_) renewer_->remove(this);
    if (store_ && token_) {
        try {
            store_->lease_release(tenant_, name_, token_);
        } catch (const std::exception &) {
            // unreachable database: the lease simply expires
        }
    }
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

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

std::string default_holder() {
    char host[256] = {0};
    if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown-host");
    return std::string(host) + " pid " + std::to_string(::getpid());
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

LockManager::LockManager(std::string locks_dir) : dir_(std::move(locks_dir)) { options_.holder = default_holder(); }

LockManager::LockManager(std::string locks_dir, StateStore *store, Options options)
    : dir_(std::move(locks_dir)), store_(store), options_(std::move(options)) {
    if (options_.holder.empty()) options_.holder = default_holder();
    if (options_.ttl_ms < 30) options_.ttl_ms = 30;
}

LockManager::~LockManager() = default;

std::unique_ptr<HeldLock> LockManager::acquire(const std::string &tenant, const std::string &name, int64_t wait_ms) {
    if (!valid_name(name))
        throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                        "lock name '" + name + "' is invalid (use letters, digits, '_', '-', '.')");
    if (store_ && store_->shared()) return acquire_lease(tenant, name, wait_ms);
    auto held = acquire_flock(tenant, name, wait_ms);
    if (store_) {
        // The flock proves that no live process holds the lock: take the lease row whatever it says.
        auto grant = store_->lease_try_acquire(tenant, name, options_.holder, options_.ttl_ms, true);
        held->store_ = store_;
        held->token_ = grant ? grant->token : 0;
    }
    // The pid last: once a process is named holder it has the lock and its lease, and is in no
    // state transaction for it (a holder frozen right then blocks nobody's state access).
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(held->fd_, 0) != 0 || ::pwrite(held->fd_, pid.data(), pid.size(), 0) < 0) {
        // the lock itself is held; the pid is only informative
    }
    return held;
}

std::unique_ptr<HeldLock> LockManager::acquire_flock(const std::string &tenant, const std::string &name,
                                                     int64_t wait_ms) {
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
                            "lock '" + name + "' of tenant '" + tenant + "' is held by pid " + holder + " (" + path +
                                ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::unique_ptr<HeldLock> held(new HeldLock());
    held->fd_ = fd;
    held->tenant_ = tenant;
    held->name_ = name;
    held->path_ = path;
    return held;
}

std::unique_ptr<HeldLock> LockManager::acquire_lease(const std::string &tenant, const std::string &name,
                                                     int64_t wait_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        if (auto grant = store_->lease_try_acquire(tenant, name, options_.holder, options_.ttl_ms, false)) {
            std::unique_ptr<HeldLock> held(new HeldLock());
            held->tenant_ = tenant;
            held->name_ = name;
            held->token_ = grant->token;
            held->store_ = store_;
            {
                std::lock_guard<std::mutex> lk(mu_);
                if (!renewer_) renewer_ = std::make_shared<LeaseRenewer>(store_, options_.ttl_ms);
                held->renewer_ = renewer_;
            }
            held->renewer_->add(held.get(), {tenant, name, grant->token, held->lost_});
            return held;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            auto cur = store_->lease_get(tenant, name);
            std::string who = cur ? cur->holder + " (lease token " + std::to_string(cur->token) + ", ends in about " +
                                        std::to_string(std::max<int64_t>(0, cur->expires_unix_ms - wall_ms())) + " ms)"
                                  : std::string("another instance");
            throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                            "lock '" + name + "' of tenant '" + tenant + "' is held by " + who + " (" + store_->path() +
                                ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace ats::host
