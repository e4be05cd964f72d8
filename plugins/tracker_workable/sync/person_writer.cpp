// person_writer.cpp - one person's writes, in order, by one worker thread: statuses of their
// synced applications, then the person (found or created) and their new links, then contact
// details and CVs. Every non-idempotent write is made exactly once: its intent is durable before
// it is sent, and an unknown outcome is resolved by reading Tracker back, never by a blind retry.
#include <chrono>
#include <map>
#include <thread>

#include <boost/json.hpp>

#include "sync/sync_run.hpp"

namespace ats::tracker_workable {

namespace {
constexpr int kCreateAttempts = 3;

bool is_unknown_outcome(const ats::sdk::Error &e) { return e.code() == ATS_ERR_TRANSIENT; }

std::string custom_field(const TrackerResourceRow &r, const std::string &name) {
    for (const auto &[n, v] : r.custom_fields)
        if (n == name) return v;
    return {};
}

// The keys that may find this applicant's person: without the e-mail another person owns.
std::vector<std::string> identity_keys_of(const Work &w) {
    if (!w.email_kept_apart) return w.identity.keys;
    std::vector<std::string> keys;
    for (const auto &k : w.identity.keys)
        if (key_kind(k) != 'e') keys.push_back(k);
    return keys;
}

PersonContacts contacts_of(const std::vector<Work *> &apps) {
    PersonContacts c;
    for (const Work *w : apps) {
        for (const auto &e : w->app.emails) c.emails.push_back(e);
        for (size_t i = 0; i < w->app.phones.size(); ++i)
            c.phones.push_back(
                {w->app.phones[i], i < w->app.phone_types.size() ? w->app.phone_types[i] : std::string()});
    }
    return c;
}
} // namespace

// The state of one person while their task runs.
class PersonWriter {
public:
    PersonWriter(SyncRun &run, PersonTask &t) : run_(run), t_(t), res_(t.resource_id) {}

    void run();

private:
    void write_all();
    void write_known_status(Work &w);
    void link_new(Work &w);
    CreatedTrackerPerson create_person(Work &w, bool &recovered, bool &matched);
    std::optional<std::string> find_recovered_person(const Work &w);
    std::string create_link(Work &w, bool &recovered);
    std::string find_link(const std::string &opp, std::string *status);
    void need_links();
    void sync_contacts();
    std::string link_source(const Work &w) const;
    std::string match_description() const {
        switch (t_.match_kind) {
        case 'k':
        case 'w': return "matched by Workable candidate id, resource " + res_;
        case 'e': return "matched by e-mail, resource " + res_;
        case 'p': return "matched by phone, resource " + res_;
        default: return "resource " + res_;
        }
    }
    void commit_new(Work &w, const std::string &link, const std::string &status);
    void report_replaced(const Work &w, const std::string &link, const std::string &was, const std::string &with) {
        ++run_.summary.statuses_replaced;
        run_.summary.add_item("statuses_replaced",
                              boost::json::serialize(boost::json::object{{"application_id", w.app.id},
                                                                         {"tracker_link_id", link},
                                                                         {"replaced", was},
                                                                         {"with", with},
                                                                         {"workable_outcome", w.app.outcome}}));
    }
    void report_kept(const Work &w, const std::string &link, const std::string &tracker, const std::string &wanted) {
        ++run_.summary.statuses_kept;
        run_.summary.add_item("statuses_kept",
                              boost::json::serialize(boost::json::object{{"application_id", w.app.id},
                                                                         {"tracker_link_id", link},
                                                                         {"tracker_status", tracker},
                                                                         {"workable_wanted", wanted}}));
    }

    SyncRun &run_;
    PersonTask &t_;
    std::string res_;
    bool created_here_ = false;
    std::set<std::string> landed_;           // contact tokens written with the create
    std::vector<std::string> creation_note_; // details the create had no field for
    struct KnownLink {
        std::string id, status;
        bool ours; // made by the sync (this run, or recorded in "link/")
    };
    std::map<std::string, KnownLink> existing_; // opportunity -> the person's link on it
    bool links_known_ = false;
    std::vector<Work *> contact_sources_;
    std::map<std::string, AppRecord> committed_; // kombo id -> the record this task committed
    StateOps ops_;                               // this person's durable results, committed at the end
};

void SyncRun::run_task(PersonTask &t) { PersonWriter(*this, t).run(); }

std::string PersonWriter::link_source(const Work &w) const {
    if (run_.cfg_.workable_source.on_link && !w.app.source.empty()) return run_.cfg_.source_label + ": " + w.app.source;
    return run_.cfg_.source_label;
}

void PersonWriter::run() {
    // The person's finished work becomes durable in ONE unit, after their contact details: a crash
    // before that leaves the write intents, so the next run redoes (and reads back) the person's
    // links and details; a crash after it leaves nothing undone. A failure that ends the task early
    // still commits what was finished (and the commit's own failure is the one reported).
    auto commit = [this] {
        if (ops_.empty()) return;
        StateOps ops = std::move(ops_);
        ops_.clear();
        run_.commits_.add(std::move(ops));
    };
    try {
        write_all();
    } catch (...) {
        commit();
        throw;
    }
    commit();
}

void PersonWriter::write_all() {
    for (Work *k : t_.known) {
        if (run_.call_.cancelled()) return;
        write_known_status(*k);
    }
    for (Work *w : t_.news) {
        if (run_.call_.cancelled()) return;
        link_new(*w);
    }
    if (run_.call_.cancelled() || res_.empty()) return;
    try {
        sync_contacts();
    } catch (const std::exception &e) {
        // The applications are synced; their contact details are not. Each source application's
        // record forgets the Workable version it processed and waits in the pending list, so the
        // next sync treats it as changed and plans the person's details again (fill-only, the
        // note's intent guards against a second note).
        run_.summary.add_error(contact_sources_.front()->app.id,
                               std::string("contact details of Tracker resource ") + res_ + ": " + e.what());
        run_.host_.warn("workable sync: contact details of resource " + res_ +
                            " failed (retried next sync): " + e.what(),
                        run_.call_.raw());
        run_.commits_.add(std::move(ops_)); // the records above first: what follows must come after them
        ops_.clear();
        run_.commits_.flush();
        ats::sdk::Host::Batch batch;
        for (Work *w : contact_sources_) {
            auto it = committed_.find(w->app.id);
            if (it == committed_.end()) continue;
            AppRecord r = it->second;
            r.remote_updated_at.clear();
            batch.put(state_keys::app(w->app.id), encode_app_record(r));
            run_.park(w->app, "error", std::string("contact details not written yet: ") + e.what(), &batch, false);
        }
        run_.state_.apply(batch);
    }
}

void PersonWriter::write_known_status(Work &w) {
    try {
        AppRecord r = *w.rec;
        const StatusDecision &d = w.status;
        switch (d.action) {
        case StatusAction::write:
        case StatusAction::replace:
            run_.tracker_.explain(w.app.id,
                                  d.action == StatusAction::replace
                                      ? "Workable outcome " + w.app.outcome + " replaces the status a recruiter set"
                                      : "Workable changed (outcome " + w.app.outcome + ", stage '" +
                                            w.app.current_stage_name +
                                            "') and Tracker still shows the status the sync wrote",
                                  w.tracker_status.value_or(r.status));
            run_.tracker_.set_link_status(r.link_id, d.want);
            ++run_.summary.statuses_written;
            ++run_.summary.applications_updated;
            if (d.action == StatusAction::replace) report_replaced(w, r.link_id, w.tracker_status.value_or(""), d.want);
            r.status = d.want;
            break;
        case StatusAction::keep_recruiter: report_kept(w, r.link_id, w.tracker_status.value_or(""), d.want); break;
        case StatusAction::link_missing:
            ++run_.summary.links_missing;
            run_.summary.add_item("links_missing", boost::json::serialize(boost::json::object{
                                                       {"application_id", w.app.id}, {"tracker_link_id", r.link_id}}));
            break;
        case StatusAction::none:
            if (w.app.outcome == r.outcome && w.app.current_stage_name == r.stage)
                ++run_.summary.applications_unchanged;
            else
                ++run_.summary.applications_updated;
            break;
        }
        r.outcome = w.app.outcome;
        r.stage = w.app.current_stage_name;
        const bool contacts_changed = w.app.remote_updated_at != r.remote_updated_at;
        r.remote_updated_at = w.app.remote_updated_at;
        StateOps ops;
        if (w.wants_documents && w.link_exists) r.documents_pending = !run_.sync_documents(w, r.resource_id, ops);
        ops.push_back({true, state_keys::app(w.app.id), encode_app_record(r)});
        ops.push_back({false, state_keys::status_intent(w.app.id), ""});
        if (r.documents_pending) {
            run_.park(w.app, "error", "CV not attached yet (retried next sync)", nullptr, false);
        } else {
            ops.push_back({false, state_keys::pending(w.app.id), ""});
        }
        for (auto &op : ops) ops_.push_back(std::move(op));
        committed_[w.app.id] = r;
        if (contacts_changed) contact_sources_.push_back(&w);
    } catch (const std::exception &e) {
        run_.fail(w, e);
    }
}

void PersonWriter::need_links() {
    if (links_known_ || res_.empty()) return;
    bool intent = false;
    for (Work *w : t_.news) intent = intent || w->had_intent;
    if (run_.is_verified(res_) && !intent) {
        links_known_ = true;
        return;
    }
    for (const auto &l : run_.links_of(res_))
        existing_.emplace(l.opportunity_id, KnownLink{l.id, l.status, run_.state_.link_origin(l.id).has_value()});
    links_known_ = true;
}

std::string PersonWriter::find_link(const std::string &opp, std::string *status) {
    for (const auto &l : run_.tracker_.links_of_resource(res_))
        if (l.opportunity_id == opp) {
            if (status) *status = l.status;
            return l.id;
        }
    return {};
}

// resourceApplication, made exactly-once: after an unknown outcome, read the resource's links back
// and only create again when the link is really absent.
std::string PersonWriter::create_link(Work &w, bool &recovered) {
    run_.tracker_.explain(w.app.id,
                          created_here_
                              ? "another application of the person this run creates (" + res_ + ")"
                              : std::string("new application of a person Tracker has (") + match_description() + ")",
                          "");
    for (int attempt = 1;; ++attempt) {
        try {
            return run_.tracker_.create_link(res_, w.opportunity_id, link_source(w));
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_RATE_LIMITED && attempt < kCreateAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt)); // nothing was written
                continue;
            }
            // CONFLICT: Tracker says the resource is already on the opportunity (status 3).
            if ((!is_unknown_outcome(e) && e.code() != ATS_ERR_CONFLICT) || attempt >= kCreateAttempts) throw;
            std::string link = find_link(w.opportunity_id, nullptr);
            if (!link.empty()) {
                recovered = true;
                return link;
            }
        }
    }
}

// A person an interrupted run created: by identity (e-mail, phone, or the Workable candidate id
// field) in the index refreshed from Tracker, else by name with that candidate id field. Neither
// reads depend on a clock.
std::optional<std::string> PersonWriter::find_recovered_person(const Work &w) {
    run_.refresh_index(true);
    if (auto m = run_.index_.find(identity_keys_of(w))) return m->resource_id;
    if (run_.cfg_.candidate_id_field.empty() || w.app.candidate_remote_id.empty()) return std::nullopt;
    for (const auto &r : run_.tracker_.find_people_by_name(w.app.first_name, w.app.last_name))
        if (custom_field(r, run_.cfg_.candidate_id_field) == w.app.candidate_remote_id) return r.id;
    return std::nullopt;
}

// createResource(+assign to the opportunity), made exactly-once.
CreatedTrackerPerson PersonWriter::create_person(Work &w, bool &recovered, bool &matched) {
    // A create intent from an interrupted run: look for what it made before creating again.
    if (w.had_intent) {
        if (auto found = find_recovered_person(w)) {
            recovered = true;
            res_ = *found;
            std::string link = find_link(w.opportunity_id, nullptr);
            if (link.empty()) link = create_link(w, recovered);
            return {*found, link, false};
        }
    }
    // The person's contact details across the group's applications: the first of each kind in
    // its field, the rest in the labelled note after the create.
    PersonContacts contacts = contacts_of(t_.news);
    ContactPlan plan = plan_contacts(contacts, {}, run_.cfg_.identity);
    if (w.email_kept_apart && !plan.fields.email.empty()) {
        plan.note_lines.insert(plan.note_lines.begin(), "E-mail: " + plan.fields.email);
        plan.fields.email.clear();
    }
    NewTrackerPerson p;
    for (Work *m : t_.news) // the first application with a usable name names the person
        if (!m->app.first_name.empty() || !m->app.last_name.empty()) {
            p.first_name = m->app.first_name;
            p.last_name = m->app.last_name;
            break;
        }
    p.email = plan.fields.email;
    p.cellphone = plan.fields.cellphone;
    p.workphone = plan.fields.workphone;
    p.homephone = plan.fields.homephone;
    p.source = run_.cfg_.source_label;
    if (!run_.cfg_.candidate_id_field.empty() && !w.app.candidate_remote_id.empty())
        p.custom_fields.emplace_back(run_.cfg_.candidate_id_field, w.app.candidate_remote_id);
    for (Work *m : t_.news)
        if (!run_.cfg_.workable_source.custom_field.empty() && !m->app.source.empty()) {
            p.custom_fields.emplace_back(run_.cfg_.workable_source.custom_field, m->app.source);
            break;
        }
    {
        std::string keys;
        for (const auto &k : identity_keys_of(w)) keys += (keys.empty() ? "" : ", ") + k;
        run_.tracker_.explain(w.app.id, "no Tracker person matches the identity [" + keys + "]", "");
    }
    for (int attempt = 1;; ++attempt) {
        try {
            CreatedTrackerPerson c = run_.tracker_.create_person_on_opportunity(p, w.opportunity_id);
            if (c.already_existed) {
                // Tracker refused a duplicate and named the existing person (status 3): that is a
                // match (or our own earlier create whose answer was lost), never a second person.
                (w.had_intent ? recovered : matched) = true;
                res_ = c.resource_id;
                std::string status;
                std::string link = find_link(w.opportunity_id, &status);
                if (link.empty()) link = create_link(w, recovered);
                return {c.resource_id, link, true};
            }
            landed_ = plan.tokens;
            creation_note_ = plan.note_lines;
            run_.remember_created(c.resource_id, p); // a later batch's new detail needs no read of them
            run_.summary.contact_fields_filled += plan.new_details() - static_cast<int64_t>(plan.note_lines.size());
            return c;
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_RATE_LIMITED && attempt < kCreateAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt));
                continue;
            }
            if (!is_unknown_outcome(e) || attempt >= kCreateAttempts) throw;
            // Outcome unknown (timeout, reset, 5xx): read back before creating again.
            if (auto found = find_recovered_person(w)) {
                recovered = true;
                res_ = *found;
                std::string link = find_link(w.opportunity_id, nullptr);
                if (link.empty()) link = create_link(w, recovered);
                landed_.clear(); // unknown what landed: the contact step reads the person
                return {*found, link, false};
            }
        }
    }
}

void PersonWriter::link_new(Work &w) {
    try {
        std::string link, status_now = run_.cfg_.statuses.new_application;
        bool recovered = false;
        bool status_known = true; // false when the link was found by read-back (ours, status unknown)
        bool adopted = false;     // a link a recruiter made in Tracker: its status is theirs
        if (res_.empty()) {
            auto same_name = w.identity.name_key.empty() ? std::nullopt : run_.index_.find_name(w.identity.name_key);
            bool matched = false;
            CreatedTrackerPerson c = create_person(w, recovered, matched);
            res_ = c.resource_id;
            link = c.link_id;
            status_known = !recovered && !matched;
            if (matched) {
                ++run_.summary.people_matched_email;
            } else if (recovered) {
                ++run_.summary.applications_recovered;
            } else {
                ++run_.summary.people_created;
                created_here_ = true;
                {
                    std::lock_guard<std::mutex> g(run_.mu_);
                    run_.created_.insert(res_);
                }
                if (same_name && *same_name != res_) run_.summary.add_name_only(w.app.id, *same_name);
            }
            // A new person has exactly the link we just made; a person Tracker already had
            // (matched or recovered) may have more: read them before their next link.
            links_known_ = created_here_;
            existing_.clear();
        } else {
            need_links();
            auto it = existing_.find(w.opportunity_id);
            if (it != existing_.end()) {
                link = it->second.id;
                status_now = it->second.status;
                recovered = true;
                // Not ours (no intent, not made by the sync): a recruiter linked them already.
                adopted = !w.had_intent && !it->second.ours;
                ++run_.summary.applications_recovered;
            } else {
                link = create_link(w, recovered);
                status_known = !recovered;
                if (recovered) ++run_.summary.applications_recovered;
            }
        }
        if (link.empty())
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker answered no link id for application " + w.app.id);
        const std::string want =
            wanted_status({w.app.outcome, w.app.current_stage_name}, run_.cfg_, run_.tracker_statuses());
        std::string written = status_now;
        if (adopted) {
            // A link a recruiter made before the sync met this application: judged like a link the
            // sync wrote with the initial status. Untouched -> the wanted status; a recruiter's
            // status stays unless Workable's outcome is terminal (HIRED/DECLINED).
            StatusInputs si{{"", ""},
                            {w.app.outcome, w.app.current_stage_name},
                            run_.cfg_.statuses.new_application,
                            want,
                            status_now,
                            true};
            StatusDecision d = decide_status(si);
            written = run_.cfg_.statuses.new_application; // the baseline later recruiter changes are judged against
            if (d.action == StatusAction::write || d.action == StatusAction::replace) {
                run_.tracker_.explain(w.app.id,
                                      "a link a recruiter made for this job is adopted; Workable wants '" + want + "'",
                                      status_now);
                run_.tracker_.set_link_status(link, want);
                ++run_.summary.statuses_written;
                written = want;
                if (d.action == StatusAction::replace) report_replaced(w, link, status_now, want);
            } else if (d.action == StatusAction::keep_recruiter) {
                report_kept(w, link, status_now, want);
            } else if (status_now == want) {
                written = want;
            }
        } else if (want != status_now || !status_known) {
            run_.tracker_.explain(w.app.id,
                                  "the new link's status from Workable (outcome " + w.app.outcome + ", stage '" +
                                      w.app.current_stage_name + "')",
                                  status_known ? status_now : std::string());
            run_.tracker_.set_link_status(link, want);
            ++run_.summary.statuses_written;
            written = want;
        }
        commit_new(w, link, written);
        existing_[w.opportunity_id] = {link, written, true};
        if (!recovered) ++run_.summary.applications_created;
        contact_sources_.push_back(&w);
    } catch (const std::exception &e) {
        run_.fail(w, e);
    }
}

void PersonWriter::commit_new(Work &w, const std::string &link, const std::string &status) {
    AppRecord r;
    r.link_id = link;
    r.resource_id = res_;
    r.opportunity_id = w.opportunity_id;
    r.status = status;
    r.outcome = w.app.outcome;
    r.stage = w.app.current_stage_name;
    r.remote_updated_at = w.app.remote_updated_at;
    r.workable_id = w.app.remote_id;
    StateOps ops;
    if (w.wants_documents) r.documents_pending = !run_.sync_documents(w, res_, ops);
    ops.push_back({true, state_keys::app(w.app.id), encode_app_record(r)});
    committed_[w.app.id] = r;
    ops.push_back({true, state_keys::link(link),
                   boost::json::serialize(boost::json::object{{"k", w.app.id}, {"w", w.app.remote_id}})});
    // Only person-level keys (email, phone) are remembered: "k:"/"w:" keys name one Workable
    // candidate, i.e. one application, which its "app/" record already covers.
    for (const auto &k : identity_keys_of(w))
        if (key_kind(k) == 'e' || key_kind(k) == 'p') ops.push_back({true, state_keys::person(k), res_});
    if (!w.identity.name_key.empty()) ops.push_back({true, state_keys::name(w.identity.name_key), res_});
    ops.push_back({true, state_keys::verified(res_), ""});
    ops.push_back({false, state_keys::intent(w.app.id), ""});
    if (r.documents_pending)
        run_.park(w.app, "error", "CV not attached yet (retried next sync)", nullptr, false);
    else
        ops.push_back({false, state_keys::pending(w.app.id), ""});
    ops.push_back({false, state_keys::quarantined(w.app.id), ""});
    // In memory at once (later people in this run see it); durable with the next commit group.
    for (const auto &k : identity_keys_of(w))
        if (key_kind(k) == 'e' || key_kind(k) == 'p') run_.index_.add(k, res_);
    {
        std::lock_guard<std::mutex> g(run_.mu_);
        run_.verified_.insert(res_);
        if (!r.documents_pending) run_.pending_ids_.erase(w.app.id);
        run_.quarantined_ids_.erase(w.app.id);
    }
    for (auto &op : ops) ops_.push_back(std::move(op));
}

// Every distinct e-mail and phone of the person's changed applications lands once, fill-only.
void PersonWriter::sync_contacts() {
    if (contact_sources_.empty()) return;
    const IdentityRules &rules = run_.cfg_.identity;
    PersonContacts contacts = contacts_of(contact_sources_);
    std::set<std::string> landed = created_here_ ? landed_ : run_.known_tokens(res_);
    const bool remembered = created_here_ || !landed.empty();
    bool all_landed = true;
    for (const auto &e : contacts.emails)
        if (auto t = email_token(e); !t.empty() && !landed.count(t)) all_landed = false;
    for (const auto &p : contacts.phones)
        if (auto t = phone_token(p.text, rules); !t.empty() && !landed.count(t)) all_landed = false;
    std::string source_to_fill;
    for (Work *w : contact_sources_)
        if (!w->app.source.empty()) source_to_fill = w->app.source;

    ContactPlan plan;
    if (created_here_ && all_landed) {
        plan.tokens = landed;
        plan.note_lines = creation_note_;
    } else {
        if (all_landed && remembered) return; // nothing new: no request
        // Tracker's fields: from this run's identity refresh when it read the person (no request),
        // else one read. Our earlier notes are read only when a note is due and the state does not
        // already say what they hold.
        TrackerContacts tc;
        std::string tracker_source;
        if (auto known = run_.fields_from_refresh(res_); known && !created_here_) {
            tc = {known->email, known->cellphone, known->workphone, known->homephone, {}};
            tracker_source = known->workable_source;
        } else {
            TrackerResourceRow row = run_.tracker_.get_person(res_);
            tc = {row.email, row.cellphone, row.workphone, row.homephone, {}};
            tracker_source = custom_field(row, run_.cfg_.workable_source.custom_field);
        }
        tc.tokens = landed; // what the sync already put there (its notes included)
        plan = plan_contacts(contacts, tc, rules);
        if (!plan.note_lines.empty() && !remembered) {
            for (const auto &n : run_.tracker_.notes_of_person(res_))
                if (n.subject == run_.cfg_.contacts.note_subject) tc.note_texts.push_back(n.note);
            plan = plan_contacts(contacts, tc, rules);
        }
        const std::string &field = run_.cfg_.workable_source.custom_field;
        if (!field.empty() && !source_to_fill.empty() && tracker_source.empty() && !created_here_)
            plan.fields.custom_fields.emplace_back(field, source_to_fill);
        run_.tracker_.explain(contact_sources_.front()->app.id,
                              "contact details Tracker does not have yet (fill-only, resource " + res_ + ")", "");
        if (!plan.fields.empty()) {
            run_.tracker_.update_person(res_, plan.fields);
            run_.remember_filled(res_, plan.fields);
            run_.summary.contact_fields_filled += plan.new_details() - static_cast<int64_t>(plan.note_lines.size());
        }
        if (!created_here_ && plan.new_details() > 0) ++run_.summary.people_enriched;
    }
    if (!plan.note_lines.empty()) {
        const std::string text = contact_note_text(plan.note_lines);
        boost::json::array tokens;
        for (const auto &t : plan.tokens) tokens.push_back(boost::json::string(t));
        run_.host_.state_put_secret(state_keys::contact_intent(res_),
                                    boost::json::serialize(boost::json::object{{"t", text}, {"k", tokens}}));
        run_.tracker_.explain(contact_sources_.front()->app.id,
                              "contact details without a free Tracker field go into the note", "");
        run_.tracker_.add_person_note(res_, run_.cfg_.contacts.note_subject, text);
        run_.summary.contact_details_noted += static_cast<int64_t>(plan.note_lines.size());
    }
    boost::json::array tokens;
    for (const auto &t : plan.tokens) tokens.push_back(boost::json::string(t));
    ops_.push_back({true, state_keys::person_contacts(res_), boost::json::serialize(tokens), true});
    ops_.push_back({false, state_keys::contact_intent(res_), ""});
}

} // namespace ats::tracker_workable
