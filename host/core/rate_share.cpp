#include "rate_share.hpp"

#include "pg_connection.hpp"
#include "state_store.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ats::host {
namespace {

using pg::Param;

// The database's wall clock in ms: instances on different machines measure on one clock.
#define ATS_PG_NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::int8"

// The same advisory lock the state store migrates under: instances starting together create the
// tables once.
constexpr const char *kCreateLock = "SELECT pg_advisory_xact_lock(7310452113)";

// Rates are stored in thousandths of a request per second (an exact integer on every side).
int64_t milli(double rate) { return std::llround(rate * 1000.0); }

} // namespace

SharedRateDecision decide_shared_rate(const SharedRateRow &board, const RateController::ShareReport &mine) {
    if (board.rate <= 0) return {mine.rate > 0, mine.rate}; // the first instance to learn it
    if (mine.rate <= 0) return {false, board.rate};         // a newcomer starts from the account's rate
    if (mine.lowered) {                                     // a refusal anywhere is the account's
        const double r = std::min(board.rate, mine.rate);
        return {milli(r) != milli(board.rate), r};
    }
    if (board.version != mine.seen_version) return {false, board.rate}; // someone else moved it
    return {milli(mine.rate) != milli(board.rate), mine.rate};          // nobody did: this increase
}

PgRateBoard::PgRateBoard(const std::string &url, std::string instance)
    : instance_(std::move(instance)), db_(std::make_unique<pg::Connection>(url)) {
    try {
        db_->begin();
        db_->exec(kCreateLock);
        db_->exec("CREATE TABLE IF NOT EXISTS ats_rate_accounts (tenant text COLLATE \"C\" NOT NULL,"
                  " upstream text NOT NULL, rate_milli int8 NOT NULL, version int8 NOT NULL,"
                  " hold_until_ms int8 NOT NULL, PRIMARY KEY (tenant, upstream))");
        db_->exec("CREATE TABLE IF NOT EXISTS ats_rate_instances (tenant text COLLATE \"C\" NOT NULL,"
                  " upstream text NOT NULL, instance text NOT NULL, seen_ms int8 NOT NULL,"
                  " used_milli int8 NOT NULL, limited boolean NOT NULL, PRIMARY KEY (tenant, upstream, instance))");
        db_->commit();
    } catch (const std::exception &e) {
        db_->rollback();
        throw std::runtime_error("state database " + db_->redacted_url() + ": creating the rate tables: " + e.what());
    }
}

PgRateBoard::~PgRateBoard() = default;

SharedRateAnswer PgRateBoard::exchange(const std::string &tenant, const std::string &upstream,
                                       const RateController::ShareReport &mine) {
    std::lock_guard<std::mutex> lock(mu_);
    const Param t = Param::of_text(tenant), u = Param::of_text(upstream);
    SharedRateAnswer a;
    try {
        db_->begin();
        db_->run("ats_rate_new",
                 "INSERT INTO ats_rate_accounts(tenant, upstream, rate_milli, version, hold_until_ms)"
                 " VALUES ($1, $2, 0, 0, 0) ON CONFLICT DO NOTHING",
                 {t, u});
        auto row = db_->run("ats_rate_get",
                            "SELECT rate_milli, version FROM ats_rate_accounts WHERE tenant = $1 AND upstream = $2"
                            " FOR UPDATE",
                            {t, u});
        SharedRateRow board;
        board.rate = static_cast<double>(row.int8(0, 0)) / 1000.0;
        board.version = row.int8(0, 1);
        const SharedRateDecision d = decide_shared_rate(board, mine);
        auto put = db_->run("ats_rate_put",
                            "UPDATE ats_rate_accounts SET rate_milli = CASE WHEN $3 THEN $4 ELSE rate_milli END,"
                            " version = version + CASE WHEN $3 THEN 1 ELSE 0 END,"
                            " hold_until_ms = greatest(hold_until_ms, " ATS_PG_NOW_MS " + $5)"
                            " WHERE tenant = $1 AND upstream = $2"
                            " RETURNING version, greatest(hold_until_ms - " ATS_PG_NOW_MS ", 0)::int8",
                            {t, u, Param::of_bool(d.write), Param::of_int8(milli(d.rate)),
                             Param::of_int8(std::max<int64_t>(0, mine.hold_ms))});
        a.rate = d.rate;
        a.version = put.int8(0, 0);
        a.hold_ms = put.int8(0, 1);
        const Param me = Param::of_text(instance_);
        db_->run("ats_rate_seen",
                 "INSERT INTO ats_rate_instances(tenant, upstream, instance, seen_ms, used_milli, limited)"
                 " VALUES ($1, $2, $3, " ATS_PG_NOW_MS ", $4, $5) ON CONFLICT (tenant, upstream, instance)"
                 " DO UPDATE SET seen_ms = excluded.seen_ms, used_milli = excluded.used_milli,"
                 " limited = excluded.limited",
                 {t, u, me, Param::of_int8(milli(mine.used)), Param::of_bool(mine.limited)});
        // Rows of instances long gone (a crash leaves one behind) are dropped here.
        db_->run("ats_rate_gone",
                 "DELETE FROM ats_rate_instances WHERE tenant = $1 AND upstream = $2 AND seen_ms < " ATS_PG_NOW_MS
                 " - 60000",
                 {t, u});
        auto live = db_->run("ats_rate_live",
                             "SELECT count(*), count(*) FILTER (WHERE limited), coalesce(sum(used_milli), 0)::int8,"
                             " coalesce(sum(used_milli) FILTER (WHERE NOT limited), 0)::int8"
                             " FROM ats_rate_instances WHERE tenant = $1 AND upstream = $2 AND instance <> $3"
                             " AND seen_ms > " ATS_PG_NOW_MS " - $4",
                             {t, u, me, Param::of_int8(kLiveMs)});
        a.others.live = static_cast<int>(live.int8(0, 0));
        a.others.limited = static_cast<int>(live.int8(0, 1));
        a.others.used = static_cast<double>(live.int8(0, 2)) / 1000.0;
        a.others.used_by_unlimited = static_cast<double>(live.int8(0, 3)) / 1000.0;
        db_->commit();
    } catch (const std::exception &e) {
        db_->rollback();
        throw std::runtime_error("sharing the rate of " + tenant + " at " + upstream + ": " + e.what());
    }
    return a;
}

bool share_rate(RateBoard &board, const std::string &tenant, const std::string &upstream, RateController &c,
                int64_t interval_us, int64_t now_us) {
    if (!c.share_due(now_us, interval_us)) return false;
    const RateController::ShareReport mine = c.share_report(now_us);
    try {
        const SharedRateAnswer a = board.exchange(tenant, upstream, mine);
        c.share_apply(mine, a.rate, a.version, a.hold_ms, a.others, now_us);
    } catch (const std::exception &) {
        c.share_failed(now_us, 5000000); // alone on its own view meanwhile (what one instance does anyway)
        return false;
    }
    return true;
}

} // namespace ats::host
