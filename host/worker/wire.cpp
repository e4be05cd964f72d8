#include "wire.hpp"

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ats::wire {

Channel::~Channel() {
    if (fd_ >= 0) ::close(fd_);
}

bool Channel::send(Out &out) { return send_raw(out.frame()); }

bool Channel::send_raw(const std::string &f) {
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

bool Channel::fill(size_t need) {
    while (rbuf_.size() - rpos_ < need) {
        if (rpos_ > 0 && rpos_ >= rbuf_.size() / 2) { // drop what was consumed
            rbuf_.erase(0, rpos_);
            rpos_ = 0;
        }
        size_t old = rbuf_.size();
        size_t chunk = std::max<size_t>(64 * 1024, need - (old - rpos_));
        rbuf_.resize(old + chunk);
        ssize_t r = ::recv(fd_, rbuf_.data() + old, chunk, 0);
        rbuf_.resize(old + (r > 0 ? static_cast<size_t>(r) : 0));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
    }
    return true;
}

bool Channel::receive(In &in) {
    uint32_t n = 0;
    if (!fill(4)) return false;
    std::memcpy(&n, rbuf_.data() + rpos_, 4);
    if (n < 9 || n > kMaxFrame || !fill(4 + static_cast<size_t>(n))) return false;
    in = In(rbuf_.substr(rpos_ + 4, n));
    rpos_ += 4 + static_cast<size_t>(n);
    return true;
}

bool Channel::frame_buffered() const {
    if (rbuf_.size() - rpos_ < 4) return false;
    uint32_t n = 0;
    std::memcpy(&n, rbuf_.data() + rpos_, 4);
    return rbuf_.size() - rpos_ >= 4 + static_cast<size_t>(n);
}

bool Channel::wait_readable(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    return r > 0 || (r < 0 && errno != EINTR);
}

void Channel::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

} // namespace ats::wire
