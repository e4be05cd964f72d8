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

std::string application_to_json(const KomboApplication &a) {
    json::object o;
    o["id"] = a.id;
    o["remote_id"] = a.remote_id;
    o["outcome"] = a.outcome;
    o["job_id"] = a.job_id;
    o["job_remote_id"] = a.job_remote_id;
    o["job_name"] = a.job_name;
    o["candidate_id"] = a.candidate_id;
    o["candidate_remote_id"] = a.candidate_remote_id;
    o["first_name"] = a.first_name;
    o["last_name"] = a.last_name;
    json::array e(a.emails.begin(), a.emails.end()), p(a.phones.begin(), a.phones.end());
    o["emails"] = std::move(e);
    o["phones"] = std::move(p);
    o["phone_types"] = json::array(a.phone_types.begin(), a.phone_types.end());
    o["source"] = a.source;
    o["remote_created_at"] = a.remote_created_at;
    o["remote_updated_at"] = a.remote_updated_at;
    o["remote_deleted_at"] = a.remote_deleted_at;
    o["current_stage_id"] = a.current_stage_id;
    o["current_stage_name"] = a.current_stage_name;
    return json::serialize(o);
}

KomboApplication application_from_json(std::string_view text) {
    json::value v = json::parse(text);
    const auto &o = v.as_object();
    KomboApplication a;
    a.id = string_or_empty(o, "id");
    a.remote_id = string_or_empty(o, "remote_id");
    a.outcome = string_or_empty(o, "outcome");
    a.job_id = string_or_empty(o, "job_id");
    a.job_remote_id = string_or_empty(o, "job_remote_id");
    a.job_name = string_or_empty(o, "job_name");
    a.candidate_id = string_or_empty(o, "candidate_id");
    a.candidate_remote_id = string_or_empty(o, "candidate_remote_id");
    a.first_name = string_or_empty(o, "first_name");
    a.last_name = string_or_empty(o, "last_name");
    if (const auto *e = array_or_null(o, "emails"))
        for (const auto &x : *e)
            if (x.is_string()) a.emails.emplace_back(x.get_string());
    if (const auto *p = array_or_null(o, "phones"))
        for (const auto &x : *p)
            if (x.is_string()) a.phones.emplace_back(x.get_string());
    if (const auto *t = array_or_null(o, "phone_types"))
        for (const auto &x : *t)
            a.phone_types.emplace_back(x.is_string() ? std::string(x.get_string()) : std::string());
    // Older records have no phone_types: keep the vectors parallel either way.
    a.phone_types.resize(a.phones.size());
    a.source = string_or_empty(o, "source");
    a.remote_created_at = string_or_empty(o, "remote_created_at");
    a.remote_updated_at = string_or_empty(o, "remote_updated_at");
    a.remote_deleted_at = string_or_empty(o, "remote_deleted_at");
    a.current_stage_id = string_or_empty(o, "current_stage_id");
    a.current_stage_name = string_or_empty(o, "current_stage_name");
    return a;
}

} // namespace ats::tracker_workable
