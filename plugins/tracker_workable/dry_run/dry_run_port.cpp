#include "dry_run/dry_run_port.hpp"

#include "ats_plugin.hpp"

namespace bj = boost::json;

namespace ats::tracker_workable {

namespace {
bj::object fields_json(const std::string &email, const std::string &cell, const std::string &work,
                       const std::string &home, const std::vector<std::pair<std::string, std::string>> &custom) {
    bj::object o;
    if (!email.empty()) o["email"] = email;
    if (!cell.empty()) o["cellphone"] = cell;
    if (!work.empty()) o["workphone"] = work;
    if (!home.empty()) o["homephone"] = home;
    if (!custom.empty()) {
        bj::object c;
        for (const auto &[n, v] : custom) c[n] = v;
        o["custom_fields"] = std::move(c);
    }
    return o;
}

void fill(std::string &field, const std::string &value) {
    if (!value.empty()) field = value;
}

// `out` (what Tracker holds for a person) followed by what this run added to them without writing.
template <class Row>
std::vector<Row> plus_added(std::vector<Row> out, std::mutex &mu, const std::map<std::string, std::vector<Row>> &added,
                            const std::string &resource_id) {
    std::lock_guard<std::mutex> g(mu);
    if (auto it = added.find(resource_id); it != added.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
    return out;
}
} // namespace

void DryRunPort::explain(const std::string &application_id, const std::string &why, const std::string &from) {
    std::lock_guard<std::mutex> g(mu_);
    why_[std::this_thread::get_id()] = {application_id, why, from};
}

void DryRunPort::record(bj::object item) {
    auto it = why_.find(std::this_thread::get_id());
    bj::object out{{"seq", static_cast<int64_t>(plan_.size() + 1)}};
    if (it != why_.end()) {
        if (!it->second.application_id.empty()) out["application_id"] = it->second.application_id;
        if (!it->second.why.empty()) out["why"] = it->second.why;
        if (!it->second.from.empty() && item.contains("to")) item["from"] = it->second.from;
    }
    for (auto &kv : item) out[kv.key()] = std::move(kv.value());
    plan_.push_back(std::move(out));
}

bj::array DryRunPort::plan() const {
    std::lock_guard<std::mutex> g(mu_);
    return plan_;
}

void DryRunPort::apply_status(TrackerLinkRow &row) const {
    if (auto s = statuses_.find(row.id); s != statuses_.end()) row.status = s->second;
}

void DryRunPort::for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) {
    real_.for_each_link([&](const TrackerLinkRow &r) {
        TrackerLinkRow row = r;
        {
            std::lock_guard<std::mutex> g(mu_);
            apply_status(row);
        }
        fn(row);
    });
    std::vector<TrackerLinkRow> mine;
    {
        std::lock_guard<std::mutex> g(mu_);
        for (const auto &[res, links] : new_links_)
            for (auto l : links) {
                apply_status(l);
                mine.push_back(std::move(l));
            }
    }
    for (const auto &l : mine) fn(l);
}

std::vector<TrackerLinkRow> DryRunPort::links_of_resource(const std::string &resource_id) {
    std::vector<TrackerLinkRow> out;
    if (!is_synthetic(resource_id)) out = real_.links_of_resource(resource_id);
    std::lock_guard<std::mutex> g(mu_);
    if (auto it = new_links_.find(resource_id); it != new_links_.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
    for (auto &l : out) apply_status(l);
    return out;
}

std::vector<TrackerLinkRow> DryRunPort::links_by_ids(const std::vector<std::string> &link_ids) {
    std::vector<std::string> real_ids;
    for (const auto &id : link_ids)
        if (!is_synthetic(id)) real_ids.push_back(id);
    std::vector<TrackerLinkRow> out = real_ids.empty() ? std::vector<TrackerLinkRow>{} : real_.links_by_ids(real_ids);
    std::lock_guard<std::mutex> g(mu_);
    for (const auto &id : link_ids)
        if (is_synthetic(id))
            for (const auto &[res, links] : new_links_)
                for (const auto &l : links)
                    if (l.id == id) out.push_back(l);
    for (auto &l : out) apply_status(l);
    return out;
}

TrackerResourceRow DryRunPort::get_person(const std::string &resource_id) {
    TrackerResourceRow row;
    if (is_synthetic(resource_id)) {
        std::lock_guard<std::mutex> g(mu_);
        auto it = new_people_.find(resource_id);
        if (it == new_people_.end())
            throw ats::sdk::Error(ATS_ERR_NOT_FOUND, "dry run: no person " + resource_id + " was planned");
        row = it->second;
    } else {
        row = real_.get_person(resource_id);
    }
    std::lock_guard<std::mutex> g(mu_);
    if (auto u = updates_.find(resource_id); u != updates_.end()) {
        fill(row.email, u->second.email);
        fill(row.cellphone, u->second.cellphone);
        fill(row.workphone, u->second.workphone);
        fill(row.homephone, u->second.homephone);
        for (const auto &cf : u->second.custom_fields) row.custom_fields.push_back(cf);
    }
    return row;
}

std::vector<TrackerNoteRow> DryRunPort::notes_of_person(const std::string &resource_id) {
    std::vector<TrackerNoteRow> out;
    if (!is_synthetic(resource_id)) out = real_.notes_of_person(resource_id);
    return plus_added(std::move(out), mu_, new_notes_, resource_id);
}

std::vector<TrackerDocumentRow> DryRunPort::documents_of_person(const std::string &resource_id) {
    std::vector<TrackerDocumentRow> out;
    if (!is_synthetic(resource_id)) out = real_.documents_of_person(resource_id);
    return plus_added(std::move(out), mu_, new_docs_, resource_id);
}

CreatedTrackerPerson DryRunPort::create_person_on_opportunity(const NewTrackerPerson &p,
                                                              const std::string &opportunity_id) {
    std::lock_guard<std::mutex> g(mu_);
    CreatedTrackerPerson c{"new-person-" + std::to_string(++people_), "new-link-" + std::to_string(++links_), false};
    TrackerResourceRow row;
    row.id = c.resource_id;
    row.first_name = p.first_name;
    row.last_name = p.last_name;
    row.email = p.email;
    row.cellphone = p.cellphone;
    row.workphone = p.workphone;
    row.homephone = p.homephone;
    for (const auto *ph : {&p.cellphone, &p.workphone, &p.homephone})
        if (!ph->empty()) row.phones.push_back(*ph);
    row.custom_fields = p.custom_fields;
    new_people_[c.resource_id] = row;
    new_links_[c.resource_id].push_back({c.link_id, opportunity_id, c.resource_id, ""});
    bj::object person = fields_json(p.email, p.cellphone, p.workphone, p.homephone, p.custom_fields);
    person["first_name"] = p.first_name;
    person["last_name"] = p.last_name;
    if (!p.source.empty()) person["source"] = p.source;
    record(bj::object{{"action", "create_person"},
                      {"method", "createResource"},
                      {"resource_id", c.resource_id},
                      {"link_id", c.link_id},
                      {"opportunity_id", opportunity_id},
                      {"person", std::move(person)}});
    return c;
}

std::string DryRunPort::create_link(const std::string &resource_id, const std::string &opportunity_id,
                                    const std::string &source) {
    std::lock_guard<std::mutex> g(mu_);
    std::string id = "new-link-" + std::to_string(++links_);
    new_links_[resource_id].push_back({id, opportunity_id, resource_id, ""});
    record(bj::object{{"action", "create_link"},
                      {"method", "resourceApplication"},
                      {"resource_id", resource_id},
                      {"opportunity_id", opportunity_id},
                      {"link_id", id},
                      {"source", source}});
    return id;
}

void DryRunPort::set_link_status(const std::string &link_id, const std::string &status_name) {
    std::lock_guard<std::mutex> g(mu_);
    statuses_[link_id] = status_name;
    record(bj::object{{"action", "set_status"},
                      {"method", "updateRecord"},
                      {"record_type", "OR"},
                      {"link_id", link_id},
                      {"to", status_name}});
}

void DryRunPort::update_person(const std::string &resource_id, const PersonFieldUpdate &u) {
    std::lock_guard<std::mutex> g(mu_);
    PersonFieldUpdate &mine = updates_[resource_id];
    fill(mine.email, u.email);
    fill(mine.cellphone, u.cellphone);
    fill(mine.workphone, u.workphone);
    fill(mine.homephone, u.homephone);
    for (const auto &cf : u.custom_fields) mine.custom_fields.push_back(cf);
    record(bj::object{{"action", "fill_contacts"},
                      {"method", "updateRecord"},
                      {"record_type", "R"},
                      {"resource_id", resource_id},
                      {"fields", fields_json(u.email, u.cellphone, u.workphone, u.homephone, u.custom_fields)}});
}

std::string DryRunPort::add_person_note(const std::string &resource_id, const std::string &subject,
                                        const std::string &text) {
    std::lock_guard<std::mutex> g(mu_);
    std::string id = "new-note-" + std::to_string(++notes_);
    new_notes_[resource_id].push_back({id, subject, text});
    record(bj::object{{"action", "add_note"},
                      {"method", "createActivity"},
                      {"resource_id", resource_id},
                      {"subject", subject},
                      {"text", text}});
    return id;
}

std::string DryRunPort::attach_resume(const std::string &resource_id, const std::string &file_name,
                                      const std::string &bytes) {
    std::lock_guard<std::mutex> g(mu_);
    std::string id = "new-document-" + std::to_string(++documents_);
    new_docs_[resource_id].push_back({id, file_name, "resume", static_cast<int64_t>(bytes.size())});
    record(bj::object{{"action", "attach_cv"},
                      {"method", "attachDocument"},
                      {"resource_id", resource_id},
                      {"file_name", file_name},
                      {"bytes", static_cast<int64_t>(bytes.size())}});
    return id;
}

} // namespace ats::tracker_workable
