// pending_list.cpp - applications that are not in Tracker yet: the pending list ("pend/", retried
// at the start of every sync) and the quarantine ("quar/", not retried until Workable changes
// them or an operator asks).
//
// An application that fails the same way (same non-retryable error, or the same refused input)
// on quarantine_after_failures consecutive runs moves to the quarantine: a poison record costs
// one attempt per run at most, then nothing, and is listed in every summary until it is fixed.
// Retryable failures (timeouts, 429, 5xx) never count: they say nothing about the application.
#include <boost/json.hpp>

#include "ats/shared/timezone.hpp"
#include "sync/sync_run.hpp"

namespace ats::tracker_workable {

namespace {
bool counts_toward_quarantine(const std::exception &e) {
    auto *err = dynamic_cast<const ats::sdk::Error *>(&e);
    if (!err) return true;
    if (err->retryable()) return false; // timeouts, 429, 5xx, cancellation (ats_status_retryable)
    switch (err->code()) {
    case ATS_ERR_UNAUTHORIZED:
    case ATS_ERR_FORBIDDEN: return false; // the account's problem, not the application's
    default: return true;
    }
}
} // namespace

std::optional<PendingRecord> SyncRun::pending_record(const std::string &prefix, const std::string &kombo_id) const {
    std::string v;
    if (!host_.state_get(prefix + kombo_id, v)) return std::nullopt;
    try {
        return decode_pending(v);
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

void SyncRun::unpark(const std::string &kombo_id, ats::sdk::Host::Batch &batch) {
    batch.erase(state_keys::pending(kombo_id));
    batch.erase(state_keys::quarantined(kombo_id));
    std::lock_guard<std::mutex> g(mu_);
    pending_ids_.erase(kombo_id);
    quarantined_ids_.erase(kombo_id);
}

// Records `a` as not in Tracker. `kind` "error" and "invalid" count consecutive failures (when
// `counts`); "unmapped_job" does not (mapping the job is the fix, and it is retried every run).
void SyncRun::park(const KomboApplication &a, const std::string &kind, const std::string &reason,
                   ats::sdk::Host::Batch *batch, bool counts) {
    PendingRecord r;
    r.app = a;
    r.kind = kind;
    r.reason = reason;
    auto prev = pending_record(state_keys::pending_prefix, a.id);
    if (!prev) prev = pending_record(state_keys::quarantined_prefix, a.id);
    // Retention counts from the first time the application was parked, not from each retry.
    r.parked_at_ms = prev && prev->parked_at_ms > 0 ? prev->parked_at_ms : host_.now_unix_ms();
    if (kind != "unmapped_job" && counts) {
        r.failures = prev && prev->kind == kind && prev->reason == reason ? prev->failures + 1 : 1;
        r.last_failed_at =
            ats::shared::format_utc_iso8601(ats::shared::UtcSeconds{std::chrono::seconds{host_.now_unix_ms() / 1000}});
    }
    const bool quarantine = r.failures > 0 && r.failures >= cfg_.quarantine_after_failures;
    ats::sdk::Host::Batch own;
    ats::sdk::Host::Batch &b = batch ? *batch : own;
    if (quarantine) {
        b.erase(state_keys::pending(a.id));
        b.put_secret(state_keys::quarantined(a.id), encode_pending(r));
    } else {
        b.erase(state_keys::quarantined(a.id));
        b.put_secret(state_keys::pending(a.id), encode_pending(r));
    }
    if (!batch) state_.apply(own);
    bool first_time_this_run;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (quarantine) {
            pending_ids_.erase(a.id);
            quarantined_ids_.insert(a.id);
        } else {
            pending_ids_.insert(a.id);
            quarantined_ids_.erase(a.id);
        }
        first_time_this_run = parked_this_run_.insert(a.id).second;
    }
    if (!first_time_this_run) return;
    if (quarantine) {
        // Listed, with every other quarantined application, by report_quarantine().
    } else if (kind == "invalid") { // counted by refuse(); listed apart from the pending ones
        summary.add_item("refused", boost::json::serialize(boost::json::object{
                                        {"application_id", a.id}, {"reason", reason}, {"failures", r.failures}}));
    } else {
        ++summary.applications_pending;
        summary.add_pending(a.id, reason);
    }
}

void SyncRun::refuse(const KomboApplication &a, const std::string &reason, ats::sdk::Host::Batch &batch) {
    ++summary.applications_invalid;
    park(a, "invalid", "refused: " + reason, &batch);
}

void SyncRun::fail(Work &w, const std::exception &e) {
    std::string msg = e.what();
    summary.add_error(w.app.id, msg);
    host_.warn("workable sync: application " + w.app.id + " failed: " + msg, call_.raw());
    try {
        park(w.app, "error", "error: " + msg, nullptr, counts_toward_quarantine(e));
    } catch (const std::exception &) {
        // The state store itself failed: the checkpoint will not advance either (the run's final
        // state write fails too), so the application is fetched again next time.
    }
}

// Every quarantined application, whether or not this run met it: what needs an operator is in
// every summary until it is fixed (the list is capped like the others; the count is exact).
void SyncRun::report_quarantine() {
    state_.scan(state_keys::quarantined_prefix, [&](std::string_view k, std::string_view v) {
        ++summary.applications_quarantined;
        std::string reason;
        int failures = 0;
        try {
            PendingRecord r = decode_pending(v);
            reason = r.reason;
            failures = r.failures;
        } catch (const std::exception &) {
            reason = "unreadable quarantine entry";
        }
        summary.add_item("quarantined",
                         boost::json::serialize(boost::json::object{
                             {"application_id", std::string(k.substr(state_keys::quarantined_prefix.size()))},
                             {"reason", reason},
                             {"failures", failures}}));
    });
}

// The pending list, in batches the size of a Kombo page; with retry_quarantined, the quarantine
// too. Only the ids are held; each batch's documents are read when it is processed.
void SyncRun::retry_pending() {
    std::vector<std::string> keys;
    state_.scan(state_keys::pending_prefix, [&](std::string_view k, std::string_view) { keys.emplace_back(k); });
    if (options_.retry_quarantined)
        state_.scan(state_keys::quarantined_prefix,
                    [&](std::string_view k, std::string_view) { keys.emplace_back(k); });
    std::vector<KomboApplication> batch;
    for (size_t i = 0; i < keys.size(); ++i) {
        std::string doc;
        if (host_.state_get(keys[i], doc)) {
            try {
                batch.push_back(decode_pending(doc).app);
            } catch (const std::exception &) {
                host_.warn("workable sync: unreadable pending entry " + keys[i] + " skipped", call_.raw());
            }
        }
        // Batches of one Kombo page: the batch code sees the same sizes as on a fetch.
        if (batch.size() == static_cast<size_t>(kKomboMaxPageSize) || (i + 1 == keys.size() && !batch.empty())) {
            process_batch(std::move(batch), true);
            batch.clear();
        }
    }
}

} // namespace ats::tracker_workable
