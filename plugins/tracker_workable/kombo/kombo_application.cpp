#include "kombo/kombo_application.hpp"

#include <boost/json.hpp>

#include "kombo/kombo_errors.hpp"

namespace json = boost::json;

namespace ats::tracker_workable {

namespace {

std::string str(const json::object &o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

const json::object *obj(const json::object &o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const json::array *arr(const json::object &o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

KomboApplication parse_one(const json::object &o) {
    KomboApplication a;
    a.id = str(o, "id");
    a.remote_id = str(o, "remote_id");
    a.outcome = str(o, "outcome");
    a.job_id = str(o, "job_id");
    a.candidate_id = str(o, "candidate_id");
    a.remote_created_at = str(o, "remote_created_at");
    a.remote_updated_at = str(o, "remote_updated_at");
    a.remote_deleted_at = str(o, "remote_deleted_at");
    a.current_stage_id = str(o, "current_stage_id");
    if (const auto *job = obj(o, "job")) {
        if (a.job_id.empty()) a.job_id = str(*job, "id");
        a.job_remote_id = str(*job, "remote_id");
        a.job_name = str(*job, "name");
    }
    if (const auto *stage = obj(o, "current_stage")) {
        a.current_stage_name = str(*stage, "name");
        if (a.current_stage_id.empty()) a.current_stage_id = str(*stage, "id");
    }
    if (const auto *c = obj(o, "candidate")) {
        if (a.candidate_id.empty()) a.candidate_id = str(*c, "id");
        a.candidate_remote_id = str(*c, "remote_id");
        a.first_name = str(*c, "first_name");
        a.last_name = str(*c, "last_name");
        if (const auto *emails = arr(*c, "email_addresses"))
            for (const auto &e : *emails)
                if (e.is_object()) {
                    std::string v = str(e.get_object(), "email_address");
                    if (!v.empty()) a.emails.push_back(std::move(v));
                }
        if (const auto *phones = arr(*c, "phone_numbers"))
            for (const auto &p : *phones)
                if (p.is_object()) {
                    std::string v = str(p.get_object(), "phone_number");
                    if (v.empty()) continue;
                    a.phones.push_back(std::move(v));
                    a.phone_types.push_back(str(p.get_object(), "type")); // null -> "", kept parallel
                }
        // candidate.source is `string | null` in Kombo's OpenAPI document; an object with a name
        // (an older or another integration's shape) is read too.
        if (auto src = c->find("source"); src != c->end()) {
            if (src->value().is_string())
                a.source = std::string(src->value().get_string());
            else if (src->value().is_object())
                a.source = str(src->value().get_object(), "name");
        }
    }
    return a;
}

} // namespace

KomboApplicationPage parse_application_page(std::string_view body, int http_status, const std::string &what) {
    json::value doc;
    const json::object *data = &kombo_success_data(body, http_status, what, doc);
    const json::array *results = &data->at("results").get_array();
    KomboApplicationPage page;
    page.next = str(*data, "next");
    page.results.reserve(results->size());
    for (const auto &r : *results) {
        if (!r.is_object())
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": a results[] entry is not an object");
        page.results.push_back(parse_one(r.get_object()));
        if (page.results.back().id.empty())
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": an application has no id");
    }
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
    a.id = str(o, "id");
    a.remote_id = str(o, "remote_id");
    a.outcome = str(o, "outcome");
    a.job_id = str(o, "job_id");
    a.job_remote_id = str(o, "job_remote_id");
    a.job_name = str(o, "job_name");
    a.candidate_id = str(o, "candidate_id");
    a.candidate_remote_id = str(o, "candidate_remote_id");
    a.first_name = str(o, "first_name");
    a.last_name = str(o, "last_name");
    if (const auto *e = arr(o, "emails"))
        for (const auto &x : *e)
            if (x.is_string()) a.emails.emplace_back(x.get_string());
    if (const auto *p = arr(o, "phones"))
        for (const auto &x : *p)
            if (x.is_string()) a.phones.emplace_back(x.get_string());
    if (const auto *t = arr(o, "phone_types"))
        for (const auto &x : *t)
            a.phone_types.emplace_back(x.is_string() ? std::string(x.get_string()) : std::string());
    // Older records have no phone_types: keep the vectors parallel either way.
    a.phone_types.resize(a.phones.size());
    a.source = str(o, "source");
    a.remote_created_at = str(o, "remote_created_at");
    a.remote_updated_at = str(o, "remote_updated_at");
    a.remote_deleted_at = str(o, "remote_deleted_at");
    a.current_stage_id = str(o, "current_stage_id");
    a.current_stage_name = str(o, "current_stage_name");
    return a;
}

} // namespace ats::tracker_workable
