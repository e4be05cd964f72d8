// ats_plugin.hpp - header-only C++17 SDK for plugin authors (the plugin half of the hourglass).
//
// A plugin author writes one class:
//
//     class MyProvider {
//     public:
//         static const ats_plugin_descriptor_t &descriptor();          // static data
//         MyProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json);
//         void invoke(ats::sdk::Call &call, const std::string &operation,
//                     const std::string &args_json, ats::sdk::Sink &sink);
//     };
//     ATS_EXPORT_PLUGIN(MyProvider)
//
// and the macro exports it through the C ABI of ats_plugin.h. Everything thrown inside the
// constructor or invoke() is caught at the boundary: ats::sdk::Error becomes its code and message,
// std::bad_alloc becomes ATS_ERR_INTERNAL "out of memory", any other exception ATS_ERR_INTERNAL
// with its what(). Nothing unwinds into the host. Optionally the class also has
//
//         static const void *extension(std::string_view id) noexcept;          // get_extension
//
// to serve extension interfaces (growth rule 3 of ats_plugin.h).
//
// Thread rules are those of ats_plugin.h: invoke() may run concurrently on one instance.
#ifndef ATS_PLUGIN_HPP
#define ATS_PLUGIN_HPP

#include "ats_plugin.h"

#include <cctype>
#include <cstring>
#include <exception>
#include <atomic>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ats::sdk {

// The retryable rule of ats_plugin.h (ats_status_retryable), in one place for plugins and the
// host: `temporary` says the callee knows this failure passes (a lock held by someone else) even
// though its status alone does not; it cannot make a TRANSIENT final.
inline bool is_retryable(int32_t code, bool temporary = false) noexcept {
    return temporary || ats_status_retryable(code) != 0;
}

// The reading side: a filled ats_error_t (of status `code`) from any callee, also one written
// before the rule, is retryable when its flag or its status says so.
inline bool is_retryable(const ats_error_t &err, int32_t code) noexcept {
    return is_retryable(code, err.retryable != 0);
}

// Thrown inside a plugin; translated to (code, message) at the ABI boundary.
class Error : public std::runtime_error {
public:
    Error(int32_t code, std::string message, bool temporary = false)
        : std::runtime_error(std::move(message)), code_(code), retryable_(is_retryable(code, temporary)) {}
    int32_t code() const noexcept { return code_; }
    bool retryable() const noexcept { return retryable_; }

private:
    int32_t code_;
    bool retryable_;
};

// Fills a caller-owned ats_error_t (NULL: nothing): the one implementation plugins (guard below)
// and the host's services use. The message is truncated to ATS_ERROR_MESSAGE_MAX-1 bytes and
// always NUL-terminated; retryable follows is_retryable(code, temporary).
inline void fill_error(ats_error_t *err, int32_t code, std::string_view message, bool temporary = false) noexcept {
    if (!err) return;
    err->code = code;
    err->retryable = is_retryable(code, temporary) ? 1 : 0;
    size_t n = message.size() < ATS_ERROR_MESSAGE_MAX - 1 ? message.size() : ATS_ERROR_MESSAGE_MAX - 1;
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
}

// Throws ats::sdk::Error built from a filled ats_error_t (after a failed host service call).
[[noreturn]] inline void throw_error(const ats_error_t &err) {
    throw Error(err.code, err.message, is_retryable(err, err.code));
}

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int attempts = 1;

    // Case-insensitive header lookup; "" when absent.
    std::string header(std::string_view name) const {
        for (const auto &[k, v] : headers) {
            if (k.size() != name.size()) continue;
            bool same = true;
            for (size_t i = 0; i < k.size() && same; ++i)
                same =
                    std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
            if (same) return v;
        }
        return {};
    }
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int timeout_ms = 0;
    bool idempotent = false;
    std::vector<std::string> secret_headers;
};

class Call;

// RAII handle of a host lock.
class Lock {
public:
    Lock() = default;
    Lock(const ats_host_services_t *s, ats_lock_t *l) : s_(s), l_(l) {}
    Lock(Lock &&o) noexcept : s_(o.s_), l_(std::exchange(o.l_, nullptr)) {}
    Lock &operator=(Lock &&o) noexcept {
        if (this != &o) {
            release();
            s_ = o.s_;
            l_ = std::exchange(o.l_, nullptr);
        }
        return *this;
    }
    ~Lock() { release(); }
    void release() noexcept {
        if (l_) s_->lock_release(s_->host_data, std::exchange(l_, nullptr));
    }

private:
    const ats_host_services_t *s_ = nullptr;
    ats_lock_t *l_ = nullptr;
};

// Thin, copyable view of the host services table. Valid while the instance lives.
class Host {
public:
    explicit Host(const ats_host_services_t *s) : s_(s) {
        if (!s_ || s_->version.major != ATS_HOST_SERVICES_VERSION_MAJOR)
            throw Error(ATS_ERR_VERSION, "host services table has an incompatible major version");
    }
    const ats_host_services_t *raw() const { return s_; }

    void log(int32_t level, std::string_view msg, const ats_call_t *call = nullptr) const noexcept {
        s_->log(s_->host_data, call, level, msg.data(), msg.size());
    }
    void info(std::string_view m, const ats_call_t *c = nullptr) const noexcept { log(ATS_LOG_INFO, m, c); }
    void warn(std::string_view m, const ats_call_t *c = nullptr) const noexcept { log(ATS_LOG_WARN, m, c); }
    void error(std::string_view m, const ats_call_t *c = nullptr) const noexcept { log(ATS_LOG_ERROR, m, c); }
    void debug(std::string_view m, const ats_call_t *c = nullptr) const noexcept { log(ATS_LOG_DEBUG, m, c); }

    // Throws Error on transport failure; any HTTP status is a normal return.
    HttpResponse http(const HttpRequest &req, const ats_call_t *call = nullptr) const {
        std::vector<ats_http_header_t> hs;
        hs.reserve(req.headers.size());
        for (const auto &[k, v] : req.headers) hs.push_back({k.c_str(), v.c_str()});
        std::vector<const char *> secrets;
        for (const auto &n : req.secret_headers) secrets.push_back(n.c_str());
        ats_http_request_t r{};
        r.struct_size = sizeof r;
        r.method = req.method.c_str();
        r.url = req.url.c_str();
        r.headers = hs.data();
        r.header_count = hs.size();
        r.body = reinterpret_cast<const uint8_t *>(req.body.data());
        r.body_len = req.body.size();
        r.timeout_ms = req.timeout_ms;
        r.idempotent = req.idempotent ? 1 : 0;
        r.secret_headers = secrets.data();
        r.secret_header_count = secrets.size();
        HttpResponse out;
        ats_error_t err{};
        auto cb = [](void *user, const ats_http_response_t *resp) {
            auto *o = static_cast<HttpResponse *>(user);
            o->status = resp->status;
            o->attempts = resp->attempts;
            for (size_t i = 0; i < resp->header_count; ++i)
                o->headers.emplace_back(resp->headers[i].name, resp->headers[i].value);
            o->body.assign(reinterpret_cast<const char *>(resp->body), resp->body_len);
        };
        int32_t rc = s_->http_request(s_->host_data, call, &r, cb, &out, &err);
        if (rc != ATS_OK) throw_error(err);
        return out;
    }

    // Returns false when the key does not exist.
    bool state_get(std::string_view key, std::string &value) const {
        ats_error_t err{};
        auto cb = [](void *user, const char *, size_t, const uint8_t *v, size_t n) -> int32_t {
            static_cast<std::string *>(user)->assign(reinterpret_cast<const char *>(v), n);
            return ATS_SINK_CONTINUE;
        };
        int32_t rc = s_->state_get(s_->host_data, key.data(), key.size(), cb, &value, &err);
        if (rc == ATS_ERR_NOT_FOUND) return false;
        if (rc != ATS_OK) throw_error(err);
        return true;
    }

    // A batch of puts and deletes applied atomically.
    class Batch {
    public:
        Batch &put(std::string key, std::string value) {
            items_.push_back({ATS_STATE_PUT, std::move(key), std::move(value)});
            return *this;
        }
        Batch &erase(std::string key) {
            items_.push_back({ATS_STATE_DELETE, std::move(key), {}});
            return *this;
        }
        // A secret value (credential, personal data): stored encrypted by a host that offers it
        // (data_protection()); on an older host stored plain, with one warning per process.
        Batch &put_secret(std::string key, std::string value) {
            items_.push_back({ATS_STATE_PUT_SECRET, std::move(key), std::move(value)});
            return *this;
        }
        bool empty() const { return items_.empty(); }
        size_t size() const { return items_.size(); }

    private:
        friend class Host;
        struct Item {
            int32_t kind;
            std::string key, value;
        };
        std::vector<Item> items_;
    };

    void state_apply(const Batch &b) const {
        if (b.empty()) return;
        const bool sealing = data_protection();
        std::vector<ats_state_op_t> ops;
        ops.reserve(b.items_.size());
        for (const auto &i : b.items_) {
            int32_t kind = i.kind;
            if (kind == ATS_STATE_PUT_SECRET && !sealing) {
                kind = ATS_STATE_PUT;
                warn_once_unprotected();
            }
            ops.push_back(
                {kind, i.key.data(), i.key.size(), reinterpret_cast<const uint8_t *>(i.value.data()), i.value.size()});
        }
        ats_error_t err{};
        if (s_->state_apply(s_->host_data, ops.data(), ops.size(), &err) != ATS_OK) throw_error(err);
    }
    void state_put(std::string key, std::string value) const {
        state_apply(Batch().put(std::move(key), std::move(value)));
    }
    void state_put_secret(std::string key, std::string value) const {
        state_apply(Batch().put_secret(std::move(key), std::move(value)));
    }

    // True when the host offers identity_hash and ATS_STATE_PUT_SECRET (host services minor 1).
    bool data_protection() const {
        return ATS_HAS_FIELD(s_, ats_host_services_t, identity_hash) && s_->identity_hash != nullptr;
    }
    // The tenant's keyed hash of `data` (ATS_IDENTITY_HASH_LEN printable characters). Throws
    // Error(ATS_ERR_NOT_SUPPORTED) on a host without data_protection().
    std::string identity_hash(std::string_view data) const {
        if (!data_protection())
            throw Error(ATS_ERR_NOT_SUPPORTED, "the host offers no identity_hash (host services < 1.1)");
        char out[ATS_IDENTITY_HASH_LEN + 1];
        ats_error_t err{};
        if (s_->identity_hash(s_->host_data, reinterpret_cast<const uint8_t *>(data.data()), data.size(), out,
                              sizeof out, &err) != ATS_OK)
            throw_error(err);
        return std::string(out, ATS_IDENTITY_HASH_LEN);
    }
    void state_erase(std::string key) const { state_apply(Batch().erase(std::move(key))); }

    // fn(key, value) -> true to continue.
    void state_scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)> &fn) const {
        ats_error_t err{};
        auto cb = [](void *user, const char *k, size_t kn, const uint8_t *v, size_t vn) -> int32_t {
            auto &f = *static_cast<const std::function<bool(std::string_view, std::string_view)> *>(user);
            return f(std::string_view(k, kn), std::string_view(reinterpret_cast<const char *>(v), vn))
                       ? ATS_SINK_CONTINUE
                       : ATS_SINK_STOP;
        };
        if (s_->state_scan(s_->host_data, prefix.data(), prefix.size(), cb,
                           const_cast<void *>(static_cast<const void *>(&fn)), &err) != ATS_OK)
            throw_error(err);
    }

    // Throws Error(ATS_ERR_CONFLICT) when the lock cannot be had within wait_ms.
    Lock lock(const std::string &name, int64_t wait_ms) const {
        ats_lock_t *l = nullptr;
        ats_error_t err{};
        if (s_->lock_acquire(s_->host_data, name.c_str(), wait_ms, &l, &err) != ATS_OK) throw_error(err);
        return Lock(s_, l);
    }

    int64_t now_unix_ms() const { return s_->now_unix_ms(s_->host_data); }
    int max_concurrency() const {
        int n = s_->max_concurrency(s_->host_data);
        return n < 1 ? 1 : n;
    }

private:
    const ats_host_services_t *s_;

    void warn_once_unprotected() const {
        static std::atomic<bool> warned{false};
        if (!warned.exchange(true))
            warn("the host predates encrypted state values (host services < 1.1): secret values are stored in plain "
                 "text; upgrade the host to have them encrypted");
    }
};

class Call {
public:
    explicit Call(const ats_call_t *c) : c_(c) {}
    const ats_call_t *raw() const { return c_; }
    std::string request_id() const { return c_ && c_->request_id ? c_->request_id : ""; }
    bool cancelled() const { return c_ && c_->is_cancelled && c_->is_cancelled(c_->call_data) != 0; }
    void throw_if_cancelled() const {
        if (cancelled()) throw Error(ATS_ERR_CANCELLED, "cancelled by the caller");
    }
    // ats_call_t.max_results (ABI 1.4): the most results the caller takes, 0 = all of them;
    // std::nullopt when the host is older (the limit is unknown: read nothing ahead).
    std::optional<uint64_t> max_results() const {
        if (!ATS_HAS_FIELD(c_, ats_call_t, max_results)) return std::nullopt;
        return c_->max_results;
    }

private:
    const ats_call_t *c_;
};

class Sink {
public:
    explicit Sink(const ats_sink_t *s) : s_(s) {}
    // Returns false when the consumer asked to stop: the plugin must stop producing.
    bool record(std::string_view json) const {
        return s_->record(s_->user, json.data(), json.size()) == ATS_SINK_CONTINUE;
    }
    bool blob(std::string_view meta_json, std::string_view data, const std::string &operation) const {
        if (!s_->blob)
            throw Error(ATS_ERR_INVALID_ARGUMENT, operation + ": the caller's sink accepts no binary result");
        return s_->blob(s_->user, meta_json.data(), meta_json.size(), reinterpret_cast<const uint8_t *>(data.data()),
                        data.size()) == ATS_SINK_CONTINUE;
    }
    void progress(const char *phase, int64_t done, int64_t total) const {
        if (ATS_HAS_FIELD(s_, ats_sink_t, progress) && s_->progress) s_->progress(s_->user, phase, done, total);
    }
    // ABI 1.3: true when the consumer takes positions (an older host's sink has no such field),
    // so a stream computes them only when someone will resume from them.
    bool wants_position() const { return ATS_HAS_FIELD(s_, ats_sink_t, position) && s_->position; }
    // Reports where the stream stands after the result just delivered (ats_plugin.h, position).
    void position(std::string_view pos) const {
        if (wants_position()) s_->position(s_->user, pos.data(), pos.size());
    }

private:
    const ats_sink_t *s_;
};

// Runs fn, translating every exception into (status, error). Used at each ABI entry.
template <class Fn>
int32_t guard(ats_error_t *err, Fn &&fn) noexcept {
    try {
        fn();
        return ATS_OK;
    } catch (const Error &e) {
        fill_error(err, e.code(), e.what(), e.retryable());
        return e.code();
    } catch (const std::bad_alloc &) {
        fill_error(err, ATS_ERR_INTERNAL, "out of memory");
        return ATS_ERR_INTERNAL;
    } catch (const std::exception &e) {
        fill_error(err, ATS_ERR_INTERNAL, std::string("internal error: ") + e.what());
        return ATS_ERR_INTERNAL;
    } catch (...) {
        fill_error(err, ATS_ERR_INTERNAL, "internal error: unknown exception");
        return ATS_ERR_INTERNAL;
    }
}

// Whether a plugin class declares the optional static extension(std::string_view id).
template <class P, class = void>
struct has_extension : std::false_type {};
template <class P>
struct has_extension<P, std::void_t<decltype(P::extension(std::string_view()))>> : std::true_type {};

template <class Plugin>
struct Adapter {
    static int32_t init(const ats_host_info_t *, ats_error_t *) { return ATS_OK; }
    static void deinit() {}
    static const ats_plugin_descriptor_t *get_descriptor() { return &Plugin::descriptor(); }
    static int32_t create(const ats_host_services_t *services, const char *tenant, const char *cfg, size_t cfg_len,
                          ats_instance_t **out, ats_error_t *err) {
        if (out) *out = nullptr;
        return guard(err, [&] {
            if (!out) throw Error(ATS_ERR_INVALID_ARGUMENT, "create: out is NULL");
            auto *p = new Plugin(Host(services), std::string(tenant ? tenant : ""),
                                 std::string(cfg ? cfg : "", cfg ? cfg_len : 0));
            *out = reinterpret_cast<ats_instance_t *>(p);
        });
    }
    static void destroy(ats_instance_t *inst) { delete reinterpret_cast<Plugin *>(inst); }
    static int32_t invoke(ats_instance_t *inst, const ats_call_t *call, const char *op, const char *args,
                          size_t args_len, const ats_sink_t *sink, ats_error_t *err) {
        return guard(err, [&] {
            if (!inst || !op || !sink) throw Error(ATS_ERR_INVALID_ARGUMENT, "invoke: NULL argument");
            Call c(call);
            Sink s(sink);
            std::string a = args && args_len ? std::string(args, args_len) : std::string("{}");
            reinterpret_cast<Plugin *>(inst)->invoke(c, std::string(op), a, s);
        });
    }
    // Growth rule 3 of ats_plugin.h: a Plugin that declares
    //     static const void *extension(std::string_view id) noexcept;
    // serves its interfaces through it (static pointers, NULL for other ids); others serve none.
    static const void *get_extension(const char *id) {
        if constexpr (has_extension<Plugin>::value)
            return id ? Plugin::extension(std::string_view(id)) : nullptr;
        else
            return nullptr;
    }
};

// Finds the capability of an operation in a descriptor (nullptr when absent).
inline const ats_capability_t *find_capability(const ats_plugin_descriptor_t &d, std::string_view op) {
    for (size_t i = 0; i < d.capability_count; ++i)
        if (op == d.capabilities[i].operation) return &d.capabilities[i];
    return nullptr;
}

// Throws the standard ATS_ERR_NOT_SUPPORTED error for an operation, with the matrix's reason.
[[noreturn]] inline void throw_not_supported(const ats_plugin_descriptor_t &d, const std::string &op) {
    const ats_capability_t *c = find_capability(d, op);
    std::string why = c && c->reason && *c->reason ? c->reason : "not implemented by this provider";
    throw Error(ATS_ERR_NOT_SUPPORTED, op + " is not supported by provider '" + d.provider + "': " + why);
}

} // namespace ats::sdk

// Exports `Plugin` as this library's one entry symbol.
#define ATS_EXPORT_PLUGIN(Plugin)                                              \
    extern "C" ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry;    \
    extern "C" ATS_PLUGIN_EXPORT const ats_plugin_entry_t ats_plugin_entry = { \
        sizeof(ats_plugin_entry_t),                                            \
        {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},                        \
        &ats::sdk::Adapter<Plugin>::init,                                      \
        &ats::sdk::Adapter<Plugin>::deinit,                                    \
        &ats::sdk::Adapter<Plugin>::get_descriptor,                            \
        &ats::sdk::Adapter<Plugin>::create,                                    \
        &ats::sdk::Adapter<Plugin>::destroy,                                   \
        &ats::sdk::Adapter<Plugin>::invoke,                                    \
        &ats::sdk::Adapter<Plugin>::get_extension,                             \
    };

#endif // ATS_PLUGIN_HPP
