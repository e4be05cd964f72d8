// The HTTP request head (and body framing) as `ats-host serve` parses it from any client: the
// real HttpServer (Beast's parser with our limits, header folding, X-Request-Id screening, the
// origin-form target, query decoding), listening on a loopback port of its own. Each input is
// written to a fresh connection, which is then half-closed and read to the end. The handler
// touches every parsed field, so a bad one shows under ASan. There is no exception to expect: the
// server answers every input itself; a crash or report in its threads fails the target.
#include "http_server.hpp"
#include "metrics.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <thread>

namespace {

uint16_t server_port() {
    // Started once and never stopped: the fuzzer exits with it still serving (a global keeps it
    // reachable, so it is no leak).
    static uint16_t port = [] {
        ats::serve::ServerConfig cfg;
        cfg.address = "127.0.0.1";
        cfg.port = 0;
        cfg.io_threads = 1;
        cfg.worker_threads = 2;
        cfg.limits.request_timeout_ms = 2000;
        cfg.limits.max_body_bytes = 64 << 10;
        auto *metrics = new ats::serve::Metrics();
        auto dispatch = [](ats::serve::HttpRequest &req, ats::serve::ResponseWriter &w) {
            std::string echo = req.method + " " + req.target + " " + req.path + " " + req.request_id + "\n";
            for (const auto &[k, v] : req.query) echo += k + "=" + v + "\n";
            for (const auto &[k, v] : req.headers) echo += k + ": " + v + "\n";
            echo += std::to_string(req.body.size());
            w.send(200, "text/plain", echo);
        };
        static auto *server = new ats::serve::HttpServer(cfg, dispatch, *metrics, [](int) {});
        server->start();
        std::thread([] { server->run(); }).detach();
        return server->port();
    }();
    return port;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint16_t port = server_port();
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
        size_t sent = 0;
        while (sent < size) {
            ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n <= 0) break; // the server may refuse and close before reading everything
            sent += static_cast<size_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
        char buf[4096];
        while (::recv(fd, buf, sizeof buf, 0) > 0) {}
    }
    ::close(fd);
    return 0;
}
