// ats-plugin-worker: runs ONE provider plugin out of the host's process (README.md here).
//   ats-plugin-worker --screen PLUGIN.so        load, init, read the descriptor, exit 0 (or 1)
//   ats-plugin-worker --fd N --plugin PLUGIN.so serve the host over the socket N
// A crash here takes down only this process; the host sees the socket close and the signal.
#include "wire.hpp"
#include "worker_call.hpp"
#include "worker_services.hpp"

#include "plugin_registry.hpp"

#include "ats_plugin.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <functional>
#include <vector>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using namespace ats;
using wire::Type;

// In flight per call (sent, not yet consumed by the host's caller) before the plugin waits:
// whichever bound is reached first. The count bounds the read-ahead past a STOP; the bytes bound
// the memory of large results.
constexpr uint64_t kWindow = 1024;
constexpr uint64_t kWindowBytes = 1024 * 1024;

class Worker {
public:
    Worker(int fd, std::shared_ptr<const host::LoadedPlugin> plugin)
        : channel_(fd), services_client_(channel_), plugin_(std::move(plugin)),
          services_(worker::make_proxy_services(services_client_)) {
        services_client_.before_wait = [this] { ensure_reader(); }; // the reply must be read
    }

    wire::Channel &channel() { return channel_; }

    // Reads frames on a pool thread ("the leader"). A frame that starts a call is run right here,
    // on the thread that read it: a call that never blocks then costs no thread hand-off. Whoever
    // is about to block while a call runs here (a service waiting for its reply, a result waiting
    // for credit, or the flusher noticing the call has run for a while) hands the reading to
    // another pool thread first (ensure_reader), so replies, credits, cancellations and other
    // calls are still read. Ends the process when the host is gone.
    void lead() {
        wire::In in;
        for (;;) {
            if (!channel_.receive(in)) break;
            try {
                if (in.type() == Type::h_invoke) {
                    auto job = start_invoke(in);
                    inline_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
                    reader_busy_ = true;
                    job();
                    if (!reader_busy_.exchange(false)) return; // another thread reads now
                    continue;
                }
                dispatch(in);
            } catch (const wire::Truncated &) {
                std::fprintf(stderr, "ats-plugin-worker: malformed frame from the host; exiting\n");
                break;
            }
        }
        services_client_.fail_all();
        std::fflush(nullptr);
        _exit(0); // the host is gone: no destructors racing with plugin threads
    }

    // Called before anything that may block while a call runs on the reading thread.
    void ensure_reader() {
        if (reader_busy_.load(std::memory_order_relaxed) && reader_busy_.exchange(false)) post([this] { lead(); });
    }

    void start() {
        post([this] { lead(); });
        std::thread([this] { flusher(); }).detach();
    }

private:
    void dispatch(wire::In &in) {
        switch (in.type()) {
        case Type::h_create: {
            std::string tenant(in.str()), config(in.str());
            services_client_.fixed_now_ms = in.i64();
            services_client_.max_concurrency = in.i32();
            std::thread([this, tenant, config] { create(tenant, config); }).detach();
            break;
        }
        case Type::h_credit: {
            uint64_t consumed = in.u64();
            bool stop = in.u8() != 0;
            uint64_t consumed_bytes = in.u64();
            if (auto c = find(in.id())) {
                std::lock_guard<std::mutex> lock(c->mu);
                c->consumed = std::max(c->consumed, consumed);
                c->consumed_bytes = std::max(c->consumed_bytes, consumed_bytes);
                c->stop = c->stop || stop;
                c->cv.notify_all();
            }
            break;
        }
        case Type::h_cancel:
            if (auto c = find(in.id())) c->cancelled = true;
            break;
        case Type::h_service_reply: services_client_.deliver(std::move(in)); break;
        case Type::h_shutdown:
            // destroy() may call host services, whose replies this thread must read.
            std::thread([this] {
                if (instance_) plugin_->entry().destroy(instance_);
                instance_ = nullptr;
                plugin_.reset(); // deinit
                std::fflush(nullptr);
                _exit(0);
            }).detach();
            break;
        default: break; // unknown frames from a newer host: ignored
        }
    }

private:
    std::shared_ptr<worker::WorkerCall> find(uint64_t id) {
        std::lock_guard<std::mutex> lock(calls_mu_);
        auto it = calls_.find(id);
        return it == calls_.end() ? nullptr : it->second;
    }

    void create(const std::string &tenant, const std::string &config) {
        ats_error_t err{};
        ats_instance_t *inst = nullptr;
        int32_t rc = plugin_->entry().create(&services_, tenant.c_str(), config.data(), config.size(), &inst, &err);
        err.message[ATS_ERROR_MESSAGE_MAX - 1] = '\0';
        if (rc == ATS_OK && !inst) {
            rc = ATS_ERR_INTERNAL;
            ats::sdk::fill_error(&err, rc, "create() returned OK but no instance");
        }
        instance_ = inst;
        wire::Out out(Type::w_created, 0);
        out.i32(rc).i32(err.retryable).str(rc == ATS_OK ? "" : err.message);
        channel_.send(out);
    }

    struct SinkCtx {
        Worker *self;
        worker::WorkerCall *call;
    };

    static constexpr size_t kFlushBytes = 64 * 1024;

    // Writes the call's pending batch (plus `tail`, e.g. w_done) in one write, in call order.
    void flush(worker::WorkerCall &c, const std::string &tail = {}) {
        std::lock_guard<std::mutex> order(c.send_mu);
        std::string batch;
        {
            std::lock_guard<std::mutex> lock(c.mu);
            batch = c.pending.take(c.id);
        }
        batch += tail;
        if (batch.empty()) return;
        channel_.send_raw(batch);
        std::lock_guard<std::mutex> lock(c.mu);
        c.pending.recycle(std::move(batch));
    }

    static bool window_full(const worker::WorkerCall &c) {
        return c.sent - c.consumed >= kWindow || c.sent_bytes - c.consumed_bytes >= kWindowBytes;
    }

    // Adds an item to the pending batch (c.mu held).
    static wire::Batch &begin_item(worker::WorkerCall &c, Type type) {
        if (c.pending.empty()) c.first_pending = std::chrono::steady_clock::now();
        return c.pending.begin(type);
    }

    // Queues one result; false when the host asked to stop (the result is then queued only
    // when the plugin ignores STOP, marked after_stop so the host can tell).
    static bool queue_result(SinkCtx *s, Type type, std::string_view a, std::string_view b) {
        auto &c = *s->call;
        std::unique_lock<std::mutex> lock(c.mu);
        if (!c.stop && window_full(c)) {
            lock.unlock();
            s->self->flush(c);        // what the host has not seen yet, it cannot credit
            s->self->ensure_reader(); // the credit must be read by someone
            lock.lock();
            c.cv.wait(lock, [&] { return c.stop || !window_full(c); });
        }
        bool after_stop = false;
        if (c.stop) {
            if (!c.stop_reported) {
                c.stop_reported = true;
                c.last_dropped = true;
                return false;
            }
            after_stop = true;
        }
        c.last_dropped = false;
        ++c.sent;
        c.sent_bytes += a.size() + b.size();
        bool first = c.pending.empty();
        auto &item = begin_item(c, type);
        item.str(a);
        if (type == Type::w_blob) item.str(b);
        item.u8(after_stop ? 1 : 0);
        c.pending.end();
        bool big = c.pending.size() >= kFlushBytes;
        bool wake = first && c.sent >= 2; // a stream: its results must not wait for the end
        // The host's consumer takes no more than max_results: stop the plugin now, not when the
        // host's STOP arrives (it would read ahead upstream meanwhile). A control record
        // ("_type", ats_plugin.h) is no result; the text test may spare a result too, which only
        // lets one more through - the host still stops at its own limit.
        bool last = false;
        if (c.max_results && !after_stop && type == Type::w_record && a.find("\"_type\"") == std::string_view::npos &&
            ++c.results >= c.max_results) {
            c.stop = c.stop_reported = true;
            last = true;
        }
        lock.unlock();
        if (last) {
            s->self->flush(c);
            return false;
        }
        if (big)
            s->self->flush(c);
        else if (wake)
            s->self->wake_flusher();
        return !after_stop;
    }
    static int32_t sink_record(void *user, const char *json, size_t len) {
        auto *s = static_cast<SinkCtx *>(user);
        return queue_result(s, Type::w_record, std::string_view(json ? json : "", json ? len : 0), {})
                   ? ATS_SINK_CONTINUE
                   : ATS_SINK_STOP;
    }
    static int32_t sink_blob(void *user, const char *meta, size_t meta_len, const uint8_t *data, size_t len) {
        auto *s = static_cast<SinkCtx *>(user);
        std::string_view m(meta ? meta : "", meta ? meta_len : 0),
            d(reinterpret_cast<const char *>(data), data ? len : 0);
        return queue_result(s, Type::w_blob, m, d) ? ATS_SINK_CONTINUE : ATS_SINK_STOP;
    }
    // Travels in order with the results; it names how many results preceded it, so the host
    // takes it only when that result is the last one it consumed.
    // Travels in order with the results; it names how many results preceded it, so the host
    // takes it only when that result is the last one it consumed.
    static void sink_position(void *user, const char *position, size_t len) {
        auto &c = *static_cast<SinkCtx *>(user)->call;
        std::lock_guard<std::mutex> lock(c.mu);
        if (c.last_dropped) return;
        begin_item(c, Type::w_position).u64(c.sent).str(std::string_view(position ? position : "", position ? len : 0));
        c.pending.end();
    }
    static void sink_progress(void *user, const char *phase, int64_t done, int64_t total) {
        auto &c = *static_cast<SinkCtx *>(user)->call;
        std::lock_guard<std::mutex> lock(c.mu);
        begin_item(c, Type::w_progress).str(phase ? phase : "").i64(done).i64(total);
        c.pending.end();
    }

    // Sends what streams have queued for about a millisecond, so a slow stream's records are
    // not held back waiting for a full batch.
    void flusher() {
        bool busy = false;
        for (;;) {
            {
                // While streams have results waiting, look every millisecond; otherwise sleep until
                // a stream queues its second result (a single-result call is flushed by its end),
                // checking every 20 ms for a stream that stalled after its first, and for a call
                // that holds the reading thread too long.
                std::unique_lock<std::mutex> lock(flush_mu_);
                flush_cv_.wait_for(lock, busy ? std::chrono::milliseconds(1) : std::chrono::milliseconds(20),
                                   [&] { return busy || flush_wanted_; });
                if (busy) flush_cv_.wait_for(lock, std::chrono::milliseconds(1), [] { return false; });
                flush_wanted_ = false;
            }
            std::vector<std::shared_ptr<worker::WorkerCall>> due;
            auto now = std::chrono::steady_clock::now();
            // A call that computes without blocking must not keep frames unread for long (a
            // cancellation, another call): another thread takes over the reading.
            if (reader_busy_ && now.time_since_epoch().count() - inline_since_ >=
                                    std::chrono::steady_clock::duration(std::chrono::milliseconds(2)).count())
                ensure_reader();
            {
                std::lock_guard<std::mutex> lock(calls_mu_);
                for (auto &kv : calls_) {
                    std::lock_guard<std::mutex> c(kv.second->mu);
                    if (!kv.second->pending.empty() && now - kv.second->first_pending >= std::chrono::milliseconds(1))
                        due.push_back(kv.second);
                }
            }
            busy = !due.empty();
            for (auto &c : due) flush(*c);
        }
    }
    void wake_flusher() {
        {
            std::lock_guard<std::mutex> lock(flush_mu_);
            flush_wanted_ = true;
        }
        flush_cv_.notify_one();
    }

    // Invokes run on pooled threads (one per concurrent call; idle ones are reused).
    void post(std::function<void()> job) {
        std::lock_guard<std::mutex> lock(pool_mu_);
        jobs_.push_back(std::move(job));
        if (idle_ > 0) {
            pool_cv_.notify_one();
            return;
        }
        std::thread([this] {
            std::unique_lock<std::mutex> lock(pool_mu_);
            for (;;) {
                ++idle_;
                pool_cv_.wait(lock, [&] { return !jobs_.empty(); });
                --idle_;
                auto job = std::move(jobs_.front());
                jobs_.pop_front();
                lock.unlock();
                job();
                lock.lock();
            }
        }).detach();
    }

    std::function<void()> start_invoke(wire::In &in) {
        auto call = std::make_shared<worker::WorkerCall>();
        call->id = in.id();
        std::string op(in.str()), args(in.str()), request_id(in.str());
        bool accepts_blob = in.u8() != 0;
        bool accepts_position = in.u8() != 0;
        call->max_results = in.u64();
        {
            std::lock_guard<std::mutex> lock(calls_mu_);
            calls_[call->id] = call;
        }
        return [this, call, op = std::move(op), args = std::move(args), request_id = std::move(request_id),
                accepts_blob, accepts_position] {
            SinkCtx ctx{this, call.get()};
            ats_sink_t sink{};
            sink.struct_size = sizeof sink;
            sink.user = &ctx;
            sink.record = &sink_record;
            sink.blob = accepts_blob ? &sink_blob : nullptr;
            sink.progress = &sink_progress;
            sink.position = accepts_position ? &sink_position : nullptr;
            ats_call_t c{};
            c.struct_size = sizeof c;
            c.request_id = request_id.c_str();
            c.call_data = call.get();
            c.is_cancelled = &worker::worker_is_cancelled;
            c.max_results = call->max_results; // as the host's call said (h_invoke)
            ats_error_t err{};
            int32_t rc = plugin_->entry().invoke(instance_, &c, op.c_str(), args.data(), args.size(), &sink, &err);
            err.message[ATS_ERROR_MESSAGE_MAX - 1] = '\0';
            {
                std::lock_guard<std::mutex> lock(calls_mu_);
                calls_.erase(call->id);
            }
            wire::Out out(Type::w_done, call->id);
            out.i32(rc).i32(err.retryable).str(rc == ATS_OK ? "" : err.message);
            flush(*call, out.frame()); // the last results and the end in one write
        };
    }

    wire::Channel channel_;
    worker::ServiceClient services_client_;
    std::shared_ptr<const host::LoadedPlugin> plugin_;
    ats_host_services_t services_;
    ats_instance_t *instance_ = nullptr;
    std::mutex calls_mu_;
    std::map<uint64_t, std::shared_ptr<worker::WorkerCall>> calls_;
    std::mutex flush_mu_;
    std::condition_variable flush_cv_;
    bool flush_wanted_ = false;
    std::mutex pool_mu_;
    std::condition_variable pool_cv_;
    std::deque<std::function<void()>> jobs_;
    size_t idle_ = 0;

    // True while a call runs on the thread that read it and no other thread reads.
    std::atomic<bool> reader_busy_{false};
    std::atomic<int64_t> inline_since_{0}; // steady_clock ticks
};

int usage() {
    std::fprintf(stderr, "usage: ats-plugin-worker --screen PLUGIN.so | --fd N --plugin PLUGIN.so\n"
                         "(started by ats-host; see host/worker/README.md)\n");
    return 2;
}

} // namespace

int main(int argc, char **argv) {
    std::signal(SIGPIPE, SIG_IGN);
    // Descriptors the host did not mean to pass (its listening socket, client connections opened
    // without close-on-exec) must not live on here: a connection the host closes would stay open.
    ::close_range(4, ~0U, 0);
    std::string screen, plugin_path;
    int fd = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--screen")
            screen = argv[i + 1];
        else if (flag == "--plugin")
            plugin_path = argv[i + 1];
        else if (flag == "--fd")
            fd = std::atoi(argv[i + 1]);
        else
            return usage();
    }
    if (!screen.empty()) {
        // Only the exit status matters: the host repeats a failed load itself to word the reason.
        try {
            ats::host::PluginRegistry::load_one(screen);
            return 0;
        } catch (const std::exception &) {
            return 1;
        }
    }
    if (fd < 0 || plugin_path.empty()) return usage();
    std::shared_ptr<const ats::host::LoadedPlugin> plugin;
    std::string reason;
    try {
        plugin = ats::host::PluginRegistry::load_one(plugin_path);
    } catch (const std::exception &e) {
        reason = e.what();
    }
    if (!plugin) {
        ats::wire::Channel channel(fd);
        ats::wire::Out out(Type::w_load_failed, 0);
        out.str(reason);
        channel.send(out);
        return 1;
    }
    auto *worker = new Worker(fd, plugin); // lives until _exit: plugin threads may still use it
    plugin.reset();
    ats::wire::Out ready(Type::w_ready, 0);
    ready.str(""); // reserved (the provider is known to the host already)
    worker->channel().send(ready);
    worker->start(); // the process ends on a pool thread when the host is gone
    for (;;) ::pause();
}
