#include "kombo/kombo_application.hpp"

#include <boost/json.hpp>

#include "ats/shared/json.hpp"
#include "kombo/kombo_errors.hpp"
#include "kombo/kombo_results.hpp"

namespace json = boost::json;

namespace ats::tracker_workable {

namespace {

using ats::shared::json::array_or_null;
using ats::shared::json::object_or_null;
using ats::shared::json::string_or_empty;

KomboApplication parse_one(const json::object &o) {
    KomboApplication a;
    a.id = string_or_empty(o, "id");
    a.remote_id = string_or_empty(o, "remote_id");
    a.outcome = string_or_empty(o, "outcome");
    a.job_id = string_or_empty(o, "job_id");
    a.candidate_id = string_or_empty(o, "candidate_id");
    a.remote_created_at = string_or_empty(o, "remote_created_at");
    a.remote_updated_at = string_or_empty(o, "remote_updated_at");
    a.remote_deleted_at = string_or_empty(o, "remote_deleted_at");
    a.current_stage_id = string_or_empty(o, "current_stage_id");
    if (const auto *job = object_or_null(o, "job")) {
        if (a.job_id.empty()) a.job_id = string_or_empty(*job, "id");
        a.job_remote_id = string_or_empty(*job, "remote_id");
        a.job_name = string_or_empty(*job, "name");
    }
    if (const auto *stage = object_or_null(o, "current_stage")) {
        a.current_stage_name = string_or_empty(*stage, "name");
        if (a.current_stage_id.empty()) a.current_stage_id = string_or_empty(*stage, "id");
    }
    if (const auto *c = object_or_null(o, "candidate")) {
        if (a.candidate_id.empty()) a.candidate_id = string_or_empty(*c, "id");
        a.candidate_remote_id = string_or_empty(*c, "remote_id");
        a.first_name = string_or_empty(*c, "first_name");
        a.last_name = string_or_empty(*c, "last_name");
        if (const auto *emails = array_or_null(*c, "email_addresses"))
            for (const auto &e : *emails)
                if (e.is_object()) {
                    std::string v = string_or_empty(e.get_object(), "email_address");
                    if (!v.empty()) a.emails.push_back(std::move(v));
                }
        if (const auto *phones = array_or_null(*c, "phone_numbers"))
            for (const auto &p : *phones)
                if (p.is_object()) {
                    std::string v = string_or_empty(p.get_object(), "phone_number");
                    if (v.empty()) continue;
                    a.phones.push_back(std::move(v));
                    a.phone_types.push_back(string_or_empty(p.get_object(), "type")); // null -> "", kept parallel
                }
        // candidate.source is `string | null` in Kombo's OpenAPI document; an object with a name
        // (an older or another integration's shape) is read too.
        if (auto src = c->find("source"); src != c->end()) {
            if (src->value().is_string())
                a.source = std::string(src->value().get_string());
            else if (src->value().is_object())
                a.source = string_or_empty(src->value().get_object(), "name");
        }
    }
    return a;
}

} // namespace

KomboApplicationPage parse_application_page(std::string_view body, int http_status, const std::string &what) {
    json::value doc;
    const json::object *data = &kombo_success_data(body, http_status, what, doc);
    KomboApplicationPage page;
    page.next = string_or_empty(*data, "next");
    page.results =
        parse_kombo_results<KomboApplication>(data->at("results").get_array(), what, "an application", parse_one);
    return page;
}

namespace {
// The stored form's fields, each named once for both directions, in the order they are written.
struct StoredField {
    const char *name;
    std::string KomboApplication::*text = nullptr;              // a text field, or
    std::vector<std::string> KomboApplication::*list = nullptr; // a list of texts
};
const StoredField kStoredFields[] = {
    {"id", &KomboApplication::id},
    {"remote_id", &KomboApplication::remote_id},
    {"outcome", &KomboApplication::outcome},
    {"job_id", &KomboApplication::job_id},
    {"job_remote_id", &KomboApplication::job_remote_id},
    {"job_name", &KomboApplication::job_name},
    {"candidate_id", &KomboApplication::candidate_id},
    {"candidate_remote_id", &KomboApplication::candidate_remote_id},
    {"first_name", &KomboApplication::first_name},
    {"last_name", &KomboApplication::last_name},
    {"emails", nullptr, &KomboApplication::emails},
    {"phones", nullptr, &KomboApplication::phones},
    {"phone_types", nullptr, &KomboApplication::phone_types},
    {"source", &KomboApplication::source},
    {"remote_created_at", &KomboApplication::remote_created_at},
    {"remote_updated_at", &KomboApplication::remote_updated_at},
    {"remote_deleted_at", &KomboApplication::remote_deleted_at},
    {"current_stage_id", &KomboApplication::current_stage_id},
    {"current_stage_name", &KomboApplication::current_stage_name},
};
} // namespace

std::string application_to_json(const KomboApplication &a) {
    json::object o;
    for (const auto &f : kStoredFields) {
        if (f.text)
            o[f.name] = a.*f.text;
        else
            o[f.name] = json::array((a.*f.list).begin(), (a.*f.list).end());
    }
    return json::serialize(o);
}

KomboApplication application_from_json(std::string_view text) {
    json::value v = json::parse(text);
    const auto &o = v.as_object();
    KomboApplication a;
    for (const auto &f : kStoredFields) {
        if (f.text) {
            a.*f.text = string_or_empty(o, f.name);
        } else if (const auto *items = array_or_null(o, f.name)) {
            // A null phone type reads as "" so that phone_types stays parallel to phones.
            for (const auto &x : *items)
                if (x.is_string() || f.list == &KomboApplication::phone_types)
                    (a.*f.list).emplace_back(x.is_string() ? std::string(x.get_string()) : std::string());
        }
    }
    // Older records have no phone_types: keep the vectors parallel either way.
    a.phone_types.resize(a.phones.size());
    return a;
}

} // namespace ats::tracker_workable
