// The rate controller's decisions on a fake clock: what it learns from headers (present, absent,
// contradictory, a reset in the past), from 429s alone (a fixed-window budget that drops and
// rises again), the interactive-first order and the configured bounds.
#define BOOST_TEST_MODULE rate_controller
#include <boost/test/included/unit_test.hpp>

#include "rate_controller.hpp"

#include <map>
#include <string>

using namespace ats::host;

namespace {

constexpr int64_t kMs = 1000, kS = 1000000;

RateSignal answer(int status, std::map<std::string, std::string> headers = {}, int64_t now_unix_s = 1700000000) {
    return RateSignal::read(
        status,
        [&](const char *n) {
            auto it = headers.find(n);
            return it == headers.end() ? std::string() : it->second;
        },
        now_unix_s);
}

RateSignal kombo(int status, int limit, int remaining, int reset_s) {
    return answer(status, {{"ratelimit-limit", std::to_string(limit)},
                           {"ratelimit-remaining", std::to_string(remaining)},
                           {"ratelimit-reset", std::to_string(reset_s)}});
}

// Takes one token at `now` or says how long to wait (the waiter then leaves the queue).
int64_t try_take(RateController &c, CallClass cls, int64_t now) {
    uint64_t t = c.enqueue(cls);
    int64_t w = c.poll(t, now);
    if (w) c.leave(t);
    return w;
}

// An upstream with Tracker's budget: at most `budget` requests per fixed window, 429 with
// Retry-After (whole seconds, at least 1) beyond, no rate-limit headers.
struct FixedWindow {
    int64_t budget, window_us = kS;
    int64_t start = -1, used = 0;
    RateSignal operator()(int64_t now) {
        if (start < 0 || now - start >= window_us) {
            start = now;
            used = 0;
        }
        if (used >= budget)
            return answer(
                429, {{"Retry-After", std::to_string(std::max<int64_t>(1, (start + window_us - now + kS - 1) / kS))}});
        ++used;
        return answer(200);
    }
};

struct Tally {
    int64_t ok = 0, refused = 0;
};

// One caller with endless demand (a sync) from `from` to `to`, each answer 5 ms after its token.
Tally run(RateController &c, FixedWindow &up, int64_t &now, int64_t to) {
    Tally t;
    while (now < to) {
        int64_t w = try_take(c, CallClass::background, now);
        if (w) {
            now += w;
            continue;
        }
        now += 5 * kMs;
        RateSignal s = up(now);
        (s.status == 429 ? t.refused : t.ok)++;
        c.on_response(s, now);
    }
    return t;
}

} // namespace

BOOST_AUTO_TEST_CASE(signal_reads_kombo_headers_retry_after_and_dates) {
    RateSignal k = kombo(200, 100, 42, 7);
    BOOST_TEST(k.limit == 100);
    BOOST_TEST(k.remaining == 42);
    BOOST_TEST(k.reset_ms == 7000);
    BOOST_TEST(!k.headers_malformed);
    BOOST_TEST(answer(429, {{"Retry-After", "3"}}).retry_after_ms == 3000);
    // An HTTP date 5 s after "now"; one in the past resolves to no wait at all.
    BOOST_TEST(answer(429, {{"Retry-After", "Tue, 14 Nov 2023 22:13:25 GMT"}}, 1700000000).retry_after_ms == 5000);
    BOOST_TEST(answer(429, {{"Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT"}}, 1700000000).retry_after_ms == 0);
    BOOST_TEST(answer(200, {{"ratelimit-remaining", "lots"}}).headers_malformed);
    // An epoch-time reset (some servers) is turned into seconds from now.
    BOOST_TEST(answer(200, {{"ratelimit-reset", "1700000004"}}, 1700000000).reset_ms == 4000);
}

BOOST_AUTO_TEST_CASE(nothing_is_paced_before_anything_is_learned) {
    RateController c(RatePolicy{}, 0);
    for (int i = 0; i < 1000; ++i) BOOST_TEST(try_take(c, CallClass::background, 0) == 0);
    BOOST_TEST(c.snapshot().mode == "unknown");
    BOOST_TEST(c.snapshot().paced == 0u);
}

BOOST_AUTO_TEST_CASE(headers_set_the_rate_and_cap_the_tokens_of_the_window) {
    RateController c(RatePolicy{}, 0);
    c.on_response(kombo(200, 50, 2, 1), 0);
    BOOST_TEST(c.snapshot().rate_per_second == 50.0);
    BOOST_TEST(c.snapshot().mode == "headers");
    // Only 2 left in this window: the third request waits although the burst would allow more.
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0);
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0);
    BOOST_TEST(try_take(c, CallClass::interactive, 0) > 0);
    // A window of 10 s seen once (a reset of 10) turns 50 per window into 5 per second.
    c.on_response(kombo(200, 50, 49, 10), 0);
    BOOST_TEST(c.snapshot().rate_per_second == 5.0);
}

BOOST_AUTO_TEST_CASE(remaining_zero_holds_every_caller_until_the_reset) {
    RateController c(RatePolicy{}, 0);
    c.on_response(kombo(200, 100, 0, 3), 0);
    int64_t w = try_take(c, CallClass::interactive, 0);
    BOOST_TEST(w == 3 * kS);
    BOOST_TEST(try_take(c, CallClass::interactive, 3 * kS - 1) > 0);
    BOOST_TEST(try_take(c, CallClass::interactive, 3 * kS) == 0);
    BOOST_TEST(c.snapshot().holds == 1u);
}

BOOST_AUTO_TEST_CASE(a_reset_in_the_past_holds_nobody) {
    RateController c(RatePolicy{}, 0);
    c.on_response(kombo(200, 100, 0, 0), 0); // the window already rolled over
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0);
    c.on_response(answer(429, {{"Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT"}}, 1700000000), 0);
    BOOST_TEST(c.snapshot().holds == 0u);
}

BOOST_AUTO_TEST_CASE(contradictory_headers_are_ignored_but_a_429_is_not) {
    RateController c(RatePolicy{}, 0);
    c.on_response(kombo(200, 10, 50, 1), 0); // remaining above limit: unusable
    BOOST_TEST(c.snapshot().mode == "unknown");
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0);
    // A 429 that claims requests remain: refused is refused; hold until the reset it names.
    c.on_response(kombo(429, 100, 40, 2), 0);
    BOOST_TEST(c.snapshot().received_429 == 1u);
    BOOST_TEST(try_take(c, CallClass::interactive, kS) == kS);
    // A 429 with malformed headers is learned from like one without headers.
    RateController d(RatePolicy{}, 0);
    for (int i = 0; i < 40; ++i) d.on_response(answer(200), i * 10 * kMs);
    d.on_response(answer(429, {{"ratelimit-limit", "-5"}}), 400 * kMs);
    BOOST_TEST(d.snapshot().mode == "learned");
    BOOST_TEST(d.snapshot().rate_per_second == 40 * 0.97, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(stragglers_within_the_cool_down_do_not_cut_again) {
    RateController c(RatePolicy{}, 0);
    for (int i = 0; i < 100; ++i) c.on_response(answer(200), i * kMs);
    for (int i = 0; i < 16; ++i) c.on_response(answer(429, {{"Retry-After", "1"}}), 100 * kMs + i * kMs);
    BOOST_TEST(c.snapshot().decreases == 1u);
    BOOST_TEST(c.snapshot().rate_per_second == 97.0, boost::test_tools::tolerance(0.01));
    // Retry-After 1 holds nobody; only the first refusal of the unpaced start holds everyone until
    // the end of the window that start used up (once, not per straggler).
    BOOST_TEST(c.snapshot().holds == 1u);
}

BOOST_AUTO_TEST_CASE(without_headers_it_settles_just_under_a_fixed_window_budget) {
    RateController c(RatePolicy{}, 0);
    FixedWindow up{100};
    int64_t now = 0;
    run(c, up, now, 2 * kS); // learning
    Tally t = run(c, up, now, 32 * kS);
    BOOST_TEST_MESSAGE("budget 100: " << t.ok << " ok, " << t.refused << " refused, rate "
                                      << c.snapshot().rate_per_second);
    BOOST_TEST(t.ok >= 0.95 * 100 * 30);
    BOOST_TEST(t.refused <= 0.02 * t.ok);
    BOOST_TEST(c.snapshot().rate_per_second > 90.0);
    BOOST_TEST(c.snapshot().rate_per_second < 105.0);
}

BOOST_AUTO_TEST_CASE(a_budget_that_drops_and_rises_is_followed_within_seconds) {
    RateController c(RatePolicy{}, 0);
    FixedWindow up{100};
    int64_t now = 0;
    run(c, up, now, 10 * kS);
    up.budget = 30;
    run(c, up, now, 13 * kS);
    BOOST_TEST_MESSAGE("3 s after the drop to 30: rate " << c.snapshot().rate_per_second);
    BOOST_TEST(c.snapshot().rate_per_second <= 31.0);
    Tally low = run(c, up, now, 23 * kS);
    BOOST_TEST(low.ok >= 0.9 * 30 * 10);
    BOOST_TEST(low.refused <= 0.03 * low.ok);
    up.budget = 100;
    run(c, up, now, 33 * kS);
    BOOST_TEST_MESSAGE("10 s after the rise to 100: rate " << c.snapshot().rate_per_second);
    BOOST_TEST(c.snapshot().rate_per_second >= 85.0);
    // With headers the drop is followed on the next answer.
    RateController h(RatePolicy{}, 0);
    h.on_response(kombo(200, 100, 90, 1), 0);
    h.on_response(kombo(200, 30, 20, 1), kMs);
    BOOST_TEST(h.snapshot().rate_per_second == 30.0);
}

BOOST_AUTO_TEST_CASE(interactive_calls_go_before_queued_background_calls) {
    RatePolicy p;
    p.fixed_per_second = 10;
    RateController c(p, 0);
    while (try_take(c, CallClass::background, 0) == 0) {} // the sync drained the bucket
    uint64_t bg = c.enqueue(CallClass::background);
    BOOST_TEST(c.poll(bg, 0) > 0);
    uint64_t ia = c.enqueue(CallClass::interactive); // arrives later
    int64_t now = 0;
    int64_t w = c.poll(ia, now);
    now += w;
    BOOST_TEST(c.poll(bg, now) > 0); // the token is the interactive call's
    BOOST_TEST(c.poll(ia, now) == 0);
    BOOST_TEST(c.snapshot().queued == 1);
    BOOST_TEST(c.snapshot().queued_interactive == 0);
}

BOOST_AUTO_TEST_CASE(background_calls_leave_the_interactive_reserve) {
    RatePolicy p;
    p.fixed_per_second = 500; // burst 10 tokens, reserve 20% of it (2)
    RateController c(p, 0);
    int bg = 0;
    while (try_take(c, CallClass::background, 0) == 0) ++bg;
    BOOST_TEST(bg == 10);
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0); // found a token at once
    BOOST_TEST(try_take(c, CallClass::interactive, 0) == 0);
    BOOST_TEST(try_take(c, CallClass::interactive, 0) > 0);
    // Alone, the sync still gets the full rate: 500 tokens per second.
    int64_t now = kS, got = 0;
    while (now < 11 * kS) {
        int64_t w = try_take(c, CallClass::background, now);
        if (w)
            now += w;
        else
            ++got;
    }
    BOOST_TEST(got >= 4995);
    BOOST_TEST(got <= 5013);
}

BOOST_AUTO_TEST_CASE(ceiling_floor_and_fixed_bound_what_is_learned) {
    RatePolicy ceiling;
    ceiling.ceiling_per_second = 20;
    RateController c(ceiling, 0);
    BOOST_TEST(c.snapshot().rate_per_second == 20.0); // paced from the start
    c.on_response(kombo(200, 1000, 999, 1), 0);
    BOOST_TEST(c.snapshot().rate_per_second == 20.0);

    RatePolicy floor;
    floor.floor_per_second = 5;
    RateController f(floor, 0);
    f.on_response(kombo(200, 1, 1, 1), 0);
    BOOST_TEST(f.snapshot().rate_per_second == 5.0);

    RatePolicy fixed;
    fixed.fixed_per_second = 7;
    RateController x(fixed, 0);
    x.on_response(kombo(200, 100, 99, 1), 0);
    for (int i = 0; i < 5; ++i) x.on_response(answer(429), i * kS);
    BOOST_TEST(x.snapshot().rate_per_second == 7.0);
    BOOST_TEST(x.snapshot().mode == "fixed");
    BOOST_TEST(x.snapshot().received_429 == 5u);

    RatePolicy off;
    off.enabled = false;
    RateController o(off, 0);
    o.on_response(kombo(200, 1, 0, 60), 0);
    BOOST_TEST(try_take(o, CallClass::background, 0) == 0);
    BOOST_TEST(o.snapshot().mode == "off");
}

BOOST_AUTO_TEST_CASE(one_controller_per_tenant_and_upstream) {
    RateControllers all;
    auto a = all.get("t1", "tracker:443", RatePolicy{});
    BOOST_TEST(all.get("t1", "tracker:443", RatePolicy{}) == a);
    BOOST_TEST(all.get("t1", "kombo:443", RatePolicy{}) != a);
    BOOST_TEST(all.get("t2", "tracker:443", RatePolicy{}) != a);
    RatePolicy changed;
    changed.fixed_per_second = 3;
    BOOST_TEST(all.get("t1", "tracker:443", changed) == a); // a new manifest keeps the controller
    BOOST_TEST(a->snapshot().rate_per_second == 3.0);
    BOOST_TEST(all.snapshot("t1").size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_first_refusal_holds_everyone_until_the_window_the_burst_began_ends) {
    RateController c(RatePolicy{}, 0);
    // An unpaced start: 100 answers in the first 300 ms use the window up; then a 429 whose
    // Retry-After (whole seconds) says 1 s although the window ends 0.7 s later.
    int64_t now = 0;
    for (int i = 0; i < 100; ++i, now += 3 * kMs) {
        BOOST_TEST(try_take(c, CallClass::background, now) == 0);
        c.on_response(answer(200), now);
    }
    BOOST_TEST(c.retry_hint_ms(now) == -1); // nothing refused yet
    c.on_response(answer(429, {{"Retry-After", "1"}}), now);
    // The window began with the first answer (t = 0): it ends at 1 s (+ a small margin).
    const int64_t hint = c.retry_hint_ms(now);
    BOOST_TEST(hint >= 1000 - now / kMs);
    BOOST_TEST(hint <= 1000 - now / kMs + 50);
    // Nobody goes into the spent window, interactive calls included...
    BOOST_TEST(try_take(c, CallClass::background, now + 100 * kMs) > 0);
    BOOST_TEST(try_take(c, CallClass::interactive, now + 100 * kMs) >= (1000 * kMs - now - 100 * kMs));
    // ...and right after its end the paced traffic resumes, with no hint left for later refusals.
    BOOST_TEST(try_take(c, CallClass::background, now + hint * kMs) == 0);
    BOOST_TEST(c.retry_hint_ms(now + hint * kMs) == -1);
    BOOST_TEST(c.snapshot().rate_per_second == 97.0, boost::test_tools::tolerance(0.5));
}
