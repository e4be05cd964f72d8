#include "dry_run/state_overlay.hpp"

#include <cstring>
#include <vector>

namespace ats::tracker_workable {

namespace {
const StateOverlay &self(void *hd) { return *static_cast<const StateOverlay *>(hd); }
} // namespace

StateOverlay::StateOverlay(const ats_host_services_t *real) : real_(real) {
    // Copy only what both sides know: a host built with an older (smaller) table keeps its size.
    const size_t n = std::min<size_t>(real->struct_size, sizeof table_);
    std::memcpy(&table_, real, n);
    table_.struct_size = static_cast<uint32_t>(n);
    table_.host_data = this;
    table_.log = &StateOverlay::log;
    table_.http_request = &StateOverlay::http;
    table_.state_get = &StateOverlay::get;
    table_.state_apply = &StateOverlay::apply;
    table_.state_scan = &StateOverlay::scan;
    table_.lock_acquire = &StateOverlay::lock_acquire;
    table_.lock_release = &StateOverlay::lock_release;
    table_.now_unix_ms = &StateOverlay::now;
    table_.max_concurrency = &StateOverlay::max_concurrency;
}

size_t StateOverlay::pending_writes() const {
    std::lock_guard<std::mutex> g(mu_);
    return writes_.size();
}

int32_t StateOverlay::get(void *hd, const char *key, size_t key_len, ats_state_value_fn on_value, void *user,
                          ats_error_t *error) {
    const StateOverlay &o = self(hd);
    {
        std::unique_lock<std::mutex> g(o.mu_);
        auto it = o.writes_.find(std::string(key, key_len));
        if (it != o.writes_.end()) {
            if (!it->second) return ATS_ERR_NOT_FOUND;
            const std::string value = *it->second; // the callback runs without the lock
            g.unlock();
            on_value(user, key, key_len, reinterpret_cast<const uint8_t *>(value.data()), value.size());
            return ATS_OK;
        }
    }
    return o.real_->state_get(o.real_->host_data, key, key_len, on_value, user, error);
}

int32_t StateOverlay::apply(void *hd, const ats_state_op_t *ops, size_t op_count, ats_error_t *) {
    auto &o = const_cast<StateOverlay &>(self(hd));
    std::lock_guard<std::mutex> g(o.mu_);
    for (size_t i = 0; i < op_count; ++i) {
        std::string key(ops[i].key, ops[i].key_len);
        if (ops[i].kind == ATS_STATE_PUT)
            o.writes_[key] = std::string(reinterpret_cast<const char *>(ops[i].value), ops[i].value_len);
        else
            o.writes_[key] = std::nullopt;
    }
    return ATS_OK;
}

// Durable keys of the prefix merged with the overlay, in byte order of the keys (as the service
// promises). The durable side is read first into memory: a dry run scans pending lists and similar
// small prefixes, never the whole store.
int32_t StateOverlay::scan(void *hd, const char *prefix, size_t prefix_len, ats_state_value_fn on_value, void *user,
                           ats_error_t *error) {
    const StateOverlay &o = self(hd);
    std::map<std::string, std::string> merged;
    auto collect = [](void *u, const char *k, size_t kn, const uint8_t *v, size_t vn) -> int32_t {
        static_cast<std::map<std::string, std::string> *>(u)->emplace(
            std::string(k, kn), std::string(reinterpret_cast<const char *>(v), vn));
        return ATS_SINK_CONTINUE;
    };
    if (int32_t rc = o.real_->state_scan(o.real_->host_data, prefix, prefix_len, collect, &merged, error); rc != ATS_OK)
        return rc;
    {
        const std::string p(prefix, prefix_len);
        std::lock_guard<std::mutex> g(o.mu_);
        for (auto it = o.writes_.lower_bound(p); it != o.writes_.end() && it->first.compare(0, p.size(), p) == 0;
             ++it) {
            if (it->second)
                merged[it->first] = *it->second;
            else
                merged.erase(it->first);
        }
    }
    for (const auto &[k, v] : merged)
        if (on_value(user, k.data(), k.size(), reinterpret_cast<const uint8_t *>(v.data()), v.size()) !=
            ATS_SINK_CONTINUE)
            break;
    return ATS_OK;
}

void StateOverlay::log(void *hd, const ats_call_t *call, int32_t level, const char *msg, size_t n) {
    const auto *r = self(hd).real_;
    r->log(r->host_data, call, level, msg, n);
}
int32_t StateOverlay::http(void *hd, const ats_call_t *call, const ats_http_request_t *req, ats_http_response_fn fn,
                           void *user, ats_error_t *error) {
    const auto *r = self(hd).real_;
    return r->http_request(r->host_data, call, req, fn, user, error);
}
int32_t StateOverlay::lock_acquire(void *hd, const char *name, int64_t wait_ms, ats_lock_t **out, ats_error_t *error) {
    const auto *r = self(hd).real_;
    return r->lock_acquire(r->host_data, name, wait_ms, out, error);
}
void StateOverlay::lock_release(void *hd, ats_lock_t *lock) {
    const auto *r = self(hd).real_;
    r->lock_release(r->host_data, lock);
}
int64_t StateOverlay::now(void *hd) {
    const auto *r = self(hd).real_;
    return r->now_unix_ms(r->host_data);
}
int32_t StateOverlay::max_concurrency(void *hd) {
    const auto *r = self(hd).real_;
    return r->max_concurrency(r->host_data);
}

} // namespace ats::tracker_workable
