#include "expected.hpp"

#include "expected_person.hpp"
#include "tracker_settings.hpp"

#include <map>
#include <vector>

namespace ats::sandbox {

namespace {
// Whether the Kombo job is linked to a Tracker opportunity now: by the "Workable Job ID" custom field
// holding the Workable job id (Kombo job remote_id), or by an identical title.
json::value mapped_opportunity(World &world, const json::object &job) {
    auto &settings = world.tracker()["settings"].as_object();
    auto field = custom_field_id(settings, "Opportunity", kWorkableJobField);
    std::string remote_id = str_of(job, "remote_id");
    std::string name = str_of(job, "name");
    for (const auto &ov : world.tracker_list("opportunities")) {
        const auto &opp = ov.as_object();
        if (const json::array *custom = array_at(opp, "customfields"))
            for (const auto &cf : *custom)
                if (field && int_or(cf.as_object(), "id", -1) == *field && str_of(cf.as_object(), "value") == remote_id)
                    return opp.at("id");
    }
    for (const auto &ov : world.tracker_list("opportunities"))
        if (str_of(ov.as_object(), "name") == name) return ov.as_object().at("id");
    return nullptr;
}
} // namespace

json::object expected_end_state(World &world, const std::string &pending_status) {
    auto &truth = world.truth();
    const auto &app_person = truth["application_person"].as_object();
    std::map<std::string, json::object *> people;
    for (auto &pv : truth["people"].as_array()) people[str_of(pv.as_object(), "key")] = &pv.as_object();
    std::map<std::string, json::value> job_target;
    for (const auto &jv : world.kombo_list("jobs"))
        job_target[str_of(jv.as_object(), "id")] = mapped_opportunity(world, jv.as_object());

    json::array pending, deleted;
    std::map<std::string, json::object> expected_people;                  // person key -> entry
    std::map<std::string, std::vector<const json::object *>> synced_apps; // person key -> Kombo applications
    std::vector<std::pair<std::string, json::object>> rows;               // (person key, row) in Kombo order
    std::vector<std::string> people_order;
    for (const auto &av : world.kombo_list("applications")) {
        const auto &app = av.as_object();
        std::string app_id = str_of(app, "id");
        std::string job_id = str_of(app, "job_id");
        auto pit = app_person.find(app_id);
        std::string person_key = pit == app_person.end() ? "" : std::string(pit->value().as_string());
        json::object row{{"application_id", app_id},
                         {"candidate_id", app.at("candidate_id")},
                         {"person", person_key},
                         {"kombo_job_id", job_id},
                         {"outcome", app.at("outcome")}};
        if (!app.at("deleted_ms").is_null()) {
            deleted.push_back(std::move(row));
            continue;
        }
        const json::value &target = job_target[job_id];
        if (target.is_null()) {
            row["reason"] = "job not mapped to a Tracker opportunity";
            pending.push_back(std::move(row));
            continue;
        }
        std::string outcome = str_of(app, "outcome");
        row["tracker_opportunity_id"] = target;
        row["expected_status"] = outcome == "HIRED" ? "Accepted" : outcome == "DECLINED" ? "Declined" : pending_status;
        std::string stage = stage_name(world, app);
        row["stage"] = stage.empty() ? json::value(nullptr) : json::value(stage);
        row["expected_status_by_stage"] = status_by_stage(world, app);
        json::object *person = people.count(person_key) ? people[person_key] : nullptr;
        json::value existing = person ? person->at("tracker_resource_id") : json::value(nullptr);
        row["tracker_resource_id"] = existing;
        // A link that already existed in Tracker before the sync must be reused, not duplicated.
        json::value existing_link = nullptr;
        if (!existing.is_null())
            if (json::object *link = world.link_between(int_of(&target).value_or(-1), int_of(&existing).value_or(-1)))
                existing_link = link->at("id");
        row["existing_link_id"] = existing_link;
        auto [it, inserted] = expected_people.try_emplace(person_key);
        if (inserted) {
            people_order.push_back(person_key);
            it->second = json::object{{"person", person_key},
                                      {"first_name", person ? person->at("first_name") : json::value("")},
                                      {"last_name", person ? person->at("last_name") : json::value("")},
                                      {"tracker_resource_id", existing},
                                      {"candidate_ids", json::array{}},
                                      {"application_ids", json::array{}}};
        }
        it->second["candidate_ids"].as_array().push_back(app.at("candidate_id"));
        it->second["application_ids"].as_array().push_back(json::value(app_id));
        synced_apps[person_key].push_back(&app);
        rows.emplace_back(person_key, std::move(row));
    }
    // A person with no name on any application cannot become a Tracker resource: their
    // applications are listed apart (unsyncable), never in `applications`.
    json::array applications, unsyncable;
    std::map<std::string, bool> syncable;
    for (const auto &key : people_order) {
        auto &entry = expected_people[key];
        syncable[key] = has_name(world, synced_apps[key]);
        entry["syncable"] = syncable[key];
        if (!syncable[key]) entry["syncable_reason"] = "no name (blank or null) on any of their Workable applications";
        add_contact_expectations(world, people.count(key) ? people[key] : nullptr, synced_apps[key], entry);
    }
    for (auto &[key, row] : rows) {
        if (syncable[key]) {
            applications.push_back(std::move(row));
        } else {
            row["reason"] = "person has no name on any application";
            unsyncable.push_back(std::move(row));
        }
    }
    json::array people_out;
    for (const auto &key : people_order) people_out.push_back(std::move(expected_people[key]));
    return json::object{{"pending_status", pending_status},
                        {"people", std::move(people_out)},
                        {"applications", std::move(applications)},
                        {"pending", std::move(pending)},
                        {"deleted", std::move(deleted)},
                        {"unsyncable", std::move(unsyncable)},
                        {"notes",
                         "people: one Tracker resource per entry with syncable true (existing when "
                         "tracker_resource_id is set, otherwise created by the sync) covering exactly "
                         "candidate_ids, holding every one of emails/phones once and documents attached once "
                         "(refused_documents never); syncable false: never created; applications: one "
                         "Tracker link per row with expected_status (outcome rule) or expected_status_by_stage "
                         "(default stage rule); pending: not synced while the job is unmapped; deleted: removed "
                         "in Workable, must not be created; unsyncable: applications of people with no name"}};
}

} // namespace ats::sandbox
