#include "mutate.hpp"

#include "generator.hpp"
#include "tracker_settings.hpp"

#include <stdexcept>

namespace ats::sandbox {

namespace {
std::vector<json::object *> live_applications(World &world) {
    std::vector<json::object *> out;
    for (auto &v : world.kombo_list("applications"))
        if (v.as_object().at("deleted_ms").is_null()) out.push_back(&v.as_object());
    return out;
}

bool applied(World &world, const std::string &person, const std::string &job_id) {
    const auto &owners = world.truth()["application_person"].as_object();
    for (const auto &v : world.kombo_list("applications")) {
        const auto &app = v.as_object();
        auto it = owners.find(str_of(app, "id"));
        if (str_of(app, "job_id") == job_id && it != owners.end() && it->value().as_string() == person) return true;
    }
    return false;
}

int nameless_every(World &world) {
    return static_cast<int>(int_or(world.doc["params"].as_object(), "nameless_every", 0));
}

std::int64_t count_field(const json::object &request, const char *key) {
    auto n = int_of(request, key);
    if (field(request, key) && (!n || *n < 0))
        throw std::invalid_argument(std::string("mutate.") + key + ": expected a non-negative integer");
    return n.value_or(0);
}
} // namespace

json::object apply_mutation(World &world, VirtualClock &clock, const json::object &request) {
    static const char *const known[] = {"advance_seconds",  "set_time",         "freeze",
                                        "change_outcomes",  "add_applications", "delete_applications",
                                        "link_unmapped_job"};
    for (const auto &kv : request)
        if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return kv.key() == k; }) ==
            std::end(known))
            throw std::invalid_argument("mutate: unknown field '" + std::string(kv.key()) + "'");
    std::int64_t changes = count_field(request, "change_outcomes");
    std::int64_t additions = count_field(request, "add_applications");
    std::int64_t deletions = count_field(request, "delete_applications");
    if (const json::value *t = field(request, "set_time")) {
        auto at = t->is_string() ? parse_iso(std::string(t->as_string())) : std::nullopt;
        if (!at)
            throw std::invalid_argument("mutate.set_time: expected an ISO-8601 UTC time like 2026-03-29T00:30:00Z");
        clock.set(*at, truthy(request, "freeze"));
    } else if (field(request, "freeze") && !truthy(request, "freeze")) {
        clock.set(clock.now(), false);
    } else if (truthy(request, "freeze")) {
        clock.set(clock.now(), true);
    }
    if (auto seconds = int_of(request, "advance_seconds")) clock.advance(*seconds * 1000);

    std::int64_t mutation_no = int_or(world.doc, "mutations", 0) + 1;
    world.doc["mutations"] = mutation_no;
    Rng rng(static_cast<std::uint64_t>(int_or(world.doc["params"].as_object(), "seed", 1)) * 7919 +
            static_cast<std::uint64_t>(mutation_no) * 104729);
    const EpochMs now = clock.now();
    json::array changed, added, deleted;

    // Linking first: it is the only change that can be refused, and then nothing has changed.
    json::value linked = nullptr;
    if (const json::value *link = field(request, "link_unmapped_job"); link && !(link->is_bool() && !link->as_bool())) {
        auto &jobs_truth = world.truth()["jobs"].as_object();
        std::string wanted = link->is_string() ? std::string(link->as_string()) : "";
        for (auto &kv : jobs_truth) {
            auto &info = kv.value().as_object();
            if (str_of(info, "link") != "unmapped" || (!wanted.empty() && wanted != kv.key())) continue;
            json::object *opp = world.tracker_record("O", int_or(info, "tracker_opportunity_id", -1));
            json::object *job = world.kombo_record("jobs", std::string(kv.key()));
            if (!opp || !job) continue;
            auto field_id = custom_field_id(world.tracker()["settings"].as_object(), "Opportunity", kWorkableJobField);
            (*opp)["customfields"].as_array().push_back(
                json::object{{"id", *field_id}, {"value", str_of(*job, "remote_id")}});
            (*opp)["updated_ms"] = now;
            info["link"] = "custom_field";
            linked = json::object{{"kombo_job_id", kv.key()}, {"tracker_opportunity_id", opp->at("id")}};
            break;
        }
        if (linked.is_null())
            throw std::invalid_argument("mutate.link_unmapped_job: no unmapped job" +
                                        (wanted.empty() ? std::string() : " with id " + wanted));
    }
    // Outcome changes: PENDING -> HIRED/DECLINED, DECLINED -> PENDING (reconsidered), HIRED stays.
    for (std::int64_t n = 0; n < changes; ++n) {
        auto live = live_applications(world);
        std::vector<json::object *> changeable;
        for (auto *a : live)
            if (str_of(*a, "outcome") != "HIRED") changeable.push_back(a);
        if (changeable.empty()) break;
        json::object &app =
            *changeable[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(changeable.size()) - 1))];
        std::string before = str_of(app, "outcome");
        std::string after = before == "PENDING" ? (rng.chance(0.5) ? "HIRED" : "DECLINED") : "PENDING";
        app["outcome"] = after;
        app["rejection_reason_name"] = after == "DECLINED" ? json::value("Position filled") : json::value(nullptr);
        app["rejected_ms"] = after == "DECLINED" ? json::value(now) : json::value(nullptr);
        if (after == "HIRED")
            app["offers"] = json::array{json::object{
                {"id", kombo_id(rng)}, {"remote_id", std::to_string(rng.between(100, 999))}, {"status", "ACCEPTED"}}};
        app["updated_ms"] = now;
        app["changed_ms"] = now;
        changed.push_back(json::object{{"application_id", app.at("id")}, {"from", before}, {"to", after}});
    }
    // New applications: some from people already known (a further application by the same person,
    // new candidate record), some from new people.
    auto &people = world.truth()["people"].as_array();
    auto &jobs = world.kombo_list("jobs");
    for (std::int64_t n = 0; n < additions && !jobs.empty(); ++n) {
        json::object *person = nullptr;
        if (!people.empty() && rng.chance(0.5)) {
            json::object &candidate =
                people[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(people.size()) - 1))]
                    .as_object();
            if (str_of(candidate, "link_by") != "none") person = &candidate; // a further application needs an identity
        }
        if (!person) {
            // Created able to apply again later (an identity shared by all their applications).
            people.push_back(make_person(rng, static_cast<int>(people.size()), 2, nameless_every(world)));
            person = &people.back().as_object();
            (*person)["applications"] = 0;
        }
        const json::object &job =
            jobs[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(jobs.size()) - 1))].as_object();
        // One application per person and job: a person who already applied there is replaced by a new one.
        if (applied(world, str_of(*person, "key"), str_of(job, "id"))) {
            people.push_back(make_person(rng, static_cast<int>(people.size()), 1, nameless_every(world)));
            person = &people.back().as_object();
        }
        (*person)["applications"] = int_or(*person, "applications", 0) + 1;
        std::string id = add_workable_application(world, rng, *person, job, now, "PENDING");
        json::object *app = world.kombo_record("applications", id);
        (*app)["updated_ms"] = now;
        (*app)["changed_ms"] = now;
        added.push_back(
            json::object{{"application_id", id}, {"person", person->at("key")}, {"kombo_job_id", job.at("id")}});
    }
    for (std::int64_t n = 0; n < deletions; ++n) {
        auto live = live_applications(world);
        if (live.empty()) break;
        json::object &app = *live[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(live.size()) - 1))];
        app["deleted_ms"] = now;
        app["changed_ms"] = now;
        if (json::object *c = world.kombo_record("candidates", str_of(app, "candidate_id"))) {
            (*c)["deleted_ms"] = now;
            (*c)["changed_ms"] = now;
        }
        deleted.push_back(app.at("id"));
    }
    return json::object{{"now", iso_utc(now)},
                        {"changed", std::move(changed)},
                        {"added", std::move(added)},
                        {"deleted", std::move(deleted)},
                        {"linked", std::move(linked)}};
}

} // namespace ats::sandbox
