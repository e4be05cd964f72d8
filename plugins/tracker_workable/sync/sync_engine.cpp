#include "sync/sync_engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"
#include "sync/job_mapper.hpp"
#include "sync/sync_state.hpp"
#include "sync/sync_summary.hpp"

namespace ats::tracker_workable {

namespace {

constexpr const char *kLockName = "workable-sync";
// Tracker timestamps have one-second resolution in local time (A8); re-read a little before the
// watermark so a resource written in the same second as the previous read is not missed.
constexpr int64_t kWatermarkSlackMs = 5000;
constexpr int kCreateAttempts = 3;
constexpr size_t kStateBatchMax = 1000;
constexpr int64_t kClockSkewMarginMs = 60000;
constexpr size_t kBatchApplications = 1000;

struct Work {
    KomboApplication app;
    std::optional<AppRecord> rec; // set for known applications (status update)
    std::string opportunity_id;
    PersonIdentity identity;
    bool had_intent = false;
};

// The writes of one person, run sequentially by one worker.
struct PersonTask {
    std::string resource_id; // "" = a new person: the first new application creates it
    char match_kind = 0;     // 'k', 'e', 'p' when matched
    std::vector<Work *> updates;
    std::vector<Work *> news;
};

bool is_unknown_outcome(const ats::sdk::Error &e) { return e.code() == ATS_ERR_TRANSIENT; }

// Durable writes of finished applications, grouped into few transactions. Each transaction of the
// host's state store is an fsync (~1.4 ms here), so one per application would cost more than the
// Tracker writes themselves. Grouping is safe because every application of a batch has its write
// intent recorded BEFORE any Tracker write of that batch: whatever is written to Tracker but not
// yet committed here is found again by read-back after a crash.
struct StateOp {
    bool put;
    std::string key, value;
};
using StateOps = std::vector<StateOp>;

class CommitLog {
public:
    explicit CommitLog(const SyncState &state) : state_(state) {}
    // Ops of one finished application; flushed with others (or at the end of the batch).
    void add(StateOps &&ops) {
        std::lock_guard<std::mutex> g(mu_);
        for (auto &op : ops) pending_.push_back(std::move(op));
        if (++apps_ >= kAppsPerCommit) flush_locked();
    }
    void flush() {
        std::lock_guard<std::mutex> g(mu_);
        flush_locked();
    }

private:
    static constexpr int kAppsPerCommit = 100;
    void flush_locked() {
        if (pending_.empty()) return;
        ats::sdk::Host::Batch b;
        for (auto &op : pending_) {
            if (op.put) b.put(std::move(op.key), std::move(op.value));
            else b.erase(std::move(op.key));
        }
        pending_.clear();
        apps_ = 0;
        state_.apply(b);
    }
    const SyncState &state_;
    std::mutex mu_;
    StateOps pending_;
    int apps_ = 0;
};

class SyncRun {
public:
    SyncRun(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &tracker,
            const ats::sdk::Call &call)
        : host_(host), cfg_(cfg), kombo_(kombo), tracker_(tracker), call_(call), state_(host),
          jobs_(cfg.jobs, tracker, host) {}

    SyncSummary summary;

    void load_markers() {
        state_.scan("int/", [&](std::string_view k, std::string_view) { intents_.emplace(k.substr(4)); });
        state_.scan("pend/", [&](std::string_view k, std::string_view) { pending_ids_.emplace(k.substr(5)); });
    }

    // Step 2: the pending list, in batches the size of a Kombo page. Only the ids are held; each
    // batch's documents are read when it is processed.
    void retry_pending() {
        std::vector<std::string> ids;
        state_.scan("pend/", [&](std::string_view k, std::string_view) { ids.emplace_back(k.substr(5)); });
        std::vector<KomboApplication> batch;
        for (size_t i = 0; i < ids.size(); ++i) {
            std::string doc;
            if (host_.state_get(state_keys::pending(ids[i]), doc)) {
                try {
                    batch.push_back(application_from_json(doc));
                } catch (const std::exception &) {
                    host_.warn("workable sync: unreadable pending entry " + ids[i] + " skipped", call_.raw());
                }
            }
            if (batch.size() == 250 || (i + 1 == ids.size() && !batch.empty())) {
                process_batch(std::move(batch), true);
                batch.clear();
            }
        }
    }

    void process_batch(std::vector<KomboApplication> apps, bool from_pending);

private:
    void park(const KomboApplication &a, const std::string &reason, ats::sdk::Host::Batch *b = nullptr);
    void ensure_person_map_loaded();
    void refresh_index(bool force);
    void run_task(PersonTask &t);
    void fail(Work &w, const std::exception &e);
    std::string create_link_reconciled(const std::string &res, Work &w, bool &recovered);
    CreatedTrackerPerson create_person_reconciled(Work &w, bool &recovered, bool &matched);
    std::string find_link(const std::string &res, const std::string &opp, std::string *status);
    void maybe_load_all_links(size_t resources_to_read);
    std::vector<TrackerLinkRow> links_of(const std::string &res);
    void commit_new(Work &w, const std::string &res, const std::string &link, const std::string &status);
    // People created by this run and met again in a later page are not "matched" people.
    bool created_this_run(const std::string &res) {
        std::lock_guard<std::mutex> g(mu_);
        return created_.count(res) != 0;
    }
    bool is_verified(const std::string &res) {
        std::lock_guard<std::mutex> g(mu_);
        return verified_.count(res) != 0;
    }

    ats::sdk::Host host_;
    const SyncConfig &cfg_;
    KomboClient &kombo_;
    TrackerPort &tracker_;
    const ats::sdk::Call &call_;
    SyncState state_;
    JobMapper jobs_;
    IdentityIndex index_;
    CommitLog commits_{state_};

    // Every Tracker link, read once per run when that is cheaper than one read per person
    // (bulk_links_loaded_); resource id -> its links.
    std::mutex links_mu_;
    bool bulk_links_loaded_ = false;
    std::unordered_map<std::string, std::vector<TrackerLinkRow>> links_by_resource_;

    std::mutex mu_;
    std::unordered_set<std::string> verified_;     // resources whose links we know
    std::unordered_set<std::string> created_;      // resources created by this run
    std::unordered_set<std::string> intents_;      // kombo ids with a write intent from before
    std::unordered_set<std::string> pending_ids_;  // kombo ids in "pend/"
    std::unordered_set<std::string> parked_this_run_; // kombo ids counted as pending by this run
    bool person_map_loaded_ = false;

    std::mutex refresh_mu_;
    bool refreshed_ = false;
};

void SyncRun::park(const KomboApplication &a, const std::string &reason, ats::sdk::Host::Batch *b) {
    ats::sdk::Host::Batch own;
    (b ? *b : own).put(state_keys::pending(a.id), application_to_json(a));
    if (!b) state_.apply(own);
    bool first_time_this_run;
    {
        std::lock_guard<std::mutex> g(mu_);
        pending_ids_.insert(a.id);
        first_time_this_run = parked_this_run_.insert(a.id).second;
    }
    // An application retried from the pending list and met again on a Kombo page is parked twice
    // in one run (the page's copy may be newer), but it is one pending application.
    if (!first_time_this_run) return;
    ++summary.applications_pending;
    summary.add_pending(a.id, reason);
}

void SyncRun::ensure_person_map_loaded() {
    std::lock_guard<std::mutex> g(mu_);
    if (person_map_loaded_) return;
    state_.scan("per/", [&](std::string_view k, std::string_view v) {
        index_.add(std::string(k.substr(4)), std::string(v));
    });
    state_.scan("nam/", [&](std::string_view k, std::string_view v) {
        index_.add_name(std::string(k.substr(4)), std::string(v));
    });
    state_.scan("ver/", [&](std::string_view k, std::string_view) { verified_.emplace(k.substr(4)); });
    person_map_loaded_ = true;
}

// Reads Tracker's resources changed since the watermark (all of them the first time) into the
// index and the durable person map. Cost: one request per 500 resources, once per tenant; then
// about one request per sync that meets an unknown person. This replaces one checkPerson per new
// person, and it is the only way to match phones stored in another format (A11 compares digits).
void SyncRun::refresh_index(bool force) {
    ensure_person_map_loaded();
    std::lock_guard<std::mutex> g(refresh_mu_);
    if (refreshed_ && !force) return;
    const int64_t started = host_.now_unix_ms();
    auto wm = state_.index_watermark();
    std::string after;
    if (wm) after = kombo_time(*wm - kWatermarkSlackMs);
    ats::sdk::Host::Batch batch;
    int64_t rows = 0;
    tracker_.for_each_resource(after, [&](const TrackerResourceRow &r) {
        ++rows;
        std::string workable_id;
        if (!cfg_.candidate_id_field.empty())
            for (const auto &[name, value] : r.custom_fields)
                if (name == cfg_.candidate_id_field) workable_id = value;
        PersonIdentity id =
            identity_of({r.email}, r.phones, "", r.first_name, r.last_name, cfg_.identity, workable_id);
        for (const auto &k : id.keys)
            if (index_.add(k, r.id)) batch.put(state_keys::person(k), index_.find({k})->resource_id);
        if (!id.name_key.empty() && !index_.find_name(id.name_key)) {
            index_.add_name(id.name_key, r.id);
            batch.put(state_keys::name(id.name_key), r.id);
        }
        if (batch.size() >= kStateBatchMax) {
            state_.apply(batch);
            batch = {};
        }
    });
    batch.put(state_keys::index_watermark, std::to_string(started));
    if (!wm) batch.put(state_keys::resource_count, std::to_string(rows)); // a full read: Tracker's size
    state_.apply(batch);
    ++summary.identity_index_reads;
    refreshed_ = true;
}

void SyncRun::fail(Work &w, const std::exception &e) {
    std::string msg = e.what();
    summary.add_error(w.app.id, msg);
    host_.warn("workable sync: application " + w.app.id + " failed: " + msg, call_.raw());
    try {
        park(w.app, "error: " + msg);
    } catch (const std::exception &) {
        // The state store itself failed: the checkpoint will not advance either (the run's final
        // state write fails too), so the application is fetched again next time.
    }
}

// Cost-based: reading every link costs ceil(links / 500) requests (estimated from the resources
// Tracker holds, about one link each), reading each person's costs one request per person.
void SyncRun::maybe_load_all_links(size_t resources_to_read) {
    std::lock_guard<std::mutex> g(links_mu_);
    if (bulk_links_loaded_ || resources_to_read == 0) return;
    std::string known;
    int64_t resources = 1000;
    if (host_.state_get(state_keys::resource_count, known)) {
        try {
            resources = std::stoll(known);
        } catch (...) {
        }
    }
    const size_t pages = static_cast<size_t>(resources / 500 + 1);
    if (resources_to_read <= pages) return;
    tracker_.for_each_link([&](const TrackerLinkRow &l) { links_by_resource_[l.resource_id].push_back(l); });
    bulk_links_loaded_ = true;
}

std::vector<TrackerLinkRow> SyncRun::links_of(const std::string &res) {
    {
        std::lock_guard<std::mutex> g(links_mu_);
        if (bulk_links_loaded_) {
            auto it = links_by_resource_.find(res);
            return it == links_by_resource_.end() ? std::vector<TrackerLinkRow>{} : it->second;
        }
    }
    return tracker_.links_of_resource(res);
}

std::string SyncRun::find_link(const std::string &res, const std::string &opp, std::string *status) {
    for (const auto &l : tracker_.links_of_resource(res))
        if (l.opportunity_id == opp) {
            if (status) *status = l.status;
            return l.id;
        }
    return {};
}

// resourceApplication, made exactly-once: after an unknown outcome, read the resource's links back
// and only create again when the link is really absent.
std::string SyncRun::create_link_reconciled(const std::string &res, Work &w, bool &recovered) {
    for (int attempt = 1;; ++attempt) {
        try {
            return tracker_.create_link(res, w.opportunity_id, cfg_.source_label);
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_RATE_LIMITED && attempt < kCreateAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt)); // nothing was written
                continue;
            }
            // CONFLICT: Tracker says the resource is already on the opportunity (status 3).
            if ((!is_unknown_outcome(e) && e.code() != ATS_ERR_CONFLICT) || attempt >= kCreateAttempts) throw;
            std::string link = find_link(res, w.opportunity_id, nullptr);
            if (!link.empty()) {
                recovered = true;
                return link;
            }
        }
    }
}

// createResource(+assign to the opportunity), made exactly-once: after an unknown outcome, re-read
// Tracker's recently changed resources and look the person up before creating again.
CreatedTrackerPerson SyncRun::create_person_reconciled(Work &w, bool &recovered, bool &matched) {
    NewTrackerPerson p;
    p.first_name = w.app.first_name;
    p.last_name = w.app.last_name;
    for (const auto &e : w.app.emails) {
        std::string t = e;
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
        size_t i = 0;
        while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
        if (i < t.size()) {
            p.email = t.substr(i);
            break;
        }
    }
    for (const auto &k : w.identity.keys)
        if (key_kind(k) == 'p') {
            p.cellphone = k.substr(2); // E.164: the form every later comparison agrees on
            break;
        }
    p.source = cfg_.source_label;
    if (!cfg_.candidate_id_field.empty() && !w.app.candidate_remote_id.empty())
        p.custom_fields.emplace_back(cfg_.candidate_id_field, w.app.candidate_remote_id);
    for (int attempt = 1;; ++attempt) {
        try {
            return tracker_.create_person_on_opportunity(p, w.opportunity_id);
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_RATE_LIMITED && attempt < kCreateAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt));
                continue;
            }
            // CONFLICT: Tracker says the person exists (createResource status 3, e.g. same email
            // created by a run that crashed before recording it) - resolve it like an unknown outcome.
            const bool exists = e.code() == ATS_ERR_CONFLICT;
            if ((!is_unknown_outcome(e) && !exists) || attempt >= kCreateAttempts) throw;
            refresh_index(true);
            if (auto m = index_.find(w.identity.keys)) {
                // An existing person Tracker refused to duplicate is a match, not a recovery.
                (exists ? matched : recovered) = true;
                std::string link = find_link(m->resource_id, w.opportunity_id, nullptr);
                if (link.empty()) link = create_link_reconciled(m->resource_id, w, recovered);
                return {m->resource_id, link};
            }
        }
    }
}

void SyncRun::commit_new(Work &w, const std::string &res, const std::string &link, const std::string &status) {
    AppRecord r;
    r.link_id = link;
    r.resource_id = res;
    r.opportunity_id = w.opportunity_id;
    r.status = status;
    r.outcome = w.app.outcome;
    r.remote_updated_at = w.app.remote_updated_at;
    r.workable_id = w.app.remote_id;
    StateOps ops;
    ops.push_back({true, state_keys::app(w.app.id), encode_app_record(r)});
    ops.push_back({true, state_keys::link(link),
                   boost::json::serialize(boost::json::object{{"k", w.app.id}, {"w", w.app.remote_id}})});
    // Only person-level keys (email, phone) are remembered: "k:"/"w:" keys name one Workable
    // candidate, i.e. one application, which its "app/" record already covers; keeping them would
    // make the person map grow with applications instead of people (issue 5, item 6d).
    for (const auto &k : w.identity.keys)
        if (key_kind(k) == 'e' || key_kind(k) == 'p') ops.push_back({true, state_keys::person(k), res});
    if (!w.identity.name_key.empty()) ops.push_back({true, state_keys::name(w.identity.name_key), res});
    ops.push_back({true, state_keys::verified(res), ""});
    ops.push_back({false, state_keys::intent(w.app.id), ""});
    ops.push_back({false, state_keys::pending(w.app.id), ""});
    // In memory at once (later people in this run see it); durable with the next commit group.
    for (const auto &k : w.identity.keys)
        if (key_kind(k) == 'e' || key_kind(k) == 'p') index_.add(k, res);
    {
        std::lock_guard<std::mutex> g(mu_);
        verified_.insert(res);
        pending_ids_.erase(w.app.id);
    }
    commits_.add(std::move(ops));
}

void SyncRun::run_task(PersonTask &t) {
    for (Work *u : t.updates) {
        if (call_.cancelled()) return;
        try {
            const std::string &want = cfg_.statuses.for_outcome(u->app.outcome);
            tracker_.set_link_status(u->rec->link_id, want);
            AppRecord r = *u->rec;
            r.status = want;
            r.outcome = u->app.outcome;
            r.remote_updated_at = u->app.remote_updated_at;
            commits_.add(StateOps{{true, state_keys::app(u->app.id), encode_app_record(r)},
                                  {false, state_keys::pending(u->app.id), ""}});
            ++summary.applications_updated;
        } catch (const std::exception &e) {
            fail(*u, e);
        }
    }
    if (t.news.empty()) return;

    std::string res = t.resource_id;
    std::map<std::string, std::pair<std::string, std::string>> existing; // opp -> (link, status)
    bool links_known = false;
    auto need_links = [&] {
        if (links_known || res.empty()) return;
        bool intent = false;
        for (Work *w : t.news) intent = intent || w->had_intent;
        if (is_verified(res) && !intent) {
            links_known = true;
            return;
        }
        for (const auto &l : links_of(res)) existing.emplace(l.opportunity_id, std::make_pair(l.id, l.status));
        links_known = true;
    };

    for (Work *w : t.news) {
        if (call_.cancelled()) return;
        try {
            std::string link, status_now = cfg_.statuses.initial;
            bool recovered = false;
            bool status_known = true; // false when the link was found by read-back after an unknown outcome
            if (res.empty()) {
                // Name-only report: someone with this name exists in Tracker but no email/phone matched.
                auto same_name = w->identity.name_key.empty() ? std::nullopt : index_.find_name(w->identity.name_key);
                bool matched = false;
                CreatedTrackerPerson c = create_person_reconciled(*w, recovered, matched);
                res = c.resource_id;
                link = c.link_id;
                status_known = !recovered && !matched;
                if (matched) {
                    ++summary.people_matched_email;
                } else if (recovered) {
                    ++summary.applications_recovered;
                } else {
                    ++summary.people_created;
                    {
                        std::lock_guard<std::mutex> g(mu_);
                        created_.insert(res);
                    }
                    if (same_name && *same_name != res) summary.add_name_only(w->app.id, *same_name);
                }
                // A new person has exactly the link we just made; a person Tracker already had
                // (matched) may have more: read them before their next link.
                links_known = !matched;
                existing.clear();
            } else {
                need_links();
                auto it = existing.find(w->opportunity_id);
                if (it != existing.end()) {
                    link = it->second.first;
                    status_now = it->second.second;
                    recovered = true;
                    ++summary.applications_recovered;
                } else {
                    link = create_link_reconciled(res, *w, recovered);
                    status_known = !recovered;
                    if (recovered) ++summary.applications_recovered;
                }
            }
            if (link.empty())
                throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker answered no link id for application " + w->app.id);
            const std::string &want = cfg_.statuses.for_outcome(w->app.outcome);
            if (want != status_now || !status_known) tracker_.set_link_status(link, want);
            commit_new(*w, res, link, want);
            existing[w->opportunity_id] = {link, want};
            if (!recovered) ++summary.applications_created;
        } catch (const std::exception &e) {
            fail(*w, e);
        }
    }
}

void SyncRun::process_batch(std::vector<KomboApplication> apps, bool from_pending) {
    std::vector<Work> work;
    work.reserve(apps.size());
    std::vector<size_t> news, updates;
    ats::sdk::Host::Batch upfront; // pending changes and write intents: one transaction, before any write
    for (auto &a : apps) {
        if (!from_pending) ++summary.applications_seen;
        bool was_pending;
        {
            std::lock_guard<std::mutex> g(mu_);
            was_pending = pending_ids_.count(a.id) != 0;
        }
        try {
            if (a.deleted()) {
                // Reported, never deleted from Tracker (issue 5, item 4).
                summary.add_deleted(a.id);
                if (was_pending) {
                    upfront.erase(state_keys::pending(a.id));
                    std::lock_guard<std::mutex> g(mu_);
                    pending_ids_.erase(a.id);
                }
                continue;
            }
            auto rec = state_.app(a.id);
            if (rec) {
                if (rec->status == cfg_.statuses.for_outcome(a.outcome)) {
                    ++summary.applications_unchanged;
                    if (was_pending) {
                        upfront.erase(state_keys::pending(a.id));
                        std::lock_guard<std::mutex> g(mu_);
                        pending_ids_.erase(a.id);
                    }
                    continue;
                }
                work.push_back(Work{std::move(a), rec, rec->opportunity_id, {}, false});
                updates.push_back(work.size() - 1);
                continue;
            }
            std::string opp = jobs_.opportunity_for(a);
            if (opp.empty()) {
                park(a, "job not mapped: Kombo job " + a.job_id + " (Workable " + a.job_remote_id + ", '" +
                            a.job_name + "')",
                     &upfront);
                continue;
            }
            Work w{std::move(a), std::nullopt, opp, {}, false};
            w.identity = identity_of(w.app.emails, w.app.phones, w.app.candidate_id, w.app.first_name,
                                     w.app.last_name, cfg_.identity, w.app.candidate_remote_id);
            w.had_intent = intents_.count(w.app.id) != 0;
            work.push_back(std::move(w));
            news.push_back(work.size() - 1);
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_CANCELLED) throw;
            Work w{std::move(a), std::nullopt, {}, {}, false};
            fail(w, e);
        }
    }

    // Identities: the remembered person map first; Tracker's resources only if someone is unknown
    // or a previous run left an intent (its person may exist in Tracker without our record).
    if (!news.empty()) {
        ensure_person_map_loaded();
        bool need_refresh = false;
        for (size_t i : news)
            need_refresh = need_refresh || work[i].had_intent || !index_.find(work[i].identity.keys);
        if (need_refresh) refresh_index(false);
    }

    // Group new applications by person: union of applications that share any identity key.
    std::vector<size_t> parent(work.size());
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
    auto root = [&](size_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    std::unordered_map<std::string, size_t> first_with_key;
    for (size_t i : news)
        for (const auto &k : work[i].identity.keys) {
            auto [it, inserted] = first_with_key.emplace(k, i);
            if (!inserted) parent[root(i)] = root(it->second);
        }

    std::vector<PersonTask> tasks;
    std::unordered_map<std::string, size_t> task_of_resource;
    std::unordered_map<size_t, size_t> task_of_root;
    auto task_for_resource = [&](const std::string &res) -> PersonTask & {
        auto [it, inserted] = task_of_resource.emplace(res, tasks.size());
        if (inserted) {
            tasks.emplace_back();
            tasks.back().resource_id = res;
        }
        return tasks[it->second];
    };
    // Resolve each group: the first member that matches a known person decides the resource.
    std::unordered_map<size_t, std::optional<IdentityIndex::Match>> group_match;
    for (size_t i : news) {
        auto &m = group_match[root(i)];
        if (!m) m = index_.find(work[i].identity.keys);
    }
    for (size_t i : news) {
        size_t r = root(i);
        const auto &m = group_match[r];
        if (m) {
            PersonTask &t = task_for_resource(m->resource_id);
            if (!t.match_kind) t.match_kind = m->kind;
            t.news.push_back(&work[i]);
        } else {
            auto [it, inserted] = task_of_root.emplace(r, tasks.size());
            if (inserted) tasks.emplace_back();
            tasks[it->second].news.push_back(&work[i]);
        }
    }
    for (size_t i : updates) task_for_resource(work[i].rec->resource_id).updates.push_back(&work[i]);
    for (const auto &t : tasks)
        if (!t.resource_id.empty() && !t.news.empty() && !created_this_run(t.resource_id)) {
            if (t.match_kind == 'e') ++summary.people_matched_email;
            else if (t.match_kind == 'p') ++summary.people_matched_phone;
            else ++summary.people_matched_known;
        }

    // Write intents of every new application, with the pending changes, in one transaction
    // BEFORE any Tracker write of this batch (sync-semantics.md, rule 1).
    for (size_t i : news)
        upfront.put(state_keys::intent(work[i].app.id),
                    boost::json::serialize(boost::json::object{{"opportunity_id", work[i].opportunity_id}}));
    state_.apply(upfront);

    // People Tracker already had need their links read before we link them (no duplicates).
    size_t to_read = 0;
    for (const auto &t : tasks)
        if (!t.resource_id.empty() && !t.news.empty() && !is_verified(t.resource_id)) ++to_read;
    maybe_load_all_links(to_read);

    // Longest chains first (LPT scheduling): a person with five applications is a chain of about
    // ten sequential requests; started last it would be the tail every other thread waits for.
    std::stable_sort(tasks.begin(), tasks.end(), [](const PersonTask &a, const PersonTask &b) {
        return a.news.size() * 2 + a.updates.size() > b.news.size() * 2 + b.updates.size();
    });

    // Run the people concurrently, each person's writes in order.
    const size_t threads = std::min<size_t>(static_cast<size_t>(host_.max_concurrency()), tasks.size());
    std::atomic<size_t> next{0};
    std::exception_ptr fatal;
    std::mutex fatal_mu;
    auto worker = [&] {
        for (;;) {
            size_t i = next++;
            if (i >= tasks.size()) return;
            try {
                run_task(tasks[i]);
            } catch (...) {
                std::lock_guard<std::mutex> g(fatal_mu);
                if (!fatal) fatal = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
    worker();
    for (auto &th : pool) th.join();
    if (fatal) std::rethrow_exception(fatal);
    commits_.flush(); // the next page must see this page's applications as synced
    call_.throw_if_cancelled();
}

} // namespace

std::string SyncEngine::run(bool full, const ats::sdk::Call &call, const ats::sdk::Sink *sink) {
    const auto t0 = std::chrono::steady_clock::now();
    ats::sdk::Lock lock;
    try {
        lock = host_.lock(kLockName, cfg_.lock_wait_ms);
    } catch (const ats::sdk::Error &e) {
        if (e.code() != ATS_ERR_CONFLICT) throw;
        throw ats::sdk::Error(ATS_ERR_CONFLICT,
                              "sync of tenant '" + tenant_ + "': another sync of this tenant is running and did not "
                              "finish within " + std::to_string(cfg_.lock_wait_ms) + " ms (" + e.what() + ")",
                              true);
    }
    const int64_t kombo_before = kombo_.request_count();
    const int64_t tracker_before = tracker_.request_count();

    SyncRun run(host_, cfg_, kombo_, tracker_, call);
    SyncState state(host_);
    const auto checkpoint = state.checkpoint();
    const int64_t fetch_started = host_.now_unix_ms();

    run.load_markers();
    run.retry_pending();

    KomboApplicationFilter filter;
    if (checkpoint && !full) filter.updated_after = kombo_time(*checkpoint);
    filter.include_deleted = true;

    // Pages are grouped into batches of about kBatchApplications: each batch ends with a barrier
    // (every write done and committed before the next batch is classified), so fewer, larger
    // batches waste less time on each batch's tail. Memory stays bounded: one batch being written,
    // one being filled.
    std::future<void> inflight;
    std::vector<KomboApplication> filling;
    int64_t done = 0;
    auto launch = [&] {
        if (inflight.valid()) inflight.get(); // strictly in order; rethrows a fatal error
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
                if (sink) sink->progress("sync: applications fetched from Workable", done, -1);
                return !call.cancelled();
            },
            &call);
        launch();
        if (inflight.valid()) inflight.get();
    } catch (...) {
        if (inflight.valid()) inflight.wait();
        throw;
    }
    call.throw_if_cancelled();

    // Every application up to fetch_started is now durable (synced or pending): advance. The
    // margin covers clock skew between this host and Kombo; re-reading that minute costs only its
    // share of a page, since unchanged applications cost nothing.
    const int64_t next_checkpoint = fetch_started - kClockSkewMarginMs;
    host_.state_put(state_keys::checkpoint, std::to_string(next_checkpoint));
    if (sink) sink->progress("sync: done", done, done);

    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return run.summary.to_json(tenant_, full, checkpoint ? kombo_time(*checkpoint) : "", kombo_time(next_checkpoint),
                               kombo_.request_count() - kombo_before, tracker_.request_count() - tracker_before, ms);
}

} // namespace ats::tracker_workable
