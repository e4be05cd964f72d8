// http_client.cpp - synchronous Beast on the calling thread, keep-alive pool per origin.
//
// Each pooled connection owns a small io_context: a thread that takes a connection out of the pool
// runs its io_context alone, so connections never share an executor and threads never contend
// except on the pool's mutex. Connecting and TLS use async operations + tcp_stream deadlines; a
// plain connection's exchange runs on PollingSocket (system calls on the calling thread, poll()
// against the deadline). Either way every step has a timeout.
#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cctype>
#include <cerrno>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <openssl/ssl.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace ats::net {

std::string HttpResponse::header(std::string_view name) const {
    for (const auto &[k, v] : headers)
        if (beast::iequals(k, name)) return v;
    return {};
}

UrlParts parse_http_url(std::string_view url) {
    auto r = boost::urls::parse_absolute_uri(url);
    if (!r) throw InvalidUrl("not an absolute URL: " + std::string(url.substr(0, 200)));
    const auto &u = *r;
    UrlParts p;
    p.scheme = std::string(u.scheme());
    for (auto &c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p.scheme != "http" && p.scheme != "https")
        throw InvalidUrl("unsupported URL scheme '" + p.scheme + "' (http or https only)");
    if (!u.has_authority() || u.encoded_host().empty()) throw InvalidUrl("URL has no host");
    if (u.has_userinfo()) throw InvalidUrl("URL must not carry user info (credentials go in headers)");
    p.host = std::string(u.encoded_host_address());
    if (!p.host.empty() && p.host.front() == '[') p.host = p.host.substr(1, p.host.size() - 2);
    if (u.has_port()) {
        if (u.port_number() == 0) throw InvalidUrl("URL has an invalid port '" + std::string(u.port()) + "'");
        p.port = u.port_number();
    } else {
        p.port = p.scheme == "https" ? 443 : 80;
    }
    p.target = std::string(u.encoded_path());
    if (p.target.empty()) p.target = "/";
    if (u.has_query()) p.target += "?" + std::string(u.encoded_query());
    return p;
}

namespace {

// Where a request went, for messages: no query string (it may carry tokens).
std::string describe(const std::string &method, const UrlParts &u) {
    std::string path = u.target.substr(0, u.target.find('?'));
    return method + " " + u.scheme + "://" + u.host + ":" + std::to_string(u.port) + path;
}

// A plain connection's socket driven synchronously by the calling thread: non-blocking
// sendmsg/recvmsg, and poll() only when the socket is not ready, bounded by the exchange's
// deadline. An exchange on a pooled connection then costs its send and receive system calls and
// one wait, where a turn of an io_context added a timer update and an epoll round per step
// (together the largest share of the host's own cost on a fast upstream). Meets Beast's
// SyncReadStream and SyncWriteStream.
class PollingSocket {
public:
    PollingSocket(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

    template <class Buffers>
    size_t write_some(const Buffers &buffers, beast::error_code &ec) {
        return transfer(buffers, POLLOUT, ec,
                        [this](msghdr &m) { return ::sendmsg(fd_, &m, MSG_NOSIGNAL | MSG_DONTWAIT); });
    }
    template <class Buffers>
    size_t read_some(const Buffers &buffers, beast::error_code &ec) {
        return transfer(buffers, POLLIN, ec, [this](msghdr &m) { return ::recvmsg(fd_, &m, MSG_DONTWAIT); });
    }
    template <class Buffers>
    size_t write_some(const Buffers &buffers) {
        beast::error_code ec;
        size_t n = write_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return n;
    }
    template <class Buffers>
    size_t read_some(const Buffers &buffers) {
        beast::error_code ec;
        size_t n = read_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return n;
    }

private:
    template <class Buffers, class Io>
    size_t transfer(const Buffers &buffers, short events, beast::error_code &ec, Io io) {
        ec = {};
        iovec iov[16];
        size_t count = 0, total = 0;
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers) && count < 16;
             ++it) {
            asio::const_buffer b(*it);
            if (b.size() == 0) continue;
            iov[count].iov_base = const_cast<void *>(b.data());
            iov[count].iov_len = b.size();
            total += b.size();
            ++count;
        }
        if (total == 0) return 0;
        for (;;) {
            msghdr m{};
            m.msg_iov = iov;
            m.msg_iovlen = count;
            ssize_t n = io(m);
            if (n > 0) return static_cast<size_t>(n);
            if (n == 0) { // only a read returns 0: the peer closed
                ec = asio::error::eof;
                return 0;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                ec = beast::error_code(errno, boost::system::system_category());
                return 0;
            }
            if (!wait(events, ec)) return 0;
        }
    }
    bool wait(short events, beast::error_code &ec) {
        for (;;) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
            if (left <= 0) {
                ec = beast::error::timeout;
                return false;
            }
            pollfd p{fd_, events, 0};
            int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
            if (r > 0) return true; // ready, or an error the next call reports
            if (r < 0 && errno != EINTR) {
                ec = beast::error_code(errno, boost::system::system_category());
                return false;
            }
        }
    }

    int fd_;
    Clock::time_point deadline_;
};

struct Connection {
    asio::io_context ioc{1};
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer; // bytes read past the previous response stay with the connection
    // Beast reads as much as the buffer's free capacity (at least 512 bytes): room for a typical
    // answer up front lets it arrive in one read instead of several small ones.
    Connection() { buffer.reserve(16 << 10); }

    beast::tcp_stream &tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    // Runs one async operation to completion on this connection's io_context.
    template <class Start>
    beast::error_code run(Start &&start) {
        beast::error_code result = asio::error::would_block;
        start([&result](beast::error_code ec, auto &&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }
    void close() {
        beast::error_code ec;
        tcp().socket().close(ec);
    }
    // False when the server already closed this idle connection (EOF or an error is waiting on the
    // socket), so the request is never written into a dead connection in the first place. Bytes
    // waiting on an idle connection are just as wrong (nothing was asked), so they disqualify it too.
    bool looks_alive() {
        if (buffer.size() != 0) return false;
        char byte;
        ssize_t n = ::recv(tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
};

} // namespace

struct HttpClient::Impl {
    Options opts;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    mutable std::mutex mu;
    std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle; // origin -> connections
    std::atomic<uint64_t> opened{0}, sent{0}, reused{0};

    explicit Impl(Options o) : opts(std::move(o)) {
        ssl_ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3);
        if (opts.verify_tls) {
            ssl_ctx.set_verify_mode(asio::ssl::verify_peer);
            if (!opts.ca_file.empty())
                ssl_ctx.load_verify_file(opts.ca_file);
            else
                ssl_ctx.set_default_verify_paths();
        } else {
            ssl_ctx.set_verify_mode(asio::ssl::verify_none);
        }
    }

    static std::string origin_key(const UrlParts &u) {
        return u.scheme + "://" + u.host + ":" + std::to_string(u.port);
    }

    std::unique_ptr<Connection> take_idle(const std::string &origin) {
        for (;;) {
            std::unique_ptr<Connection> c;
            {
                std::lock_guard<std::mutex> lk(mu);
                auto it = idle.find(origin);
                if (it == idle.end() || it->second.empty()) return nullptr;
                c = std::move(it->second.back()); // most recently used: least likely to be stale
                it->second.pop_back();
            }
            // Checked outside the lock: a system call under it made every other sender wait.
            if (c->looks_alive()) return c;
            c->close();
        }
    }

    void give_back(const std::string &origin, std::unique_ptr<Connection> c) {
        std::lock_guard<std::mutex> lk(mu);
        auto &q = idle[origin];
        if (q.size() >= opts.max_idle_per_origin) return; // dropped: closes
        q.push_back(std::move(c));
    }

    std::unique_ptr<Connection> open(const UrlParts &u, const std::string &what, Clock::time_point deadline) {
        auto c = std::make_unique<Connection>();
        auto connect_deadline = std::min(deadline, Clock::now() + opts.connect_timeout);
        beast::error_code ec;
        tcp::resolver resolver(c->ioc);
        auto endpoints = resolver.resolve(u.host, std::to_string(u.port), ec);
        if (ec) throw TransportError(what + ": cannot resolve host '" + u.host + "': " + ec.message(), false);
        if (u.scheme == "https")
            c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c->ioc, ssl_ctx);
        else
            c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
        c->tcp().expires_at(connect_deadline);
        ec = c->run([&](auto h) { c->tcp().async_connect(endpoints, std::move(h)); });
        if (ec) {
            bool to = ec == beast::error::timeout;
            throw TransportError(what + ": connect failed: " + (to ? std::string("timed out") : ec.message()), false,
                                 to);
        }
        // Requests go out whole (header and body in one write): nothing to gain from Nagle's delay.
        c->tcp().socket().set_option(tcp::no_delay(true), ec);
        if (c->tls) {
            // SNI and host-name verification (RFC 2818) for names; IP literals are verified as IPs.
            if (!SSL_set_tlsext_host_name(c->tls->native_handle(), u.host.c_str()))
                throw TransportError(what + ": cannot set TLS SNI host name", false);
            if (opts.verify_tls) c->tls->set_verify_callback(asio::ssl::host_name_verification(u.host));
            c->tcp().expires_at(connect_deadline);
            ec = c->run([&](auto h) { c->tls->async_handshake(asio::ssl::stream_base::client, std::move(h)); });
            if (ec) {
                bool to = ec == beast::error::timeout;
                throw TransportError(what + ": TLS handshake failed: " + (to ? std::string("timed out") : ec.message()),
                                     false, to);
            }
        }
        opened.fetch_add(1, std::memory_order_relaxed);
        return c;
    }

    struct ExchangeFailure {
        std::string message;
        bool got_response_bytes; // some of the response arrived: never retry
        bool timed_out;
        bool written = true; // the whole request reached the socket
    };

    // Writes the request and reads the response; returns false (filling `fail`) on transport failure.
    bool exchange(Connection &c, http::request<http::string_body> &req, bool head, Clock::time_point deadline,
                  HttpResponse &out, bool &keep_alive, ExchangeFailure &fail) {
        beast::error_code ec;
        if (c.tls) c.tcp().expires_at(deadline);
        sent.fetch_add(1, std::memory_order_relaxed);
        PollingSocket polling(c.tcp().socket().native_handle(), deadline);
        if (c.tls)
            ec = c.run([&](auto h) { http::async_write(*c.tls, req, std::move(h)); });
        else
            http::write(polling, req, ec);
        if (ec) {
            fail = {"sending the request failed: " + ec.message(), false, ec == beast::error::timeout, false};
            return false;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        parser.header_limit(1024 * 1024);
        if (head) parser.skip(true);
        if (c.tls) {
            c.tcp().expires_at(deadline);
            ec = c.run([&](auto h) { http::async_read(*c.tls, c.buffer, parser, std::move(h)); });
        } else {
            http::read(polling, c.buffer, parser, ec);
        }
        if (ec) {
            bool got = parser.got_some() || c.buffer.size() > 0;
            bool to = ec == beast::error::timeout;
            fail = {std::string("reading the response failed: ") + (to ? "timed out" : ec.message()), got, to};
            return false;
        }
        auto &res = parser.get();
        out.status = static_cast<int>(res.result_int());
        for (const auto &f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        out.body = std::move(res.body());
        keep_alive = res.keep_alive() && parser.is_done();
        return true;
    }

    HttpResponse send(const HttpRequest &r) {
        UrlParts u = parse_http_url(r.url);
        const std::string what = describe(r.method, u);
        const auto deadline = Clock::now() + (r.timeout.count() > 0 ? r.timeout : std::chrono::milliseconds(30000));
        const std::string origin = origin_key(u);

        http::request<http::string_body> req;
        http::verb v = http::string_to_verb(r.method);
        if (v == http::verb::unknown)
            req.method_string(r.method);
        else
            req.method(v);
        req.target(u.target);
        req.version(11);
        bool default_port = (u.scheme == "http" && u.port == 80) || (u.scheme == "https" && u.port == 443);
        std::string host_hdr = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
        req.set(http::field::host, default_port ? host_hdr : host_hdr + ":" + std::to_string(u.port));
        req.set(http::field::user_agent, opts.user_agent);
        // insert, not set: repeated headers (Cookie, Accept) stay repeated; Host/User-Agent replace ours.
        for (const auto &[k, val] : r.headers) {
            if (beast::iequals(k, "host") || beast::iequals(k, "user-agent"))
                req.set(k, val);
            else
                req.insert(k, val);
        }
        req.body() = r.body;
        if (!r.body.empty() || (v != http::verb::get && v != http::verb::head && v != http::verb::delete_))
            req.prepare_payload();
        const bool head = v == http::verb::head;

        // Safe methods may be re-sent after a stale pooled connection ate the request; anything else
        // may have been processed by a server that then dropped the connection (a write applied, its
        // answer lost), so it is re-sent only if the request could not even be written. Deciding to
        // repeat such a request is the caller's (the host's retry policy knows which are idempotent).
        const bool safe_method = v == http::verb::get || v == http::verb::head || v == http::verb::options;
        // At most two tries: the second only after a pooled connection turned out to be stale.
        for (int attempt = 0;; ++attempt) {
            std::unique_ptr<Connection> c = attempt == 0 ? take_idle(origin) : nullptr;
            const bool pooled = c != nullptr;
            if (!c)
                c = open(u, what, deadline);
            else
                reused.fetch_add(1, std::memory_order_relaxed);
            HttpResponse out;
            bool keep_alive = false;
            ExchangeFailure fail;
            if (exchange(*c, req, head, deadline, out, keep_alive, fail)) {
                if (keep_alive)
                    give_back(origin, std::move(c));
                else
                    c->close();
                return out;
            }
            c->close();
            const bool may_resend = safe_method ? !fail.got_response_bytes : !fail.written;
            if (pooled && may_resend && !fail.timed_out && Clock::now() < deadline) continue;
            throw TransportError(what + ": " + fail.message, true, fail.timed_out);
        }
    }
};

HttpClient::HttpClient() : HttpClient(Options{}) {}
HttpClient::HttpClient(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::send(const HttpRequest &request) { return impl_->send(request); }

HttpClient::Stats HttpClient::stats() const { return {impl_->opened.load(), impl_->sent.load(), impl_->reused.load()}; }

size_t HttpClient::idle_connections() const {
    std::lock_guard<std::mutex> lk(impl_->mu);
    size_t n = 0;
    for (const auto &[k, q] : impl_->idle) n += q.size();
    return n;
}

} // namespace ats::net
