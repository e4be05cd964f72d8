// fake_host.hpp - an in-memory host services table for unit tests of plugin logic: state in a
// std::map (every apply atomic under one mutex), locks that always succeed, a settable clock, a
// log kept in memory. No processes, files or sockets.
#pragma once

#include <cstring>
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <vector>

#include "ats_plugin.hpp"

namespace ats::test {

class FakeHost {
public:
    FakeHost() {
        services_.struct_size = sizeof(ats_host_services_t);
        services_.version = {ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR};
        services_.host_data = this;
        services_.log = [](void *h, const ats_call_t *, int32_t, const char *m, size_t n) {
            auto *self = static_cast<FakeHost *>(h);
            std::lock_guard<std::mutex> g(self->mu_);
            self->log_.emplace_back(m, n);
        };
        services_.http_request = [](void *, const ats_call_t *, const ats_http_request_t *, ats_http_response_fn,
                                    void *, ats_error_t *e) -> int32_t {
            ats::sdk::fill_error(e, ATS_ERR_FORBIDDEN, "no network in unit tests", false);
            return ATS_ERR_FORBIDDEN;
        };
        services_.state_get = [](void *h, const char *k, size_t kn, ats_state_value_fn fn, void *user,
                                 ats_error_t *) -> int32_t {
            auto *self = static_cast<FakeHost *>(h);
            std::string v;
            {
                std::lock_guard<std::mutex> g(self->mu_);
                auto it = self->state_.find(std::string(k, kn));
                if (it == self->state_.end()) return ATS_ERR_NOT_FOUND;
                v = it->second;
            }
            fn(user, k, kn, reinterpret_cast<const uint8_t *>(v.data()), v.size());
            return ATS_OK;
        };
        services_.state_apply = [](void *h, const ats_state_op_t *ops, size_t n, ats_error_t *) -> int32_t {
            auto *self = static_cast<FakeHost *>(h);
            std::lock_guard<std::mutex> g(self->mu_);
            ++self->applies_;
            for (size_t i = 0; i < n; ++i) {
                std::string key(ops[i].key, ops[i].key_len);
                if (ops[i].kind == ATS_STATE_PUT || ops[i].kind == ATS_STATE_PUT_SECRET) {
                    self->state_[key] = std::string(reinterpret_cast<const char *>(ops[i].value), ops[i].value_len);
                    if (ops[i].kind == ATS_STATE_PUT_SECRET)
                        self->secret_.insert(key);
                    else
                        self->secret_.erase(key);
                } else {
                    self->state_.erase(key);
                    self->secret_.erase(key);
                }
            }
            return ATS_OK;
        };
        services_.state_scan = [](void *h, const char *p, size_t pn, ats_state_value_fn fn, void *user,
                                  ats_error_t *) -> int32_t {
            auto *self = static_cast<FakeHost *>(h);
            std::vector<std::pair<std::string, std::string>> rows;
            {
                std::lock_guard<std::mutex> g(self->mu_);
                std::string prefix(p, pn);
                for (auto it = self->state_.lower_bound(prefix);
                     it != self->state_.end() && it->first.rfind(prefix, 0) == 0; ++it)
                    rows.emplace_back(*it);
            }
            for (const auto &[k, v] : rows)
                if (fn(user, k.data(), k.size(), reinterpret_cast<const uint8_t *>(v.data()), v.size()) != 0) break;
            return ATS_OK;
        };
        services_.lock_acquire = [](void *, const char *, int64_t, ats_lock_t **out, ats_error_t *) -> int32_t {
            static int token;
            *out = reinterpret_cast<ats_lock_t *>(&token);
            return ATS_OK;
        };
        services_.lock_release = [](void *, ats_lock_t *) {};
        services_.now_unix_ms = [](void *h) { return static_cast<FakeHost *>(h)->now_ms_; };
        services_.max_concurrency = [](void *h) { return static_cast<FakeHost *>(h)->concurrency_; };
    }
    // Offers identity_hash (host services 1.1) with a deterministic, NON-cryptographic stand-in
    // of the host's HMAC (same shape: "h1." + 43 characters), and with it ATS_STATE_PUT_SECRET.
    void enable_data_protection() {
        services_.identity_hash = [](void *, const uint8_t *d, size_t n, char *out, size_t cap,
                                     ats_error_t *e) -> int32_t {
            if (!out || cap < ATS_IDENTITY_HASH_LEN + 1) {
                ats::sdk::fill_error(e, ATS_ERR_INVALID_ARGUMENT, "identity_hash: out too small", false);
                return ATS_ERR_INVALID_ARGUMENT;
            }
            static const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            uint64_t h = 1469598103934665603ULL;
            std::string text = "h1.";
            for (int round = 0; text.size() < ATS_IDENTITY_HASH_LEN; ++round) {
                for (size_t i = 0; i < n; ++i) h = (h ^ d[i]) * 1099511628211ULL;
                h = (h ^ static_cast<uint64_t>(round)) * 1099511628211ULL;
                text.push_back(a[h % 64]);
            }
            std::memcpy(out, text.c_str(), text.size() + 1);
            return ATS_OK;
        };
    }
    std::vector<std::string> log_lines() const {
        std::lock_guard<std::mutex> g(mu_);
        return log_;
    }
    bool is_secret(const std::string &key) const {
        std::lock_guard<std::mutex> g(mu_);
        return secret_.count(key) != 0;
    }
    void put(const std::string &key, const std::string &value) {
        std::lock_guard<std::mutex> g(mu_);
        state_[key] = value;
    }

    FakeHost(const FakeHost &) = delete;
    FakeHost &operator=(const FakeHost &) = delete;

    ats::sdk::Host host() const { return ats::sdk::Host(&services_); }
    std::map<std::string, std::string> state() const {
        std::lock_guard<std::mutex> g(mu_);
        return state_;
    }
    size_t count_prefix(const std::string &prefix) const {
        std::lock_guard<std::mutex> g(mu_);
        size_t n = 0;
        for (const auto &kv : state_) n += kv.first.rfind(prefix, 0) == 0;
        return n;
    }
    void set_now_ms(int64_t ms) { now_ms_ = ms; }
    void set_concurrency(int32_t n) { concurrency_ = n; }

private:
    ats_host_services_t services_{};
    mutable std::mutex mu_;
    std::map<std::string, std::string> state_;
    std::set<std::string> secret_; // keys last written with ATS_STATE_PUT_SECRET
    std::vector<std::string> log_;
    int64_t applies_ = 0;
    int64_t now_ms_ = 1'790'000'000'000;
    int32_t concurrency_ = 1;
};

} // namespace ats::test
