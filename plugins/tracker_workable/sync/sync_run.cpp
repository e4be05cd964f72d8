#include "sync/sync_run.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <boost/json.hpp>

#include "identity/person_grouping.hpp"
#include "sync/input_sanitizer.hpp"

namespace ats::tracker_workable {

namespace {
constexpr size_t kStateBatchMax = 1000;
} // namespace

SyncRun::SyncRun(ats::sdk::Host host, const SyncConfig &cfg, KomboClient &kombo, TrackerPort &tracker,
                 const ats::sdk::Call &call, RunOptions options)
    : host_(host), cfg_(cfg), kombo_(kombo), tracker_(tracker), call_(call), options_(options), state_(host),
      jobs_(cfg.jobs, tracker, host) {
    load_markers();
}

void SyncRun::load_markers() {
    state_.scan("int/", [&](std::string_view k, std::string_view) { intents_.emplace(k.substr(4)); });
    state_.scan(state_keys::pending_prefix, [&](std::string_view k, std::string_view) {
        pending_ids_.emplace(k.substr(state_keys::pending_prefix.size()));
    });
    state_.scan(state_keys::quarantined_prefix, [&](std::string_view k, std::string_view) {
        quarantined_ids_.emplace(k.substr(state_keys::quarantined_prefix.size()));
    });
}

bool SyncRun::created_this_run(const std::string &res) {
    std::lock_guard<std::mutex> g(mu_);
    return created_.count(res) != 0;
}

bool SyncRun::is_verified(const std::string &res) {
    std::lock_guard<std::mutex> g(mu_);
    return verified_.count(res) != 0;
}

std::set<std::string> SyncRun::known_tokens(const std::string &res) {
    std::set<std::string> out;
    std::string v;
    if (!host_.state_get(state_keys::person_contacts(res), v)) return out;
    boost::system::error_code ec;
    auto j = boost::json::parse(v, ec);
    if (!ec && j.is_array())
        for (const auto &t : j.get_array())
            if (t.is_string()) out.emplace(t.get_string());
    return out;
}

// The account's status names, read once per run (getSettings, cached by the client). The first
// run that needs them refuses to write when the configuration names a status the account lacks.
const std::vector<std::string> &SyncRun::tracker_statuses() {
    std::lock_guard<std::mutex> g(statuses_mu_);
    if (!tracker_statuses_) {
        auto names = tracker_.link_status_names();
        auto unknown = unknown_configured_statuses(cfg_, names);
        if (!unknown.empty()) {
            std::string msg = "provider_config: status";
            msg += unknown.size() > 1 ? "es " : " ";
            for (size_t i = 0; i < unknown.size(); ++i) msg += (i ? ", '" : "'") + unknown[i] + "'";
            msg += " (statuses / workable.stage_mapping) not in Tracker; valid statuses: ";
            for (size_t i = 0; i < names.size(); ++i) msg += (i ? ", '" : "'") + names[i] + "'";
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, msg);
        }
        tracker_statuses_ = std::move(names);
    }
    return *tracker_statuses_;
}

void SyncRun::ensure_person_map_loaded() {
    std::lock_guard<std::mutex> g(mu_);
    if (person_map_loaded_) return;
    state_.scan("per/",
                [&](std::string_view k, std::string_view v) { index_.add(std::string(k.substr(4)), std::string(v)); });
    state_.scan("nam/", [&](std::string_view k, std::string_view v) {
        index_.add_name(std::string(k.substr(4)), std::string(v));
    });
    state_.scan("ver/", [&](std::string_view k, std::string_view) { verified_.emplace(k.substr(4)); });
    person_map_loaded_ = true;
}

// Reads Tracker's resources changed since the watermark (all of them the first time) into the
// index and the durable person map. The watermark is the newest `lastupdated` Tracker itself
// reported, never this host's clock: a Tracker clock that lags or leads, or a manifest zone that
// differs from the account's, cannot hide a resource (the same zone converts it both ways).
void SyncRun::refresh_index(bool force) {
    ensure_person_map_loaded();
    std::lock_guard<std::mutex> g(refresh_mu_);
    if (refreshed_ && !force) return;
    struct Refreshing { // progress: the phase shows while the refresh runs, whatever ends it
        std::atomic<bool> &flag;
        explicit Refreshing(std::atomic<bool> &f) : flag(f) { flag = true; }
        ~Refreshing() { flag = false; }
    } refreshing(refreshing_identity);
    identity_rows_read = 0;
    std::string after;
    host_.state_get(state_keys::index_watermark, after);
    std::string newest = after;
    ats::sdk::Host::Batch batch;
    int64_t rows = 0;
    tracker_.for_each_resource(after, [&](const TrackerResourceRow &r) {
        ++rows;
        ++identity_rows_read;
        if (r.last_updated_utc > newest) newest = r.last_updated_utc;
        std::string workable_id, workable_source;
        for (const auto &[name, value] : r.custom_fields) {
            if (!cfg_.candidate_id_field.empty() && name == cfg_.candidate_id_field) workable_id = value;
            if (!cfg_.workable_source.custom_field.empty() && name == cfg_.workable_source.custom_field)
                workable_source = value;
        }
        {
            std::lock_guard<std::mutex> g(mu_);
            refreshed_fields_[r.id] = {r.email, r.cellphone, r.workphone, r.homephone, workable_source};
        }
        PersonIdentity id = identity_of({r.email}, r.phones, "", r.first_name, r.last_name, cfg_.identity, workable_id);
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
    if (!newest.empty()) batch.put(state_keys::index_watermark, newest);
    if (after.empty()) batch.put(state_keys::resource_count, std::to_string(rows)); // a full read: Tracker's size
    state_.apply(batch);
    ++summary.identity_index_reads;
    refreshed_ = true;
}

std::optional<SyncRun::KnownFields> SyncRun::fields_from_refresh(const std::string &res) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = refreshed_fields_.find(res);
    if (it == refreshed_fields_.end()) return std::nullopt;
    return it->second;
}

void SyncRun::remember_created(const std::string &res, const NewTrackerPerson &p) {
    std::string source;
    for (const auto &[name, value] : p.custom_fields)
        if (name == cfg_.workable_source.custom_field) source = value;
    std::lock_guard<std::mutex> g(mu_);
    refreshed_fields_[res] = {p.email, p.cellphone, p.workphone, p.homephone, source};
}

void SyncRun::remember_filled(const std::string &res, const PersonFieldUpdate &u) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = refreshed_fields_.find(res);
    if (it == refreshed_fields_.end()) return;
    for (auto [from, to] :
         {std::pair{&u.email, &it->second.email}, std::pair{&u.cellphone, &it->second.cellphone},
          std::pair{&u.workphone, &it->second.workphone}, std::pair{&u.homephone, &it->second.homephone}})
        if (!from->empty()) *to = *from;
    for (const auto &[name, value] : u.custom_fields)
        if (name == cfg_.workable_source.custom_field) it->second.workable_source = value;
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
        } catch (...) {}
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

// Tracker's current status of the links whose decision depends on it (a recruiter may have
// changed it), in batches of 500 ids (A14): ceil(n/500) requests.
void SyncRun::read_link_statuses(std::vector<Work> &work, const std::vector<size_t> &which) {
    if (which.empty()) return;
    std::vector<std::string> ids;
    for (size_t i : which) ids.push_back(work[i].rec->link_id);
    std::unordered_map<std::string, std::string> status_of;
    for (const auto &l : tracker_.links_by_ids(ids)) status_of[l.id] = l.status;
    for (size_t i : which) {
        auto it = status_of.find(work[i].rec->link_id);
        work[i].link_exists = it != status_of.end();
        work[i].tracker_status = work[i].link_exists ? it->second : std::string();
    }
}

void SyncRun::process_batch(std::vector<KomboApplication> apps, bool from_pending) {
    std::vector<Work> work;
    work.reserve(apps.size());
    std::vector<size_t> news, known;
    ats::sdk::Host::Batch upfront; // pending changes and write intents: one transaction, before any write
    for (auto &raw : apps) {
        if (!from_pending) ++summary.applications_seen;
        const KomboApplication original = raw; // parked as received if anything below fails
        try {
            SanitizedApplication s = sanitize(std::move(raw));
            KomboApplication &a = s.app;
            for (const auto &d : s.refused_details) {
                ++summary.contact_details_refused;
                summary.add_item("contact_details_refused",
                                 boost::json::serialize(boost::json::object{{"application_id", a.id}, {"detail", d}}));
            }
            std::optional<AppRecord> rec = state_.app(a.id);
            std::optional<PendingRecord> quarantine;
            std::optional<std::string> tried;
            bool was_pending;
            {
                std::lock_guard<std::mutex> g(mu_);
                was_pending = pending_ids_.count(a.id) != 0;
                if (quarantined_ids_.count(a.id)) quarantine = pending_record(state_keys::quarantined_prefix, a.id);
                if (auto it = tried_this_run_.find(a.id); it != tried_this_run_.end() && !from_pending)
                    tried = it->second;
            }
            ClassifyInputs in;
            in.app = &a;
            in.record = rec ? &*rec : nullptr;
            in.quarantined = quarantine ? &*quarantine : nullptr;
            in.tried_this_run = tried ? &*tried : nullptr;
            in.retry_quarantined = options_.retry_quarantined;
            in.full = options_.full;
            in.name_refused = s.name_problem.has_value();
            if (!rec && !a.deleted() &&
                !(quarantine && in.quarantined->app.remote_updated_at == a.remote_updated_at &&
                  !options_.retry_quarantined))
                in.opportunity_id = jobs_.opportunity_for(a);
            const AppClass c = classify(in);
            if (from_pending) {
                std::lock_guard<std::mutex> g(mu_);
                tried_this_run_[a.id] = a.remote_updated_at;
            }
            switch (c) {
            case AppClass::deleted:
                summary.add_deleted(a.id); // reported, never deleted from Tracker
                if (was_pending || quarantine) unpark(a.id, upfront);
                continue;
            case AppClass::already_tried: continue;
            case AppClass::quarantined: continue; // listed by report_quarantine() at the end of the run
            case AppClass::unchanged:
                ++summary.applications_unchanged;
                if (was_pending) unpark(a.id, upfront);
                continue;
            case AppClass::unmapped:
                park(a, "unmapped_job",
                     "job not mapped: Kombo job " + a.job_id + " (Workable " + a.job_remote_id + ", '" + a.job_name +
                         "')",
                     &upfront);
                continue;
            case AppClass::invalid: refuse(a, *s.name_problem, upfront); continue;
            case AppClass::changed: {
                Work w;
                w.app = std::move(a);
                w.rec = rec;
                w.opportunity_id = rec->opportunity_id;
                w.wants_documents =
                    cfg_.cvs.enabled && (rec->documents_pending || w.app.remote_updated_at != rec->remote_updated_at);
                work.push_back(std::move(w));
                known.push_back(work.size() - 1);
                continue;
            }
            case AppClass::fresh: {
                Work w;
                w.app = std::move(a);
                w.opportunity_id = std::move(in.opportunity_id);
                w.identity = identity_of(w.app.emails, w.app.phones, w.app.candidate_id, w.app.first_name,
                                         w.app.last_name, cfg_.identity, w.app.candidate_remote_id);
                w.had_intent = intents_.count(w.app.id) != 0;
                w.wants_documents = cfg_.cvs.enabled;
                work.push_back(std::move(w));
                news.push_back(work.size() - 1);
                continue;
            }
            }
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_CANCELLED || e.code() == ATS_ERR_INVALID_ARGUMENT) throw;
            Work w;
            w.app = original;
            fail(w, e);
        }
    }

    // Statuses of synced applications: decide; read Tracker's current status only where the
    // decision depends on it (and in a full run, to find links that disappeared).
    auto status_inputs = [&](const Work &w) {
        StatusInputs si;
        si.last = {w.rec->outcome, w.rec->stage};
        si.now = {w.app.outcome, w.app.current_stage_name};
        si.last_written = w.rec->status;
        si.want = si.now != si.last ? wanted_status(si.now, cfg_, tracker_statuses()) : w.rec->status;
        si.tracker_now = w.tracker_status;
        si.link_exists = w.link_exists;
        return si;
    };
    std::vector<size_t> to_read;
    for (size_t i : known)
        if (needs_tracker_status(status_inputs(work[i])) || options_.full) to_read.push_back(i);
    read_link_statuses(work, to_read);
    for (size_t i : known) {
        Work &w = work[i];
        const StatusInputs si = status_inputs(w);
        w.status = decide_status(si);
        if (!w.link_exists && si.now == si.last) { // a full run found a synced link gone
            ++summary.links_missing;
            summary.add_item("links_missing", boost::json::serialize(boost::json::object{
                                                  {"application_id", w.app.id}, {"tracker_link_id", w.rec->link_id}}));
        }
        if (w.status.action == StatusAction::write || w.status.action == StatusAction::replace)
            upfront.put(state_keys::status_intent(w.app.id),
                        boost::json::serialize(boost::json::object{{"l", w.rec->link_id},
                                                                   {"s", w.status.want},
                                                                   {"oc", w.app.outcome},
                                                                   {"st", w.app.current_stage_name}}));
    }
    if (!news.empty()) tracker_statuses(); // validates the configured statuses before any create

    // Identities: the remembered person map first; Tracker's resources only if someone is unknown
    // or a previous run left an intent (its person may exist in Tracker without our record).
    std::vector<ApplicantIdentity> ids;
    for (size_t i : news) ids.push_back({work[i].app.id, work[i].identity});
    if (!news.empty()) {
        ensure_person_map_loaded();
        bool need_refresh = false;
        for (size_t i : news) need_refresh = need_refresh || work[i].had_intent || !index_.find(work[i].identity.keys);
        if (need_refresh) refresh_index(false);
    }
    Grouping grouping = group_by_person(ids, index_);
    for (const auto &c : grouping.conflicts) {
        boost::json::array res(c.resource_ids.begin(), c.resource_ids.end());
        summary.add_item("identity_conflicts",
                         boost::json::serialize(boost::json::object{{"application_id", c.application_id},
                                                                    {"kind", c.kind},
                                                                    {"detail", c.detail},
                                                                    {"tracker_resource_ids", std::move(res)}}));
    }

    std::unordered_set<std::string> email_conflicts;
    for (const auto &c : grouping.conflicts)
        if (c.kind == "email_shared_by_different_people") email_conflicts.insert(c.application_id);
    for (const auto &g : grouping.groups)
        for (size_t m : g.members)
            if (g.resource_id.empty() && email_conflicts.count(work[news[m]].app.id))
                for (size_t n : g.members) work[news[n]].email_kept_apart = true;

    std::vector<PersonTask> tasks;
    std::unordered_map<std::string, size_t> task_of_resource;
    auto task_for_resource = [&](const std::string &res) -> PersonTask & {
        auto [it, inserted] = task_of_resource.emplace(res, tasks.size());
        if (inserted) {
            tasks.emplace_back();
            tasks.back().resource_id = res;
        }
        return tasks[it->second];
    };
    for (const auto &g : grouping.groups) {
        PersonTask *t;
        if (!g.resource_id.empty()) {
            t = &task_for_resource(g.resource_id);
            if (!t->match_kind) t->match_kind = g.match_kind;
        } else {
            tasks.emplace_back();
            t = &tasks.back();
        }
        for (size_t m : g.members) t->news.push_back(&work[news[m]]);
    }
    for (size_t i : known) task_for_resource(work[i].rec->resource_id).known.push_back(&work[i]);
    for (const auto &t : tasks)
        if (!t.resource_id.empty() && !t.news.empty() && !created_this_run(t.resource_id)) {
            if (t.match_kind == 'e')
                ++summary.people_matched_email;
            else if (t.match_kind == 'p')
                ++summary.people_matched_phone;
            else
                ++summary.people_matched_known;
        }

    // The wire assumptions the writes rely on, checked once per run before its first write (a
    // contradiction ends the run here: nothing written, no intent recorded).
    if (!tasks.empty()) tracker_.before_writes();

    // Write intents of every new application, with the pending changes, in one transaction
    // BEFORE any Tracker write of this batch: a crash after a write must leave a trace to read back.
    for (size_t i : news)
        upfront.put(state_keys::intent(work[i].app.id),
                    boost::json::serialize(boost::json::object{{"opportunity_id", work[i].opportunity_id}}));
    state_.apply(upfront);

    // People Tracker already had need their links read before we link them (no duplicates).
    size_t to_read_links = 0;
    for (const auto &t : tasks)
        if (!t.resource_id.empty() && !t.news.empty() && !is_verified(t.resource_id)) ++to_read_links;
    maybe_load_all_links(to_read_links);

    run_tasks(tasks);
    commits_.flush(); // the next batch must see this batch's applications as synced
    call_.throw_if_cancelled();
}

void SyncRun::run_tasks(std::vector<PersonTask> &tasks) {
    // Longest chains first (LPT scheduling): a person with five applications is a chain of about
    // ten sequential requests; started last it would be the tail every other thread waits for.
    std::stable_sort(tasks.begin(), tasks.end(), [](const PersonTask &a, const PersonTask &b) {
        return a.news.size() * 2 + a.known.size() > b.news.size() * 2 + b.known.size();
    });
    const size_t threads =
        std::min<size_t>(static_cast<size_t>(std::max<int64_t>(1, host_.max_concurrency())), tasks.size());
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
}

} // namespace ats::tracker_workable
