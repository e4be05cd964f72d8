// raw_http.hpp - a bare TCP client for the tests that must send what a real HTTP client refuses
// to (oversized or malformed requests, half-sent requests) or read a chunked stream as it comes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ats::test::serve {

class RawConnection {
public:
    explicit RawConnection(uint16_t port); // connects to 127.0.0.1:port; throws on failure
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    // False when the peer closed or reset the connection.
    bool send(const std::string &bytes);
    // Reads whatever arrives within `timeout`; "" on timeout or close (see closed()).
    std::string read_some(std::chrono::milliseconds timeout);
    // Reads until the peer closes or `timeout` passes.
    std::string read_until_close(std::chrono::milliseconds timeout);
    // Reads until `needle` appears in what was read so far (returns all of it) or timeout.
    std::string read_until(const std::string &needle, std::chrono::milliseconds timeout);
    bool closed() const { return closed_; }

private:
    int fd_ = -1;
    bool closed_ = false;
    std::string buffered_;
};

struct RawResponse {
    int status = 0;
    std::string head;      // status line + headers
    std::string body;      // de-chunked when chunked
    bool complete = false; // body complete per Content-Length or the last chunk
};

// Parses one HTTP/1.1 response out of `bytes`.
RawResponse parse_response(const std::string &bytes);

} // namespace ats::test::serve
