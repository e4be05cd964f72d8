#include "provider/tracker_port_client.hpp"

#include "ats/tracker/rows.hpp"
#include "ats/tracker/wire_probe.hpp"

#include "ats/shared/ascii.hpp"
#include "ats/shared/base64.hpp"
#include "ats/shared/json.hpp"

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace ats::tracker_workable {

int64_t tracker_id(const std::string &id, const std::string &what) {
    if (std::optional<int64_t> v = ats::tracker::parse_record_id(id)) return *v;
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, what + ": '" + id + "' is not a Tracker record id");
}

namespace {
// A Tracker row's customfields[{id, name, value}] (A12/A13) as (name, value) pairs.
std::vector<std::pair<std::string, std::string>> custom_fields_of(const bj::object &raw) {
    std::vector<std::pair<std::string, std::string>> out;
    if (const bj::value *cf = sj::find_ci(raw, "customfields"); cf && cf->is_array())
        for (const auto &f : cf->get_array())
            if (f.is_object())
                out.emplace_back(sj::text_or(f.get_object(), "name"), sj::text_or(f.get_object(), "value"));
    return out;
}
TrackerLinkRow link_row(const ats::tracker::LinkRow &l) {
    return {std::to_string(l.id), std::to_string(l.opportunity_id), std::to_string(l.resource_id), l.status};
}
} // namespace

void TrackerPortClient::for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) {
    client_.for_each_opportunity(
        {},
        [&](const ats::tracker::OpportunityRow &o) {
            TrackerOpportunityRow row;
            row.id = std::to_string(o.id);
            row.name = o.name;
            row.custom_fields = custom_fields_of(o.raw);
            fn(row);
            return true;
        },
        call_);
}

TrackerResourceRow TrackerPortClient::to_row(const ats::tracker::ResourceRow &r) const {
    TrackerResourceRow row;
    row.id = std::to_string(r.id);
    row.first_name = r.first_name;
    row.last_name = r.last_name;
    row.email = r.email;
    row.cellphone = r.mobile_phone;
    row.workphone = r.work_phone;
    row.homephone = r.home_phone;
    for (const std::string *p : {&r.mobile_phone, &r.work_phone, &r.home_phone})
        if (!p->empty()) row.phones.push_back(*p);
    if (!r.last_updated.empty()) {
        // A8: local "YYYY-MM-DD HH:MM:SS" in the account's zone -> "YYYY-MM-DDTHH:MM:SSZ". An
        // unreadable time is absent (as RecordMapper treats it), never a failure of the row.
        try {
            row.last_updated_utc = client_.zone().local_to_utc_iso(r.last_updated, "R " + row.id + " lastupdated");
        } catch (const ats::sdk::Error &) {}
    }
    row.custom_fields = custom_fields_of(r.raw);
    return row;
}

std::vector<std::pair<int64_t, std::string>>
TrackerPortClient::resolve_custom_fields(const std::vector<std::pair<std::string, std::string>> &by_name) const {
    std::vector<std::pair<int64_t, std::string>> out;
    if (by_name.empty()) return out;
    auto settings = client_.settings(call_);
    for (const auto &[name, value] : by_name)
        if (auto def = settings->custom_field("Resource", name)) out.emplace_back(def->id, value);
    return out;
}

void TrackerPortClient::for_each_resource(const std::string &updated_after_utc,
                                          const std::function<void(const TrackerResourceRow &)> &fn) {
    ats::tracker::RecordFilter filter;
    if (!updated_after_utc.empty())
        filter.updated_after = ats::shared::parse_utc_iso8601(updated_after_utc, "identity index watermark");
    client_.for_each_resource(
        filter,
        [&](const ats::tracker::ResourceRow &r) {
            fn(to_row(r));
            return true;
        },
        call_);
}

void TrackerPortClient::for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) {
    client_.for_each_link(
        {},
        [&](const ats::tracker::LinkRow &l) {
            fn(link_row(l));
            return true;
        },
        call_);
}

std::vector<TrackerLinkRow> TrackerPortClient::links_of_resource(const std::string &resource_id) {
    std::vector<TrackerLinkRow> out;
    ats::tracker::LinkFilter filter;
    filter.resource_id = tracker_id(resource_id, "links of resource");
    client_.for_each_link(
        filter,
        [&](const ats::tracker::LinkRow &l) {
            out.push_back(link_row(l));
            return true;
        },
        call_);
    return out;
}

CreatedTrackerPerson TrackerPortClient::create_person_on_opportunity(const NewTrackerPerson &p,
                                                                     const std::string &opportunity_id) {
    ats::tracker::NewResource r;
    r.first_name = p.first_name;
    r.last_name = p.last_name;
    r.email = p.email;
    r.cell_phone = p.cellphone;
    r.source = p.source;
    r.work_phone = p.workphone;
    r.home_phone = p.homephone;
    r.custom_fields = resolve_custom_fields(p.custom_fields);
    ats::tracker::AssignTo assign;
    assign.opportunity_id = tracker_id(opportunity_id, "job mapping");
    ats::tracker::CreatedResource created;
    try {
        created = client_.create_resource(r, assign, call_);
    } catch (const ats::tracker::RecordExistsError &e) {
        // Status 3 naming the resource found (TRACKER-ASSUMPTION A16): nothing was created, not
        // even the link. Without an id it stays the CONFLICT it is.
        if (e.existing_id() <= 0) throw;
        CreatedTrackerPerson c;
        c.resource_id = std::to_string(e.existing_id());
        c.already_existed = true;
        return c;
    }
    CreatedTrackerPerson c;
    c.resource_id = std::to_string(created.resource_id);
    // Always set: a create with an assignment either answers its linkId (A1) or throws.
    c.link_id = std::to_string(created.link_id.value());
    return c;
}

std::string TrackerPortClient::create_link(const std::string &resource_id, const std::string &opportunity_id,
                                           const std::string &source) {
    return std::to_string(client_.create_link(tracker_id(resource_id, "resource"),
                                              tracker_id(opportunity_id, "job mapping"), "long", source, call_));
}

void TrackerPortClient::set_link_status(const std::string &link_id, const std::string &status_name) {
    client_.set_link_status(tracker_id(link_id, "application"), status_name, call_);
}

std::vector<TrackerLinkRow> TrackerPortClient::links_by_ids(const std::vector<std::string> &link_ids) {
    std::vector<int64_t> ids;
    ids.reserve(link_ids.size());
    for (const auto &id : link_ids) ids.push_back(tracker_id(id, "application"));
    std::vector<TrackerLinkRow> out;
    client_.get_records_by_ids( // A14 (500 per request), rows as A2
        "OR", ids,
        [&](const bj::object &row) {
            out.push_back(link_row(ats::tracker::parse_link_row(row)));
            return true;
        },
        call_);
    return out;
}

TrackerResourceRow TrackerPortClient::get_person(const std::string &resource_id) {
    return to_row(client_.get_resource(tracker_id(resource_id, "person"), call_));
}

std::vector<TrackerResourceRow> TrackerPortClient::find_people_by_name(const std::string &first_name,
                                                                       const std::string &last_name) {
    // A12: searchtext matches first, last or full name as a substring. The last name alone (the
    // first name when there is none) does not depend on how Tracker composes the full name; the
    // caller compares names exactly.
    ats::tracker::RecordFilter filter;
    filter.search_text = ats::shared::ascii_trim(last_name);
    if (filter.search_text.empty()) filter.search_text = ats::shared::ascii_trim(first_name);
    std::vector<TrackerResourceRow> out;
    if (filter.search_text.empty()) return out; // nothing to search for (an empty searchtext lists everyone)
    client_.for_each_resource(
        filter,
        [&](const ats::tracker::ResourceRow &r) {
            out.push_back(to_row(r));
            return true;
        },
        call_);
    return out;
}

std::vector<TrackerNoteRow> TrackerPortClient::notes_of_person(const std::string &resource_id) {
    std::vector<TrackerNoteRow> out;
    client_.for_each_activity( // A6
        "R", tracker_id(resource_id, "person"),
        [&](const bj::object &row) {
            out.push_back(
                {std::to_string(sj::int_or(row, "id", 0)), sj::text_or(row, "subject"), sj::text_or(row, "note")});
            return true;
        },
        call_);
    return out;
}

std::vector<TrackerDocumentRow> TrackerPortClient::documents_of_person(const std::string &resource_id) {
    std::vector<TrackerDocumentRow> out;
    client_.for_each_document( // A5
        "R", tracker_id(resource_id, "person"),
        [&](const bj::object &row) {
            TrackerDocumentRow d;
            d.id = std::to_string(sj::int_or(row, "id", 0));
            d.file_name = sj::text_or(row, "filename");
            d.document_type = sj::text_or(row, "documenttype");
            d.size = sj::int_or(row, "size", 0);
            out.push_back(std::move(d));
            return true;
        },
        call_);
    return out;
}

std::vector<std::string> TrackerPortClient::link_status_names() {
    std::vector<std::string> out;
    for (const auto &st : client_.settings(call_)->link_statuses) out.push_back(st.name); // A4, cached
    return out;
}

void TrackerPortClient::update_person(const std::string &resource_id, const PersonFieldUpdate &u) {
    const int64_t id = tracker_id(resource_id, "person");
    bj::array updates;
    auto put = [&updates](const char *column, const std::string &value) {
        if (!value.empty()) updates.push_back(bj::object{{"column", column}, {"value", value}});
    };
    put("email", u.email);
    put("cellphone", u.cellphone);
    put("workphone", u.workphone);
    put("homephone", u.homephone);
    bj::array custom;
    for (const auto &[field_id, value] : resolve_custom_fields(u.custom_fields))
        custom.push_back(bj::object{{"id", field_id}, {"value", value}});
    if (updates.empty() && custom.empty()) return; // nothing to write (or only unknown custom fields)
    client_.update_record("R", id, std::move(updates), std::move(custom), call_);
}

std::string TrackerPortClient::add_person_note(const std::string &resource_id, const std::string &subject,
                                               const std::string &text) {
    ats::tracker::NewActivity a; // A6
    a.link_record_type = "R";
    a.link_record_id = tracker_id(resource_id, "person");
    a.subject = subject;
    a.note = text;
    a.type = "Note";
    a.when = client_.now();
    return std::to_string(client_.create_activity(a, call_));
}

std::string TrackerPortClient::attach_resume(const std::string &resource_id, const std::string &file_name,
                                             const std::string &bytes) {
    return std::to_string(client_.attach_document("R", tracker_id(resource_id, "person"), file_name, "resume", // A5
                                                  ats::shared::base64_encode(bytes), call_));
}

void TrackerPortClient::before_writes() {
    std::lock_guard<std::mutex> g(preflight_mu_);
    if (preflight_done_) return;
    ats::tracker::TrackerWireProbe probe(client_, call_);
    ats::tracker::throw_if_contradicted(probe.run_preflight(), "workable sync refuses to write");
    preflight_done_ = true;
}

} // namespace ats::tracker_workable
