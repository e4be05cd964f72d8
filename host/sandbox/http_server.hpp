#pragma once
// Asynchronous HTTP/1.1 server (Boost.Beast, keep-alive, N io threads) serving the Tracker and
// Kombo ports of one SandboxApp. Beast stays inside http_server.cpp.
#include <cstdint>
#include <memory>
#include <string>

namespace ats::sandbox {

class SandboxApp;

struct ServerOptions {
    std::string bind = "127.0.0.1";
    std::uint16_t tracker_port = 0; // 0 = ephemeral
    std::uint16_t kombo_port = 0;
    int threads = 2;
    int tracker_concurrency = 0; // >0: at most N Tracker API requests in progress, others queue
};

class HttpServer {
public:
    HttpServer(SandboxApp &app, const ServerOptions &options); // binds and listens; throws on failure
    ~HttpServer();
    std::uint16_t tracker_port() const;
    std::uint16_t kombo_port() const;
    // Serves until SIGINT/SIGTERM or stop().
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ats::sandbox
