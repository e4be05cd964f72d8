// http_test_server.hpp - a tiny loopback HTTP/1.1 server for tests (Beast, one thread per
// connection, keep-alive). Tests give it a handler and read its counters.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ats::test {

struct TestRequest {
    std::string method, target, body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(const std::string &name) const; // case-insensitive, "" if absent
    uint64_t connection_id = 0;                        // which accepted connection carried it
};

struct TestResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool chunked = false;            // send the body with Transfer-Encoding: chunked (in 4 KiB chunks)
    bool close = false;              // Connection: close after this response
    bool drop_without_reply = false; // close the socket without answering
};

class LoopbackHttpServer {
public:
    using Handler = std::function<TestResponse(const TestRequest &)>;
    explicit LoopbackHttpServer(Handler handler);
    ~LoopbackHttpServer(); // stops accepting, closes every connection, joins its threads
    LoopbackHttpServer(const LoopbackHttpServer &) = delete;
    LoopbackHttpServer &operator=(const LoopbackHttpServer &) = delete;

    unsigned short port() const;
    std::string url(const std::string &path = "/") const; // http://127.0.0.1:<port><path>
    uint64_t connections_accepted() const;
    uint64_t requests_served() const;
    void close_idle_connections(); // server-side close of every open connection (stale keep-alive)

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ats::test
