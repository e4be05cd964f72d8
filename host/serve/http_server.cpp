#include "http_server.hpp"

#include "api_error.hpp"
#include "crypto.hpp"
#include "metrics.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <condition_variable>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <type_traits>

namespace ats::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    ServerConfig cfg;
    Dispatch dispatch;
    Metrics &metrics;
    SignalHook on_signal;

    // One io_context per I/O thread, each run by its thread alone: a connection lives on one of
    // them (round robin at accept), so the I/O threads never hand work to each other. With one
    // io_context shared by several threads every post woke a second thread through the
    // reactor (an epoll interrupt and a futex per hand-off, several per request). `more` comes
    // before `ioc` so that it outlives it (a handler left in ioc may own a socket of `more`).
    std::vector<std::unique_ptr<asio::io_context>> more;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> more_guards;
    size_t next_context = 0; // acceptor only
    asio::io_context ioc;    // the acceptor, signals, shutdown and a share of the connections
    std::optional<asio::ssl::context> ssl;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    // Shutdown steps run on this strand, whichever I/O thread picks them up.
    asio::strand<asio::io_context::executor_type> control;
    asio::steady_timer shutdown_timer;
    asio::thread_pool workers;
    std::chrono::steady_clock::time_point shutdown_deadline;

    std::atomic<bool> stopping{false};
    std::atomic<bool> shutdown_timer_started{false};
    std::atomic<bool> force_cancel{false}; // shutdown deadline passed: cancel in-flight calls
    std::atomic<int> connections{0};       // admitted connections (see admit())
    std::atomic<int> in_flight{0};
    std::atomic<int> queued{0};       // requests posted to `workers` and not yet started
    std::atomic<int> busy_workers{0}; // workers running a handler or waiting for a connection's next request
    // A worker may wait for its connection's next request (Session::next_request_on_worker) only
    // while that holds up nobody: no request waits for a worker and another worker is free.
    bool may_linger() const {
        return !stopping && queued.load() == 0 && busy_workers.load() < std::max(1, cfg.worker_threads);
    }

    // Admission: a connection counts against max_connections and its remote address's
    // max_connections_per_client. One over either limit is "overflow": it may still ask /healthz or
    // /readyz (a probe must not restart a healthy server that is merely full), gets a short
    // header deadline and 503 for anything else; overflow itself is bounded, beyond it the
    // connection is closed at once.
    enum class Admission { admitted, overflow, refused };
    std::mutex clients_mutex;
    std::map<std::string, int> per_client;
    int overflow = 0;
    int overflow_cap() const { return std::max(16, cfg.limits.max_connections / 8); }
    Admission admit(const std::string &remote) {
        std::lock_guard<std::mutex> lock(clients_mutex);
        int &mine = per_client[remote];
        if (connections.load() < cfg.limits.max_connections && mine < cfg.limits.max_connections_per_client) {
            ++mine;
            ++connections;
            return Admission::admitted;
        }
        if (mine == 0) per_client.erase(remote);
        if (overflow < overflow_cap()) {
            ++overflow;
            return Admission::overflow;
        }
        return Admission::refused;
    }
    void release(const std::string &remote, Admission a) {
        std::lock_guard<std::mutex> lock(clients_mutex);
        if (a == Admission::overflow) {
            --overflow;
            return;
        }
        auto it = per_client.find(remote);
        if (it != per_client.end() && --it->second <= 0) per_client.erase(it);
        --connections;
    }

    // Per open connection: a function that closes it (only_idle = leave busy ones alone), and one
    // that checks its request watchdog (see watch_handlers).
    struct Connection {
        std::function<void(bool only_idle)> close;
        std::function<void(std::chrono::steady_clock::time_point now)> watch;
    };
    std::mutex registry_mutex;
    uint64_t next_id = 0;
    std::map<uint64_t, Connection> registry;
    std::vector<Connection> registered() {
        std::lock_guard<std::mutex> lock(registry_mutex);
        std::vector<Connection> out;
        out.reserve(registry.size());
        for (auto &kv : registry) out.push_back(kv.second);
        return out;
    }

    // The request watchdogs of all connections are checked here every kWatchdogScan, on the
    // control strand: a per-request timer cost a thread wake-up on every request (its
    // cancellation posts a completion to the connection's I/O thread).
    static constexpr auto kWatchdogScan = std::chrono::milliseconds(100);
    asio::steady_timer watchdog_timer{control};
    void watch_handlers() {
        auto now = std::chrono::steady_clock::now();
        for (auto &c : registered()) c.watch(now);
        watchdog_timer.expires_after(kWatchdogScan);
        watchdog_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->watch_handlers();
        });
    }

    Impl(ServerConfig c, Dispatch d, Metrics &m, SignalHook s)
        : cfg(std::move(c)), dispatch(std::move(d)), metrics(m), on_signal(std::move(s)), ioc(1), acceptor(ioc),
          signals(ioc, SIGTERM, SIGINT, SIGHUP), control(ioc.get_executor()), shutdown_timer(control),
          workers(static_cast<size_t>(std::max(1, cfg.worker_threads))) {
        for (int i = 1; i < std::max(1, cfg.io_threads); ++i) {
            more.push_back(std::make_unique<asio::io_context>(1));
            more_guards.push_back(asio::make_work_guard(*more.back()));
        }
    }

    asio::io_context &session_context() {
        size_t i = next_context++ % (more.size() + 1);
        return i == 0 ? ioc : *more[i - 1];
    }

    uint64_t register_connection(Connection c) {
        std::lock_guard<std::mutex> lock(registry_mutex);
        registry[++next_id] = std::move(c);
        return next_id;
    }
    void unregister_connection(uint64_t id) {
        std::lock_guard<std::mutex> lock(registry_mutex);
        registry.erase(id);
    }
    void close_all(bool only_idle) {
        for (auto &c : registered()) c.close(only_idle);
    }

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    void wait_signal();
    void shutdown_step();
    void finish();
};

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// 16 hex digits, unique in practice: from a per-thread generator seeded once from the OS's
// entropy. A request id needs no secrecy; OpenSSL's RAND_bytes cost a system call (getpid, its
// fork check) on every request.
std::string new_request_id() {
    thread_local std::mt19937_64 gen{(static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
    uint64_t v = gen();
    return to_hex(std::string_view(reinterpret_cast<const char *>(&v), sizeof v));
}

bool valid_request_id(const std::string &id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

// Why the request's Transfer-Encoding cannot be honoured ("" when it can, or is absent).
// RFC 9112 6.1/6.3: in a request the final coding must be "chunked" (else the length is unknown
// and the request must be refused and the connection closed); with Content-Length as well the
// message is ambiguous; HTTP/1.0 has no transfer codings. Other codings are not implemented here.
std::string transfer_encoding_problem(const http::request_parser<http::string_body>::value_type &head) {
    std::vector<std::string> codings;
    bool present = false;
    for (const auto &field : head) {
        if (field.name() != http::field::transfer_encoding) continue;
        present = true;
        std::string value(field.value());
        size_t start = 0;
        while (start <= value.size()) {
            size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            std::string item = value.substr(start, comma - start);
            item = item.substr(0, item.find(';')); // coding parameters do not change the name
            size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
            if (b != std::string::npos) codings.push_back(lower(item.substr(b, e - b + 1)));
            start = comma + 1;
        }
    }
    if (!present) return "";
    if (head.version() < 11) return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
    if (head.find(http::field::content_length) != head.end())
        return "a request must not carry both Transfer-Encoding and Content-Length";
    if (codings.empty() || codings.back() != "chunked")
        return "the final transfer coding of a request must be \"chunked\"";
    for (size_t i = 0; i + 1 < codings.size(); ++i)
        if (codings[i] != "chunked") return "transfer coding \"" + codings[i] + "\" is not supported";
    if (codings.size() > 1) return "\"chunked\" must be applied only once";
    return "";
}

// Liveness and readiness probes: answered even on a connection over the limits.
bool is_probe(const http::request_parser<http::string_body>::value_type &head) {
    if (head.method() != http::verb::get && head.method() != http::verb::head) return false;
    std::string_view target = head.target();
    target = target.substr(0, target.find('?'));
    return target == "/healthz" || target == "/readyz";
}

// A header value the response may carry: no CR, LF, NUL or other control byte (HTAB aside), so
// nothing a handler passes on - whatever its origin - can end the header early.
std::string header_value_safe(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 && u != '\t') || u == 0x7f ? ' ' : c;
    }
    return out;
}

// A response's bytes as they go on the wire (status line, header, body), for a write made
// outside Beast's own stream operations.
struct StringSink {
    std::string &out;
    template <class Buffers>
    size_t write_some(const Buffers &buffers, beast::error_code &ec) {
        ec = {};
        size_t n = 0;
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            asio::const_buffer b(*it);
            out.append(static_cast<const char *>(b.data()), b.size());
            n += b.size();
        }
        return n;
    }
    template <class Buffers>
    size_t write_some(const Buffers &buffers) {
        beast::error_code ec;
        return write_some(buffers, ec);
    }
};

template <class Body>
std::string serialized(http::response<Body> &res) {
    std::string out;
    out.reserve(256 + res.body().size());
    StringSink sink{out};
    beast::error_code ec;
    http::write(sink, res, ec);
    return out;
}

template <class Stream>
auto &lowest(Stream &s) {
    return beast::get_lowest_layer(s);
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

public:
    template <class... Args>
    Session(std::shared_ptr<HttpServer::Impl> server, std::string remote, HttpServer::Impl::Admission admission,
            Args &&...args)
        : server_(std::move(server)), stream_(std::forward<Args>(args)...), read_timer_(stream_.get_executor()),
          over_limit_(admission != HttpServer::Impl::Admission::admitted), admission_(admission),
          remote_(std::move(remote)) {
        server_->metrics.set("ats_serve_open_connections", {}, server_->connections.load());
    }

    ~Session() {
        if (raw_fd_ >= 0) ::close(raw_fd_);
        server_->unregister_connection(registry_id_);
        server_->release(remote_, admission_);
        server_->metrics.set("ats_serve_open_connections", {}, server_->connections.load());
    }

    void start() {
        std::weak_ptr<Session> weak = this->shared_from_this();
        auto exec = stream_.get_executor();
        HttpServer::Impl::Connection c;
        c.close = [weak, exec](bool only_idle) {
            asio::post(exec, [weak, only_idle] {
                if (auto self = weak.lock()) {
                    if (!only_idle || !self->busy_) self->close_now();
                }
            });
        };
        c.watch = [weak, exec](std::chrono::steady_clock::time_point now) {
            auto self = weak.lock();
            if (!self || now.time_since_epoch().count() < self->watchdog_due_) return;
            asio::post(exec, [self] { self->fire_watchdog(); });
        };
        registry_id_ = server_->register_connection(std::move(c));
        if constexpr (tls) {
            lowest(stream_).expires_after(header_timeout()); // a handshake trickled byte by byte holds nothing long
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (ec) return self->close_now();
                                        self->do_read();
                                    });
        } else {
            asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->do_read(); });
        }
    }

    // ----- called from the worker thread through the Writer --------------------------------

    // Runs `op(stream, handler)` on the strand and waits for its completion.
    template <class Op>
    bool write_and_wait(Op op) {
        if (write_failed_) return false;
        {
            std::lock_guard<std::recursive_mutex> lock(socket_mu_);
            attach();
        }
        auto promise = std::make_shared<std::promise<beast::error_code>>();
        auto future = promise->get_future();
        asio::post(stream_.get_executor(), [self = this->shared_from_this(), op = std::move(op), promise]() mutable {
            if (self->closed_) return promise->set_value(asio::error::not_connected);
            lowest(self->stream_).expires_after(self->timeout());
            op(self->stream_, [promise](beast::error_code ec, std::size_t) { promise->set_value(ec); });
        });
        // The strand always completes the write (at worst with the timeout above); the extra
        // margin here only protects the worker if the I/O threads were stopped under it.
        if (future.wait_for(timeout() + std::chrono::seconds(5)) != std::future_status::ready) {
            write_failed_ = true;
            return false;
        }
        if (future.get()) write_failed_ = true;
        return !write_failed_;
    }

    // A stream's chunks: queued here and written by the strand without the producer waiting, so a
    // record costs no thread hand-off and no write of its own (one per record held NDJSON at a
    // few MB/s); what queues up while a write is in flight goes out as one chunk. An idle strand
    // is woken only once kFlushBytes are queued, or by a timer kFlushDelay after the first byte
    // queued (a record waits at most that long): waking it for every record that found it idle
    // cost a thread hand-off per record again whenever the client kept up. The producer waits
    // only while kMaxQueued bytes are queued (a slow client), at most the write timeout.
    bool queue_chunk(std::string_view data) {
        std::unique_lock<std::mutex> lock(pipe_mu_);
        if (write_failed_) return false;
        if (pipe_.size() >= kMaxQueued &&
            !pipe_cv_.wait_for(lock, timeout(), [&] { return pipe_.size() < kMaxQueued || write_failed_; }))
            write_failed_ = true;
        if (write_failed_) return false;
        pipe_.append(data.data(), data.size());
        if (pipe_writing_) return true; // the write in flight takes it next
        if (pipe_.size() >= kFlushBytes) {
            pipe_writing_ = true;
            asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->pipe_write(); });
        } else if (!flush_armed_) {
            flush_armed_ = true;
            asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->arm_flush(); });
        }
        return true;
    }
    // Waits until every queued chunk is on the wire (true) or the connection failed (false).
    bool drain_chunks() {
        std::unique_lock<std::mutex> lock(pipe_mu_);
        if (!pipe_writing_ && !pipe_.empty() && !write_failed_) { // what waits for the flush timer
            pipe_writing_ = true;
            asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->pipe_write(); });
        }
        if (!pipe_cv_.wait_for(lock, timeout() + std::chrono::seconds(5),
                               [&] { return (!pipe_writing_ && pipe_.empty()) || write_failed_; }))
            write_failed_ = true;
        return !write_failed_;
    }

    // The one response of the current request is claimed once: by the handler (send or
    // begin_stream) or by the request watchdog, never both.
    bool claim_response() { return !response_claimed_.exchange(true); }

    bool keep_alive() const { return keep_alive_ && !server_->stopping; }
    bool write_failed() const { return write_failed_; }
    HttpServer::Impl &server() { return *server_; }
    std::chrono::milliseconds timeout() const {
        return std::chrono::milliseconds(std::max(1, server_->cfg.limits.request_timeout_ms));
    }

private:
    static constexpr size_t kMaxQueued = 256 * 1024;
    static constexpr size_t kFlushBytes = 32 * 1024;
    static constexpr auto kFlushDelay = std::chrono::milliseconds(2);

    void arm_flush() { // strand
        flush_timer_.expires_after(kFlushDelay);
        flush_timer_.async_wait([self = this->shared_from_this()](beast::error_code) {
            {
                std::lock_guard<std::mutex> lock(self->pipe_mu_);
                self->flush_armed_ = false;
                if (self->pipe_writing_ || self->pipe_.empty()) return;
                self->pipe_writing_ = true;
            }
            self->pipe_write();
        });
    }

    void pipe_write() { // strand
        auto batch = std::make_shared<std::string>();
        {
            std::lock_guard<std::mutex> lock(pipe_mu_);
            if (closed_) write_failed_ = true;
            if (write_failed_ || pipe_.empty()) {
                pipe_writing_ = false;
                pipe_cv_.notify_all();
                return;
            }
            batch->swap(pipe_);
            pipe_cv_.notify_all();
        }
        lowest(stream_).expires_after(timeout());
        asio::async_write(stream_, http::make_chunk(asio::buffer(*batch)),
                          [self = this->shared_from_this(), batch](beast::error_code ec, std::size_t) {
                              if (!ec) return self->pipe_write();
                              std::lock_guard<std::mutex> lock(self->pipe_mu_);
                              self->write_failed_ = true;
                              self->pipe_writing_ = false;
                              self->pipe_cv_.notify_all();
                          });
    }

    void do_read() {
        if (closed_) return;
        if (server_->stopping) return close_now();
        new_parser();
        read_header_more();
    }

    void new_parser() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->cfg.limits.max_header_bytes));
        parser_->body_limit(server_->cfg.limits.max_body_bytes);
    }

    // Reads (the rest of) a request's line and headers into parser_.
    void read_header_more() {
        // The stream's own timeout would close the socket, leaving nobody to tell the client;
        // this timer only cancels the read, so on_read can still answer 408. The request line and
        // headers get the (short) header deadline, so a client trickling bytes cannot hold a
        // connection for the whole request timeout; the body then gets the request timeout.
        lowest(stream_).expires_never();
        arm_read_timer(header_timeout());
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->read_timer_.cancel();
                                    self->on_header(ec);
                                });
    }

    std::chrono::milliseconds header_timeout() const {
        int ms = std::min(server_->cfg.limits.header_timeout_ms, server_->cfg.limits.request_timeout_ms);
        if (over_limit_) ms = std::min(ms, 1000); // overflow: room for a probe, not for a trickle
        return std::chrono::milliseconds(std::max(1, ms));
    }

    void arm_read_timer(std::chrono::milliseconds after) {
        read_timed_out_ = false;
        read_timer_.expires_after(after);
        read_timer_.async_wait([weak = std::weak_ptr<Session>(this->shared_from_this())](beast::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->closed_) return;
            self->read_timed_out_ = true;
            beast::error_code ignored;
            lowest(self->stream_).socket().cancel(ignored);
        });
    }

    void on_header(beast::error_code ec) {
        if (closed_) return;
        if (ec) return on_read(ec, header_timeout());
        // Framing the body wrongly lets it run as a second request (smuggling): refuse any
        // Transfer-Encoding this server would not frame exactly as the sender meant, and close.
        if (auto problem = transfer_encoding_problem(parser_->get()); !problem.empty())
            return reply_and_close(400, "bad_transfer_encoding", problem);
        if (parser_->is_done()) return on_read({}, timeout());
        arm_read_timer(timeout());
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->read_timer_.cancel();
                             self->on_read(ec, self->timeout());
                         });
    }

    void on_read(beast::error_code ec, std::chrono::milliseconds limit) {
        if (closed_) return;
        if (ec && read_timed_out_) {
            // Silence on an idle keep-alive connection is normal; a half-sent request is not.
            if (parser_->got_some())
                return reply_and_close(408, "request_timeout",
                                       "the request was not received within " + std::to_string(limit.count()) + " ms");
            return close_now();
        }
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return close_now();
        if (ec == http::error::header_limit)
            return reply_and_close(431, "header_too_large",
                                   "request line and headers exceed " +
                                       std::to_string(server_->cfg.limits.max_header_bytes) + " bytes");
        if (ec == http::error::body_limit)
            return reply_and_close(413, "body_too_large",
                                   "request body exceeds " + std::to_string(server_->cfg.limits.max_body_bytes) +
                                       " bytes");
        if (ec && ec.category() == http::make_error_code(http::error::bad_method).category())
            return reply_and_close(400, "malformed_request", "malformed HTTP request: " + ec.message());
        if (ec) return close_now(); // reset, TLS failure: nobody to answer

        if (server_->stopping) return reply_and_close(503, "shutting_down", "the service is shutting down");
        if (over_limit_ && !is_probe(parser_->get()))
            return reply_and_close(503, "too_many_connections",
                                   "the service holds its maximum of " +
                                       std::to_string(server_->cfg.limits.max_connections) + " connections (at most " +
                                       std::to_string(server_->cfg.limits.max_connections_per_client) + " per client)");

        auto req = take_request();
        if (!req) return reply_and_close(400, "malformed_request", "the request target is not a valid origin-form URL");
        start_handler_bookkeeping();
        ++server_->queued;
        asio::post(server_->workers, [self = this->shared_from_this(), req] { self->run_handler(req); });
    }

    // The complete message in parser_ as a request; nullptr when its target is not a valid
    // origin-form URL.
    std::shared_ptr<HttpRequest> take_request() {
        auto msg = parser_->release();
        auto req = std::make_shared<HttpRequest>();
        req->received = std::chrono::steady_clock::now();
        req->method = std::string(msg.method_string());
        req->target = std::string(msg.target());
        req->remote = remote_;
        for (const auto &field : msg) {
            auto name = lower(field.name_string());
            auto &slot = req->headers[name];
            slot = slot.empty() ? std::string(field.value()) : slot + ", " + std::string(field.value());
        }
        std::string client_id = req->header("x-request-id");
        req->request_id = valid_request_id(client_id) ? client_id : new_request_id();
        req->body = std::move(msg.body());
        keep_alive_ = msg.keep_alive() && !over_limit_;

        auto parsed = boost::urls::parse_origin_form(req->target);
        if (!parsed) return nullptr;
        // Still percent-encoded: the router splits on '/' first and decodes each segment after,
        // so "%2F" stays inside an id and never becomes a separator.
        req->path = std::string(parsed->encoded_path());
        for (auto param : parsed->params()) req->query.emplace(std::string(param.key), std::string(param.value));
        return req;
    }

    void start_handler_bookkeeping() {
        busy_ = true;
        ++server_->in_flight;
        response_claimed_ = false;
        start_request_watchdog();
    }

    void run_handler(std::shared_ptr<HttpRequest> req);
    bool handle_on_worker(HttpRequest &req);
    std::shared_ptr<HttpRequest> next_request_on_worker();
    // Under socket_mu_: the connection goes back to its strand, which reads its next request.
    std::shared_ptr<HttpRequest> back_to_strand_reading() {
        kept_busy_ = false;
        busy_ = false;
        attach();
        do_read();
        return nullptr;
    }

    // A handler that has not begun its response `kWatchdogGrace` after the request timeout is
    // stuck (typically in a plugin that ignores cancellation): answer 503 from here and close the
    // connection. The worker thread stays with the handler until it returns; nobody waits for it.
    static constexpr auto kWatchdogGrace = std::chrono::milliseconds(2000);
    void start_request_watchdog() {
        watchdog_due_ = (std::chrono::steady_clock::now() + timeout() + kWatchdogGrace).time_since_epoch().count();
    }
    void stop_request_watchdog() { watchdog_due_ = kNoWatchdog; }

    // Strand: the watchdog's deadline passed (watch_handlers).
    void fire_watchdog() {
        if (closed_ || !busy_ || std::chrono::steady_clock::now().time_since_epoch().count() < watchdog_due_ ||
            !claim_response())
            return;
        auto res = std::make_shared<http::response<http::string_body>>(http::status::service_unavailable, 11);
        res->set(http::field::server, "ats-host");
        res->set(http::field::content_type, "application/json");
        res->keep_alive(false);
        res->body() = error_body("deadline",
                                 "no response within the request timeout of " +
                                     std::to_string(server_->cfg.limits.request_timeout_ms) +
                                     " ms (the provider did not stop when cancelled)",
                                 "");
        res->prepare_payload();
        server_->metrics.add("ats_serve_rejected_requests_total", {{"reason", "deadline"}});
        write_failed_ = true; // the handler's own writes go nowhere from now on
        {
            std::lock_guard<std::recursive_mutex> lock(socket_mu_);
            attach();
        }
        final_write_pending_ = true;
        lowest(stream_).expires_after(timeout());
        http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code, std::size_t) {
            self->final_write_pending_ = false;
            self->close_now();
            if (self->after_write_) {
                self->after_write_ = false;
                self->after_handler();
            }
        });
    }

    void reply_and_close(int status, const std::string &code, const std::string &message) {
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
        res->set(http::field::server, "ats-host");
        res->set(http::field::content_type, "application/json");
        res->keep_alive(false);
        res->body() = error_body(code, message, "");
        res->prepare_payload();
        server_->metrics.add("ats_serve_rejected_requests_total", {{"reason", code}});
        lowest(stream_).expires_after(timeout());
        http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code, std::size_t) {
            self->close_now();
        });
    }

public:
    void close_now() {
        // Not while a worker writes to the socket or hands the connection back to reading.
        std::lock_guard<std::recursive_mutex> socket_lock(socket_mu_);
        if (closed_) return;
        closed_ = true;
        read_timer_.cancel();
        socket_closed_ = true;
        beast::error_code ignored;
        // Plain close even for TLS: a close_notify would need another round trip and a peer we no
        // longer trust to answer; HTTP framing already tells the client where the message ended.
        if (raw_fd_ >= 0) { // detached by a lingering worker (next_request_on_worker)
            ::shutdown(raw_fd_, SHUT_RDWR);
            ::close(raw_fd_);
            raw_fd_ = -1;
        }
        lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest(stream_).close();
    }

    // Queues the handler's complete response (worker thread). False when the client is gone.
    bool write_final(std::shared_ptr<http::response<http::string_body>> res) {
        if (write_failed_) return false;
        if constexpr (!tls) {
            // A plain connection is answered from the worker's thread when the socket takes the
            // whole response at once (the usual case): handing it to the strand would put one
            // more thread wake-up on every response's path. What does not fit goes through the
            // strand as before, with its write timeout.
            auto wire = std::make_shared<std::string>(serialized(*res));
            size_t sent = 0;
            if (!send_from_worker(*wire, sent)) return false;
            if (sent == wire->size()) {
                answered_by_worker_ = true;
                return true;
            }
            {
                std::lock_guard<std::recursive_mutex> lock(socket_mu_);
                attach();
            }
            asio::post(stream_.get_executor(), [self = this->shared_from_this(), wire, sent]() mutable {
                self->final_write_on_strand([&](auto done) {
                    asio::async_write(self->stream_, asio::buffer(wire->data() + sent, wire->size() - sent),
                                      [wire, done](beast::error_code ec, std::size_t) { done(ec); });
                });
            });
            return true;
        }
        asio::post(stream_.get_executor(), [self = this->shared_from_this(), res]() mutable {
            self->final_write_on_strand([&](auto done) {
                http::async_write(self->stream_, *res, [res, done](beast::error_code ec, std::size_t) { done(ec); });
            });
        });
        return true;
    }

    // Strand: starts the handler's final write (`start(done)`; the write's completion calls
    // done(ec) and keeps its buffers alive until then) under the write timeout, or marks the
    // write failed when the connection closed meanwhile. Once written, the connection goes on
    // with after_handler if the handler already returned.
    template <class StartWrite>
    void final_write_on_strand(StartWrite &&start) {
        if (closed_) {
            write_failed_ = true;
            return;
        }
        final_write_pending_ = true;
        lowest(stream_).expires_after(timeout());
        start([self = this->shared_from_this()](beast::error_code ec) {
            self->final_write_pending_ = false;
            if (ec) self->write_failed_ = true;
            if (self->after_write_) {
                self->after_write_ = false;
                self->after_handler();
            }
        });
    }

    // One non-blocking send on the socket from the worker (plain connections only). While a
    // handler runs, the strand has no operation on the socket; only close_now may touch it, and
    // socket_mu_ keeps the two apart. False (and the connection failed) when it is gone.
    bool send_from_worker(const std::string &wire, size_t &sent) {
        std::lock_guard<std::recursive_mutex> lock(socket_mu_);
        if (socket_closed_) {
            write_failed_ = true;
            return false;
        }
        int fd = raw_fd_ >= 0 ? raw_fd_ : lowest(stream_).socket().native_handle();
        while (sent < wire.size()) {
            ssize_t n = ::send(fd, wire.data() + sent, wire.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            write_failed_ = true;
            return false;
        }
        return true;
    }

    // Takes the socket out of the I/O thread's reactor, which is otherwise woken by every request
    // that arrives while a worker lingers for it (the descriptor is registered edge-triggered for
    // input, whether a read is pending or not). Under socket_mu_, plain connections only.
    void detach() {
        beast::error_code ec;
        auto &socket = lowest(stream_).socket();
        v6_ = socket.local_endpoint(ec).protocol() == tcp::v6();
        int fd = ec ? -1 : socket.release(ec);
        if (!ec) raw_fd_ = fd;
    }
    // Gives the socket back to the reactor before anything on the strand may use it. Under socket_mu_.
    void attach() {
        if (raw_fd_ < 0) return;
        beast::error_code ec;
        lowest(stream_).socket().assign(v6_ ? tcp::v6() : tcp::v4(), raw_fd_, ec);
        if (ec) ::close(raw_fd_); // the connection is lost: every later step finds the socket closed
        raw_fd_ = -1;
    }

    void after_handler() {
        stop_request_watchdog();
        busy_ = false;
        --server_->in_flight;
        if (write_failed_ || !keep_alive()) return close_now();
        do_read();
    }

private:
    std::shared_ptr<HttpServer::Impl> server_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    asio::steady_timer read_timer_;
    // The request watchdog's deadline (steady clock ticks; kNoWatchdog when no handler runs).
    static constexpr int64_t kNoWatchdog = std::numeric_limits<int64_t>::max();
    std::atomic<int64_t> watchdog_due_{kNoWatchdog};
    std::atomic<bool> response_claimed_{false};
    bool read_timed_out_ = false;                            // strand-only
    bool final_write_pending_ = false, after_write_ = false; // strand-only: write_final in flight
    bool over_limit_;
    HttpServer::Impl::Admission admission_;
    bool keep_alive_ = false;
    // Strand-only, except in the worker's hand-back (next_request_on_worker), hence atomic.
    std::atomic<bool> busy_{false}, closed_{false};
    bool answered_by_worker_ = false;   // worker-only: write_final sent the whole response
    static constexpr int kLingerMs = 2; // next_request_on_worker's wait for a busy client
    std::atomic<bool> write_failed_{false};
    std::recursive_mutex socket_mu_; // a worker's send_from_worker/next_request_on_worker against close_now
    bool socket_closed_ = false;     // under socket_mu_
    // While a worker lingers for the connection's next request, the socket may be detached from
    // its I/O thread's reactor (next_request_on_worker): raw_fd_ is then its descriptor, else -1.
    int raw_fd_ = -1;        // under socket_mu_
    bool v6_ = false;        // under socket_mu_: the detached socket's protocol
    bool kept_busy_ = false; // worker-only: the last request came while a worker waited for it
    std::mutex pipe_mu_;     // queue_chunk's queue, shared by the producer and the strand
    std::condition_variable pipe_cv_;
    std::string pipe_;
    bool pipe_writing_ = false;
    bool flush_armed_ = false;                               // under pipe_mu_: arm_flush posted
    asio::steady_timer flush_timer_{stream_.get_executor()}; // strand-only
    uint64_t registry_id_ = 0;
    std::string remote_;
};

// Bridges a handler on a worker thread to the connection's strand.
template <class Stream>
class Writer final : public ResponseWriter {
public:
    Writer(Session<Stream> &session, const HttpRequest &req) : session_(session), req_(req) {}

    bool send(int status, const std::string &content_type, std::string body, const HeaderList &extra) override {
        if (started_) return false;
        started_ = true;
        if (!session_.claim_response()) return false; // the watchdog answered already
        status_ = status;
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
        decorate(*res, content_type, extra);
        res->body() = std::move(body);
        res->prepare_payload();
        bytes_ += res->body().size();
        if (req_.method == "HEAD") res->body().clear();
        // A complete response is the handler's last word: queue it and free this worker now;
        // the connection carries on (next request or close) once the write completed.
        return session_.write_final(res);
    }

    bool begin_stream(int status, const std::string &content_type, const HeaderList &extra) override {
        if (started_) return false;
        started_ = true;
        if (!session_.claim_response()) return false; // the watchdog answered already
        streaming_ = true;
        status_ = status;
        auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(status), 11);
        decorate(*res, content_type, extra);
        res->chunked(true);
        auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
        return session_.write_and_wait(
            [res, sr](Stream &s, auto handler) { http::async_write_header(s, *sr, std::move(handler)); });
    }

    bool write_chunk(std::string_view data) override {
        if (!streaming_ || data.empty()) return streaming_;
        if (req_.method == "HEAD") return true; // headers only: no chunk, no last chunk
        bytes_ += data.size();
        return session_.queue_chunk(data);
    }

    bool end_stream() override {
        if (!streaming_ || ended_) return false;
        ended_ = true;
        if (req_.method == "HEAD") return true;
        if (!session_.drain_chunks()) return false;
        return session_.write_and_wait(
            [](Stream &s, auto handler) { asio::async_write(s, http::make_chunk_last(), std::move(handler)); });
    }

    bool cancelled() const override {
        if (session_.write_failed() || session_.server().force_cancel) return true;
        // A non-streaming request has request_timeout_ms in all; a stream is bounded per write.
        return !streaming_ && std::chrono::steady_clock::now() - req_.received > session_.timeout();
    }
    bool started() const override { return started_; }
    int status() const override { return status_; }
    size_t bytes_sent() const override { return bytes_; }
    bool unfinished_stream() const { return streaming_ && !ended_; }

private:
    template <class Res>
    void decorate(Res &res, const std::string &content_type, const HeaderList &extra) {
        res.set(http::field::server, "ats-host");
        res.set(http::field::content_type, header_value_safe(content_type));
        res.set("X-Request-Id", req_.request_id);
        for (const auto &[k, v] : extra) res.set(k, header_value_safe(v));
        res.keep_alive(session_.keep_alive());
    }

    Session<Stream> &session_;
    const HttpRequest &req_;
    bool started_ = false, streaming_ = false, ended_ = false;
    int status_ = 0;
    size_t bytes_ = 0;
};

template <class Stream>
void Session<Stream>::run_handler(std::shared_ptr<HttpRequest> req) {
    --server_->queued;
    ++server_->busy_workers;
    struct Leave {
        std::atomic<int> &busy;
        ~Leave() { --busy; }
    } leave{server_->busy_workers};
    // The connection's next requests too, while they follow at once (next_request_on_worker).
    while (req && handle_on_worker(*req)) req = next_request_on_worker();
}

// Runs the handler of one request; true when its response went out whole from this thread and
// the connection is this thread's to carry on with (else the strand carries on).
template <class Stream>
bool Session<Stream>::handle_on_worker(HttpRequest &req) {
    Writer<Stream> writer(*this, req);
    try {
        server_->dispatch(req, writer);
    } catch (const std::exception &e) {
        if (!writer.started()) send_error(writer, req, 500, "internal", std::string("unexpected error: ") + e.what());
    } catch (...) {
        if (!writer.started()) send_error(writer, req, 500, "internal", "unexpected error");
    }
    if (!writer.started()) send_error(writer, req, 500, "internal", "the route produced no response");
    // A stream the handler left open cannot be completed honestly: drop the connection so the
    // client sees a truncated body instead of a clean end.
    if (writer.unfinished_stream()) write_failed_ = true;
    if (answered_by_worker_) {
        answered_by_worker_ = false;
        return true;
    }
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
        // Strand order: a response queued by write_final() has started writing before this runs.
        if (self->final_write_pending_)
            self->after_write_ = true;
        else
            self->after_handler();
    });
    return false;
}

// The response went out whole from this worker (write_final). A client that keeps its connection
// busy sends its next request at once: wait for it here, up to kLingerMs, and run it on this
// thread - the I/O thread is not woken to read it and no other worker to run it (two thread
// hand-offs a request). Only while no request waits for a worker and one stays free, so a
// lingering worker never holds up another connection; otherwise, and when nothing comes in time
// or the request arrives in pieces, the connection goes back to its strand as before.
//
// Nothing of the strand touches the connection meanwhile (busy_: no read or write is pending,
// closers leave it alone, the watchdog was cancelled), except close_now, which socket_mu_
// excludes: every step on the socket checks socket_closed_ under it. While a client keeps the
// connection busy the socket stays detached from the reactor (detach): whatever hands the
// connection to the strand attaches it first.
template <class Stream>
std::shared_ptr<HttpRequest> Session<Stream>::next_request_on_worker() {
    int fd = -1;
    {
        std::lock_guard<std::recursive_mutex> lock(socket_mu_);
        stop_request_watchdog();
        --server_->in_flight;
        if (write_failed_ || !keep_alive()) {
            busy_ = false;
            close_now();
            return nullptr;
        }
        if (!server_->may_linger()) {
            return back_to_strand_reading();
        }
        // Detached only once the client has shown it keeps the connection busy: a detach and the
        // attach after it cost two system calls more than one wake-up of the I/O thread.
        if (kept_busy_ && raw_fd_ < 0) detach();
        fd = raw_fd_ >= 0 ? raw_fd_ : lowest(stream_).socket().native_handle();
    }
    // A pipelined request may be in the buffer already: then there is nothing to wait for.
    const bool buffered = buffer_.size() > 0;
    pollfd ready{fd, POLLIN, 0};
    int polled = buffered ? 1 : ::poll(&ready, 1, kLingerMs);
    std::lock_guard<std::recursive_mutex> lock(socket_mu_);
    if (socket_closed_) return nullptr; // close_now ran meanwhile: nothing left to do
    // From here on, every way but the last gives the connection back to its strand (busy_ false).
    if (polled <= 0 || server_->stopping) {
        return back_to_strand_reading();
    }
    new_parser();
    parser_->eager(true);
    if (!buffered) {
        auto space = buffer_.prepare(16 << 10);
        ssize_t got = ::recv(fd, space.data(), space.size(), MSG_DONTWAIT);
        if (got <= 0) { // end of stream, reset or nothing after all: the strand's read finds out
            return back_to_strand_reading();
        }
        buffer_.commit(static_cast<size_t>(got));
    }
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
        size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec || used == 0) break;
    }
    if (ec == http::error::need_more) ec = {};
    const bool complete = !ec && parser_->is_done() && transfer_encoding_problem(parser_->get()).empty();
    if (auto req = complete ? take_request() : nullptr) {
        kept_busy_ = true;
        start_handler_bookkeeping();
        return req;
    }
    kept_busy_ = false;
    busy_ = false;
    attach();
    auto self = this->shared_from_this();
    if (ec) // too large, malformed: the strand answers as for any read
        asio::post(stream_.get_executor(), [self, ec] { self->on_read(ec, self->header_timeout()); });
    else if (!parser_->is_header_done()) // the rest of the head is still on its way
        asio::post(stream_.get_executor(), [self] { self->read_header_more(); });
    else if (!complete) // a body still on its way, or a Transfer-Encoding to refuse
        asio::post(stream_.get_executor(), [self] { self->on_header({}); });
    else
        asio::post(stream_.get_executor(), [self] {
            self->reply_and_close(400, "malformed_request", "the request target is not a valid origin-form URL");
        });
    return nullptr;
}

} // namespace

void HttpServer::Impl::do_accept() {
    acceptor.async_accept(asio::make_strand(session_context()),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                              self->on_accept(ec, std::move(socket));
                          });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (!ec) {
        beast::error_code endpoint_ec;
        auto peer = socket.remote_endpoint(endpoint_ec);
        std::string remote = endpoint_ec ? std::string("unknown") : peer.address().to_string();
        auto admission = admit(remote);
        if (admission == Admission::refused) {
            socket.close(endpoint_ec); // over every allowance: not worth a byte
            metrics.add("ats_serve_rejected_requests_total", {{"reason", "connection_refused"}});
        } else if (ssl) {
            std::make_shared<Session<TlsStream>>(shared_from_this(), remote, admission, std::move(socket), *ssl)
                ->start();
        } else {
            std::make_shared<Session<PlainStream>>(shared_from_this(), remote, admission, std::move(socket))->start();
        }
    } else if (ec == asio::error::no_descriptors) {
        // Out of file descriptors: back off briefly instead of spinning.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    do_accept();
}

void HttpServer::Impl::wait_signal() {
    signals.async_wait([self = shared_from_this()](beast::error_code ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
            if (self->on_signal) asio::post(self->workers, [self, signo] { self->on_signal(signo); });
        } else {
            self->stopping = true;
            if (self->on_signal) self->on_signal(signo);
            asio::post(self->control, [self] { self->shutdown_step(); });
        }
        if (!self->shutdown_timer_started) self->wait_signal();
    });
}

void HttpServer::Impl::shutdown_step() {
    if (!shutdown_timer_started) {
        shutdown_timer_started = true;
        stopping = true;
        shutdown_deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(cfg.limits.shutdown_deadline_ms);
        beast::error_code ignored;
        acceptor.close(ignored);
        close_all(true); // idle keep-alive connections go now; busy ones after their response
    }
    auto now = std::chrono::steady_clock::now();
    if (connections.load() == 0 && in_flight.load() == 0) return finish();
    if (now >= shutdown_deadline && !force_cancel) {
        force_cancel = true; // plugins see is_cancelled(); writes fail once sockets close
        close_all(false);
    }
    if (now >= shutdown_deadline + std::chrono::seconds(1)) return finish(); // give up waiting
    shutdown_timer.expires_after(std::chrono::milliseconds(20));
    shutdown_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->shutdown_step();
    });
}

void HttpServer::Impl::finish() {
    beast::error_code ignored;
    signals.cancel(ignored);
    watchdog_timer.cancel();
    ioc.stop();
    for (auto &guard : more_guards) guard.reset();
    for (auto &context : more) context->stop();
}

HttpServer::HttpServer(ServerConfig config, Dispatch dispatch, Metrics &metrics, SignalHook on_signal)
    : impl_(std::make_shared<Impl>(std::move(config), std::move(dispatch), metrics, std::move(on_signal))) {}

HttpServer::~HttpServer() { impl_->workers.join(); }

void HttpServer::start() {
    auto &cfg = impl_->cfg;
    if (cfg.tls_cert_file.has_value() != cfg.tls_key_file.has_value())
        throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
    if (cfg.tls_cert_file) {
        impl_->ssl.emplace(asio::ssl::context::tls_server);
        impl_->ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                                asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                                asio::ssl::context::no_tlsv1_1);
        beast::error_code ec;
        impl_->ssl->use_certificate_chain_file(*cfg.tls_cert_file, ec);
        if (ec) throw std::runtime_error("--tls-cert " + *cfg.tls_cert_file + ": " + ec.message());
        impl_->ssl->use_private_key_file(*cfg.tls_key_file, asio::ssl::context::pem, ec);
        if (ec) throw std::runtime_error("--tls-key " + *cfg.tls_key_file + ": " + ec.message());
    }
    beast::error_code ec;
    auto address = asio::ip::make_address(cfg.address, ec);
    if (ec) throw std::runtime_error("--listen: \"" + cfg.address + "\" is not an IP address");
    tcp::endpoint endpoint(address, cfg.port);
    auto &acc = impl_->acceptor;
    acc.open(endpoint.protocol(), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(endpoint, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("--listen " + cfg.address + ":" + std::to_string(cfg.port) + ": " + ec.message());
    impl_->do_accept();
    impl_->wait_signal();
    asio::post(impl_->control, [impl = impl_] { impl->watch_handlers(); });
}

uint16_t HttpServer::port() const {
    beast::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void HttpServer::run() {
    std::vector<std::thread> threads;
    for (auto &context : impl_->more) threads.emplace_back([&context] { context->run(); });
    impl_->ioc.run();
    for (auto &t : threads) t.join();
}

void HttpServer::begin_shutdown() {
    impl_->stopping = true;
    asio::post(impl_->control, [impl = impl_] { impl->shutdown_step(); });
}

bool HttpServer::shutting_down() const { return impl_->stopping; }
int HttpServer::in_flight() const { return impl_->in_flight; }

} // namespace ats::serve
