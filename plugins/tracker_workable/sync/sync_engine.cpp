#include "sync/sync_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>

#include "ats/shared/utc_time.hpp"
#include "sync/data_protection.hpp"
#include "sync/sync_run.hpp"

namespace ats::tracker_workable {

namespace {
constexpr const char *kLockName = "workable-sync";
constexpr size_t kBatchApplications = 1000;
} // namespace

std::string SyncEngine::run(const RunOptions &options, const ats::sdk::Call &call, const ats::sdk::Sink *sink) {
    const auto t0 = std::chrono::steady_clock::now();
    ats::sdk::Lock lock;
    try {
        lock = host_.lock(kLockName, cfg_.lock_wait_ms);
    } catch (const ats::sdk::Error &e) {
        if (e.code() != ATS_ERR_CONFLICT) throw;
        throw ats::sdk::Error(ATS_ERR_CONFLICT,
                              "sync of tenant '" + tenant_ +
                                  "': another sync of this tenant is running and did not "
                                  "finish within " +
                                  std::to_string(cfg_.lock_wait_ms) + " ms (" + e.what() + ")",
                              true);
    }
    const int64_t kombo_before = kombo_.request_count();
    const int64_t tracker_before = tracker_.request_count();

    // Before the run reads its state: readable identity keys of an older state re-keyed to hashes,
    // then records past their retention dropped.
    protect_existing_state(host_, cfg_.identity);
    const ExpiryCounts expired = expire_parked(host_, cfg_, host_.now_unix_ms());

    SyncRun run(host_, cfg_, kombo_, tracker_, call, options);
    run.summary.pending_expired = expired.pending;
    run.summary.quarantined_expired = expired.quarantined;
    SyncState state(host_);
    const auto checkpoint = state.checkpoint();
    const int64_t fetch_started = host_.now_unix_ms();

    run.reconcile_leftover_intents();
    run.retry_pending();

    // Changes since the last complete fetch started, minus the overlap window: covers clock error
    // between Kombo and this host and changes that reach Kombo late. Re-reading the window costs
    // only its share of pages, since unchanged applications cost nothing.
    KomboApplicationFilter filter;
    std::string updated_after;
    if (checkpoint && !options.full) {
        updated_after = ats::shared::format_utc_iso8601_ms(*checkpoint - cfg_.overlap_seconds * 1000);
        filter.updated_after = updated_after;
    }
    filter.include_deleted = true;

    // Pages are grouped into batches of about kBatchApplications: each batch ends with a barrier
    // (every write done and committed before the next batch is classified), so fewer, larger
    // batches waste less time on each batch's tail. Memory stays bounded: one batch being written,
    // one being filled.
    std::future<void> inflight;
    std::vector<KomboApplication> filling;
    int64_t done = 0;
    bool fetching = true;
    // Progress, from this thread only (the sink's thread rule), through every phase: the
    // identity refresh (Tracker people read), then applications finished out of those fetched.
    std::string known_people;
    host_.state_get(state_keys::resource_count, known_people);
    const int64_t people_total = known_people.empty() ? -1 : std::atoll(known_people.c_str());
    auto report = [&] {
        if (!sink) return;
        if (run.refreshing_identity)
            sink->progress("sync: Tracker people read (identity refresh)", run.identity_rows_read,
                           people_total > 0 && run.identity_rows_read <= people_total ? people_total : -1);
        else
            sink->progress(fetching ? "sync: written / fetched so far" : "sync: written / fetched",
                           std::min(run.applications_finished(), done), done);
    };
    // Waits for a batch while reporting at least every 250 ms (a batch can take minutes).
    auto wait_reporting = [&](std::future<void> &f) {
        while (f.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready) report();
        f.get(); // rethrows a fatal error
    };
    auto launch = [&] {
        if (inflight.valid()) wait_reporting(inflight); // strictly in order
        if (filling.empty()) return;
        inflight = std::async(std::launch::async, [&run, apps = std::move(filling)]() mutable {
            run.process_batch(std::move(apps), false);
        });
        filling = {};
    };
    try {
        kombo_.for_each_application_page(
            filter,
            [&](KomboApplicationPage &page, int) {
                ++run.summary.kombo_pages;
                done += static_cast<int64_t>(page.results.size());
                for (auto &a : page.results) filling.push_back(std::move(a));
                if (filling.size() >= kBatchApplications) launch();
                report();
                return !call.cancelled();
            },
            &call);
        fetching = false;
        launch();
        if (inflight.valid()) wait_reporting(inflight);
    } catch (...) {
        if (inflight.valid()) inflight.wait();
        throw;
    }
    call.throw_if_cancelled();
    run.report_quarantine();

    // Every application up to fetch_started is now durable (synced or pending): advance.
    host_.state_put(state_keys::checkpoint, std::to_string(fetch_started));
    if (sink) sink->progress("sync: done", done, done);

    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return run.summary.to_json(tenant_, options.full, updated_after, ats::shared::format_utc_iso8601_ms(fetch_started),
                               kombo_.request_count() - kombo_before, tracker_.request_count() - tracker_before, ms);
}

} // namespace ats::tracker_workable
