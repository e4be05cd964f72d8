#include "worker_process.hpp"

#include "child_process.hpp"
#include "host_error.hpp"
#include "wire.hpp"

#include "ats_plugin.hpp"

#include <csignal>
#include <cstring>
#include <deque>
#include <sys/socket.h>
#include <unistd.h>

namespace ats::host {

using wire::Type;

struct WorkerProcess::PendingCall {
    std::shared_ptr<HostCall> host;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<wire::In> frames;
    bool dead = false;
};

namespace {
// Consumed results (or bytes) between two credit frames: a quarter of the worker's window.
constexpr uint64_t kCreditEvery = 256;
constexpr uint64_t kCreditEveryBytes = 256 * 1024;

using ats::sdk::fill_error;
} // namespace

WorkerProcess::WorkerProcess(Config config) : config_(std::move(config)) {}

std::string WorkerProcess::who() const {
    return "provider '" + config_.provider + "' (" + config_.plugin_path + ") of tenant '" + config_.tenant_id + "'";
}

std::string WorkerProcess::death() const {
    std::lock_guard<std::mutex> lock(mu_);
    return death_;
}

std::shared_ptr<WorkerProcess> WorkerProcess::start(const Config &config, const std::string &config_json) {
    if (config.worker_path.empty())
        throw HostError(ErrorKind::plugin, ATS_ERR_INTERNAL,
                        "tenant '" + config.tenant_id +
                            "' runs its provider in a worker process, but ats-plugin-worker "
                            "was not found next to the host executable (set ATS_PLUGIN_WORKER)");
    std::shared_ptr<WorkerProcess> w(new WorkerProcess(config));
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw HostError(ErrorKind::plugin, ATS_ERR_INTERNAL, "socketpair: " + std::string(std::strerror(errno)));
    try {
        w->pid_ = spawn_child({config.worker_path, "--fd", "3", "--plugin", config.plugin_path}, fds[1]);
    } catch (const std::exception &e) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw HostError(ErrorKind::plugin, ATS_ERR_INTERNAL, w->who() + ": " + e.what());
    }
    ::close(fds[1]);
    w->channel_ = std::make_unique<wire::Channel>(fds[0]);
    w->reader_ = std::thread([raw = w.get()] { raw->reader(); });

    auto fail = [&](const std::string &what, int32_t status) {
        w->kill("startup failed");
        throw HostError(ErrorKind::plugin, status, w->who() + ": " + what);
    };
    auto wait_state = [&](int wanted) {
        std::unique_lock<std::mutex> lock(w->mu_);
        bool ok = w->cv_.wait_for(lock, config.start_timeout, [&] {
            return w->startup_state_ >= wanted || w->startup_state_ < 0 || !w->death_.empty();
        });
        if (w->startup_state_ >= wanted) return std::string();
        if (!w->death_.empty())
            return "the plugin worker process " + w->death_ + " while " +
                   (wanted == 1 ? "loading the plugin" : "creating the instance");
        if (w->startup_state_ < 0) return w->startup_message_;
        return std::string(ok ? ""
                              : "the plugin worker did not answer within " +
                                    std::to_string(config.start_timeout.count()) + " ms");
    };
    if (auto why = wait_state(1); !why.empty()) fail(why, ATS_ERR_INTERNAL);
    wire::Out create(Type::h_create, 0);
    create.str(config.tenant_id).str(config_json).i64(config.fixed_now_ms).i32(config.max_concurrency);
    w->channel_->send(create);
    if (auto why = wait_state(2); !why.empty()) fail(why, ATS_ERR_INTERNAL);
    if (w->create_status_ != ATS_OK) {
        std::string msg = w->startup_message_;
        int32_t rc = w->create_status_;
        w->kill("create failed");
        throw HostError(ErrorKind::plugin, rc,
                        "tenant '" + config.tenant_id + "': provider '" + config.provider + "' (" + config.plugin_path +
                            ") refused to create an instance: " + status_name(rc) + ": " + msg);
    }
    return w;
}

WorkerProcess::~WorkerProcess() {
    if (!dead_) {
        wire::Out bye(Type::h_shutdown, 0);
        channel_->send(bye);
        std::unique_lock<std::mutex> lock(mu_);
        if (!cv_.wait_for(lock, std::chrono::seconds(5), [&] { return dead_.load(); })) {
            lock.unlock();
            kill("did not exit after shutdown");
        }
    }
    if (reader_.joinable()) reader_.join();
    {
        std::lock_guard<std::mutex> lock(pool_mu_);
        pool_stop_ = true;
    }
    pool_cv_.notify_all();
    for (auto &t : pool_) t.join();
}

void WorkerProcess::kill(const std::string &) {
    killed_by_host_ = true;
    if (pid_ > 0 && !dead_) ::kill(pid_, SIGKILL);
    if (channel_) channel_->shutdown(); // the reader sees the end and reaps the process
}

std::shared_ptr<WorkerProcess::HostCall> WorkerProcess::host_call(uint64_t id) {
    if (!id) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : it->second->host;
}

namespace {
// The reader thread leaves the reading to the invoking threads until no call has run this long.
constexpr auto kReaderIdle = std::chrono::milliseconds(20);
} // namespace

void WorkerProcess::reader() {
    wire::In in;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mu_);
            while (!eof_ && !(calls_.empty() && std::chrono::steady_clock::now() - last_call_end_ >= kReaderIdle))
                reader_cv_.wait_for(lock, kReaderIdle);
        }
        // Idle: sleeps until bytes arrive or the worker closes (a call starting meanwhile reads on
        // its own thread; this one then finds the reading taken and waits again above).
        if (!channel_->frame_buffered() && !channel_->wait_readable(-1)) continue;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (reading_ || (!eof_ && !calls_.empty())) continue; // a call's thread reads
            reading_ = true;
        }
        bool ok = channel_->receive(in);
        release_reading(nullptr, false);
        if (!ok) break;
        try {
            dispatch(in);
        } catch (const wire::Truncated &) { // a corrupt stream: treat the worker as dead
            ::kill(pid_, SIGKILL);
            break;
        }
    }
    on_dead();
}

bool WorkerProcess::read_for(PendingCall &pc, std::chrono::milliseconds wait) {
    {
        std::lock_guard<std::mutex> lock(pc.mu);
        if (!pc.frames.empty() || pc.dead) return false; // nothing to wait for
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (reading_ || eof_) return false;
        reading_ = true;
    }
    auto until = std::chrono::steady_clock::now() + wait;
    bool eof = false;
    try {
        for (;;) {
            {
                std::lock_guard<std::mutex> lock(pc.mu);
                if (!pc.frames.empty() || pc.dead) break;
            }
            if (!channel_->frame_buffered()) {
                auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
                if (left.count() <= 0 || !channel_->wait_readable(static_cast<int>(left.count()) + 1)) break;
            }
            wire::In in;
            if (!channel_->receive(in)) {
                eof = true;
                break;
            }
            dispatch(in);
        }
    } catch (const wire::Truncated &) { // a corrupt stream: treat the worker as dead
        ::kill(pid_, SIGKILL);
        eof = true;
    }
    try { // hand out what has arrived already: those calls need no reader to be woken for it
        while (!eof && channel_->frame_buffered()) {
            wire::In in;
            if (!channel_->receive(in))
                eof = true;
            else
                dispatch(in);
        }
    } catch (const wire::Truncated &) {
        ::kill(pid_, SIGKILL);
        eof = true;
    }
    release_reading(&pc, eof);
    return true;
}

void WorkerProcess::release_reading(const PendingCall *self, bool eof) {
    std::shared_ptr<PendingCall> next;
    {
        std::lock_guard<std::mutex> lock(mu_);
        reading_ = false;
        if (eof) eof_ = true;
        // A call still waiting for its frames takes over the reading (one with frames in hand
        // reads again when it has handled them).
        for (auto &kv : calls_) {
            if (kv.second.get() == self) continue;
            std::lock_guard<std::mutex> l(kv.second->mu);
            if (kv.second->frames.empty() && !kv.second->dead) {
                next = kv.second;
                break;
            }
        }
    }
    if (eof) reader_cv_.notify_all(); // the reader thread sees the end and reaps the process
    if (next) {
        // Through its lock, so the wake cannot fall between its check of reading_ and its wait;
        // notified after, so it does not wake into a lock still held.
        { std::lock_guard<std::mutex> lock(next->mu); }
        next->cv.notify_one();
    }
}

void WorkerProcess::dispatch(wire::In &in) {
    switch (in.type()) {
    case Type::w_ready: {
        std::lock_guard<std::mutex> lock(mu_);
        startup_state_ = 1;
        cv_.notify_all();
        break;
    }
    case Type::w_load_failed: {
        std::lock_guard<std::mutex> lock(mu_);
        startup_state_ = -1;
        startup_message_ = std::string(in.str());
        cv_.notify_all();
        break;
    }
    case Type::w_created: {
        std::lock_guard<std::mutex> lock(mu_);
        create_status_ = in.i32();
        create_retryable_ = in.i32();
        startup_message_ = std::string(in.str());
        startup_state_ = 2;
        cv_.notify_all();
        break;
    }
    case Type::w_service: run_service(std::make_unique<wire::In>(std::move(in))); break;
    case Type::w_record:
    case Type::w_blob:
    case Type::w_progress:
    case Type::w_position:
    case Type::w_batch:
    case Type::w_done: {
        std::shared_ptr<PendingCall> pc;
        {
            std::lock_guard<std::mutex> lock(mu_);
            auto it = calls_.find(in.id());
            if (it != calls_.end()) pc = it->second;
        }
        if (!pc) break; // a call the host already gave up on
        {
            std::lock_guard<std::mutex> lock(pc->mu);
            pc->frames.push_back(std::move(in));
        }
        // Notified after unlocking: woken under the lock, the call's thread would at once block
        // on it again (a futex wait and wake more per frame, the hottest path with several calls).
        pc->cv.notify_one();
        break;
    }
    default: break;
    }
}

void WorkerProcess::on_dead() {
    bool timed_out = false;
    int status = wait_child(pid_, std::chrono::seconds(2), timed_out);
    std::vector<std::shared_ptr<PendingCall>> calls;
    std::set<ats_lock_t *> locks;
    {
        std::lock_guard<std::mutex> lock(mu_);
        death_ = describe_exit(status);
        for (auto &kv : calls_) calls.push_back(kv.second);
        locks.swap(locks_);
        dead_ = true;
        cv_.notify_all();
    }
    for (auto &pc : calls) {
        pc->host->cancelled = true; // service calls still running for it stop waiting
        std::lock_guard<std::mutex> lock(pc->mu);
        pc->dead = true;
        pc->cv.notify_one();
    }
    // Locks the dead plugin held: released, as for a process that died holding a file lock.
    for (auto *l : locks) config_.services->lock_release(config_.services->host_data, l);
}

void WorkerProcess::post_service(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    jobs_.push_back(std::move(job));
    if (idle_ == 0) {
        pool_.emplace_back([this] {
            std::unique_lock<std::mutex> lock(pool_mu_);
            for (;;) {
                ++idle_;
                pool_cv_.wait(lock, [&] { return pool_stop_ || !jobs_.empty(); });
                --idle_;
                if (jobs_.empty()) return; // stopping
                auto next = std::move(jobs_.front());
                jobs_.erase(jobs_.begin());
                lock.unlock();
                next();
                lock.lock();
            }
        });
    } else {
        pool_cv_.notify_one();
    }
}

std::optional<CallClass> WorkerProcess::class_of(const ats_call_t *call) {
    if (!call || call->is_cancelled != &HostCall::is_cancelled || !call->call_data) return std::nullopt;
    return static_cast<const HostCall *>(call->call_data)->cls;
}

int32_t WorkerProcess::invoke(const Call &call, const std::string &operation, const std::string &args,
                              const ats_sink_t &sink, ats_error_t *err, WorkerFailure &failure) {
    auto pc = std::make_shared<PendingCall>();
    pc->host = std::make_shared<HostCall>();
    auto &hc = *pc->host;
    hc.request_id = call.host_call && call.host_call->request_id ? call.host_call->request_id : "";
    hc.call.struct_size = sizeof hc.call;
    hc.call.request_id = hc.request_id.c_str();
    hc.call.call_data = &hc;
    hc.call.is_cancelled = &HostCall::is_cancelled;
    hc.cls = call.cls;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (dead_) {
            failure = {WorkerFailure::crashed, who() + ": the plugin worker process " + death_};
            fill_error(err, ATS_ERR_INTERNAL, failure.message);
            return ATS_ERR_INTERNAL;
        }
        hc.id = ++next_call_;
        calls_[hc.id] = pc;
    }
    struct Unregister {
        WorkerProcess *w;
        uint64_t id;
        ~Unregister() {
            std::lock_guard<std::mutex> lock(w->mu_);
            w->calls_.erase(id);
            w->last_call_end_ = std::chrono::steady_clock::now();
        }
    } unregister{this, hc.id};

    wire::Out out(Type::h_invoke, hc.id);
    const bool wants_position =
        sink.struct_size >= offsetof(ats_sink_t, position) + sizeof sink.position && sink.position;
    out.str(operation)
        .str(args)
        .str(hc.request_id)
        .u8(sink.blob ? 1 : 0)
        .u8(wants_position ? 1 : 0)
        .u64(call.max_results);
    channel_->send(out); // a failure shows as the worker's death below

    uint64_t consumed = 0, credited = 0, consumed_bytes = 0, credited_bytes = 0;
    bool stop_sent = false, cancel_sent = false, timed_out = false;
    std::chrono::steady_clock::time_point cancel_at{};
    auto credit = [&] {
        wire::Out c(Type::h_credit, hc.id);
        c.u64(consumed).u8(stop_sent ? 1 : 0).u64(consumed_bytes);
        channel_->send(c);
        credited = consumed;
        credited_bytes = consumed_bytes;
    };
    // One result consumed; the first one the sink refuses sends STOP with the credit, so the
    // worker stops producing (results already in flight are dropped in the loop below).
    auto consumed_one = [&](int32_t more, size_t bytes) {
        ++consumed;
        consumed_bytes += bytes;
        if (more == ATS_SINK_CONTINUE || stop_sent) {
            // Credit while a batch is being handed out, not after it: the worker keeps producing.
            if (consumed - credited >= kCreditEvery || consumed_bytes - credited_bytes >= kCreditEveryBytes) credit();
            return;
        }
        stop_sent = true;
        credit();
    };
    // One result, position or progress item (alone or from a batch). True for w_done.
    int32_t rc = ATS_OK;
    auto handle = [&](Type type, wire::View &f) {
        switch (type) {
        case Type::w_record: {
            auto json = f.str();
            bool after_stop = f.u8() != 0;
            if (stop_sent && !after_stop) break; // was in flight when we said stop
            consumed_one(sink.record(sink.user, json.data(), json.size()), json.size());
            break;
        }
        case Type::w_blob: {
            auto meta = f.str();
            auto data = f.str();
            bool after_stop = f.u8() != 0;
            if (stop_sent && !after_stop) break;
            int32_t more = sink.blob ? sink.blob(sink.user, meta.data(), meta.size(),
                                                 reinterpret_cast<const uint8_t *>(data.data()), data.size())
                                     : ATS_SINK_STOP;
            consumed_one(more, meta.size() + data.size());
            break;
        }
        case Type::w_position: {
            uint64_t after = f.u64();
            auto position = f.str();
            // Only the position of the last result consumed (not of one dropped after STOP).
            if (wants_position && after == consumed) sink.position(sink.user, position.data(), position.size());
            break;
        }
        case Type::w_progress: {
            std::string phase(f.str());
            int64_t done = f.i64(), total = f.i64();
            if (sink.progress) sink.progress(sink.user, phase.c_str(), done, total);
            break;
        }
        case Type::w_done: {
            rc = f.i32();
            int32_t retryable = f.i32();
            std::string msg(f.str());
            if (rc != ATS_OK) fill_error(err, rc, msg, retryable != 0);
            return true;
        }
        default: break;
        }
        return false;
    };
    std::deque<wire::In> batch;
    for (;;) {
        bool dead;
        {
            // Read the socket on this thread when nobody else does: this call's frames then
            // reach it without a hand-off; otherwise wait for them or for the reading to be free.
            read_for(*pc, std::chrono::milliseconds(20));
            std::unique_lock<std::mutex> lock(pc->mu);
            pc->cv.wait_for(lock, std::chrono::milliseconds(20),
                            [&] { return !pc->frames.empty() || pc->dead || (!reading_ && !eof_); });
            batch.swap(pc->frames);
            dead = pc->dead && batch.empty();
        }
        try {
            for (auto &frame : batch) {
                wire::View f = frame.rest();
                if (frame.type() != Type::w_batch) {
                    if (handle(frame.type(), f)) return rc;
                    continue;
                }
                while (!f.at_end()) {
                    wire::View item(f.take(f.u32()));
                    handle(static_cast<Type>(item.u8()), item);
                }
            }
        } catch (const wire::Truncated &) { // a corrupt stream: the worker is not trusted further
            kill("corrupt frame");
        }
        batch.clear();
        if (consumed - credited >= kCreditEvery || consumed_bytes - credited_bytes >= kCreditEveryBytes) credit();
        if (dead) {
            std::string how = death();
            if (timed_out) {
                failure = {WorkerFailure::timeout,
                           who() + ": " + operation +
                               " did not finish within its deadline; the plugin worker was killed"};
                fill_error(err, ATS_ERR_TRANSIENT, failure.message);
                return ATS_ERR_TRANSIENT;
            }
            failure = {
                WorkerFailure::crashed,
                who() + ": the plugin worker process " + how + " during " + operation +
                    (killed_by_host_ ? " (killed by the host: another call of this tenant overran its deadline)" : "")};
            fill_error(err, ATS_ERR_INTERNAL, failure.message);
            return ATS_ERR_INTERNAL;
        }
        auto now = std::chrono::steady_clock::now();
        if (!cancel_sent && call.cancelled && call.cancelled()) {
            cancel_sent = true;
            cancel_at = now;
            hc.cancelled = true;
            wire::Out c(Type::h_cancel, hc.id);
            channel_->send(c);
        }
        if (!timed_out &&
            ((call.deadline && now >= *call.deadline) || (cancel_sent && now - cancel_at >= call.cancel_grace))) {
            timed_out = true;
            kill("call overran its deadline");
        }
    }
}

} // namespace ats::host
