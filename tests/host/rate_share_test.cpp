// One upstream account's rate shared by two host instances on one PostgreSQL state (a private
// server started by the test): the merge rules alone, then two RateControllers with a board each,
// driven on a fake clock against one fixed-window budget (Tracker's kind: 429 beyond it).
#define BOOST_TEST_MODULE rate_share
#include <boost/test/unit_test.hpp>

#include "postgres_server.hpp"
#include "rate_controller.hpp"
#include "rate_share.hpp"

#include <map>
#include <string>
#include <vector>

using namespace ats::host;

namespace {

constexpr int64_t kMs = 1000, kS = 1000000;

ats::test::PostgresServer &postgres() {
    static ats::test::PostgresServer server;
    return server;
}

std::string fresh_database() {
    static int n = 0;
    return postgres().create_database("rates" + std::to_string(++n));
}

RateSignal answer(int status, std::map<std::string, std::string> headers = {}) {
    return RateSignal::read(
        status,
        [&](const char *n) {
            auto it = headers.find(n);
            return it == headers.end() ? std::string() : it->second;
        },
        1700000000);
}

// At most `budget` requests per fixed 1 s window, 429 with Retry-After beyond (no headers).
struct FixedWindow {
    int64_t budget;
    int64_t start = -1, used = 0;
    RateSignal operator()(int64_t now) {
        if (start < 0 || now - start >= kS) {
            start = now;
            used = 0;
        }
        if (used >= budget) return answer(429, {{"Retry-After", "1"}});
        ++used;
        return answer(200);
    }
};

// One instance's sync: endless demand, one request in flight, each answered 5 ms after its token.
struct Instance {
    RateController controller{RatePolicy{}, 0};
    std::unique_ptr<PgRateBoard> board; // null: not sharing (what each instance did before)
    int64_t next = 0;
    bool in_flight = false;
    int64_t ok = 0, refused = 0;
};

void share(Instance &i, int64_t now) {
    if (i.board) share_rate(*i.board, "acme", "tracker.example:443", i.controller, 300 * kMs, now);
}

// Runs the instances against one upstream from `from` to `to` (fake time), in time order.
void run(std::vector<Instance *> instances, FixedWindow &up, int64_t from, int64_t to) {
    for (Instance *i : instances) i->next = std::max(i->next, from);
    for (;;) {
        Instance *i = *std::min_element(instances.begin(), instances.end(),
                                        [](const Instance *a, const Instance *b) { return a->next < b->next; });
        const int64_t now = i->next;
        if (now >= to) return;
        if (i->in_flight) {
            RateSignal s = up(now);
            (s.status == 429 ? i->refused : i->ok)++;
            i->controller.on_response(s, now);
            i->in_flight = false;
            share(*i, now);
            continue;
        }
        share(*i, now);
        const uint64_t ticket = i->controller.enqueue(CallClass::background);
        const int64_t wait = i->controller.poll(ticket, now);
        if (wait) {
            i->controller.leave(ticket);
            i->next = now + wait;
        } else {
            i->in_flight = true;
            i->next = now + 5 * kMs;
        }
    }
}

RateController::ShareReport report(double rate, bool lowered, int64_t seen_version) {
    RateController::ShareReport r;
    r.rate = rate;
    r.lowered = lowered;
    r.seen_version = seen_version;
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(merge_rules) {
    // Nobody knows the rate yet: the first instance to learn one writes it.
    auto d = decide_shared_rate({0, 0}, report(97, true, -1));
    BOOST_TEST(d.write);
    BOOST_TEST(d.rate == 97);
    // A newcomer that knows nothing starts from the account's rate.
    d = decide_shared_rate({97, 3}, report(0, false, -1));
    BOOST_TEST(!d.write);
    BOOST_TEST(d.rate == 97);
    // A lowered rate wins over a higher one on the board, whatever the versions say...
    d = decide_shared_rate({97, 5}, report(40, true, 2));
    BOOST_TEST(d.write);
    BOOST_TEST(d.rate == 40);
    // ...but never raises it: the board's lower rate came from a refusal too.
    d = decide_shared_rate({30, 5}, report(40, true, 2));
    BOOST_TEST(!d.write);
    BOOST_TEST(d.rate == 30);
    // An increase from an instance that missed another's write gives way to the board's rate.
    d = decide_shared_rate({40, 6}, report(98, false, 5));
    BOOST_TEST(!d.write);
    BOOST_TEST(d.rate == 40);
    // One that saw the latest version carries the account's increase.
    d = decide_shared_rate({40, 6}, report(40.4, false, 6));
    BOOST_TEST(d.write);
    BOOST_TEST(d.rate == 40.4);
}

BOOST_AUTO_TEST_CASE(a_refusal_seen_by_one_instance_lowers_the_others_rate) {
    const std::string url = fresh_database();
    Instance a, b;
    a.board = std::make_unique<PgRateBoard>(url, "instance a");
    b.board = std::make_unique<PgRateBoard>(url, "instance b");
    FixedWindow up{100};
    run({&a}, up, 0, 5 * kS); // A alone learns the budget
    const double learned = a.controller.snapshot().rate_per_second;
    BOOST_TEST_MESSAGE("A alone: " << a.ok << " ok, " << a.refused << " refused, rate " << learned);
    BOOST_TEST(learned > 85.0);
    BOOST_TEST(learned <= 100.0);

    share(b, 5 * kS); // B starts: it takes the account's rate, and the two split it
    BOOST_TEST(b.controller.snapshot().rate_per_second == learned, boost::test_tools::tolerance(0.01));
    BOOST_TEST(b.controller.share_instances() == 2);
    BOOST_TEST(b.controller.snapshot().share < 0.5); // A uses the whole rate: B starts small

    up.budget = 40; // the upstream throttles the account; only A's requests meet it
    run({&a}, up, 5 * kS + 1, 8 * kS);
    const double lowered = a.controller.snapshot().rate_per_second;
    BOOST_TEST(lowered <= 42.0);
    share(b, 8 * kS + 400 * kMs);
    BOOST_TEST(b.controller.snapshot().rate_per_second <= lowered + 0.01);
}

BOOST_AUTO_TEST_CASE(two_instances_together_stay_within_the_budget) {
    const std::string url = fresh_database();
    Instance a, b;
    a.board = std::make_unique<PgRateBoard>(url, "instance a");
    b.board = std::make_unique<PgRateBoard>(url, "instance b");
    FixedWindow up{100};
    run({&a}, up, 0, 5 * kS);
    const int64_t a_ok = a.ok, a_refused = a.refused;
    // B joins A's running sync: both have endless demand for 10 s.
    run({&a, &b}, up, 5 * kS, 15 * kS);
    const int64_t ok = a.ok - a_ok + b.ok, refused = a.refused - a_refused + b.refused;
    BOOST_TEST_MESSAGE("together: " << ok << " ok, " << refused << " answers 429; A " << a.ok - a_ok << ", B " << b.ok);
    BOOST_TEST(ok <= 100 * 10 + 100);      // the budget's windows (one partial at each end)
    BOOST_TEST(ok >= 100 * 10 * 80 / 100); // and most of it used
    BOOST_TEST(refused * 100 <= ok * 2);   // with at most 2% refused: B never overran it on joining
    BOOST_TEST(b.ok >= (a.ok - a_ok) / 3); // B got a real share, not a trickle
}
