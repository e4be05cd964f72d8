// slowloris_bench.cpp - does the service keep serving while an attacker holds many connections
// open by sending one header byte per second? The attacker connects from 127.0.0.2 (one
// "client" as the per-client cap sees it), reconnecting whenever the service closes one of its
// connections; meanwhile normal clients on 127.0.0.1 make one request per fresh connection
// (a single-record read with a token) and a liveness probe asks /healthz. Prints how many of
// the normal requests and probes got 200, as a line and as one JSON line ("bench_result").
//
// usage: bench_slowloris [--slow N] [--seconds S] [--serve-arg FLAG]...
// Exit status 0 always (a benchmark reports numbers; the tests assert behaviour).
#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

using namespace ats::test::serve;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A non-blocking socket from 127.0.0.2 to 127.0.0.1:port (-1 on failure).
int slow_connect(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x7f000002);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof from) != 0) {
        ::close(fd);
        return -1;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to); // EINPROGRESS is fine
    return fd;
}

} // namespace

int main(int argc, char **argv) {
    int slow = 600;
    double seconds = 20;
    std::vector<std::string> serve_args;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--slow")
            slow = std::stoi(argv[i + 1]);
        else if (a == "--seconds")
            seconds = std::stod(argv[i + 1]);
        else if (a == "--serve-arg")
            serve_args.push_back(argv[i + 1]);
    }
    ServeSetup setup;
    setup.serve_args = serve_args;
    setup.log_level = "warn";
    ServeInstance s(setup);
    const uint16_t port = s.port();
    const std::string request =
        "GET /v1/tenants/acme/jobs/j1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n"
        "X-Slow: " +
        std::string(4096, 'a') + "\r\n\r\n";

    std::atomic<bool> stop{false};
    std::atomic<long> reconnects{0};
    std::thread attacker([&] {
        std::vector<int> fds(static_cast<size_t>(slow), -1);
        std::vector<size_t> sent(fds.size(), 0);
        while (!stop) {
            for (size_t i = 0; i < fds.size() && !stop; ++i) {
                if (fds[i] < 0) {
                    fds[i] = slow_connect(port);
                    sent[i] = 0;
                    ++reconnects;
                    continue;
                }
                char c = request[sent[i] % request.size()];
                ssize_t n = ::send(fds[i], &c, 1, MSG_NOSIGNAL);
                char sink[512];
                ssize_t r = ::recv(fds[i], sink, sizeof sink, MSG_DONTWAIT);
                if ((n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN) || r == 0 ||
                    (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    ::close(fds[i]);
                    fds[i] = -1; // closed by the service: reconnect at once (next round)
                } else if (n == 1) {
                    ++sent[i];
                }
            }
            std::this_thread::sleep_for(1s);
        }
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    });
    std::this_thread::sleep_for(3s); // the attacker's connections are open

    size_t normal_ok = 0, normal_total = 0, probe_ok = 0, probe_total = 0;
    auto until = Clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (Clock::now() < until) {
        for (bool probe : {false, true}) {
            std::string req =
                probe ? "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                      : "GET /v1/tenants/acme/jobs/j1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-token-1\r\n"
                        "Connection: close\r\n\r\n";
            int status = 0;
            try {
                RawConnection c(port);
                c.send(req);
                status = parse_response(c.read_until_close(5s)).status;
            } catch (const std::exception &) {
                status = 0;
            }
            (probe ? probe_total : normal_total) += 1;
            if (status == 200) (probe ? probe_ok : normal_ok) += 1;
        }
        std::this_thread::sleep_for(200ms);
    }
    stop = true;
    attacker.join();
    std::string flags;
    for (const auto &a : serve_args) flags += (flags.empty() ? "" : " ") + a;
    std::printf("slowloris: %d slow connections from 127.0.0.2 (%ld (re)connects) for %.0f s, serve flags [%s]\n", slow,
                reconnects.load(), seconds, flags.c_str());
    std::printf("  normal requests served 200: %zu / %zu\n  /healthz answered 200:     %zu / %zu\n", normal_ok,
                normal_total, probe_ok, probe_total);
    std::cout << "{\"bench_result\":\"slowloris\",\"slow_connections\":" << slow << ",\"normal_ok\":" << normal_ok
              << ",\"normal_total\":" << normal_total << ",\"healthz_ok\":" << probe_ok
              << ",\"healthz_total\":" << probe_total << ",\"attacker_connects\":" << reconnects.load() << "}"
              << std::endl;
    return 0;
}
