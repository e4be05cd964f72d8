// rate_controller.hpp - paces one tenant's requests to one upstream host at the rate that host
// allows, learned from its answers, so that requests wait for a token instead of being refused.
//
// What it learns from (per response):
//   - rate-limit headers (ratelimit-limit / ratelimit-remaining / ratelimit-reset, the IETF draft
//     spelling Kombo uses): the rate follows limit / window at once (window = the largest reset
//     seen, at least 1 s); remaining 0 holds every caller until the reset; remaining caps the
//     tokens left in this window. Headers that contradict themselves (remaining above limit,
//     negative or non-numeric values) are ignored, and the answer counts as one without headers.
//   - without headers (Tracker): a 429 cuts the rate to 97% of what actually succeeded during the
//     last window (multiplicative decrease; further 429s within the cool-down are stragglers that
//     were already in flight and change nothing); while callers are being paced and no 429 comes,
//     the rate creeps up by 0.4% per second up to where the last 429 came, and beyond it grows
//     faster and faster (doubling every half second, up to 50% per second) to find a raised budget. Retry-After of 2 s or more holds every caller until then; a shorter
//     one (a fixed one-second window) only delays the refused request, which the retry policy does.
//   - before the first signal the rate is unknown and nothing is paced (unless a ceiling or a fixed
//     rate is configured: then that is the starting rate).
//
// Interactive first: calls made for a serve request (CallClass::interactive) go ahead of queued
// background calls (a sync), and background calls leave `interactive_share` of the bucket's burst
// untouched, so an interactive call normally finds a token at once. When no interactive call
// comes, the sync uses the whole rate.
//
// Time is passed in (microseconds of a monotonic clock) to every decision, so unit tests drive it
// with a fake clock; acquire() is the blocking wrapper on the real clock. Thread-safe.
#pragma once

#include "manifest.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ats::host {

enum class CallClass { interactive, background };

// What one response said about the rate limit. -1: absent.
struct RateSignal {
    int status = 0;                                    // 0: no response (transport error)
    int64_t limit = -1, remaining = -1, reset_ms = -1; // ratelimit-* (reset in ms from now)
    int64_t retry_after_ms = -1;                       // Retry-After (delta seconds or HTTP date, resolved)
    bool headers_malformed = false;                    // a ratelimit-* header was present but unusable

    // Reads the headers through `header(name)` ("" when absent); `now_unix_s` resolves HTTP dates.
    static RateSignal read(int status, const std::function<std::string(const char *)> &header, int64_t now_unix_s);
};

class RateController {
public:
    explicit RateController(RatePolicy policy, int64_t now_us = 0);

    void set_policy(const RatePolicy &policy); // keeps what was learned, re-applies the bounds

    // --- decisions (pure apart from the state; time passed in) ---
    // A waiter joins the queue, then polls: 0 = token taken (the waiter left the queue), > 0 =
    // microseconds until it should poll again. leave() for a waiter that gives up.
    uint64_t enqueue(CallClass c);
    int64_t poll(uint64_t ticket, int64_t now_us);
    void leave(uint64_t ticket);
    void on_response(const RateSignal &s, int64_t now_us);

    // --- the blocking form on the real steady clock ---
    enum class Admit { go, cancelled, too_long };
    // Waits for a token; polls `cancelled` at least every 25 ms; gives up after max_queue_ms.
    Admit acquire(CallClass c, const std::function<bool()> &cancelled, int64_t *waited_us = nullptr);
    void on_response(const RateSignal &s); // real clock
    static int64_t steady_now_us();

    struct Snapshot {
        double rate_per_second = 0; // 0: not known yet (not pacing)
        std::string mode;           // "off", "unknown", "fixed", "headers", "learned"
        int queued = 0, queued_interactive = 0;
        uint64_t granted = 0, paced = 0; // paced: grants that had to wait (sent later instead of refused)
        uint64_t received_429 = 0, holds = 0, decreases = 0;
    };
    Snapshot snapshot() const;
    RatePolicy policy() const {
        std::lock_guard<std::mutex> lock(mu_);
        return policy_;
    }

private:
    struct Waiter {
        uint64_t ticket;
        CallClass cls;
        bool waited = false;
    };
    void refill(int64_t now_us);
    double burst() const;
    double reserve() const;
    double capacity() const;
    double clamp(double r) const;
    void set_rate(double r, int64_t now_us);
    void decrease(int64_t now_us, int64_t window_us);
    void increase(int64_t now_us);
    int64_t poll_locked(uint64_t ticket, int64_t now_us);

    mutable std::mutex mu_;
    std::condition_variable cv_;
    RatePolicy policy_;
    double rate_ = 0; // tokens per second; 0 = unknown
    double tokens_ = 0;
    int64_t refilled_us_ = 0;
    int64_t hold_until_us_ = 0;
    int64_t last_decrease_us_ = -1, last_increase_us_ = -1, last_paced_us_ = -1;
    double last_limit_ = 0; // what succeeded per second when the last 429 (without headers) came
    int64_t above_limit_since_us_ = -1;
    int64_t window_us_ = 0; // largest ratelimit-reset seen
    bool headers_seen_ = false;
    std::deque<int64_t> successes_us_; // recent successful answers (for the decrease)
    std::list<Waiter> queue_;
    uint64_t next_ticket_ = 1;
    Snapshot counters_;
};

// One controller per (tenant, upstream host:port), shared by every caller in the process.
class RateControllers {
public:
    std::shared_ptr<RateController> get(const std::string &tenant, const std::string &upstream,
                                        const RatePolicy &policy);
    struct Entry {
        std::string tenant, upstream;
        RateController::Snapshot snapshot;
    };
    std::vector<Entry> snapshot(const std::string &tenant) const; // that tenant's upstreams

private:
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<RateController>> by_key_;
};

} // namespace ats::host
