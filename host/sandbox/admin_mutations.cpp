#include "admin_mutations.hpp"

#include "tracker_settings.hpp"

#include <algorithm>
#include <stdexcept>

namespace ats::sandbox {

namespace {
[[noreturn]] void bad(const std::string &what) { throw std::invalid_argument(what); }

void only_known(const json::object &request, const char *endpoint, std::initializer_list<const char *> known) {
    for (const auto &kv : request)
        if (std::none_of(known.begin(), known.end(), [&](const char *k) { return kv.key() == k; }))
            bad(std::string(endpoint) + ": unknown field '" + std::string(kv.key()) + "'");
}

std::string stage_id_named(World &world, const std::string &name) {
    std::string names;
    for (const auto &s : world.kombo_list("stages")) {
        if (str_of(s.as_object(), "name") == name) return str_of(s.as_object(), "id");
        names += (names.empty() ? "" : ", ") + str_of(s.as_object(), "name");
    }
    bad("workable/application.stage: no stage named '" + name + "' (stages: " + names + ")");
}

json::object &tracker_resource(World &world, const json::object &request, const char *endpoint) {
    auto id = int_of(request, "resource_id");
    json::object *r = id ? world.tracker_record("R", *id) : nullptr;
    if (!r) bad(std::string(endpoint) + ".resource_id: no such Tracker resource");
    return *r;
}
} // namespace

json::object change_workable_application(World &world, EpochMs now, const json::object &request) {
    only_known(request, "workable/application",
               {"application_id", "stage", "outcome", "first_name", "last_name", "source", "add_email", "add_phone",
                "backdate_seconds"});
    json::object *app = world.kombo_record("applications", str_of(request, "application_id"));
    if (!app) bad("workable/application.application_id: no such Kombo application");
    std::int64_t backdate = int_or(request, "backdate_seconds", 0);
    if (backdate < 0) bad("workable/application.backdate_seconds: expected a non-negative integer");
    const EpochMs at = now - backdate * 1000;
    json::object &a = *app;
    if (field(request, "outcome")) {
        std::string outcome = str_of(request, "outcome");
        if (outcome != "PENDING" && outcome != "HIRED" && outcome != "DECLINED")
            bad("workable/application.outcome: PENDING, HIRED or DECLINED");
        a["outcome"] = outcome;
        a["rejection_reason_name"] = outcome == "DECLINED" ? json::value("Position filled") : json::value(nullptr);
        a["rejected_ms"] = outcome == "DECLINED" ? json::value(at) : json::value(nullptr);
        if (outcome == "HIRED" && !field(request, "stage")) a["current_stage_id"] = stage_id_named(world, "Hired");
    }
    if (field(request, "stage")) a["current_stage_id"] = stage_id_named(world, str_of(request, "stage"));
    a["updated_ms"] = at;
    a["changed_ms"] = at;
    // Candidate fields: Kombo's updated_after also matches an application whose candidate changed.
    json::object *c = world.kombo_record("candidates", str_of(a, "candidate_id"));
    bool candidate_changed = false;
    for (const char *key : {"first_name", "last_name", "source"})
        if (const json::value *v = field(request, key)) {
            if (!v->is_string() && !v->is_null())
                bad(std::string("workable/application.") + key + ": a string or null");
            (*c)[key] = *v;
            candidate_changed = true;
        }
    if (const json::object *e = object_at(request, "add_email")) {
        if (str_of(*e, "email_address").empty()) bad("workable/application.add_email.email_address is required");
        (*c)["email_addresses"].as_array().push_back(
            json::object{{"email_address", str_of(*e, "email_address")},
                         {"type", field(*e, "type") ? e->at("type") : json::value(nullptr)}});
        candidate_changed = true;
    }
    if (const json::object *p = object_at(request, "add_phone")) {
        if (str_of(*p, "phone_number").empty()) bad("workable/application.add_phone.phone_number is required");
        (*c)["phone_numbers"].as_array().push_back(
            json::object{{"phone_number", str_of(*p, "phone_number")},
                         {"type", field(*p, "type") ? p->at("type") : json::value(nullptr)}});
        candidate_changed = true;
        // The truth says which numbers parse: a valid one given here is the person's E.164 number.
        if (truthy(*p, "valid")) {
            if (str_of(*p, "e164").empty()) bad("workable/application.add_phone.e164 is required with valid: true");
            auto &owners = world.truth()["application_person"].as_object();
            for (auto &pv : world.truth()["people"].as_array())
                if (owners.contains(str_of(a, "id")) &&
                    str_of(pv.as_object(), "key") == owners.at(str_of(a, "id")).as_string())
                    pv.as_object()["valid_phones"].as_array().push_back(json::value(str_of(*p, "e164")));
        }
    }
    if (candidate_changed) {
        (*c)["updated_ms"] = at;
        (*c)["changed_ms"] = at;
    }
    return json::object{{"application_id", a.at("id")},
                        {"changed_at", iso_utc(at)},
                        {"outcome", a.at("outcome")},
                        {"current_stage_id", a.at("current_stage_id")},
                        {"candidate_changed", candidate_changed}};
}

json::object set_tracker_link_status(World &world, EpochMs tracker_now, const json::object &request) {
    only_known(request, "tracker/link_status", {"link_id", "resource_id", "opportunity_id", "status"});
    json::object *link = nullptr;
    if (auto id = int_of(request, "link_id"))
        link = world.tracker_record("OR", *id);
    else if (auto res = int_of(request, "resource_id"), opp = int_of(request, "opportunity_id"); res && opp)
        link = world.link_between(*opp, *res);
    if (!link) bad("tracker/link_status: no such link (give link_id, or resource_id and opportunity_id)");
    auto status = settings_id_by_name(world.tracker()["settings"].as_object(), "opportunityResourceStatuses",
                                      str_of(request, "status"));
    if (!status) bad("tracker/link_status.status: not an opportunityResourceStatuses name");
    (*link)["statusid"] = *status;
    (*link)["updated_ms"] = tracker_now;
    return json::object{{"link_id", link->at("id")}, {"statusid", *status}, {"status", str_of(request, "status")}};
}

json::object set_tracker_resource_field(World &world, EpochMs tracker_now, const json::object &request) {
    only_known(request, "tracker/resource_field", {"resource_id", "field", "custom_field", "value"});
    json::object &r = tracker_resource(world, request, "tracker/resource_field");
    std::string value = str_of(request, "value");
    if (field(request, "custom_field")) {
        auto id = custom_field_id(world.tracker()["settings"].as_object(), "Resource", str_of(request, "custom_field"));
        if (!id) bad("tracker/resource_field.custom_field: no Resource custom field of that name");
        auto &custom = r["customfields"].as_array();
        auto it = std::find_if(custom.begin(), custom.end(),
                               [&](const json::value &v) { return int_or(v.as_object(), "id", -1) == *id; });
        if (it != custom.end())
            it->as_object()["value"] = value;
        else
            custom.push_back(json::object{{"id", *id}, {"value", value}});
    } else {
        static const char *const fields[] = {"email",     "mobiletelephone", "worktelephone", "hometelephone",
                                             "firstname", "lastname",        "jobtitle",      "companyname",
                                             "source",    "linkedin"};
        std::string name = str_of(request, "field");
        if (std::find(std::begin(fields), std::end(fields), name) == std::end(fields))
            bad("tracker/resource_field.field: one of email, mobiletelephone, worktelephone, hometelephone, firstname, "
                "lastname, jobtitle, companyname, source, linkedin (or custom_field)");
        r[name] = value;
    }
    r["updated_ms"] = tracker_now;
    world.reindex_resource(int_or(r, "id", -1));
    return json::object{{"resource_id", r.at("id")}, {"value", value}};
}

json::object set_tracker_document_field(World &world, EpochMs tracker_now, const json::object &request) {
    only_known(request, "tracker/document_field", {"document_id", "field", "value"});
    auto id = int_of(request, "document_id");
    json::object *d = id ? world.tracker_record("D", *id) : nullptr;
    if (!d) bad("tracker/document_field.document_id: no such Tracker document");
    std::string name = str_of(request, "field");
    if (name != "contenttype" && name != "filename") bad("tracker/document_field.field: one of contenttype, filename");
    // Stored as given, control characters included: the point is to see what readers do with it.
    std::string value = str_of(request, "value");
    (*d)[name] = value;
    (*d)["updated_ms"] = tracker_now;
    return json::object{{"document_id", d->at("id")}, {"value", value}};
}

} // namespace ats::sandbox
