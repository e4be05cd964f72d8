#include "http_server.hpp"

#include "sandbox_app.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <deque>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

namespace ats::sandbox {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Caps concurrent Tracker API requests (--tracker-concurrency); waiters resume in arrival order.
class Limiter {
public:
    explicit Limiter(int capacity) : capacity_(capacity) {}
    bool enabled() const { return capacity_ > 0; }
    void acquire(std::function<void()> resume) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (in_use_ < capacity_) {
            ++in_use_;
            lock.unlock();
            resume();
            return;
        }
        waiters_.push_back(std::move(resume));
    }
    void release() {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!waiters_.empty()) {
            auto next = std::move(waiters_.front());
            waiters_.pop_front();
            lock.unlock();
            next(); // the slot passes to the next waiter
            return;
        }
        --in_use_;
    }

private:
    std::mutex mutex_;
    int capacity_;
    int in_use_ = 0;
    std::deque<std::function<void()>> waiters_;
};

HttpRequest convert(const http::request<http::string_body> &in) {
    HttpRequest out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto &f : in) {
        std::string name(f.name_string());
        for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    out.body = in.body();
    auto parsed = boost::urls::parse_origin_form(out.target);
    if (parsed) {
        out.path = parsed->path();
        for (auto param : parsed->params()) out.query.emplace_back(param.key, param.value);
    } else {
        out.path = out.target.substr(0, out.target.find('?'));
    }
    return out;
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, SandboxApp &app, Service service, Limiter &limiter)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), app_(app), service_(service), limiter_(limiter) {}

    void start() { read(); }

private:
    void read() {
        parser_.emplace();
        parser_->body_limit(64 * 1024 * 1024);
        http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return close();
        request_ = parser_->release();
        converted_ = convert(request_);
        prepared_ = app_.prepare(service_, converted_);
        if (prepared_.admin) return respond(app_.execute(service_, converted_, prepared_), false);
        holds_slot_ = service_ == Service::tracker && limiter_.enabled();
        if (holds_slot_) {
            auto self = shared_from_this();
            limiter_.acquire([self] { asio::post(self->socket_.get_executor(), [self] { self->after_slot(); }); });
        } else {
            after_slot();
        }
    }

    void after_slot() {
        if (prepared_.fault.latency_ms > 0) {
            timer_.expires_after(std::chrono::milliseconds(prepared_.fault.latency_ms));
            timer_.async_wait(beast::bind_front_handler(&Session::on_latency, shared_from_this()));
        } else {
            run_request();
        }
    }

    void on_latency(beast::error_code ec) {
        if (ec) return finish_and_close();
        run_request();
    }

    void run_request() {
        HttpResponse response = app_.execute(service_, converted_, prepared_);
        const std::string &kind = prepared_.fault.kind;
        if (kind == "reset") {
            app_.count(service_, prepared_.endpoint, converted_.method, "reset");
            beast::error_code ignored;
            socket_.set_option(asio::socket_base::linger(true, 0), ignored); // close() now sends RST
            return finish_and_close();
        }
        if (kind == "stall") {
            app_.count(service_, prepared_.endpoint, converted_.method, "stall");
            timer_.expires_after(std::chrono::milliseconds(prepared_.fault.stall_ms));
            timer_.async_wait([self = shared_from_this()](beast::error_code) { self->finish_and_close(); });
            return;
        }
        if (kind == "truncated") {
            app_.count(service_, prepared_.endpoint, converted_.method, "truncated");
            auto res = build(response, false);
            std::ostringstream head;
            head << res->base();
            raw_ = head.str() + response.body.substr(0, response.body.size() / 2);
            asio::async_write(socket_, asio::buffer(raw_), [self = shared_from_this()](beast::error_code, std::size_t) {
                self->finish_and_close();
            });
            return;
        }
        respond(std::move(response), true);
    }

    std::shared_ptr<http::response<http::string_body>> build(const HttpResponse &response, bool keep_alive) {
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                       request_.version());
        res->set(http::field::server, "ats-sandbox");
        res->set(http::field::content_type, response.content_type);
        for (const auto &h : response.headers) res->set(h.first, h.second);
        res->body() = response.body;
        res->keep_alive(keep_alive);
        res->prepare_payload();
        return res;
    }

    void respond(HttpResponse response, bool release_after) {
        bool keep_alive = request_.keep_alive();
        auto res = build(response, keep_alive);
        if (request_.method() == http::verb::head) {
            // HEAD: the headers of the GET answer (Content-Length included), no body.
            auto length = res->body().size();
            res->body().clear();
            res->content_length(length);
        }
        response_ = res;
        http::async_write(socket_, *res,
                          [self = shared_from_this(), keep_alive, release_after](beast::error_code ec, std::size_t) {
                              if (release_after) self->release_slot();
                              if (ec || !keep_alive) return self->close();
                              self->read();
                          });
    }

    void release_slot() {
        if (holds_slot_) {
            holds_slot_ = false;
            limiter_.release();
        }
    }

    void finish_and_close() {
        release_slot();
        close();
    }

    void close() {
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        socket_.close(ignored);
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    SandboxApp &app_;
    Service service_;
    Limiter &limiter_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
    HttpRequest converted_;
    Prepared prepared_;
    std::shared_ptr<http::response<http::string_body>> response_;
    std::string raw_;
    bool holds_slot_ = false;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::io_context &io, const tcp::endpoint &endpoint, SandboxApp &app, Service service, Limiter &limiter)
        : io_(io), acceptor_(io), app_(app), service_(service), limiter_(limiter) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    void start() { accept(); }
    void stop() {
        beast::error_code ignored;
        acceptor_.close(ignored);
    }

private:
    void accept() {
        acceptor_.async_accept(
            asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted) return;
                if (!ec) {
                    beast::error_code ignored;
                    socket.set_option(tcp::no_delay(true), ignored);
                    std::make_shared<Session>(std::move(socket), self->app_, self->service_, self->limiter_)->start();
                }
                self->accept();
            });
    }

    asio::io_context &io_;
    tcp::acceptor acceptor_;
    SandboxApp &app_;
    Service service_;
    Limiter &limiter_;
};

} // namespace

struct HttpServer::Impl {
    Impl(SandboxApp &app, const ServerOptions &options)
        : io(std::max(1, options.threads)), threads(std::max(1, options.threads)), limiter(options.tracker_concurrency),
          signals(io, SIGINT, SIGTERM) {
        auto address = asio::ip::make_address(options.bind);
        tracker = std::make_shared<Listener>(io, tcp::endpoint(address, options.tracker_port), app, Service::tracker,
                                             limiter);
        kombo =
            std::make_shared<Listener>(io, tcp::endpoint(address, options.kombo_port), app, Service::kombo, limiter);
    }
    asio::io_context io;
    int threads;
    Limiter limiter;
    asio::signal_set signals;
    std::shared_ptr<Listener> tracker, kombo;
};

HttpServer::HttpServer(SandboxApp &app, const ServerOptions &options) : impl_(std::make_unique<Impl>(app, options)) {}
HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::tracker_port() const { return impl_->tracker->port(); }
std::uint16_t HttpServer::kombo_port() const { return impl_->kombo->port(); }

void HttpServer::run() {
    impl_->signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) stop();
    });
    impl_->tracker->start();
    impl_->kombo->start();
    std::vector<std::thread> pool;
    for (int i = 1; i < impl_->threads; ++i) pool.emplace_back([this] { impl_->io.run(); });
    impl_->io.run();
    for (auto &t : pool) t.join();
}

void HttpServer::stop() {
    asio::post(impl_->io, [this] {
        impl_->tracker->stop();
        impl_->kombo->stop();
        impl_->io.stop();
    });
}

} // namespace ats::sandbox
