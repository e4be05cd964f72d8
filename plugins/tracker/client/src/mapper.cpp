#include "ats/tracker/mapper.hpp"
#include "ats/shared/ascii.hpp"

#include "ats/shared/json.hpp"
#include "ats/shared/kombo_record.hpp"
#include "ats/shared/phone.hpp"

#include <ats_plugin.hpp>

#include <cctype>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {

bj::value str_or_null(const std::string &s) { return s.empty() ? bj::value(nullptr) : bj::value(s); }

std::string id_text(int64_t id) { return std::to_string(id); }

// A unified record's first two fields: Tracker's id is both the record's id and its remote id.
bj::object record_with_id(const std::string &id) { return bj::object{{"id", id}, {"remote_id", id}}; }

// Kombo's changed_at: the last update, else the creation, else the epoch, so every record sorts.
bj::value changed_at(const bj::value &updated, const bj::value &created) {
    if (!updated.is_null()) return updated;
    return created.is_null() ? bj::value("1970-01-01T00:00:00Z") : created;
}

} // namespace

RecordMapper::RecordMapper(ats::shared::TimeZone zone, MappingOptions options)
    : zone_(std::move(zone)), options_(std::move(options)) {}

bj::value RecordMapper::utc_or_null(std::string_view local, std::string_view what) const {
    if (local.empty()) return nullptr;
    try {
        return bj::value(zone_.local_to_utc_iso(local, what));
    } catch (const ats::sdk::Error &) {
        return nullptr; // an unreadable upstream time is absent, not a failure of the whole record
    }
}

std::string RecordMapper::job_status(std::string_view tracker_status) {
    // Status names are per database (each agency names its own); classify by the words they use.
    std::string s = ats::shared::ascii_lower(tracker_status);
    if (s.empty()) return "OPEN";
    for (const char *w : {"closed", "won", "lost", "filled", "cancel", "complete"})
        if (s.find(w) != std::string::npos) return "CLOSED";
    if (s.find("draft") != std::string::npos) return "DRAFT";
    if (s.find("archiv") != std::string::npos) return "ARCHIVED";
    return "OPEN";
}

std::string RecordMapper::attachment_type(std::string_view t) {
    std::string s = ats::shared::ascii_lower(t);
    if (s == "resume" || s == "agencyresume" || s == "cv") return "CV";
    if (s == "coverletter" || s == "cover_letter") return "COVER_LETTER";
    return "OTHER";
}

std::string RecordMapper::tracker_document_type(std::string_view unified) {
    // Tracker's document types: general|resume|photo|specification|logo|agencyresume. No cover
    // letter type exists, so COVER_LETTER and OTHER are "general" (reported in the matrix).
    return ats::shared::kombo::attachment_type(unified) == "CV" ? "resume" : "general";
}

bj::object RecordMapper::custom_fields(const bj::object &row, const Settings *settings) const {
    bj::object out;
    const bj::value *cf = sj::find_ci(row, "customfields");
    if (!cf || !cf->is_array()) return out;
    for (const auto &e : cf->get_array()) {
        if (!e.is_object()) continue;
        const bj::object &f = e.get_object();
        int64_t id = sj::int_or(f, "id", 0);
        std::string name = sj::text_or(f, "name");
        std::optional<CustomFieldDef> def = settings && id ? settings->custom_field_by_id(id) : std::nullopt;
        if (name.empty() && def) name = def->name;
        if (name.empty()) continue;
        const bj::value *v = sj::find_ci(f, "value");
        bj::value value = nullptr;
        if (v && (v->is_string() || v->is_number() || v->is_bool())) value = *v;
        // A List field may carry the item id: answer the item's name, as it would be written.
        if (def && def->list_id && settings && !value.is_null()) {
            auto text = sj::scalar_text(value);
            if (const auto *items = settings->list_items(def->list_id); items && text)
                for (const auto &item : *items)
                    if (std::to_string(item.id) == *text) value = item.name;
        }
        out[name] = std::move(value);
    }
    return out;
}

bj::object RecordMapper::job(const OpportunityRow &row, const Settings *settings) const {
    std::string id = id_text(row.id);
    std::string what = "Tracker O " + id;
    bj::value updated = utc_or_null(row.last_updated, what + " lastupdated");
    bj::value opened = utc_or_null(row.date_opened, what + " dateopened");
    bj::object j = record_with_id(id);
    j["name"] = row.name;
    // "JOB-1034 Java Programmer": Tracker prefixes a job code to the name in some databases.
    std::string code;
    if (auto sp = row.name.find(' '); sp != std::string::npos && row.name.compare(0, 4, "JOB-") == 0)
        code = row.name.substr(0, sp);
    j["job_code"] = str_or_null(code);
    j["status"] = job_status(row.status);
    j["remote_status"] = str_or_null(row.status);
    j["opened_at"] = opened;
    j["remote_created_at"] = opened;
    j["remote_updated_at"] = updated;
    j["changed_at"] = changed_at(updated, opened);
    if (row.client_id || !row.company.empty())
        j["client"] = bj::object{{"id", row.client_id ? id_text(row.client_id) : row.company},
                                 {"name", str_or_null(row.company)}};
    j["custom_fields"] = custom_fields(row.raw, settings);
    j["remote_ids"] = bj::object{{"tracker", id}};
    ats::shared::kombo::complete_job(j);
    return j;
}

void RecordMapper::add_enhanced(bj::object &j, const OpportunityRow &row,
                                const std::map<std::string, int64_t> &counts_by_status) const {
    j["description"] = str_or_null(sj::text_or(row.raw, "description"));
    std::string client_name = sj::text_or(row.raw, "clientname");
    if (client_name.empty()) client_name = row.company;
    int64_t client_id = sj::int_or(row.raw, "clientid", row.client_id);
    if (client_id || !client_name.empty())
        j["client"] =
            bj::object{{"id", client_id ? id_text(client_id) : client_name}, {"name", str_or_null(client_name)}};
    const bj::value *loc = sj::find_ci(row.raw, "location");
    if (loc && loc->is_string() && !loc->get_string().empty()) {
        j["location"] = bj::object{{"raw", loc->get_string()}};
    } else if (loc && loc->is_object()) {
        const bj::object &l = loc->get_object();
        bj::object out;
        auto put = [&](const char *dst, std::initializer_list<const char *> keys) {
            for (const char *k : keys)
                if (std::string v = sj::text_or(l, k); !v.empty()) {
                    out[dst] = v;
                    return;
                }
        };
        put("raw", {"raw", "address", "description"});
        put("city", {"city", "town"});
        put("state", {"state", "county", "region"});
        put("zip_code", {"zipcode", "postcode", "zip"});
        put("country", {"country"});
        j["location"] = std::move(out);
    } else {
        j["location"] = nullptr;
    }
    int64_t total = 0;
    bj::object by_stage;
    for (const auto &[name, n] : counts_by_status) {
        by_stage[name.empty() ? "(none)" : name] = n;
        total += n;
    }
    j["application_counts"] = bj::object{{"total", total}, {"by_stage", std::move(by_stage)}};
}

bj::object RecordMapper::application(const LinkRow &row) const {
    std::string id = id_text(row.id);
    std::string what = "Tracker OR " + id;
    bj::value updated = utc_or_null(row.last_updated, what + " lastupdated");
    bj::value created = utc_or_null(row.date_added, what + " dateadded");
    std::string outcome = "PENDING";
    if (!row.status.empty() && ats::shared::ascii_iequals(row.status, options_.statuses.accepted)) outcome = "HIRED";
    if (!row.status.empty() && ats::shared::ascii_iequals(row.status, options_.statuses.declined)) outcome = "DECLINED";
    bj::object a = record_with_id(id);
    a["outcome"] = outcome;
    a["rejection_reason_name"] = nullptr; // Tracker cannot record one
    a["rejected_at"] = outcome == "DECLINED" ? updated : bj::value(nullptr);
    if (row.status_id || !row.status.empty())
        a["current_stage"] =
            bj::object{{"id", row.status_id ? id_text(row.status_id) : row.status},
                       {"remote_id", row.status_id ? bj::value(id_text(row.status_id)) : bj::value(nullptr)},
                       {"name", str_or_null(row.status)},
                       {"index", nullptr}}; // Tracker's statuses are not ordered (A4)
    else
        a["current_stage"] = nullptr;
    a["job_id"] = id_text(row.opportunity_id);
    a["job_name"] = str_or_null(row.opportunity_name);
    a["candidate_id"] = id_text(row.resource_id);
    a["candidate_name"] = str_or_null(row.resource_name);
    a["list"] = row.list == "long" || row.list == "short" ? bj::value(row.list) : bj::value(nullptr);
    a["source"] = str_or_null(row.source);
    a["remote_created_at"] = created;
    a["remote_updated_at"] = updated;
    a["changed_at"] = changed_at(updated, created);
    a["custom_fields"] = bj::object{};
    a["remote_ids"] = bj::object{{"tracker", id}};
    ats::shared::kombo::complete_application(a);
    return a;
}

bj::object RecordMapper::candidate(const ResourceRow &row, const Settings *settings) const {
    std::string id = id_text(row.id);
    std::string what = "Tracker R " + id;
    bj::value updated = utc_or_null(row.last_updated, what + " lastupdated");
    bj::value created = utc_or_null(row.date_created, what + " datecreated");
    std::string first = row.first_name, last = row.last_name;
    if (first.empty() && last.empty() && !row.full_name.empty()) { // only "name": split at the last space
        auto sp = row.full_name.rfind(' ');
        first = sp == std::string::npos ? row.full_name : row.full_name.substr(0, sp);
        last = sp == std::string::npos ? "" : row.full_name.substr(sp + 1);
    }
    bj::array emails;
    if (!row.email.empty()) emails.push_back(bj::object{{"email_address", row.email}, {"type", nullptr}});
    bj::array phones;
    auto phone = [&](const std::string &number, const char *type) {
        if (number.empty()) return;
        auto e164 = ats::shared::normalize_phone_for_comparison(number, options_.default_phone_region);
        phones.push_back(bj::object{
            {"phone_number", number}, {"type", type}, {"e164", e164 ? bj::value(*e164) : bj::value(nullptr)}});
    };
    phone(row.mobile_phone, "MOBILE");
    phone(row.work_phone, "WORK");
    phone(row.home_phone, "HOME");
    bj::object c = record_with_id(id);
    c["first_name"] = str_or_null(first);
    c["last_name"] = str_or_null(last);
    c["company"] = str_or_null(row.company);
    c["title"] = str_or_null(row.job_title);
    c["source"] = str_or_null(row.source);
    c["email_addresses"] = std::move(emails);
    c["phone_numbers"] = std::move(phones);
    c["remote_created_at"] = created;
    c["remote_updated_at"] = updated;
    c["changed_at"] = changed_at(updated, created);
    c["custom_fields"] = custom_fields(row.raw, settings);
    c["remote_ids"] = bj::object{{"tracker", id}};
    ats::shared::kombo::complete_candidate(c);
    return c;
}

bj::object RecordMapper::note(const bj::object &activity, std::string_view link_field,
                              const std::string &link_id) const {
    std::string id = sj::text_or(activity, "id");
    bj::value created = utc_or_null(sj::text_or(activity, "datecreated"), "Tracker A " + id + " datecreated");
    if (created.is_null()) { // fall back to the activity's own date + time ("11:34 AM" is not ours to parse)
        std::string date = sj::text_or(activity, "date");
        if (date.size() >= 10) created = utc_or_null(date.substr(0, 10), "Tracker A " + id + " date");
    }
    bj::object n = record_with_id(id);
    n["subject"] = str_or_null(sj::text_or(activity, "subject"));
    n["content"] = sj::text_or(activity, "note");
    n["content_type"] = "PLAIN_TEXT";
    n[link_field] = link_id;
    n["remote_created_at"] = created;
    return n;
}

bj::object RecordMapper::attachment(const bj::object &d, std::string_view link_field,
                                    const std::string &link_id) const {
    std::string id = sj::text_or(d, "id");
    bj::object a = record_with_id(id);
    a["file_name"] = sj::text_or(d, "filename", "document-" + id);
    a["content_type"] = sj::text_or(d, "contenttype", "application/octet-stream");
    int64_t size = sj::int_or(d, "size", -1);
    a["size"] = size >= 0 ? bj::value(size) : bj::value(nullptr);
    a["type"] = attachment_type(sj::text_or(d, "documenttype"));
    a[link_field] = link_id;
    a["remote_created_at"] = utc_or_null(sj::text_or(d, "dateadded"), "Tracker D " + id + " dateadded");
    ats::shared::kombo::complete_attachment(a);
    return a;
}

} // namespace ats::tracker
