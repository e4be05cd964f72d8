#include "provider/tracker_port_client.hpp"

#include "ats/shared/json.hpp"

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace ats::tracker_workable {

int64_t tracker_id(const std::string &id, const std::string &what) {
    try {
        size_t n = 0;
        long long v = std::stoll(id, &n);
        if (n == id.size() && v > 0) return v;
    } catch (...) {
    }
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, what + ": '" + id + "' is not a Tracker record id");
}

namespace {
// A Tracker row's customfields[{id, name, value}] (A12/A13) as (name, value) pairs.
std::vector<std::pair<std::string, std::string>> custom_fields_of(const bj::object &raw) {
    std::vector<std::pair<std::string, std::string>> out;
    if (const bj::value *cf = sj::find_ci(raw, "customfields"); cf && cf->is_array())
        for (const auto &f : cf->get_array())
            if (f.is_object()) out.emplace_back(sj::text_or(f.get_object(), "name"), sj::text_or(f.get_object(), "value"));
    return out;
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

void TrackerPortClient::for_each_resource(const std::string &updated_after_utc,
                                          const std::function<void(const TrackerResourceRow &)> &fn) {
    ats::tracker::RecordFilter filter;
    if (!updated_after_utc.empty())
        filter.updated_after = ats::shared::parse_utc_iso8601(updated_after_utc, "identity index watermark");
    client_.for_each_resource(
        filter,
        [&](const ats::tracker::ResourceRow &r) {
            TrackerResourceRow row;
            row.id = std::to_string(r.id);
            row.first_name = r.first_name;
            row.last_name = r.last_name;
            row.email = r.email;
            for (const std::string *p : {&r.mobile_phone, &r.work_phone, &r.home_phone})
                if (!p->empty()) row.phones.push_back(*p);
            row.custom_fields = custom_fields_of(r.raw);
            fn(row);
            return true;
        },
        call_);
}

void TrackerPortClient::for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) {
    client_.for_each_link(
        {},
        [&](const ats::tracker::LinkRow &l) {
            fn({std::to_string(l.id), std::to_string(l.opportunity_id), std::to_string(l.resource_id), l.status});
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
            out.push_back({std::to_string(l.id), std::to_string(l.opportunity_id), std::to_string(l.resource_id), l.status});
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
    if (!p.custom_fields.empty()) {
        auto settings = client_.settings(call_);
        for (const auto &[name, value] : p.custom_fields)
            if (auto def = settings->custom_field("Resource", name)) r.custom_fields.emplace_back(def->id, value);
    }
    ats::tracker::AssignTo assign;
    assign.opportunity_id = tracker_id(opportunity_id, "job mapping");
    auto created = client_.create_resource(r, assign, call_);
    CreatedTrackerPerson c;
    c.resource_id = std::to_string(created.resource_id);
    if (created.link_id) {
        c.link_id = std::to_string(*created.link_id);
    } else {
        // A server that does not answer linkId (A1): find the link by reading it back (A2).
        for (const auto &l : links_of_resource(c.resource_id))
            if (l.opportunity_id == opportunity_id) c.link_id = l.id;
    }
    return c;
}

std::string TrackerPortClient::create_link(const std::string &resource_id, const std::string &opportunity_id,
                                           const std::string &source) {
    return std::to_string(client_.create_link(tracker_id(resource_id, "resource"), tracker_id(opportunity_id, "job mapping"),
                                              "long", source, call_));
}

void TrackerPortClient::set_link_status(const std::string &link_id, const std::string &status_name) {
    client_.set_link_status(tracker_id(link_id, "application"), status_name, call_);
}

} // namespace ats::tracker_workable
