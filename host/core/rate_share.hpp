// rate_share.hpp - one upstream account's rate shared by the host instances that use it, when
// they share a PostgreSQL state.
//
// An upstream limits the ACCOUNT (the tenant's credentials), not one host process: two instances
// that each learned "100 per second" would together send 200. So instances on a shared state keep
// one row per (tenant, upstream) with the account's rate as the instances learned it, and one row
// per instance using it (what it got through in the last second, whether its callers are held
// back). Each instance's RateController paces at a max-min fair part of the account's rate: the
// instances that do not use their share keep what they use, the others split the rest equally.
//
// Cheap: an instance exchanges with the board at most every `interval` (300 ms by default) while
// it sends requests to that upstream, and at once when a refusal or a header lowered its rate -
// never per request. An exchange is one short transaction (the account row locked FOR UPDATE, the
// instance's row upserted, the live instances counted). Instances that stopped sending drop out
// after kLiveMs, and the others' shares grow at their next exchange.
//
// Merging (decide_shared_rate, pure): a lowered rate always wins (the minimum of the board's and
// the instance's, since a refusal anywhere is the account's refusal); otherwise an instance adopts
// the board's rate when another instance wrote it since the instance last looked (version), and
// writes its own (its additive increase) when nobody did. Holds (Retry-After, remaining 0) are
// shared as an end time on the database's clock, so clocks of different machines do not matter.
//
// Limitation: the split follows demand only at the exchange's pace: an instance that suddenly wants
// more gets its share within about one interval, and until then the others keep theirs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "rate_controller.hpp"

namespace ats::host {

namespace pg {
class Connection;
}

struct SharedRateRow {
    double rate = 0; // the account's rate (0: nobody learned one yet)
    int64_t version = 0;
};

struct SharedRateDecision {
    bool write = false; // store `rate` as the board's new rate (and bump the version)
    double rate = 0;    // the account's rate after the exchange (what the instance adopts)
};

SharedRateDecision decide_shared_rate(const SharedRateRow &board, const RateController::ShareReport &mine);

struct SharedRateAnswer {
    double rate = 0;
    int64_t version = 0;
    int64_t hold_ms = 0;           // the account's callers are held this much longer
    RateController::Others others; // the other live instances using (tenant, upstream)
};

class RateBoard {
public:
    virtual ~RateBoard() = default;
    // One exchange; throws std::runtime_error when the board cannot be reached.
    virtual SharedRateAnswer exchange(const std::string &tenant, const std::string &upstream,
                                      const RateController::ShareReport &mine) = 0;
};

// The board in the PostgreSQL state: tables ats_rate_accounts and ats_rate_instances (created
// when missing; they hold nothing that must survive: losing them only means relearning).
class PgRateBoard final : public RateBoard {
public:
    static constexpr int64_t kLiveMs = 2000; // an instance that did not exchange for this long has left
    // Connects (its own connection: an exchange never waits behind a state batch) and creates the
    // tables. Throws std::runtime_error naming the URL without its password.
    PgRateBoard(const std::string &url, std::string instance);
    ~PgRateBoard() override;
    SharedRateAnswer exchange(const std::string &tenant, const std::string &upstream,
                              const RateController::ShareReport &mine) override;

private:
    std::string instance_;
    std::mutex mu_;
    std::unique_ptr<pg::Connection> db_;
};

// Exchanges `c`'s view with `board` when one is due (RateController::share_due); the blocking
// form every sender calls. Errors leave the instance on its own view and retry after 5 s.
// Returns true when an exchange happened.
bool share_rate(RateBoard &board, const std::string &tenant, const std::string &upstream, RateController &c,
                int64_t interval_us, int64_t now_us);

} // namespace ats::host
