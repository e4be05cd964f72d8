// wire.hpp - the framed binary protocol between ats-host and ats-plugin-worker (README.md in this
// folder). One frame = u32 payload length (little endian, the bytes after this field) + u8 type +
// u64 id + fields. Fields are fixed-width little-endian integers and length-prefixed (u32) byte
// strings, read in the order they were written. Shared by both sides, so they cannot disagree.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ats::wire {

// Frame types. Host -> worker start with H, worker -> host with W. Values are frozen: append only.
enum class Type : uint8_t {
    h_create = 1,        // id 0; tenant, config, i64 fixed_now_ms (-1 = system clock),
                         //   i32 max_concurrency                    -> w_created
    h_invoke = 2,        // id call; operation, args, request_id, u8 accepts_blob, u8 accepts_position,
                         //   u64 max_results (0 = no limit)
    h_credit = 3,        // id call; u64 results consumed, u8 stop, u64 their bytes (flow control, STOP)
    h_cancel = 4,        // id call                                    (is_cancelled turns 1)
    h_service_reply = 5, // id request; service-specific fields
    h_shutdown = 6,      // id 0: destroy the instance, deinit, exit 0
    w_ready = 20,        // id 0; provider                              (plugin loaded)
    w_load_failed = 21,  // id 0; reason                                (then the worker exits)
    w_created = 22,      // id 0; i32 status, i32 retryable, message
    w_record = 23,       // id call; json
    w_blob = 24,         // id call; meta, data
    w_progress = 25,     // id call; phase, i64 done, i64 total
    w_done = 26,         // id call; i32 status, i32 retryable, message
    w_service = 27,      // id request; u64 call (0 = none), u32 service, service-specific fields
    w_position = 28,     // id call; u64 results sent before it, position (ABI 1.3 sink.position)
    w_batch = 29,        // id call; items up to the frame's end, each u32 length + u8 type + the
                         //   fields of that type (w_record, w_blob, w_position or w_progress)
};

// Host services proxied to the host (ats_host_services_t). Values are frozen: append only. To add
// one: a value here, a stub in worker_services.cpp and a handler in host/core/worker_services.cpp.
enum class Service : uint32_t {
    log = 1,
    http_request = 2,
    state_get = 3,
    state_apply = 4,
    state_scan = 5,
    lock_acquire = 6,
    lock_release = 7,
    now_unix_ms = 8,
    max_concurrency = 9,
    identity_hash = 10, // host services minor 1
};

constexpr uint32_t kMaxFrame = 1u << 30; // 1 GiB: a larger length is a corrupt stream

// Appends fields to a buffer: fixed-width little-endian integers, u32-length-prefixed bytes.
class Writer {
public:
    Writer &u8(uint8_t v) { return raw(&v, 1); }
    Writer &u32(uint32_t v) { return raw(&v, 4); }
    Writer &i32(int32_t v) { return raw(&v, 4); }
    Writer &u64(uint64_t v) { return raw(&v, 8); }
    Writer &i64(int64_t v) { return raw(&v, 8); }
    Writer &bytes(const void *p, size_t n) {
        u32(static_cast<uint32_t>(n));
        return raw(p, n);
    }
    Writer &str(std::string_view s) { return bytes(s.data(), s.size()); }

protected:
    Writer &raw(const void *p, size_t n) {
        buf_.append(static_cast<const char *>(p), n);
        return *this;
    }
    void put_u32_at(size_t at, uint32_t v) { std::memcpy(buf_.data() + at, &v, 4); }
    std::string buf_;
};

class Out : public Writer {
public:
    Out(Type type, uint64_t id) {
        buf_.resize(4);
        u8(static_cast<uint8_t>(type));
        u64(id);
    }
    // The finished frame (length filled in).
    const std::string &frame() {
        put_u32_at(0, static_cast<uint32_t>(buf_.size() - 4));
        return buf_;
    }
};

// One call's results collected into a single w_batch frame, so a stream costs one frame, one
// write and one hand-off per batch instead of per result. Items are written in place (no
// temporary per item); take() returns the finished frame and leaves the batch empty.
class Batch : public Writer {
public:
    bool empty() const { return items_ == 0; }
    size_t size() const { return buf_.size(); }
    Batch &begin(Type item) {
        if (buf_.empty()) buf_.resize(kHeader); // the frame header, filled by take()
        item_at_ = buf_.size();
        raw("\0\0\0\0", 4);
        u8(static_cast<uint8_t>(item));
        return *this;
    }
    void end() {
        put_u32_at(item_at_, static_cast<uint32_t>(buf_.size() - item_at_ - 4));
        ++items_;
    }
    std::string take(uint64_t call_id) {
        std::string frame;
        if (items_ == 0) return frame;
        put_u32_at(0, static_cast<uint32_t>(buf_.size() - 4));
        buf_[4] = static_cast<char>(Type::w_batch);
        std::memcpy(buf_.data() + 5, &call_id, 8);
        frame.swap(buf_);
        buf_.swap(spare_); // the next batch reuses a buffer's capacity instead of growing a new one
        items_ = 0;
        return frame;
    }
    // Hands back a frame take() returned, once sent: its capacity serves a later batch. Growing
    // a fresh 64 KiB buffer for every batch cost page faults on each (freed memory went back to
    // the system and came back), which a paravirtualised machine pays dearly for.
    void recycle(std::string frame) {
        if (frame.capacity() <= spare_.capacity()) return;
        frame.clear();
        spare_.swap(frame);
    }

private:
    static constexpr size_t kHeader = 4 + 1 + 8;
    size_t item_at_ = 0, items_ = 0;
    std::string spare_;
};

struct Truncated : std::runtime_error {
    Truncated() : std::runtime_error("truncated frame") {}
};

// Reads fields from bytes it does not own; throws Truncated past their end.
class View {
public:
    View() = default;
    explicit View(std::string_view bytes) : buf_(bytes) {}
    uint8_t u8() { return get<uint8_t>(); }
    uint32_t u32() { return get<uint32_t>(); }
    int32_t i32() { return get<int32_t>(); }
    uint64_t u64() { return get<uint64_t>(); }
    int64_t i64() { return get<int64_t>(); }
    std::string_view str() { return take(u32()); }
    std::string_view take(size_t n) {
        if (buf_.size() - pos_ < n) throw Truncated();
        std::string_view v = buf_.substr(pos_, n);
        pos_ += n;
        return v;
    }
    bool at_end() const { return pos_ == buf_.size(); }
    std::string_view rest() const { return buf_.substr(pos_); }

private:
    template <class T>
    T get() {
        T v;
        std::memcpy(&v, take(sizeof(T)).data(), sizeof(T));
        return v;
    }
    std::string_view buf_;
    size_t pos_ = 0;
};

// Reads the fields of one received frame (which it owns); throws Truncated past its end.
class In {
public:
    In() = default;
    explicit In(std::string payload) : buf_(std::move(payload)) {
        type_ = static_cast<Type>(u8());
        id_ = u64();
    }
    Type type() const { return type_; }
    uint64_t id() const { return id_; }
    uint8_t u8() { return get<uint8_t>(); }
    uint32_t u32() { return get<uint32_t>(); }
    int32_t i32() { return get<int32_t>(); }
    uint64_t u64() { return get<uint64_t>(); }
    int64_t i64() { return get<int64_t>(); }
    std::string_view str() {
        uint32_t n = u32();
        if (buf_.size() - pos_ < n) throw Truncated();
        std::string_view v(buf_.data() + pos_, n);
        pos_ += n;
        return v;
    }
    // The fields not read yet (valid while this In lives and is not moved).
    View rest() const { return View(std::string_view(buf_).substr(pos_)); }

private:
    template <class T>
    T get() {
        if (buf_.size() - pos_ < sizeof(T)) throw Truncated();
        T v;
        std::memcpy(&v, buf_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string buf_;
    size_t pos_ = 0;
    Type type_{};
    uint64_t id_ = 0;
};

// One end of the socket: whole-frame writes from many threads, reads from one.
class Channel {
public:
    explicit Channel(int fd) : fd_(fd) {}
    ~Channel();
    Channel(const Channel &) = delete;
    Channel &operator=(const Channel &) = delete;
    // False when the peer is gone (never raises SIGPIPE).
    bool send(Out &out);
    // Sends frames already built (several Out::frame() texts appended): one write for a batch.
    bool send_raw(const std::string &frames);
    // False on end of stream or a corrupt length.
    bool receive(In &in);
    // True when a whole frame is buffered (receive() then does not wait for the peer).
    bool frame_buffered() const;
    // Waits up to timeout_ms until the socket has bytes or is closed; false on timeout.
    bool wait_readable(int timeout_ms) const;
    // Wakes a blocked receive() (it then returns false) without closing the descriptor.
    void shutdown();
    int fd() const { return fd_; }

private:
    bool fill(size_t need); // reads until `need` unread bytes are buffered
    int fd_;
    std::mutex send_mu_;
    // Receive side: read in large chunks, frames cut from here ([rpos_, rlen_) unread).
    std::unique_ptr<char[]> rbuf_;
    size_t rcap_ = 0, rlen_ = 0, rpos_ = 0;
};

} // namespace ats::wire
