#include "tenant.hpp"

#include "host_environment.hpp"
#include "child_process.hpp"
#include "host_error.hpp"
#include "isolated_instance.hpp"
#include "lock_manager.hpp"
#include "redactor.hpp"
#include "state_crypto.hpp"
#include "state_store.hpp"

#include "ats_operations.h"
#include "ats_plugin.hpp"
#include "operations.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <map>
#include <mutex>
#include <random>

namespace ats::host {

struct Tenant::Locks {
    std::mutex mu;
    std::map<ats_lock_t *, std::unique_ptr<HeldLock>> held;
};

namespace {

using ats::sdk::fill_error;

// What call_data points to in every ats_call_t the host creates.
struct CallState {
    std::function<bool()> cancelled;
    CallClass cls = CallClass::interactive;
};

int32_t call_cancelled(void *call_data) {
    const auto *state = static_cast<const CallState *>(call_data);
    return (state->cancelled && state->cancelled()) ? 1 : 0;
}

// The class of the invoke a plugin's request belongs to. The plugin hands back the ats_call_t it
// was given; one the host did not create (recognised by its is_cancelled) counts as interactive.
CallClass call_class_of(const ats_call_t *call) {
    if (call && call->is_cancelled == &call_cancelled && call->call_data)
        return static_cast<const CallState *>(call->call_data)->cls;
    if (auto cls = WorkerProcess::class_of(call)) return *cls; // a plugin in a worker process
    return CallClass::interactive;
}

std::string request_id_of(const ats_call_t *call) {
    return call && call->request_id ? std::string(call->request_id) : std::string();
}

} // namespace

// The host services table's functions. host_data is the Tenant.
struct Tenant::Services {
    static Tenant &t(void *host_data) { return *static_cast<Tenant *>(host_data); }

    static LogContext ctx(Tenant &tn, const std::string &request_id) {
        return {tn.manifest_.tenant_id, tn.plugin_->provider(), request_id};
    }

    static void log(void *hd, const ats_call_t *call, int32_t level, const char *msg, size_t len) {
        try {
            Tenant &tn = t(hd);
            level = std::clamp<int32_t>(level, ATS_LOG_DEBUG, ATS_LOG_ERROR);
            tn.env_->logger().write(level, ctx(tn, request_id_of(call)),
                                    std::string_view(msg ? msg : "", msg ? len : 0));
        } catch (...) { // logging never fails towards the plugin
        }
    }

    static int32_t http_request(void *hd, const ats_call_t *call, const ats_http_request_t *r,
                                ats_http_response_fn on_response, void *user, ats_error_t *err) {
        Tenant &tn = t(hd);
        try {
            if (!r || r->struct_size < sizeof(ats_http_request_t) || !r->method || !r->url || !on_response ||
                (r->header_count && !r->headers) || (r->body_len && !r->body))
                throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                                "http_request: malformed request (NULL method/url/callback or inconsistent lengths)");
            net::HttpRequest req;
            req.method = r->method;
            req.url = r->url;
            for (size_t i = 0; i < r->header_count; ++i) {
                if (!r->headers[i].name || !r->headers[i].value)
                    throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                                    "http_request: header with NULL name or value");
                req.headers.emplace_back(r->headers[i].name, r->headers[i].value);
            }
            // Header values named secret (and Authorization) are redacted from every log line.
            for (const auto &[k, v] : req.headers) {
                bool secret = strcasecmp(k.c_str(), "authorization") == 0;
                for (size_t i = 0; i < r->secret_header_count && !secret; ++i)
                    secret =
                        r->secret_headers && r->secret_headers[i] && strcasecmp(k.c_str(), r->secret_headers[i]) == 0;
                if (secret) {
                    tn.env_->redactor().add(v);
                    if (auto sp = v.find(' '); sp != std::string::npos)
                        tn.env_->redactor().add(v.substr(sp + 1)); // "Bearer x"
                }
            }
            if (r->body_len) req.body.assign(reinterpret_cast<const char *>(r->body), r->body_len);
            req.timeout = std::chrono::milliseconds(r->timeout_ms > 0 ? r->timeout_ms : 0);
            auto cancelled = [call] { return call && call->is_cancelled && call->is_cancelled(call->call_data) != 0; };
            std::string rid = request_id_of(call);
            auto logfn = [&tn, rid](int level, const std::string &m) {
                tn.env_->logger().write(level, ctx(tn, rid), m);
            };
            HttpOutcome out = tn.http_.send(std::move(req), r->idempotent != 0, cancelled, logfn, call_class_of(call));

            std::vector<ats_http_header_t> hs;
            hs.reserve(out.response.headers.size());
            for (const auto &[k, v] : out.response.headers) hs.push_back({k.c_str(), v.c_str()});
            ats_http_response_t resp{};
            resp.struct_size = sizeof resp;
            resp.status = out.response.status;
            resp.headers = hs.data();
            resp.header_count = hs.size();
            resp.body = reinterpret_cast<const uint8_t *>(out.response.body.data());
            resp.body_len = out.response.body.size();
            resp.attempts = out.attempts;
            on_response(user, &resp);
            return ATS_OK;
        } catch (const HostError &e) {
            std::string msg = tn.env_->redactor().redact(e.what());
            fill_error(err, e.status(), msg);
            tn.env_->logger().write(ATS_LOG_WARN, ctx(tn, request_id_of(call)), msg);
            return e.status();
        } catch (const std::exception &e) {
            fill_error(err, ATS_ERR_INTERNAL, tn.env_->redactor().redact(std::string("http_request: ") + e.what()));
            return ATS_ERR_INTERNAL;
        }
    }

    template <class Fn>
    static int32_t guarded(Tenant &tn, const char *what, ats_error_t *err, Fn &&fn) {
        try {
            return fn();
        } catch (const HostError &e) {
            fill_error(err, e.status(), e.what());
            return e.status();
        } catch (const std::exception &e) {
            fill_error(err, ATS_ERR_INTERNAL,
                       std::string(what) + " for tenant '" + tn.manifest_.tenant_id + "': " + e.what());
            return ATS_ERR_INTERNAL;
        }
    }

    static int32_t state_get(void *hd, const char *key, size_t key_len, ats_state_value_fn on_value, void *user,
                             ats_error_t *err) {
        Tenant &tn = t(hd);
        return guarded(tn, "state_get", err, [&]() -> int32_t {
            if ((!key && key_len) || !on_value)
                throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, "state_get: NULL key or callback");
            std::string k(key ? key : "", key_len), v;
            bool sealed = false;
            if (!tn.env_->state().get(tn.manifest_.tenant_id, k, v, &sealed)) {
                fill_error(err, ATS_ERR_NOT_FOUND, "state key '" + k + "' not found");
                return ATS_ERR_NOT_FOUND;
            }
            if (sealed) v = unseal(tn, k, v);
            on_value(user, k.data(), k.size(), reinterpret_cast<const uint8_t *>(v.data()), v.size());
            return ATS_OK;
        });
    }

    static int32_t state_apply(void *hd, const ats_state_op_t *ops, size_t n, ats_error_t *err) {
        Tenant &tn = t(hd);
        return guarded(tn, "state_apply", err, [&]() -> int32_t {
            if (n && !ops) throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, "state_apply: NULL ops");
            std::vector<StateOp> batch;
            batch.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                const auto &o = ops[i];
                const bool put = o.kind == ATS_STATE_PUT || o.kind == ATS_STATE_PUT_SECRET;
                if ((!put && o.kind != ATS_STATE_DELETE) || (!o.key && o.key_len) || (put && !o.value && o.value_len))
                    throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                                    "state_apply: op #" + std::to_string(i) + " is malformed");
                StateOp s;
                s.erase = o.kind == ATS_STATE_DELETE;
                s.key.assign(o.key ? o.key : "", o.key_len);
                if (!s.erase && o.value_len) s.value.assign(reinterpret_cast<const char *>(o.value), o.value_len);
                if (o.kind == ATS_STATE_PUT_SECRET) {
                    s.value = seal(tn.keys_.sealing.front(), row_aad(tn.manifest_.tenant_id, s.key), s.value);
                    s.sealed = true;
                }
                batch.push_back(std::move(s));
            }
            if (batch.empty()) return ATS_OK;
            // Fenced by every lease this instance holds: after a lease was taken over by another
            // instance (this one stalled past its end), the batch is refused, not interleaved.
            std::vector<LeaseFence> fences;
            {
                std::lock_guard<std::mutex> lk(tn.locks_->mu);
                for (const auto &[_, held] : tn.locks_->held)
                    if (held->token()) fences.push_back({held->name(), held->token()});
            }
            tn.env_->state().apply(tn.manifest_.tenant_id, batch, fences);
            return ATS_OK;
        });
    }

    static int32_t state_scan(void *hd, const char *prefix, size_t prefix_len, ats_state_value_fn on_value, void *user,
                              ats_error_t *err) {
        Tenant &tn = t(hd);
        return guarded(tn, "state_scan", err, [&]() -> int32_t {
            if ((!prefix && prefix_len) || !on_value)
                throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, "state_scan: NULL prefix or callback");
            tn.env_->state().scan_rows(
                tn.manifest_.tenant_id, std::string_view(prefix ? prefix : "", prefix_len), [&](const StateRow &r) {
                    std::string opened = r.sealed ? unseal(tn, r.key, r.value) : std::string();
                    const std::string &v = r.sealed ? opened : r.value;
                    return on_value(user, r.key.data(), r.key.size(), reinterpret_cast<const uint8_t *>(v.data()),
                                    v.size()) == ATS_SINK_CONTINUE;
                });
            return ATS_OK;
        });
    }

    static int32_t lock_acquire(void *hd, const char *name, int64_t wait_ms, ats_lock_t **out, ats_error_t *err) {
        Tenant &tn = t(hd);
        if (out) *out = nullptr;
        return guarded(tn, "lock_acquire", err, [&]() -> int32_t {
            if (!name || !out)
                throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, "lock_acquire: NULL name or out");
            std::unique_ptr<HeldLock> lock;
            try {
                lock = tn.env_->locks().acquire(tn.manifest_.tenant_id, name, wait_ms);
            } catch (const HostError &e) {
                if (e.status() != ATS_ERR_CONFLICT) throw;
                // Held by someone else: the same call succeeds once the holder lets go.
                fill_error(err, ATS_ERR_CONFLICT, e.what(), true);
                return ATS_ERR_CONFLICT;
            }
            auto *handle = reinterpret_cast<ats_lock_t *>(lock.get());
            std::lock_guard<std::mutex> lk(tn.locks_->mu);
            tn.locks_->held.emplace(handle, std::move(lock));
            *out = handle;
            return ATS_OK;
        });
    }

    static void lock_release(void *hd, ats_lock_t *lock) {
        Tenant &tn = t(hd);
        std::unique_ptr<HeldLock> released;
        {
            std::lock_guard<std::mutex> lk(tn.locks_->mu);
            auto it = tn.locks_->held.find(lock);
            if (it == tn.locks_->held.end()) return; // unknown or already released: ignore
            released = std::move(it->second);
            tn.locks_->held.erase(it);
        }
    }

    // A sealed value's plaintext; a value that does not open is a CONFLICT naming the key only.
    static std::string unseal(Tenant &tn, const std::string &key, const std::string &sealed) {
        try {
            return open_sealed(tn.keys_.sealing, row_aad(tn.manifest_.tenant_id, key), sealed);
        } catch (const std::exception &e) {
            throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                            "state key '" + key + "' of tenant '" + tn.manifest_.tenant_id + "': " + e.what());
        }
    }

    static int32_t identity_hash(void *hd, const uint8_t *data, size_t len, char *out, size_t out_cap,
                                 ats_error_t *err) {
        Tenant &tn = t(hd);
        return guarded(tn, "identity_hash", err, [&]() -> int32_t {
            if (!out || out_cap < ATS_IDENTITY_HASH_LEN + 1 || (!data && len))
                throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT,
                                "identity_hash: NULL data or out, or out_cap below " +
                                    std::to_string(ATS_IDENTITY_HASH_LEN + 1));
            std::string h = identity_hash_text(tn.keys_.identity_key,
                                               std::string_view(reinterpret_cast<const char *>(data), data ? len : 0));
            std::memcpy(out, h.c_str(), h.size() + 1);
            return ATS_OK;
        });
    }

    static int64_t now_unix_ms(void *hd) { return t(hd).env_->now_unix_ms(); }
    static int32_t max_concurrency(void *hd) { return t(hd).manifest_.host.max_concurrency; }
};

std::string Tenant::new_request_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

Tenant::Tenant(std::shared_ptr<HostEnvironment> env, std::shared_ptr<const LoadedPlugin> plugin,
               TenantManifest manifest)
    : env_(std::move(env)), plugin_(std::move(plugin)), manifest_(std::move(manifest)),
      http_(env_->http_client(), manifest_.host, env_->rate_controllers(), manifest_.tenant_id),
      locks_(std::make_unique<Locks>()) {
    services_.struct_size = sizeof services_;
    services_.version = {ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR};
    services_.host_data = this;
    services_.log = &Services::log;
    services_.http_request = &Services::http_request;
    services_.state_get = &Services::state_get;
    services_.state_apply = &Services::state_apply;
    services_.state_scan = &Services::state_scan;
    services_.lock_acquire = &Services::lock_acquire;
    services_.lock_release = &Services::lock_release;
    services_.now_unix_ms = &Services::now_unix_ms;
    services_.max_concurrency = &Services::max_concurrency;
    services_.identity_hash = &Services::identity_hash;
}

const char *isolation_name(Isolation i) { return i == Isolation::process ? "process" : "in_process"; }

std::optional<Isolation> parse_isolation(const std::string &text) {
    if (text == "process") return Isolation::process;
    if (text == "in_process") return Isolation::in_process;
    return std::nullopt;
}

std::string Tenant::derived_key(std::string_view purpose) const {
    return hmac_sha256_raw(keys_.identity_key, "ats-host derived key\n" + std::string(purpose));
}

SyncHistory Tenant::sync_history() {
    return SyncHistory(env_->state(), manifest_.tenant_id, keys_.sealing,
                       static_cast<size_t>(manifest_.sync_history_runs.value_or(kDefaultSyncHistoryRuns)));
}

IsolationStatus Tenant::isolation_status() const {
    IsolationStatus out;
    if (!isolated_) return out;
    auto s = isolated_->status();
    out.isolated = true;
    out.running = s.running;
    out.pid = s.pid;
    out.starts = s.starts;
    out.crashes = s.crashes;
    out.timeouts = s.timeouts;
    out.crashes_in_a_row = s.crashes_in_a_row;
    out.crash_loop = s.crash_loop;
    out.last_failure = s.last_failure;
    return out;
}

std::shared_ptr<Tenant> Tenant::open(std::shared_ptr<HostEnvironment> env, std::shared_ptr<const LoadedPlugin> plugin,
                                     const TenantManifest &manifest) {
    std::string config = resolve_provider_config(manifest, *plugin, env->redactor());
    std::shared_ptr<Tenant> tn(new Tenant(env, plugin, manifest));
    tn->keys_ = load_tenant_keys(manifest, *env); // before create(): the plugin may use its state there
    Isolation isolation =
        manifest.host.isolation ? *parse_isolation(*manifest.host.isolation) : env->options().default_isolation;
    if (isolation == Isolation::process) {
        WorkerProcess::Config wc;
        wc.worker_path = plugin_worker_executable();
        wc.plugin_path = plugin->path();
        wc.tenant_id = manifest.tenant_id;
        wc.provider = plugin->provider();
        wc.services = &tn->services_;
        wc.fixed_now_ms = env->fixed_now_ms();
        wc.max_concurrency = manifest.host.max_concurrency;
        Tenant *raw = tn.get();
        auto log = [raw](int level, const std::string &m) {
            raw->env_->logger().write(level, {raw->manifest_.tenant_id, raw->plugin_->provider(), ""}, m);
        };
        try {
            tn->isolated_ = std::make_unique<IsolatedInstance>(wc, config, log);
        } catch (const HostError &e) {
            std::string msg = env->redactor().redact(e.what());
            env->logger().write(ATS_LOG_ERROR, {manifest.tenant_id, plugin->provider(), ""}, msg);
            throw HostError(ErrorKind::plugin, e.status(), msg);
        }
        return tn;
    }
    ats_error_t err{};
    ats_instance_t *inst = nullptr;
    int32_t rc;
    try {
        rc = plugin->entry().create(&tn->services_, manifest.tenant_id.c_str(), config.data(), config.size(), &inst,
                                    &err);
    } catch (...) {
        rc = ATS_ERR_INTERNAL;
        fill_error(&err, rc, "create() let a C++ exception cross the C ABI");
    }
    if (rc != ATS_OK || !inst) {
        err.message[ATS_ERROR_MESSAGE_MAX - 1] = '\0';
        std::string msg = "tenant '" + manifest.tenant_id + "' (" + manifest.path + "): provider '" +
                          plugin->provider() + "' (" + plugin->path() + ") refused to create an instance: " +
                          (rc == ATS_OK ? std::string("create() returned OK but no instance")
                                        : std::string(status_name(rc)) + ": " + err.message);
        msg = env->redactor().redact(msg);
        env->logger().write(ATS_LOG_ERROR, {manifest.tenant_id, plugin->provider(), ""}, msg);
        throw HostError(ErrorKind::plugin, rc == ATS_OK ? ATS_ERR_INTERNAL : rc, msg);
    }
    tn->instance_ = inst;
    return tn;
}

Tenant::~Tenant() {
    isolated_.reset(); // the worker destroys its instance; its service calls still reach this Tenant
    if (instance_) plugin_->entry().destroy(instance_);
    instance_ = nullptr;
    locks_.reset(); // locks the plugin forgot to release
}

namespace {

struct SinkState {
    const InvokeSink *sink;
    InvokeResult *result;
    std::string host_error; // a host-side callback threw: reported after invoke returns
};

int32_t sink_record(void *user, const char *json, size_t len) {
    auto *s = static_cast<SinkState *>(user);
    if (s->result->stopped || !s->host_error.empty()) {
        ++s->result->ignored_after_stop;
        return ATS_SINK_STOP;
    }
    ++s->result->records;
    try {
        bool more = s->sink->on_record ? s->sink->on_record(std::string_view(json ? json : "", json ? len : 0)) : true;
        if (!more) s->result->stopped = true;
        return more ? ATS_SINK_CONTINUE : ATS_SINK_STOP;
    } catch (const std::exception &e) {
        s->host_error = e.what();
        return ATS_SINK_STOP;
    }
}

int32_t sink_blob(void *user, const char *meta, size_t meta_len, const uint8_t *data, size_t len) {
    auto *s = static_cast<SinkState *>(user);
    if (s->result->stopped || !s->host_error.empty()) return ATS_SINK_STOP;
    ++s->result->blobs;
    try {
        bool more = s->sink->on_blob(std::string_view(meta ? meta : "", meta ? meta_len : 0),
                                     std::string_view(reinterpret_cast<const char *>(data), data ? len : 0));
        if (!more) s->result->stopped = true;
        return more ? ATS_SINK_CONTINUE : ATS_SINK_STOP;
    } catch (const std::exception &e) {
        s->host_error = e.what();
        return ATS_SINK_STOP;
    }
}

void sink_progress(void *user, const char *phase, int64_t done, int64_t total) {
    auto *s = static_cast<SinkState *>(user);
    if (!s->sink->on_progress) return;
    try {
        s->sink->on_progress(phase ? phase : "", done, total);
    } catch (...) {}
}

void sink_position(void *user, const char *position, size_t len) {
    auto *s = static_cast<SinkState *>(user);
    // A position belongs to the result before it: none is taken once the consumer stopped taking
    // results, except the one of the result that made it stop.
    if (!s->host_error.empty() || s->result->ignored_after_stop) return;
    try {
        s->sink->on_position(std::string_view(position ? position : "", position ? len : 0));
    } catch (const std::exception &e) {
        s->host_error = e.what();
    }
}

} // namespace

InvokeResult Tenant::invoke(const std::string &operation, const std::string &args_json, const InvokeSink &sink,
                            const CallOptions &options) {
    InvokeResult result;
    result.request_id = options.request_id.empty() ? new_request_id() : options.request_id;
    const std::string who = operation + " for tenant '" + manifest_.tenant_id + "'";
    LogContext lctx{manifest_.tenant_id, plugin_->provider(), result.request_id};

    if (auto refusal = not_supported(plugin_->provider(), plugin_->capability(operation))) {
        result.status = ATS_ERR_NOT_SUPPORTED;
        result.message = std::move(*refusal);
        return result;
    }
    boost::system::error_code ec;
    auto args = boost::json::parse(args_json.empty() ? "{}" : args_json, ec);
    if (ec || !args.is_object()) {
        result.status = ATS_ERR_INVALID_ARGUMENT;
        result.message = who + ": arguments must be a JSON object" + (ec ? " (" + ec.message() + ")" : std::string());
        return result;
    }
    std::string args_text = boost::json::serialize(args);

    SinkState state{&sink, &result, {}};
    ats_sink_t csink{};
    csink.struct_size = sizeof csink;
    csink.user = &state;
    csink.record = &sink_record;
    csink.blob = sink.on_blob ? &sink_blob : nullptr;
    csink.progress = &sink_progress;
    csink.position = sink.on_position ? &sink_position : nullptr;

    std::function<bool()> cancelled = options.cancelled;
    if (options.deadline) // past the deadline the plugin sees the call cancelled
        cancelled = [inner = options.cancelled, deadline = *options.deadline] {
            return std::chrono::steady_clock::now() >= deadline || (inner && inner());
        };
    CallState call_state{cancelled, options.call_class.value_or(operation == ATS_OP_SYNC ? CallClass::background
                                                                                         : CallClass::interactive)};
    ats_call_t call{};
    call.struct_size = sizeof call;
    call.request_id = result.request_id.c_str();
    call.call_data = &call_state;
    call.is_cancelled = &call_cancelled;
    call.max_results = options.max_results;

    ats_error_t err{};
    auto t0 = std::chrono::steady_clock::now();
    int32_t rc;
    if (isolated_) {
        WorkerProcess::Call wc{&call,          options.cancelled,  options.deadline, options.cancel_grace,
                               call_state.cls, options.max_results};
        WorkerFailure failure;
        bool unavailable = false;
        rc = isolated_->invoke(wc, operation, args_text, csink, &err, failure, unavailable);
        if (unavailable)
            result.failure = "plugin_unavailable";
        else if (failure.kind == WorkerFailure::crashed)
            result.failure = "plugin_crashed";
        else if (failure.kind == WorkerFailure::timeout)
            result.failure = "plugin_timeout";
        if (failure.kind != WorkerFailure::none)
            env_->logger().write(ATS_LOG_ERROR, lctx, who + ": " + failure.message);
    } else {
        try {
            rc = plugin_->entry().invoke(instance_, &call, operation.c_str(), args_text.data(), args_text.size(),
                                         &csink, &err);
        } catch (...) {
            rc = ATS_ERR_INTERNAL;
            fill_error(&err, rc, "invoke() let a C++ exception cross the C ABI");
        }
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (result.ignored_after_stop)
        env_->logger().write(ATS_LOG_WARN, lctx,
                             who + ": the plugin ignored STOP and sent " + std::to_string(result.ignored_after_stop) +
                                 " more record(s); they were dropped");
    if (!state.host_error.empty()) {
        result.status = ATS_ERR_INTERNAL;
        result.message = who + ": the host failed to consume a result: " + state.host_error;
    } else if (rc != ATS_OK) {
        err.message[ATS_ERROR_MESSAGE_MAX - 1] = '\0';
        result.status = rc;
        result.retryable = ats::sdk::is_retryable(err, rc);
        result.message = err.message[0] ? std::string(err.message) : std::string(status_name(rc));
    }
    result.message = env_->redactor().redact(result.message);
    boost::json::object extra{
        {"operation", operation}, {"status", status_name(result.status)}, {"records", result.records}, {"ms", ms}};
    env_->logger().write(result.status == ATS_OK ? ATS_LOG_DEBUG : ATS_LOG_WARN, lctx,
                         result.status == ATS_OK ? who + " done" : who + " failed: " + result.message, &extra);
    return result;
}

} // namespace ats::host
