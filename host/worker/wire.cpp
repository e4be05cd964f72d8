#include "wire.hpp"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace ats::wire {

Channel::~Channel() {
    if (fd_ >= 0) ::close(fd_);
}

bool Channel::send(Out &out) {
    const std::string &f = out.frame();
    std::lock_guard<std::mutex> lock(send_mu_);
    size_t done = 0;
    while (done < f.size()) {
        ssize_t n = ::send(fd_, f.data() + done, f.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

namespace {
bool read_exact(int fd, void *p, size_t n) {
    auto *c = static_cast<char *>(p);
    while (n) {
        ssize_t r = ::recv(fd, c, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        c += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}
} // namespace

bool Channel::receive(In &in) {
    uint32_t n = 0;
    if (!read_exact(fd_, &n, 4) || n < 9 || n > kMaxFrame) return false;
    std::string payload(n, '\0');
    if (!read_exact(fd_, payload.data(), n)) return false;
    in = In(std::move(payload));
    return true;
}

void Channel::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

} // namespace ats::wire
