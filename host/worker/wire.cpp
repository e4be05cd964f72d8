#include "wire.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
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
    while (rlen_ - rpos_ < need) {
        if (rpos_ > 0 && rpos_ >= rlen_ / 2) { // drop what was consumed
            std::memmove(rbuf_.get(), rbuf_.get() + rpos_, rlen_ - rpos_);
            rlen_ -= rpos_;
            rpos_ = 0;
        }
        // Room for at least 64 KiB more (a whole batch frame in one read), grown when a frame
        // needs more; the buffer is never zero-filled nor given back between frames.
        size_t room = std::max<size_t>(64 * 1024, need - (rlen_ - rpos_));
        if (rcap_ - rlen_ < room) {
            size_t cap = std::max(rcap_ * 2, rlen_ + room);
            std::unique_ptr<char[]> bigger(new char[cap]);
            if (rlen_) std::memcpy(bigger.get(), rbuf_.get(), rlen_);
            rbuf_ = std::move(bigger);
            rcap_ = cap;
        }
        ssize_t r = ::recv(fd_, rbuf_.get() + rlen_, rcap_ - rlen_, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        rlen_ += static_cast<size_t>(r);
    }
    return true;
}

bool Channel::receive(In &in) {
    uint32_t n = 0;
    if (!fill(4)) return false;
    std::memcpy(&n, rbuf_.get() + rpos_, 4);
    if (n < 9 || n > kMaxFrame || !fill(4 + static_cast<size_t>(n))) return false;
    in = In(std::string(rbuf_.get() + rpos_ + 4, n));
    rpos_ += 4 + static_cast<size_t>(n);
    return true;
}

bool Channel::frame_buffered() const {
    if (rlen_ - rpos_ < 4) return false;
    uint32_t n = 0;
    std::memcpy(&n, rbuf_.get() + rpos_, 4);
    return rlen_ - rpos_ >= 4 + static_cast<size_t>(n);
}

bool Channel::wait_readable(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    return r > 0 || (r < 0 && errno != EINTR);
}

void Channel::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

} // namespace ats::wire
