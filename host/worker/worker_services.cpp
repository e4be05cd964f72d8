#include "worker_services.hpp"

#include "worker_call.hpp"

#include "ats_plugin.hpp"

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace ats::worker {

using wire::Service;

void ServiceClient::deliver(wire::In reply) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = slots_.find(reply.id());
    if (it == slots_.end()) return;
    it->second.reply = std::move(reply);
    it->second.done = true;
    cv_.notify_all();
}

void ServiceClient::fail_all() {
    std::lock_guard<std::mutex> lock(mu_);
    failed_ = true;
    cv_.notify_all();
}

uint64_t ServiceClient::next_id() {
    std::lock_guard<std::mutex> lock(mu_);
    return ++next_;
}

wire::In ServiceClient::wait(uint64_t id, wire::Out &out) {
    std::unique_lock<std::mutex> lock(mu_);
    auto &slot = slots_[id];
    lock.unlock();
    bool sent = channel_.send(out);
    if (before_wait) before_wait();
    lock.lock();
    cv_.wait(lock, [&] { return slot.done || failed_ || !sent; });
    wire::In reply = std::move(slot.reply);
    bool ok = slot.done;
    slots_.erase(id);
    if (!ok) throw std::runtime_error("the host closed the connection");
    return reply;
}

uint64_t call_id_of(const ats_call_t *call) {
    if (!call || call->is_cancelled != &worker_is_cancelled || !call->call_data) return 0;
    return static_cast<const WorkerCall *>(call->call_data)->id;
}

int32_t worker_is_cancelled(void *call_data) {
    return call_data && static_cast<WorkerCall *>(call_data)->cancelled.load(std::memory_order_relaxed) ? 1 : 0;
}

namespace {

ServiceClient &client(void *host_data) { return *static_cast<ServiceClient *>(host_data); }

using ats::sdk::fill_error;

// Every reply that can fail starts with i32 status; on failure i32 retryable + message follow.
int32_t status_or_error(wire::In &in, ats_error_t *err) {
    int32_t rc = in.i32();
    if (rc != ATS_OK) {
        int32_t retryable = in.i32();
        fill_error(err, rc, in.str(), retryable != 0);
    }
    return rc;
}

template <class Fn>
int32_t guarded(ats_error_t *err, const char *what, Fn &&fn) {
    try {
        return fn();
    } catch (const std::exception &e) {
        fill_error(err, ATS_ERR_TRANSIENT, std::string(what) + ": the host connection failed: " + e.what());
        return ATS_ERR_TRANSIENT;
    }
}

// ----- the stubs: one per ats_host_services_t function ------------------------------------------

void log(void *hd, const ats_call_t *call, int32_t level, const char *msg, size_t len) {
    client(hd).notify(Service::log, call_id_of(call),
                      [&](wire::Out &o) { o.i32(level).bytes(msg ? msg : "", msg ? len : 0); });
}

int32_t http_request(void *hd, const ats_call_t *call, const ats_http_request_t *r, ats_http_response_fn on_response,
                     void *user, ats_error_t *err) {
    if (!r || r->struct_size < sizeof(ats_http_request_t) || !r->method || !r->url || !on_response ||
        (r->header_count && !r->headers) || (r->body_len && !r->body)) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT,
                   "http_request: malformed request (NULL method/url/callback or inconsistent lengths)");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < r->header_count; ++i)
        if (!r->headers[i].name || !r->headers[i].value) {
            fill_error(err, ATS_ERR_INVALID_ARGUMENT, "http_request: header with NULL name or value");
            return ATS_ERR_INVALID_ARGUMENT;
        }
    return guarded(err, "http_request", [&]() -> int32_t {
        auto in = client(hd).request(Service::http_request, call_id_of(call), [&](wire::Out &o) {
            o.str(r->method).str(r->url).u32(static_cast<uint32_t>(r->header_count));
            for (size_t i = 0; i < r->header_count; ++i) o.str(r->headers[i].name).str(r->headers[i].value);
            o.bytes(r->body, r->body_len).i32(r->timeout_ms).i32(r->idempotent);
            uint32_t secrets = 0;
            for (size_t i = 0; r->secret_headers && i < r->secret_header_count; ++i)
                secrets += r->secret_headers[i] ? 1 : 0;
            o.u32(secrets);
            for (size_t i = 0; r->secret_headers && i < r->secret_header_count; ++i)
                if (r->secret_headers[i]) o.str(r->secret_headers[i]);
        });
        int32_t rc = status_or_error(in, err);
        if (rc != ATS_OK) return rc;
        ats_http_response_t resp{};
        resp.struct_size = sizeof resp;
        resp.status = in.i32();
        uint32_t n = in.u32();
        std::vector<std::string> text;
        text.reserve(2 * n);
        for (uint32_t i = 0; i < 2 * n; ++i) text.emplace_back(in.str()); // NUL-terminated copies
        std::vector<ats_http_header_t> hs(n);
        for (uint32_t i = 0; i < n; ++i) hs[i] = {text[2 * i].c_str(), text[2 * i + 1].c_str()};
        auto body = in.str();
        resp.attempts = in.i32();
        resp.headers = hs.data();
        resp.header_count = n;
        resp.body = reinterpret_cast<const uint8_t *>(body.data());
        resp.body_len = body.size();
        on_response(user, &resp);
        return ATS_OK;
    });
}

int32_t state_get(void *hd, const char *key, size_t key_len, ats_state_value_fn on_value, void *user,
                  ats_error_t *err) {
    if ((!key && key_len) || !on_value) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT, "state_get: NULL key or callback");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    return guarded(err, "state_get", [&]() -> int32_t {
        auto in = client(hd).request(Service::state_get, 0, [&](wire::Out &o) { o.bytes(key, key_len); });
        int32_t rc = status_or_error(in, err);
        if (rc != ATS_OK) return rc;
        auto value = in.str();
        on_value(user, key, key_len, reinterpret_cast<const uint8_t *>(value.data()), value.size());
        return ATS_OK;
    });
}

int32_t state_apply(void *hd, const ats_state_op_t *ops, size_t n, ats_error_t *err) {
    if (n && !ops) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT, "state_apply: NULL ops");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; ++i)
        if ((!ops[i].key && ops[i].key_len) || (ops[i].kind != ATS_STATE_DELETE && !ops[i].value && ops[i].value_len)) {
            fill_error(err, ATS_ERR_INVALID_ARGUMENT, "state_apply: op #" + std::to_string(i) + " is malformed");
            return ATS_ERR_INVALID_ARGUMENT;
        }
    return guarded(err, "state_apply", [&]() -> int32_t {
        auto in = client(hd).request(Service::state_apply, 0, [&](wire::Out &o) {
            o.u32(static_cast<uint32_t>(n));
            for (size_t i = 0; i < n; ++i) {
                bool put = ops[i].kind != ATS_STATE_DELETE; // PUT and PUT_SECRET carry a value
                o.i32(ops[i].kind)
                    .bytes(ops[i].key, ops[i].key_len)
                    .bytes(put ? ops[i].value : nullptr, put ? ops[i].value_len : 0);
            }
        });
        return status_or_error(in, err);
    });
}

int32_t state_scan(void *hd, const char *prefix, size_t prefix_len, ats_state_value_fn on_value, void *user,
                   ats_error_t *err) {
    if ((!prefix && prefix_len) || !on_value) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT, "state_scan: NULL prefix or callback");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    return guarded(err, "state_scan", [&]() -> int32_t {
        auto in = client(hd).request(Service::state_scan, 0, [&](wire::Out &o) { o.bytes(prefix, prefix_len); });
        int32_t rc = status_or_error(in, err);
        if (rc != ATS_OK) return rc;
        uint32_t count = in.u32();
        for (uint32_t i = 0; i < count; ++i) {
            auto k = in.str();
            auto v = in.str();
            if (on_value(user, k.data(), k.size(), reinterpret_cast<const uint8_t *>(v.data()), v.size()) !=
                ATS_SINK_CONTINUE)
                break;
        }
        return ATS_OK;
    });
}

int32_t lock_acquire(void *hd, const char *name, int64_t wait_ms, ats_lock_t **out, ats_error_t *err) {
    if (out) *out = nullptr;
    if (!name || !out) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT, "lock_acquire: NULL name or out");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    return guarded(err, "lock_acquire", [&]() -> int32_t {
        auto in = client(hd).request(Service::lock_acquire, 0, [&](wire::Out &o) { o.str(name).i64(wait_ms); });
        int32_t rc = status_or_error(in, err);
        if (rc == ATS_OK) *out = reinterpret_cast<ats_lock_t *>(static_cast<uintptr_t>(in.u64()));
        return rc;
    });
}

void lock_release(void *hd, ats_lock_t *lock) {
    try {
        client(hd).request(Service::lock_release, 0, [&](wire::Out &o) { o.u64(reinterpret_cast<uintptr_t>(lock)); });
    } catch (...) { // the host is gone: it released every lock of this instance
    }
}

// The host's clock and the tenant's concurrency are known here: no round trip (the host's
// handlers for them remain for workers that ask).
int64_t now_unix_ms(void *hd) {
    if (client(hd).fixed_now_ms >= 0) return client(hd).fixed_now_ms;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int32_t max_concurrency(void *hd) { return client(hd).max_concurrency; }

int32_t identity_hash(void *hd, const uint8_t *data, size_t len, char *out, size_t out_cap, ats_error_t *err) {
    if (!out || out_cap < ATS_IDENTITY_HASH_LEN + 1 || (!data && len)) {
        fill_error(err, ATS_ERR_INVALID_ARGUMENT, "identity_hash: NULL out, out_cap too small or NULL data");
        return ATS_ERR_INVALID_ARGUMENT;
    }
    return guarded(err, "identity_hash", [&]() -> int32_t {
        auto in = client(hd).request(Service::identity_hash, 0, [&](wire::Out &o) { o.bytes(data, len); });
        int32_t rc = status_or_error(in, err);
        if (rc != ATS_OK) return rc;
        auto text = in.str();
        if (text.size() != ATS_IDENTITY_HASH_LEN) {
            fill_error(err, ATS_ERR_INTERNAL, "identity_hash: the host answered a hash of the wrong length");
            return ATS_ERR_INTERNAL;
        }
        std::memcpy(out, text.data(), text.size());
        out[text.size()] = '\0';
        return ATS_OK;
    });
}

} // namespace

ats_host_services_t make_proxy_services(ServiceClient &c) {
    ats_host_services_t s{};
    s.struct_size = sizeof s;
    s.version = {ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR};
    s.host_data = &c;
    s.log = &log;
    s.http_request = &http_request;
    s.state_get = &state_get;
    s.state_apply = &state_apply;
    s.state_scan = &state_scan;
    s.lock_acquire = &lock_acquire;
    s.lock_release = &lock_release;
    s.now_unix_ms = &now_unix_ms;
    s.max_concurrency = &max_concurrency;
    s.identity_hash = &identity_hash;
    return s;
}

} // namespace ats::worker
