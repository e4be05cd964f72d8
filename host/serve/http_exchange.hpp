// http_exchange.hpp - the HTTP request a route handler sees and the writer it answers through.
// Free of Beast on purpose: routes, auth and operations compile without Asio/Beast headers.
//
// Threads: a handler runs on one of the service's worker threads (never an I/O thread) and may
// block there (plugin calls do). The writer's methods block until the bytes were handed to the
// socket or the write failed, which gives a stream natural back-pressure.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ats::serve {

struct HttpRequest {
    std::string method;                            // "GET", ...
    std::string target;                            // raw request target, "/v1/x?y=1"
    std::string path;                              // path without the query, still percent-encoded
                                                   // (the router decodes each segment after splitting)
    std::multimap<std::string, std::string> query; // decoded query parameters
    std::map<std::string, std::string> headers;    // lower-case names
    std::string body;
    std::string request_id; // generated per request (or the client's X-Request-Id)
    std::string remote;     // peer address
    std::chrono::steady_clock::time_point received;

    std::string header(const std::string &lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
    // First value of a query parameter ("" when absent).
    std::string query_param(const std::string &name) const {
        auto it = query.find(name);
        return it == query.end() ? std::string() : it->second;
    }
    bool has_query(const std::string &name) const { return query.count(name) > 0; }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class ResponseWriter {
public:
    virtual ~ResponseWriter() = default;
    // A complete response with Content-Length. Returns false when the client is gone.
    virtual bool send(int status, const std::string &content_type, std::string body, const HeaderList &extra = {}) = 0;
    // Starts a chunked response; then write_chunk() any number of times and end_stream().
    virtual bool begin_stream(int status, const std::string &content_type, const HeaderList &extra = {}) = 0;
    virtual bool write_chunk(std::string_view data) = 0;
    virtual bool end_stream() = 0;
    // True once the client went away, a write timed out, or shutdown's deadline passed: the
    // handler should stop (plugin calls see it through ats_call_t.is_cancelled).
    virtual bool cancelled() const = 0;
    // True once send() or begin_stream() was called.
    virtual bool started() const = 0;
    // The status sent (0 before started), for logs and metrics.
    virtual int status() const = 0;
    virtual size_t bytes_sent() const = 0;
};

} // namespace ats::serve
