#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>
#include <utility>

namespace ats::test::serve {

RawConnection::RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string &bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

std::string RawConnection::read_some(std::chrono::milliseconds timeout) {
    if (!buffered_.empty()) return std::exchange(buffered_, {});
    if (closed_) return {};
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
        closed_ = true;
        return {};
    }
    return std::string(buf, static_cast<size_t>(n));
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        out += read_some(std::max(left, std::chrono::milliseconds(1)));
    }
    return out;
}

std::string RawConnection::read_until(const std::string &needle, std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.find(needle) == std::string::npos && !closed_ && std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        out += read_some(std::max(left, std::chrono::milliseconds(1)));
    }
    return out;
}

RawResponse parse_response(const std::string &bytes) {
    RawResponse r;
    auto end = bytes.find("\r\n\r\n");
    if (end == std::string::npos || bytes.compare(0, 9, "HTTP/1.1 ") != 0) return r;
    r.head = bytes.substr(0, end);
    r.status = std::stoi(bytes.substr(9, 3));
    std::string lower = r.head;
    for (char &c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string rest = bytes.substr(end + 4);
    if (lower.find("transfer-encoding: chunked") != std::string::npos) {
        size_t pos = 0;
        while (true) {
            auto eol = rest.find("\r\n", pos);
            if (eol == std::string::npos) return r;
            size_t size = std::stoul(rest.substr(pos, eol - pos), nullptr, 16);
            if (size == 0) {
                r.complete = true;
                return r;
            }
            if (eol + 2 + size > rest.size()) return r;
            r.body += rest.substr(eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }
    auto cl = lower.find("content-length: ");
    if (cl != std::string::npos) {
        size_t len = std::stoul(lower.substr(cl + 16));
        r.body = rest.substr(0, len);
        r.complete = rest.size() >= len;
    } else {
        r.body = rest;
    }
    return r;
}

} // namespace ats::test::serve
