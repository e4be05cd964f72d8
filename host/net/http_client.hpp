// http_client.hpp - the host's one HTTP client (Boost.Beast + OpenSSL behind a pimpl, so no Beast
// header leaks to users of this header).
//
// Thread-safe: any number of threads may call send() concurrently. Each call runs synchronously
// on the calling thread over a connection taken from (and returned to) a per-origin keep-alive
// pool. TLS verification (chain + host name, SNI) is on unless Options::verify_tls is false.
// A pooled connection that fails before any byte of the response arrives (the server closed it
// while idle) is retried once on a fresh connection; every other failure is a TransportError.
// This client does NOT retry on HTTP statuses: the retry policy lives in the host services.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ats::net {

struct HttpRequest {
    std::string method = "GET";
    std::string url; // absolute http:// or https:// URL
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{30000}; // whole exchange: connect + write + read
};

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Case-insensitive; "" when absent (the first one when repeated).
    std::string header(std::string_view name) const;
};

// A request that got no HTTP response (DNS, connect, TLS, timeout, reset, malformed response).
class TransportError : public std::runtime_error {
public:
    TransportError(const std::string &what, bool sent, bool timed_out = false)
        : std::runtime_error(what), sent(sent), timed_out(timed_out) {}
    bool sent;      // false: the request certainly never reached the server (safe to resend)
    bool timed_out; // the whole-exchange deadline passed
};

// The URL itself is unusable (not absolute http/https, no host, bad port).
class InvalidUrl : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

class HttpClient {
public:
    struct Options {
        bool verify_tls = true;
        std::string ca_file; // extra/alternative CA bundle (PEM); "" = system default paths
        size_t max_idle_per_origin = 64;
        std::chrono::milliseconds connect_timeout{10000};
        std::string user_agent = "ats-host/0.1";
    };
    struct Stats {
        uint64_t connections_opened = 0; // TCP (+TLS) connections established
        uint64_t requests_sent = 0;      // requests written (including the stale-connection retry)
        uint64_t reused = 0;             // requests that went over a pooled connection
    };

    HttpClient();
    explicit HttpClient(Options options);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    // Returns any HTTP response (whatever its status). Throws TransportError or InvalidUrl.
    HttpResponse send(const HttpRequest &request);

    Stats stats() const;
    size_t idle_connections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Parsed pieces of an absolute http(s) URL (Boost.URL). Throws InvalidUrl.
struct UrlParts {
    std::string scheme; // "http" | "https"
    std::string host;   // without brackets for IPv6
    unsigned short port = 0;
    std::string target; // path + query, "/" when empty
};
UrlParts parse_http_url(std::string_view url);

} // namespace ats::net
