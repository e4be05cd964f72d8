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
//     rate is configured: then that is the starting rate). The first 429 of such a start holds
//     every caller until the window the burst used up ends (one second after its first answer),
//     and retry_hint_ms() lets the refused requests retry then.
//
// Interactive first: calls made for a serve request (CallClass::interactive) go ahead of queued
// background calls (a sync), and background calls leave `interactive_share` of the bucket's burst
// untouched, so an interactive call normally finds a token at once. When no interactive call
// comes, the sync uses the whole rate.
//
// Several instances on one PostgreSQL state (rate_share.hpp): `rate_` is always the ACCOUNT's
// rate (what the upstream allows the tenant as a whole); this instance paces at rate_ divided by
// the number of instances that currently use the same (tenant, upstream). share_report() and
// share_apply() are the two halves of an exchange with the shared board; a single instance never
// calls them and behaves exactly as before (one instance: the whole rate).
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
    // After the first refusal of an unpaced start, every caller is held until the end of the
    // window the start used up (estimated from its first answer): a refused request may be sent
    // again then (ms from now; -1 = no such estimate: follow Retry-After).
    int64_t retry_hint_ms(int64_t now_us) const;

    // --- the blocking form on the real steady clock ---
    enum class Admit { go, cancelled, too_long };
    // Waits for a token; polls `cancelled` at least every 25 ms; gives up after max_queue_ms.
    Admit acquire(CallClass c, const std::function<bool()> &cancelled, int64_t *waited_us = nullptr);
    void on_response(const RateSignal &s); // real clock
    static int64_t steady_now_us();

    // --- sharing across instances (rate_share.hpp) ---
    struct ShareReport {
        double rate = 0;           // this instance's view of the account's rate (0: unknown)
        bool lowered = false;      // a refusal or a header lowered it since the last exchange
        int64_t hold_ms = 0;       // callers held this much longer (Retry-After, remaining 0)
        int64_t seen_version = -1; // the board's version this instance last adopted
        uint64_t lowered_mark = 0; // hand back to share_apply()
        double used = 0;           // what succeeded here during the last second
        bool limited = false;      // callers were held back during the last second (it wants more)
    };
    // How the other live instances use the account (the board's answer).
    struct Others {
        int live = 0;    // other instances that exchanged lately
        int limited = 0; // of them, those whose callers are held back
        double used = 0; // requests per second they got through, all of them
        double used_by_unlimited = 0;
    };
    // True (and the exchange marked as under way) when an exchange is due: none yet, the last
    // one `interval_us` ago, or the rate was lowered since. Only one caller at a time gets true.
    bool share_due(int64_t now_us, int64_t interval_us);
    ShareReport share_report(int64_t now_us) const;
    // The board's answer: the account's rate, its version, a hold, and how many instances use it.
    // This instance paces at what the unlimited others leave, split equally with the limited ones.
    void share_apply(const ShareReport &sent, double account_rate, int64_t version, int64_t hold_ms,
                     const Others &others, int64_t now_us);
    void share_failed(int64_t now_us, int64_t retry_us); // the board was unreachable: retry later
    int share_instances() const {
        std::lock_guard<std::mutex> lock(mu_);
        return instances_;
    }
    bool shared_once() const {
        std::lock_guard<std::mutex> lock(mu_);
        return shared_version_ >= 0;
    }

    struct Snapshot {
        double rate_per_second = 0; // 0: not known yet (not pacing)
        std::string mode;           // "off", "unknown", "fixed", "headers", "learned"
        int queued = 0, queued_interactive = 0;
        uint64_t granted = 0, paced = 0; // paced: grants that had to wait (sent later instead of refused)
        uint64_t received_429 = 0, holds = 0, decreases = 0;
        int instances = 1;  // instances sharing the account's rate (rate_per_second is the account's)
        double share = 1.0; // this instance's part of it
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
    double pace() const { return rate_ * share_; } // this instance's part of the account's rate
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
    int64_t first_window_end_us_ = -1;   // see retry_hint_ms()
    int64_t upstream_hold_until_us_ = 0; // holds the upstream asked for (shared with other instances)
    int64_t last_decrease_us_ = -1, last_increase_us_ = -1, last_paced_us_ = -1;
    double last_limit_ = 0; // what succeeded per second when the last 429 (without headers) came
    int64_t above_limit_since_us_ = -1;
    int64_t window_us_ = 0; // largest ratelimit-reset seen
    bool headers_seen_ = false;
    std::deque<int64_t> successes_us_; // recent successful answers (for the decrease)
    std::list<Waiter> queue_;
    uint64_t next_ticket_ = 1;
    Snapshot counters_;
    // Sharing across instances.
    int instances_ = 1;
    double share_ = 1.0;                        // of the account's rate, this instance's part
    double others_used_ = 0;                    // requests per second the other instances got through (last exchange)
    uint64_t lowered_ = 0, lowered_shared_ = 0; // lowerings of the rate, and how many the board knows
    int64_t shared_version_ = -1, next_share_us_ = 0, share_backoff_us_ = 0;
    bool sharing_ = false;
};

class RateBoard;

// One controller per (tenant, upstream host:port), shared by every caller in the process; with a
// board (rate_share.hpp: instances on one PostgreSQL state), also across instances.
class RateControllers {
public:
    // From now on every controller exchanges with `board` at most every `interval_ms` while it is
    // used (and at once after its rate was lowered).
    void share_through(std::shared_ptr<RateBoard> board, int64_t interval_ms = 300);
    // Called by every sender before and after a request; cheap when no exchange is due. An
    // interactive caller only makes a new controller's first exchange (it does not wait on the
    // database otherwise: a background caller comes soon enough).
    void share(const std::string &tenant, const std::string &upstream, RateController &c, CallClass cls);

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
    std::shared_ptr<RateBoard> board_;
    int64_t interval_us_ = 300000;
};

} // namespace ats::host
