// state_overlay.hpp - the host's state service as a dry run sees it: every read answers from the
// durable store with this run's own writes laid over it, and every write stays in memory.
//
// A dry run must decide exactly as a real run would (a person created by the first application is
// found by the second; a job snapshot read once is reused), so the sync engine keeps writing its
// checkpoint, id maps, intents and pending entries - only here they never reach the store. The
// overlay is a copy of the host services table whose state functions are replaced; every other
// service (HTTP, locks, clock, log) is forwarded unchanged, so the engine code is the real one.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "ats_plugin.hpp"

namespace ats::tracker_workable {

class StateOverlay {
public:
    explicit StateOverlay(const ats_host_services_t *real);
    StateOverlay(const StateOverlay &) = delete;
    StateOverlay &operator=(const StateOverlay &) = delete;

    // A Host whose state reads see durable state + this overlay and whose writes stay here.
    // Valid while this object lives.
    ats::sdk::Host host() const { return ats::sdk::Host(&table_); }
    // Writes the run would have made durable (puts and deletes), for tests and reporting.
    size_t pending_writes() const;

private:
    static int32_t get(void *hd, const char *key, size_t key_len, ats_state_value_fn on_value, void *user,
                       ats_error_t *error);
    static int32_t apply(void *hd, const ats_state_op_t *ops, size_t op_count, ats_error_t *error);
    static int32_t scan(void *hd, const char *prefix, size_t prefix_len, ats_state_value_fn on_value, void *user,
                        ats_error_t *error);
    static void log(void *hd, const ats_call_t *call, int32_t level, const char *msg, size_t n);
    static int32_t http(void *hd, const ats_call_t *call, const ats_http_request_t *req, ats_http_response_fn fn,
                        void *user, ats_error_t *error);
    static int32_t lock_acquire(void *hd, const char *name, int64_t wait_ms, ats_lock_t **out, ats_error_t *error);
    static void lock_release(void *hd, ats_lock_t *lock);
    static int64_t now(void *hd);
    static int32_t max_concurrency(void *hd);

    const ats_host_services_t *real_;
    ats_host_services_t table_{};
    mutable std::mutex mu_;
    std::map<std::string, std::optional<std::string>> writes_; // nullopt = deleted by this run
};

} // namespace ats::tracker_workable
