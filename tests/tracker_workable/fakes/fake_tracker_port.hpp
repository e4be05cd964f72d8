// fake_tracker_port.hpp - Tracker as an in-memory TrackerPort for unit tests of the sync's
// decisions: people, links, notes, documents and statuses in maps, every write counted, and hooks
// to make a write fail (before or after it is applied) or to act as a recruiter.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ats_plugin.hpp"
#include "sync/tracker_port.hpp"

namespace ats::test {

using namespace ats::tracker_workable;

class FakeTrackerPort : public TrackerPort {
public:
    struct Person {
        TrackerResourceRow row;
        std::vector<TrackerNoteRow> notes;
        std::vector<TrackerDocumentRow> documents;
    };
    std::map<std::string, Person> people;        // by resource id
    std::map<std::string, TrackerLinkRow> links; // by link id
    std::vector<TrackerOpportunityRow> opportunities;
    std::vector<std::string> statuses{"Applied", "Shortlisted", "Interview", "Offer", "Accepted", "Declined"};
    std::map<std::string, int> writes; // method -> count
    int64_t requests = 0;
    // Called before a write is applied; throw to fail it (nothing applied).
    std::function<void(const std::string &method, const std::string &subject)> before_write;
    // Called after a write is applied; throw to simulate a lost answer (applied, outcome unknown).
    std::function<void(const std::string &method, const std::string &subject)> after_write;

    std::string add_person(const std::string &first, const std::string &last, const std::string &email,
                           const std::string &cell = "", const std::string &work = "") {
        std::string id = std::to_string(next_id_++);
        TrackerResourceRow r;
        r.id = id;
        r.first_name = first;
        r.last_name = last;
        r.email = email;
        r.cellphone = cell;
        r.workphone = work;
        refresh_phones(r);
        r.last_updated_utc = stamp();
        people[id] = {r, {}, {}};
        return id;
    }
    std::string add_opportunity(const std::string &name) {
        std::string id = std::to_string(next_id_++);
        opportunities.push_back({id, name, {}});
        return id;
    }
    void recruiter_sets_status(const std::string &link_id, const std::string &status) {
        links.at(link_id).status = status;
    }
    std::vector<TrackerLinkRow> links_of(const std::string &res) const {
        std::vector<TrackerLinkRow> out;
        for (const auto &[id, l] : links)
            if (l.resource_id == res) out.push_back(l);
        return out;
    }

    void for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) override {
        ++requests;
        for (const auto &o : opportunities) fn(o);
    }
    void for_each_resource(const std::string &after,
                           const std::function<void(const TrackerResourceRow &)> &fn) override {
        ++requests;
        for (const auto &[id, p] : people)
            if (after.empty() || p.row.last_updated_utc >= after) fn(p.row);
    }
    void for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) override {
        ++requests;
        for (const auto &[id, l] : links) fn(l);
    }
    std::vector<TrackerLinkRow> links_of_resource(const std::string &res) override {
        ++requests;
        return links_of(res);
    }
    std::vector<TrackerLinkRow> links_by_ids(const std::vector<std::string> &ids) override {
        ++requests;
        std::vector<TrackerLinkRow> out;
        for (const auto &id : ids)
            if (auto it = links.find(id); it != links.end()) out.push_back(it->second);
        return out;
    }
    TrackerResourceRow get_person(const std::string &res) override {
        ++requests;
        auto it = people.find(res);
        if (it == people.end()) throw ats::sdk::Error(ATS_ERR_NOT_FOUND, "resource " + res + " not found");
        return it->second.row;
    }
    std::vector<TrackerResourceRow> find_people_by_name(const std::string &first, const std::string &last) override {
        ++requests;
        std::vector<TrackerResourceRow> out;
        for (const auto &[id, p] : people)
            if (p.row.first_name == first && p.row.last_name == last) out.push_back(p.row);
        return out;
    }
    std::vector<TrackerNoteRow> notes_of_person(const std::string &res) override {
        ++requests;
        return people.at(res).notes;
    }
    std::vector<TrackerDocumentRow> documents_of_person(const std::string &res) override {
        ++requests;
        return people.at(res).documents;
    }
    std::vector<std::string> link_status_names() override {
        ++requests;
        return statuses;
    }
    CreatedTrackerPerson create_person_on_opportunity(const NewTrackerPerson &p, const std::string &opp) override {
        write("createResource", p.first_name + " " + p.last_name);
        for (const auto &[id, existing] : people)
            if (!p.email.empty() && existing.row.email == p.email) {
                done("createResource", p.first_name);
                return {id, "", true};
            }
        std::string id = std::to_string(next_id_++);
        TrackerResourceRow r;
        r.id = id;
        r.first_name = p.first_name;
        r.last_name = p.last_name;
        r.email = p.email;
        r.cellphone = p.cellphone;
        r.workphone = p.workphone;
        r.homephone = p.homephone;
        r.custom_fields = p.custom_fields;
        refresh_phones(r);
        r.last_updated_utc = stamp();
        people[id] = {r, {}, {}};
        std::string link = make_link(id, opp);
        done("createResource", p.first_name);
        return {id, link, false};
    }
    std::string create_link(const std::string &res, const std::string &opp, const std::string &) override {
        write("resourceApplication", res);
        for (const auto &[id, l] : links)
            if (l.resource_id == res && l.opportunity_id == opp) throw ats::sdk::Error(ATS_ERR_CONFLICT, "exists");
        std::string link = make_link(res, opp);
        done("resourceApplication", res);
        return link;
    }
    void set_link_status(const std::string &link, const std::string &status) override {
        write("setStatus", link);
        links.at(link).status = status;
        done("setStatus", link);
    }
    void update_person(const std::string &res, const PersonFieldUpdate &u) override {
        write("updatePerson", res);
        auto &r = people.at(res).row;
        if (!u.email.empty()) r.email = u.email;
        if (!u.cellphone.empty()) r.cellphone = u.cellphone;
        if (!u.workphone.empty()) r.workphone = u.workphone;
        if (!u.homephone.empty()) r.homephone = u.homephone;
        for (const auto &cf : u.custom_fields) r.custom_fields.push_back(cf);
        refresh_phones(r);
        r.last_updated_utc = stamp();
        done("updatePerson", res);
    }
    std::string add_person_note(const std::string &res, const std::string &subject, const std::string &text) override {
        write("addNote", res);
        std::string id = std::to_string(next_id_++);
        people.at(res).notes.push_back({id, subject, text});
        done("addNote", res);
        return id;
    }
    std::string attach_resume(const std::string &res, const std::string &file, const std::string &bytes) override {
        write("attachResume", res);
        std::string id = std::to_string(next_id_++);
        people.at(res).documents.push_back({id, file, "resume", static_cast<int64_t>(bytes.size())});
        done("attachResume", res);
        return id;
    }
    int64_t request_count() const override { return requests; }

private:
    void write(const std::string &method, const std::string &subject) {
        ++requests;
        if (before_write) before_write(method, subject);
        ++writes[method];
    }
    void done(const std::string &method, const std::string &subject) {
        if (after_write) after_write(method, subject);
    }
    std::string make_link(const std::string &res, const std::string &opp) {
        std::string id = std::to_string(next_id_++);
        links[id] = {id, opp, res, "Applied"};
        return id;
    }
    static void refresh_phones(TrackerResourceRow &r) {
        r.phones.clear();
        for (const std::string *p : {&r.cellphone, &r.workphone, &r.homephone})
            if (!p->empty()) r.phones.push_back(*p);
    }
    std::string stamp() {
        return "2026-11-30T10:00:" + std::string(seconds_ < 10 ? "0" : "") +
               std::to_string(seconds_ = (seconds_ + 1) % 60) + "Z";
    }
    int next_id_ = 100;
    int seconds_ = 0;
};

} // namespace ats::test
