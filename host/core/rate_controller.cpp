#include "rate_controller.hpp"

#include "rate_share.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>

namespace ats::host {
namespace {

constexpr int64_t kSecond = 1000000;
// 429s arriving this soon after a decrease were sent before it: they say nothing new.
constexpr int64_t kCooldownUs = 500000;
// Tokens the bucket may hold, in seconds of the rate: smaller than the decrease's margin, so a
// pause followed by a burst does not overrun a fixed window.
constexpr double kBurstSeconds = 0.02;
constexpr double kDecrease = 0.97; // of what succeeded during the last window
// Below the rate of the last refusal the rate creeps back slowly: each probe past the limit costs
// a refusal, and this spaces them ~7 s apart. Above it (no refusal where the last one came: the
// budget grew) the growth doubles every half second up to kMaxIncreasePerSecond.
constexpr double kCreepPerSecond = 0.004;
constexpr double kProbePerSecond = 0.01;
constexpr double kMaxIncreasePerSecond = 0.5;
constexpr double kMinRate = 0.05; // one request per 20 s: never stop entirely
// Added to an estimated window end (answers arrive a little after the upstream counted them).
constexpr int64_t kWindowMarginUs = 20000;

bool all_digits(const std::string &s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

} // namespace

RateSignal RateSignal::read(int status, const std::function<std::string(const char *)> &header, int64_t now_unix_s) {
    RateSignal s;
    s.status = status;
    auto number = [&](const char *name, int64_t &out) {
        std::string v = trim(header(name));
        if (v.empty()) return;
        if (!all_digits(v) || v.size() > 15) {
            s.headers_malformed = true;
            return;
        }
        out = std::stoll(v);
    };
    number("ratelimit-limit", s.limit);
    number("ratelimit-remaining", s.remaining);
    int64_t reset = -1;
    number("ratelimit-reset", reset);
    // Seconds until the reset per the draft; some servers send an epoch time instead.
    if (reset >= 0) s.reset_ms = reset > 1000000000 ? std::max<int64_t>(0, reset - now_unix_s) * 1000 : reset * 1000;
    std::string ra = trim(header("Retry-After"));
    if (all_digits(ra) && ra.size() <= 9) {
        s.retry_after_ms = std::stoll(ra) * 1000;
    } else if (!ra.empty()) {
        std::tm tm{};
        if (strptime(ra.c_str(), "%a, %d %b %Y %H:%M:%S", &tm))
            s.retry_after_ms = std::max<int64_t>(0, (static_cast<int64_t>(timegm(&tm)) - now_unix_s) * 1000);
    }
    return s;
}

RateController::RateController(RatePolicy policy, int64_t now_us) : policy_(std::move(policy)), refilled_us_(now_us) {
    if (policy_.fixed_per_second > 0)
        rate_ = policy_.fixed_per_second;
    else if (policy_.ceiling_per_second > 0)
        rate_ = policy_.ceiling_per_second;
    if (rate_ > 0) rate_ = clamp(rate_);
    tokens_ = capacity();
}

void RateController::set_policy(const RatePolicy &policy) {
    std::lock_guard<std::mutex> lock(mu_);
    policy_ = policy;
    if (policy_.fixed_per_second > 0)
        rate_ = policy_.fixed_per_second;
    else if (rate_ <= 0 && policy_.ceiling_per_second > 0)
        rate_ = policy_.ceiling_per_second;
    if (rate_ > 0) rate_ = clamp(rate_);
    tokens_ = std::min(tokens_, capacity());
    cv_.notify_all();
}

double RateController::clamp(double r) const {
    if (policy_.fixed_per_second > 0) return policy_.fixed_per_second;
    if (policy_.ceiling_per_second > 0) r = std::min(r, policy_.ceiling_per_second);
    if (policy_.floor_per_second > 0) r = std::max(r, policy_.floor_per_second);
    return std::max(r, kMinRate);
}

double RateController::burst() const { return std::max(1.0, pace() * kBurstSeconds); }

// The interactive reserve: background calls leave this many tokens (at least one whole token when
// the share is not 0, so an interactive call finds one at once).
double RateController::reserve() const {
    const double share = std::clamp(policy_.interactive_share, 0.0, 0.9);
    return share > 0 ? std::max(1.0, burst() * share) : 0.0;
}

double RateController::capacity() const { return burst() + reserve(); }

void RateController::refill(int64_t now_us) {
    if (rate_ > 0 && now_us > refilled_us_)
        tokens_ = std::min(capacity(), tokens_ + pace() * static_cast<double>(now_us - refilled_us_) / kSecond);
    refilled_us_ = std::max(refilled_us_, now_us);
}

void RateController::set_rate(double r, int64_t now_us) {
    refill(now_us);
    const bool first = rate_ <= 0;
    rate_ = clamp(r);
    tokens_ = first ? capacity() : std::min(tokens_, capacity()); // pacing starts with a full bucket
}

uint64_t RateController::enqueue(CallClass c) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({next_ticket_, c});
    return next_ticket_++;
}

void RateController::leave(uint64_t ticket) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.remove_if([&](const Waiter &w) { return w.ticket == ticket; });
    cv_.notify_all();
}

int64_t RateController::poll(uint64_t ticket, int64_t now_us) {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t w = poll_locked(ticket, now_us);
    if (w == 0) cv_.notify_all();
    return w;
}

int64_t RateController::poll_locked(uint64_t ticket, int64_t now_us) {
    auto me = std::find_if(queue_.begin(), queue_.end(), [&](const Waiter &w) { return w.ticket == ticket; });
    if (me == queue_.end()) return 0; // unknown ticket: never block on it
    auto grant = [&] {
        ++counters_.granted;
        if (me->waited) ++counters_.paced;
        queue_.erase(me);
        return int64_t{0};
    };
    auto wait = [&](int64_t us) {
        me->waited = true;
        last_paced_us_ = now_us;
        return std::max<int64_t>(1, us);
    };
    if (!policy_.enabled) return grant();
    if (now_us < hold_until_us_) return wait(hold_until_us_ - now_us);
    if (rate_ <= 0) return grant(); // nothing learned yet: not pacing
    refill(now_us);
    // Interactive waiters go in arrival order ahead of every background waiter.
    bool next = false;
    if (me->cls == CallClass::interactive) {
        next = std::find_if(queue_.begin(), queue_.end(),
                            [](const Waiter &w) { return w.cls == CallClass::interactive; }) == me;
    } else {
        bool interactive_waiting =
            std::any_of(queue_.begin(), queue_.end(), [](const Waiter &w) { return w.cls == CallClass::interactive; });
        next = !interactive_waiting && std::find_if(queue_.begin(), queue_.end(), [](const Waiter &w) {
                                           return w.cls == CallClass::background;
                                       }) == me;
    }
    const double need = 1.0 + (me->cls == CallClass::background ? reserve() : 0.0);
    if (next && tokens_ >= need) {
        tokens_ -= 1.0;
        return grant();
    }
    const double missing = next ? need - tokens_ : 1.0;
    return wait(static_cast<int64_t>(std::ceil(missing / pace() * kSecond)));
}

void RateController::decrease(int64_t now_us, int64_t window_us) {
    if (last_decrease_us_ >= 0 && now_us - last_decrease_us_ < kCooldownUs) return;
    auto n =
        std::count_if(successes_us_.begin(), successes_us_.end(), [&](int64_t t) { return t > now_us - window_us; });
    // What succeeded for the account: here, plus what the other instances reported (0 alone).
    double observed = static_cast<double>(n) * kSecond / static_cast<double>(window_us) + others_used_;
    double base;
    if (rate_ > 0)
        base = observed > 0 ? std::min(rate_, observed) : rate_ * 0.5;
    else
        base = observed > 0 ? observed : 1.0;
    // The first refusal of an unpaced start: the burst that just used the window up began it, so
    // the window ends one second after the burst's first answer (later than the upstream's own
    // start of it: safe). Everybody waits until then - the requests refused now included
    // (retry_hint_ms), instead of the whole second a rounded-up Retry-After asks for.
    if (rate_ <= 0 && window_us == kSecond && n > 0) {
        const int64_t first_ok = *std::find_if(successes_us_.begin(), successes_us_.end(),
                                               [&](int64_t t) { return t > now_us - window_us; });
        const int64_t end = first_ok + kSecond + kWindowMarginUs;
        if (end > now_us && end > hold_until_us_) {
            hold_until_us_ = first_window_end_us_ = end;
            ++counters_.holds;
        }
    }
    set_rate(base * kDecrease, now_us);
    tokens_ = 0; // the current window is spent
    last_limit_ = base;
    above_limit_since_us_ = -1;
    last_decrease_us_ = last_increase_us_ = now_us;
    ++counters_.decreases;
    ++lowered_;
}

void RateController::increase(int64_t now_us) {
    if (rate_ <= 0) return;
    const int64_t since_increase = last_increase_us_ < 0 ? 0 : now_us - last_increase_us_;
    last_increase_us_ = now_us;
    // Only while callers are actually held back: an idle tenant learns nothing about the limit.
    if (last_paced_us_ < 0 || now_us - last_paced_us_ > kCooldownUs) return;
    if (last_decrease_us_ >= 0 && now_us - last_decrease_us_ < kCooldownUs) return;
    const double dt = static_cast<double>(std::min(since_increase, kSecond)) / kSecond;
    double g = kCreepPerSecond;
    if (rate_ > last_limit_) { // past the last refusal without a new one
        if (above_limit_since_us_ < 0) above_limit_since_us_ = now_us;
        const double above_s = static_cast<double>(now_us - above_limit_since_us_) / kSecond;
        g = std::min(kMaxIncreasePerSecond, kProbePerSecond * std::pow(2.0, 2.0 * above_s));
    }
    set_rate(rate_ * (1.0 + g * dt), now_us);
}

void RateController::on_response(const RateSignal &s, int64_t now_us) {
    std::lock_guard<std::mutex> lock(mu_);
    if (s.status == 429) ++counters_.received_429;
    if (!policy_.enabled) return;
    const bool accepted = s.status != 0 && s.status != 429 && s.status < 500;
    if (accepted) {
        successes_us_.push_back(now_us);
        while (!successes_us_.empty() &&
               (successes_us_.front() < now_us - 60 * kSecond || successes_us_.size() > 100000))
            successes_us_.pop_front();
    }
    const bool learn = policy_.fixed_per_second <= 0;
    const bool headers =
        !s.headers_malformed && s.limit > 0 && s.remaining >= 0 && s.remaining <= s.limit && s.reset_ms >= 0;
    auto hold = [&](int64_t until) {
        upstream_hold_until_us_ = std::max(upstream_hold_until_us_, until);
        if (until <= hold_until_us_) return;
        hold_until_us_ = until;
        refill(now_us);
        tokens_ = 0;
        ++counters_.holds;
    };
    if (headers) {
        headers_seen_ = true;
        window_us_ = std::max({window_us_, kSecond, s.reset_ms * 1000});
        if (learn) {
            const double r = static_cast<double>(s.limit) * kSecond / static_cast<double>(window_us_);
            if (rate_ > 0 && r < rate_) ++lowered_;
            set_rate(r, now_us);
        }
        if (s.remaining == 0 || s.status == 429) {
            if (s.reset_ms > 0) hold(now_us + s.reset_ms * 1000); // a reset in the past holds nobody
        } else {
            refill(now_us);
            tokens_ = std::min(tokens_, static_cast<double>(s.remaining));
        }
    }
    if (s.retry_after_ms >= 2000) hold(now_us + s.retry_after_ms * 1000);
    if (!headers && learn) {
        if (s.status == 429)
            decrease(now_us, std::max<int64_t>(kSecond, s.retry_after_ms >= 2000 ? s.retry_after_ms * 1000 : 0));
        else if (accepted)
            increase(now_us);
    }
    cv_.notify_all();
}

int64_t RateController::steady_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void RateController::on_response(const RateSignal &s) { on_response(s, steady_now_us()); }

RateController::Admit RateController::acquire(CallClass c, const std::function<bool()> &cancelled, int64_t *waited_us) {
    std::unique_lock<std::mutex> lk(mu_);
    queue_.push_back({next_ticket_, c});
    const uint64_t ticket = next_ticket_++;
    const int64_t start = steady_now_us();
    auto give_up = [&](Admit why) {
        queue_.remove_if([&](const Waiter &w) { return w.ticket == ticket; });
        cv_.notify_all();
        return why;
    };
    for (;;) {
        const int64_t now = steady_now_us();
        const int64_t w = poll_locked(ticket, now);
        if (w == 0) {
            if (waited_us) *waited_us = now - start;
            cv_.notify_all();
            return Admit::go;
        }
        if (cancelled && cancelled()) return give_up(Admit::cancelled);
        if (now - start >= policy_.max_queue_ms * 1000) return give_up(Admit::too_long);
        cv_.wait_for(lk, std::chrono::microseconds(std::min<int64_t>(w, 25000)));
    }
}

int64_t RateController::retry_hint_ms(int64_t now_us) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!policy_.enabled || now_us >= first_window_end_us_) return -1;
    return (first_window_end_us_ - now_us + 999) / 1000;
}

bool RateController::share_due(int64_t now_us, int64_t interval_us) {
    std::lock_guard<std::mutex> lock(mu_);
    if (sharing_ || !policy_.enabled || now_us < share_backoff_us_) return false;
    if (now_us < next_share_us_ && lowered_ == lowered_shared_) return false;
    sharing_ = true;
    next_share_us_ = now_us + interval_us;
    return true;
}

RateController::ShareReport RateController::share_report(int64_t now_us) const {
    std::lock_guard<std::mutex> lock(mu_);
    ShareReport r;
    r.rate = rate_;
    r.lowered = lowered_ != lowered_shared_;
    r.lowered_mark = lowered_;
    // Only what the upstream asked for: the first window's estimate is this instance's own burst,
    // and a hold learned from the board is the board's already.
    r.hold_ms = std::max<int64_t>(0, (upstream_hold_until_us_ - now_us) / 1000);
    r.seen_version = shared_version_;
    r.used = static_cast<double>(
        std::count_if(successes_us_.begin(), successes_us_.end(), [&](int64_t t) { return t > now_us - kSecond; }));
    r.limited = last_paced_us_ >= 0 && now_us - last_paced_us_ <= kSecond;
    return r;
}

void RateController::share_apply(const ShareReport &sent, double account_rate, int64_t version, int64_t hold_ms,
                                 const Others &others, int64_t now_us) {
    std::lock_guard<std::mutex> lock(mu_);
    sharing_ = false;
    lowered_shared_ = std::max(lowered_shared_, sent.lowered_mark);
    shared_version_ = version;
    refill(now_us);
    instances_ = 1 + std::max(0, others.live);
    others_used_ = std::max(0.0, others.used);
    // A rate another instance lowered: the refusals behind it were this account's, so this
    // instance treats it as its own decrease (slow creep back, 429s already in flight ignored).
    if (account_rate > 0 && policy_.fixed_per_second <= 0 && account_rate != rate_) {
        if (rate_ > 0 && account_rate < rate_) {
            last_limit_ = account_rate / kDecrease;
            above_limit_since_us_ = -1;
            last_decrease_us_ = last_increase_us_ = now_us;
        }
        set_rate(account_rate, now_us);
    }
    // Max-min fair: an instance that does not use its share (never held back) keeps what it uses;
    // the rest is split equally between this one and the others that want more. But never more
    // than the others leave unused right now: a newcomer starts small and grows as the others,
    // seeing it held back, give way at their next exchange - the sum never overshoots meanwhile.
    // At least a twentieth, so that a stale report never stops this instance.
    share_ = 1.0;
    if (others.live > 0 && rate_ > 0) {
        const double fair = (rate_ - others.used_by_unlimited) / (1.0 + others.limited);
        const double unused = rate_ - others.used;
        share_ = std::clamp(std::min(fair, unused) / rate_, 0.05, 1.0);
    }
    tokens_ = std::min(tokens_, capacity());
    if (hold_ms > 0 && now_us + hold_ms * 1000 > hold_until_us_) {
        hold_until_us_ = now_us + hold_ms * 1000;
        refill(now_us);
        tokens_ = 0;
    }
    cv_.notify_all();
}

void RateController::share_failed(int64_t now_us, int64_t retry_us) {
    std::lock_guard<std::mutex> lock(mu_);
    sharing_ = false;
    next_share_us_ = share_backoff_us_ = now_us + retry_us;
}

RateController::Snapshot RateController::snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    Snapshot s = counters_;
    s.rate_per_second = policy_.enabled ? rate_ : 0;
    s.mode = !policy_.enabled               ? "off"
             : policy_.fixed_per_second > 0 ? "fixed"
             : rate_ <= 0                   ? "unknown"
             : headers_seen_                ? "headers"
                                            : "learned";
    s.instances = instances_;
    s.share = share_;
    s.queued = static_cast<int>(queue_.size());
    s.queued_interactive = static_cast<int>(
        std::count_if(queue_.begin(), queue_.end(), [](const Waiter &w) { return w.cls == CallClass::interactive; }));
    return s;
}

std::shared_ptr<RateController> RateControllers::get(const std::string &tenant, const std::string &upstream,
                                                     const RatePolicy &policy) {
    std::lock_guard<std::mutex> lock(mu_);
    auto &slot = by_key_[{tenant, upstream}];
    if (!slot)
        slot = std::make_shared<RateController>(policy, RateController::steady_now_us());
    else if (slot->policy() != policy)
        slot->set_policy(policy); // the manifest changed (hot reload)
    return slot;
}

void RateControllers::share_through(std::shared_ptr<RateBoard> board, int64_t interval_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    board_ = std::move(board);
    interval_us_ = std::max<int64_t>(1, interval_ms) * 1000;
}

void RateControllers::share(const std::string &tenant, const std::string &upstream, RateController &c, CallClass cls) {
    std::shared_ptr<RateBoard> board;
    int64_t interval_us;
    {
        std::lock_guard<std::mutex> lock(mu_);
        board = board_;
        interval_us = interval_us_;
    }
    if (!board) return; // one instance (SQLite state): nothing to share
    if (cls == CallClass::interactive && c.shared_once()) return;
    share_rate(*board, tenant, upstream, c, interval_us, RateController::steady_now_us());
}

std::vector<RateControllers::Entry> RateControllers::snapshot(const std::string &tenant) const {
    std::vector<Entry> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto &[key, c] : by_key_)
        if (key.first == tenant) out.push_back({key.first, key.second, c->snapshot()});
    return out;
}

} // namespace ats::host
