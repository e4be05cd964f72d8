#include "ats/tracker/rows.hpp"

#include "ats/shared/json.hpp"

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {
// The first of several spellings that is present and non-empty.
std::string first_of(const bj::object &o, std::initializer_list<const char *> keys) {
    for (const char *k : keys) {
        std::string v = sj::text_or(o, k);
        if (!v.empty()) return v;
    }
    return {};
}

// Every row kind spells its last change the same two ways.
std::string last_updated_of(const bj::object &row) { return first_of(row, {"lastupdated", "lastupdateddatetime"}); }
} // namespace

ResourceRow parse_resource_row(const bj::object &row) {
    ResourceRow r;
    r.id = sj::int_or(row, "id", 0);
    r.full_name = first_of(row, {"name", "fullname"});
    const bj::value *d = sj::find_ci(row, "details");
    const bj::object &det = d && d->is_object() ? d->get_object() : row; // details{} (A12) or flat
    r.first_name = first_of(det, {"firstname", "first_name"});
    r.last_name = first_of(det, {"lastname", "surname", "last_name"});
    r.email = first_of(det, {"email"});
    r.mobile_phone = first_of(det, {"mobiletelephone", "cellphone", "mobile"});
    r.work_phone = first_of(det, {"worktelephone", "workphone"});
    r.home_phone = first_of(det, {"hometelephone", "homephone"});
    r.job_title = first_of(det, {"jobtitle"});
    r.company = first_of(det, {"companyname", "company"});
    r.source = first_of(det, {"source"});
    r.date_created = first_of(row, {"datecreated", "dateadded"});
    r.last_updated = last_updated_of(row);
    r.raw = row;
    return r;
}

LinkRow parse_link_row(const bj::object &row) {
    LinkRow l;
    l.id = sj::int_or(row, "id", 0);
    l.opportunity_id = sj::int_or(row, "opportunityid", 0);
    l.resource_id = sj::int_or(row, "resourceid", 0);
    l.status_id = sj::int_or(row, "statusid", 0);
    l.opportunity_name = sj::text_or(row, "opportunityname");
    l.resource_name = sj::text_or(row, "resourcename");
    l.list = sj::text_or(row, "list");
    l.status = sj::text_or(row, "status");
    l.source = sj::text_or(row, "source");
    l.date_added = first_of(row, {"dateadded", "datecreated"});
    l.last_updated = last_updated_of(row);
    l.raw = row;
    return l;
}

OpportunityRow parse_opportunity_row(const bj::object &row) {
    OpportunityRow o;
    o.id = sj::int_or(row, "id", 0);
    o.name = sj::text_or(row, "name");
    o.company = first_of(row, {"company", "clientname"});
    o.status = sj::text_or(row, "status");
    o.client_id = sj::int_or(row, "clientid", 0);
    o.date_opened = sj::text_or(row, "dateopened");
    o.last_updated = last_updated_of(row);
    o.raw = row;
    return o;
}

std::optional<int64_t> parse_record_id(std::string_view text) {
    int64_t id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const int digit = c - '0';
        if (id > (INT64_MAX - digit) / 10) return std::nullopt;
        id = id * 10 + digit;
    }
    if (id <= 0) return std::nullopt;
    return id;
}

} // namespace ats::tracker
