// http_server.hpp - the asynchronous HTTP/1.1 server of `ats-host serve` (Boost.Beast; the
// implementation keeps Beast/Asio out of this header).
//
// Model: `io_threads` threads run the sockets (accept, TLS, parse, write), each with its own
// connections; every request's handler runs on one of `worker_threads` worker threads, where it
// may block on a plugin call. Stream writes from a handler are posted to the connection's strand
// and the handler waits for each, so a slow reader slows its own stream and nobody else's; a
// complete response goes out from the worker when the socket takes it whole at once (plain
// connections: no thread hand-off on the response's path), else it is queued for the strand and
// frees the worker at once. After a response sent whole, the worker waits up to 2 ms for the
// connection's next request and runs it itself while no other request waits for a worker (a busy
// client's requests then cost no hand-off). Request deadlines are checked by one scan every
// 100 ms, not by a timer per request. Keep-alive, optional TLS, limits on
// header bytes, body bytes, header and request time, open connections overall and per remote
// address; every refusal is a JSON 4xx/5xx and the server keeps serving.
#pragma once

#include "http_exchange.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ats::serve {

class Metrics;

struct ServerLimits {
    size_t max_body_bytes = 1 << 20;     // larger bodies: 413
    size_t max_header_bytes = 16 << 10;  // larger request line + headers: 431
    int request_timeout_ms = 30000;      // reading one request's body; each write;
                                         // a non-streaming handler (then 503 "deadline")
    int header_timeout_ms = 10000;       // waiting for a request's line + headers (then 408,
                                         // or a silent close on an idle keep-alive connection)
    int max_connections = 512;           // more: only /healthz and /readyz, else 503 and close
    int max_connections_per_client = 64; // per remote address; more: as over max_connections
    int shutdown_deadline_ms = 10000;    // in-flight requests get this long after SIGTERM
};

struct ServerConfig {
    std::string address = "127.0.0.1";
    uint16_t port = 8080; // 0 = any free port (see HttpServer::port())
    int io_threads = 2;
    int worker_threads = 16;
    std::optional<std::string> tls_cert_file; // both or neither
    std::optional<std::string> tls_key_file;
    ServerLimits limits;
};

class HttpServer {
public:
    // The dispatcher must answer through the writer; when it returns without having sent
    // anything the server answers 500. Exceptions are caught and answered 500 too.
    using Dispatch = std::function<void(HttpRequest &, ResponseWriter &)>;
    // SIGHUP: called on a worker thread (a reload may take a while). SIGTERM/SIGINT: called on an
    // I/O thread as the graceful shutdown starts (keep it short).
    using SignalHook = std::function<void(int signo)>;

    HttpServer(ServerConfig config, Dispatch dispatch, Metrics &metrics, SignalHook on_signal);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    // Binds and listens (throws std::runtime_error naming the address or the TLS file at fault).
    void start();
    uint16_t port() const;
    // Runs the I/O threads; returns after a graceful shutdown completed.
    void run();
    // Thread-safe: stop accepting, close idle connections, let in-flight requests finish within
    // the deadline, then cancel what is left.
    void begin_shutdown();
    bool shutting_down() const;
    // Requests currently inside a handler.
    int in_flight() const;

    struct Impl; // implementation detail (public only so the .cpp's session templates can name it)

private:
    std::shared_ptr<Impl> impl_;
};

} // namespace ats::serve
