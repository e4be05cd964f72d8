#include "http_test_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <list>
#include <mutex>
#include <sys/socket.h>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace ats::test {

std::string TestRequest::header(const std::string &name) const {
    for (const auto &[k, v] : headers)
        if (boost::beast::iequals(k, name)) return v;
    return {};
}

struct LoopbackHttpServer::Impl {
    Handler handler;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::thread accept_thread;
    std::mutex mu;
    std::list<std::pair<std::shared_ptr<tcp::socket>, std::thread>> conns;
    std::atomic<uint64_t> accepted{0}, served{0};
    std::atomic<bool> stopping{false};

    void serve(std::shared_ptr<tcp::socket> sock, uint64_t id) {
        beast::flat_buffer buf;
        beast::error_code ec;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(boost::none); // tests upload tens of MB
            http::read(*sock, buf, parser, ec);
            if (ec) break;
            auto &req = parser.get();
            TestRequest tr;
            tr.method = std::string(req.method_string());
            tr.target = std::string(req.target());
            tr.body = req.body();
            tr.connection_id = id;
            for (const auto &f : req) tr.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            TestResponse r;
            try {
                r = handler(tr);
            } catch (const std::exception &e) {
                r.status = 599;
                r.body = e.what();
            }
            served.fetch_add(1);
            if (r.drop_without_reply) break;
            bool keep = req.keep_alive() && !r.close;
            if (!r.chunked) {
                http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
                for (const auto &[k, v] : r.headers) res.set(k, v);
                res.body() = r.body;
                res.keep_alive(keep);
                res.prepare_payload();
                http::write(*sock, res, ec);
            } else {
                http::response<http::empty_body> res{static_cast<http::status>(r.status), 11};
                for (const auto &[k, v] : r.headers) res.set(k, v);
                res.keep_alive(keep);
                res.chunked(true);
                http::response_serializer<http::empty_body> sr{res};
                http::write_header(*sock, sr, ec);
                for (size_t off = 0; !ec && off < r.body.size(); off += 4096) {
                    std::string_view piece(r.body.data() + off, std::min<size_t>(4096, r.body.size() - off));
                    asio::write(*sock, http::make_chunk(asio::buffer(piece.data(), piece.size())), ec);
                }
                if (!ec) asio::write(*sock, http::make_chunk_last(), ec);
            }
            if (ec || !keep) break;
        }
        sock->shutdown(tcp::socket::shutdown_both, ec);
    }

    void accept_loop() {
        for (;;) {
            auto sock = std::make_shared<tcp::socket>(ioc);
            beast::error_code ec;
            acceptor.accept(*sock, ec);
            if (ec || stopping) return;
            uint64_t id = ++accepted;
            std::lock_guard<std::mutex> lk(mu);
            conns.emplace_back(sock, std::thread([this, sock, id] { serve(sock, id); }));
        }
    }
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
    impl_->handler = std::move(handler);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    impl_->accept_thread = std::thread([this] { impl_->accept_loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
    impl_->stopping = true;
    // shutdown(2) wakes threads blocked in accept/read on Linux; closing from another thread would not.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    impl_->accept_thread.join();
    close_idle_connections();
    std::lock_guard<std::mutex> lk(impl_->mu);
    for (auto &[s, t] : impl_->conns) t.join();
}

void LoopbackHttpServer::close_idle_connections() {
    std::lock_guard<std::mutex> lk(impl_->mu);
    for (auto &[s, t] : impl_->conns) ::shutdown(s->native_handle(), SHUT_RDWR);
}

unsigned short LoopbackHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string LoopbackHttpServer::url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
}
uint64_t LoopbackHttpServer::connections_accepted() const { return impl_->accepted.load(); }
uint64_t LoopbackHttpServer::requests_served() const { return impl_->served.load(); }

} // namespace ats::test
