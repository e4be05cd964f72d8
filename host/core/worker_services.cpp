// worker_services.cpp - the host side of the proxied host services: one handler per service of
// host/worker/wire.hpp. Each decodes the worker's request, calls the SAME function of the
// tenant's ats_host_services_t that an in-process plugin would call (so egress policy, retries,
// rate limits, redaction, state and locks behave identically) and encodes the reply.
//
// Adding a host service: a wire::Service value, a stub in host/worker/worker_services.cpp and a
// row in kHandlers below.
#include "worker_process.hpp"

#include "wire.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace ats::host {

using wire::Service;

struct ServiceHandlers {
    struct Ctx {
        WorkerProcess &worker;
        const ats_host_services_t &s;
        const ats_call_t *call; // the host-side call the request belongs to, or NULL
        wire::In &in;
        wire::Out &out;
    };
    // Returns false when the service sends no reply (log).
    using Handler = bool (*)(Ctx &);
    struct Row {
        Service service;
        bool on_reader_thread; // cheap and never blocking: no hand-off to a service thread
        Handler handler;
    };

    static void status(wire::Out &out, int32_t rc, const ats_error_t &err) {
        out.i32(rc);
        if (rc != ATS_OK) {
            std::string msg(err.message, strnlen(err.message, sizeof err.message));
            out.i32(err.retryable).str(msg);
        }
    }

    static bool log(Ctx &c) {
        int32_t level = c.in.i32();
        auto msg = c.in.str();
        c.s.log(c.s.host_data, c.call, level, msg.data(), msg.size());
        return false;
    }

    static bool http_request(Ctx &c) {
        std::string method(c.in.str()), url(c.in.str());
        uint32_t n = c.in.u32();
        std::vector<std::string> text;
        for (uint32_t i = 0; i < 2 * n; ++i) text.emplace_back(c.in.str());
        std::vector<ats_http_header_t> headers(n);
        for (uint32_t i = 0; i < n; ++i) headers[i] = {text[2 * i].c_str(), text[2 * i + 1].c_str()};
        auto body = c.in.str();
        ats_http_request_t r{};
        r.struct_size = sizeof r;
        r.method = method.c_str();
        r.url = url.c_str();
        r.headers = headers.data();
        r.header_count = n;
        r.body = reinterpret_cast<const uint8_t *>(body.data());
        r.body_len = body.size();
        r.timeout_ms = c.in.i32();
        r.idempotent = c.in.i32();
        uint32_t ns = c.in.u32();
        std::vector<std::string> secret_text;
        for (uint32_t i = 0; i < ns; ++i) secret_text.emplace_back(c.in.str());
        std::vector<const char *> secrets;
        for (auto &s : secret_text) secrets.push_back(s.c_str());
        r.secret_headers = secrets.data();
        r.secret_header_count = secrets.size();
        auto on_response = [](void *user, const ats_http_response_t *resp) {
            auto *o = static_cast<std::pair<wire::Out *, bool> *>(user);
            o->second = true;
            auto &out = *o->first;
            out.i32(ATS_OK).i32(resp->status).u32(static_cast<uint32_t>(resp->header_count));
            for (size_t i = 0; i < resp->header_count; ++i)
                out.str(resp->headers[i].name ? resp->headers[i].name : "")
                    .str(resp->headers[i].value ? resp->headers[i].value : "");
            out.bytes(resp->body, resp->body_len).i32(resp->attempts);
        };
        std::pair<wire::Out *, bool> user{&c.out, false};
        ats_error_t err{};
        int32_t rc = c.s.http_request(c.s.host_data, c.call, &r, on_response, &user, &err);
        if (rc != ATS_OK || !user.second) status(c.out, rc == ATS_OK ? ATS_ERR_INTERNAL : rc, err);
        return true;
    }

    static bool state_get(Ctx &c) {
        auto key = c.in.str();
        std::string value;
        ats_error_t err{};
        int32_t rc = c.s.state_get(
            c.s.host_data, key.data(), key.size(),
            [](void *user, const char *, size_t, const uint8_t *v, size_t n) -> int32_t {
                static_cast<std::string *>(user)->assign(reinterpret_cast<const char *>(v), n);
                return ATS_SINK_CONTINUE;
            },
            &value, &err);
        status(c.out, rc, err);
        if (rc == ATS_OK) c.out.str(value);
        return true;
    }

    static bool state_apply(Ctx &c) {
        uint32_t n = c.in.u32();
        std::vector<ats_state_op_t> ops(n);
        for (uint32_t i = 0; i < n; ++i) {
            ops[i].kind = c.in.i32();
            auto k = c.in.str();
            auto v = c.in.str(); // views into the frame, which outlives the call
            ops[i].key = k.data();
            ops[i].key_len = k.size();
            ops[i].value = reinterpret_cast<const uint8_t *>(v.data());
            ops[i].value_len = v.size();
        }
        ats_error_t err{};
        status(c.out, c.s.state_apply(c.s.host_data, ops.data(), n, &err), err);
        return true;
    }

    static bool state_scan(Ctx &c) {
        auto prefix = c.in.str();
        std::vector<std::pair<std::string, std::string>> items;
        ats_error_t err{};
        int32_t rc = c.s.state_scan(
            c.s.host_data, prefix.data(), prefix.size(),
            [](void *user, const char *k, size_t kn, const uint8_t *v, size_t vn) -> int32_t {
                static_cast<decltype(items) *>(user)->emplace_back(std::string(k, kn),
                                                                   std::string(reinterpret_cast<const char *>(v), vn));
                return ATS_SINK_CONTINUE;
            },
            &items, &err);
        status(c.out, rc, err);
        if (rc == ATS_OK) {
            c.out.u32(static_cast<uint32_t>(items.size()));
            for (auto &[k, v] : items) c.out.str(k).str(v);
        }
        return true;
    }

    static bool lock_acquire(Ctx &c) {
        std::string name(c.in.str());
        int64_t wait_ms = c.in.i64();
        ats_lock_t *lock = nullptr;
        ats_error_t err{};
        int32_t rc = c.s.lock_acquire(c.s.host_data, name.c_str(), wait_ms, &lock, &err);
        if (rc == ATS_OK) {
            std::lock_guard<std::mutex> g(c.worker.mu_);
            if (c.worker.dead_) { // it died while waiting: nobody will release this one
                c.s.lock_release(c.s.host_data, lock);
                rc = ATS_ERR_CANCELLED;
            } else {
                c.worker.locks_.insert(lock);
            }
        }
        status(c.out, rc, err);
        if (rc == ATS_OK) c.out.u64(reinterpret_cast<uintptr_t>(lock));
        return true;
    }

    static bool lock_release(Ctx &c) {
        auto *lock = reinterpret_cast<ats_lock_t *>(static_cast<uintptr_t>(c.in.u64()));
        bool mine;
        {
            std::lock_guard<std::mutex> g(c.worker.mu_);
            mine = c.worker.locks_.erase(lock) > 0;
        }
        if (mine) c.s.lock_release(c.s.host_data, lock); // never a handle another worker holds
        return true;
    }

    static bool now_unix_ms(Ctx &c) {
        c.out.i64(c.s.now_unix_ms(c.s.host_data));
        return true;
    }

    static bool max_concurrency(Ctx &c) {
        c.out.i32(c.s.max_concurrency(c.s.host_data));
        return true;
    }

    static bool identity_hash(Ctx &c) {
        auto data = c.in.str();
        char out[ATS_IDENTITY_HASH_LEN + 1] = {};
        ats_error_t err{};
        int32_t rc = c.s.identity_hash
                         ? c.s.identity_hash(c.s.host_data, reinterpret_cast<const uint8_t *>(data.data()), data.size(),
                                             out, sizeof out, &err)
                         : ATS_ERR_NOT_SUPPORTED;
        status(c.out, rc, err);
        if (rc == ATS_OK) c.out.str(std::string(out, ATS_IDENTITY_HASH_LEN));
        return true;
    }

    static const Row *find(Service s) {
        static const Row kHandlers[] = {
            {Service::log, true, &log},
            {Service::http_request, false, &http_request},
            {Service::state_get, false, &state_get},
            {Service::state_apply, false, &state_apply},
            {Service::state_scan, false, &state_scan},
            {Service::lock_acquire, false, &lock_acquire},
            {Service::lock_release, false, &lock_release},
            {Service::now_unix_ms, true, &now_unix_ms},
            {Service::max_concurrency, true, &max_concurrency},
            {Service::identity_hash, true, &identity_hash}, // HMAC in memory: cheap, never blocks
        };
        for (const auto &row : kHandlers)
            if (row.service == s) return &row;
        return nullptr;
    }
};

void WorkerProcess::run_service(std::unique_ptr<wire::In> frame) {
    uint64_t call_id = frame->u64();
    auto service = static_cast<Service>(frame->u32());
    const auto *row = ServiceHandlers::find(service);
    auto job = [self = this, frame = std::shared_ptr<wire::In>(std::move(frame)), call_id, row] {
        wire::Out out(wire::Type::h_service_reply, frame->id());
        auto hc = self->host_call(call_id); // keeps the call's state alive while the service runs
        if (!row) {                         // a newer worker asked for a service this host lacks
            out.i32(ATS_ERR_NOT_SUPPORTED).i32(0).str("this host does not offer that host service");
            self->channel_->send(out);
            return;
        }
        ServiceHandlers::Ctx ctx{*self, *self->config_.services, hc ? &hc->call : nullptr, *frame, out};
        bool reply;
        try {
            reply = row->handler(ctx);
        } catch (const wire::Truncated &) {
            self->kill("malformed service request");
            return;
        }
        if (reply) self->channel_->send(out);
    };
    if (row && row->on_reader_thread)
        job();
    else
        post_service(std::move(job));
}

} // namespace ats::host
