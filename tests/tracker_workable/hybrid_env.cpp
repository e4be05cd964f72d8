#include "hybrid_env.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "paths.hpp"

namespace json = boost::json;

namespace ats::test::hybrid {

namespace {

std::string str(const json::object &o, const char *k) { return field_text(o, k); }

void write_file(const std::string &path, const std::string &text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

} // namespace

HybridEnv::HybridEnv(EnvOptions options) : options_(std::move(options)), dir_("ats-hybrid") {
    sandbox_ = std::make_unique<Sandbox>(options_.sandbox);
    boost::filesystem::create_directories(dir_ / "manifests/secrets");
    boost::filesystem::create_directories(dir_ / "var");
    boost::filesystem::permissions(dir_ / "var", boost::filesystem::owner_all); // the host refuses a shared data dir
    write_file(dir_ / "manifests/secrets/tracker", Sandbox::kTrackerApiKey);
    write_file(dir_ / "manifests/secrets/kombo", Sandbox::kKomboApiKey);
    write_manifest(options_.max_concurrency, options_.lock_wait_ms);
}

void HybridEnv::write_manifest(int max_concurrency, int64_t lock_wait_ms) {
    auto hostport = [](int port) { return "127.0.0.1:" + std::to_string(port); };
    json::object workable{
        {"kombo", json::object{{"base_url", sandbox_->kombo_url()},
                               {"api_key", json::object{{"$secret", json::object{{"file", "secrets/kombo"}}}}},
                               {"integration_id", Sandbox::kKomboIntegrationId}}},
        {"job_mapping", json::object{{"custom_field", "Workable Job ID"}, {"by_title", true}}},
        // The sandbox's people have Ofcom drama numbers (07700 900xxx, 020 7946 0xxx) and 555-01xx:
        // a sandbox tenant counts them as identities.
        {"identity", json::object{{"fictional_numbers_are_identities", true}}},
        {"lock_wait_ms", lock_wait_ms}};
    json::object manifest{
        {"tenant_id", tenant_},
        {"provider", "tracker_workable"},
        {"provider_config",
         json::object{
             {"base_url", sandbox_->tracker_url()},
             {"auth", json::object{{"method", "api_key"},
                                   {"api_key", json::object{{"$secret", json::object{{"file", "secrets/tracker"}}}}}}},
             {"timezone", options_.manifest_timezone},
             {"default_phone_region", "GB"},
             {"statuses", json::object{{"pending", options_.pending_status}}},
             {"page_size", 500},
             {"workable", std::move(workable)}}},
        {"host", json::object{{"egress_allow", json::array{json::value(hostport(sandbox_->tracker_port())),
                                                           json::value(hostport(sandbox_->kombo_port()))}},
                              {"max_concurrency", max_concurrency}}}};
    if (options_.kombo_page_size > 0)
        manifest["provider_config"].at("workable").at("kombo").as_object()["page_size"] = options_.kombo_page_size;
    if (options_.job_mapping_refresh_seconds >= 0)
        manifest["provider_config"].at("workable").at("job_mapping").as_object()["refresh_seconds"] =
            options_.job_mapping_refresh_seconds;
    for (const auto &kv : options_.job_mapping_extra)
        manifest["provider_config"].at("workable").at("job_mapping").as_object()[kv.key()] = kv.value();
    if (!options_.cvs) manifest["provider_config"].at("workable").as_object()["cvs"] = json::object{{"enabled", false}};
    for (const auto &kv : options_.workable_extra)
        manifest["provider_config"].at("workable").as_object()[kv.key()] = kv.value();
    if (options_.tracker_timeout_ms > 0)
        manifest["provider_config"].as_object()["request_timeout_ms"] = options_.tracker_timeout_ms;
    for (const auto &kv : options_.host_extra) manifest["host"].as_object()[kv.key()] = kv.value();
    write_file(dir_ / ("manifests/" + tenant_ + ".json"), json::serialize(manifest));
}

void HybridEnv::set_job_mapping_extra(json::object extra) {
    options_.job_mapping_extra = std::move(extra);
    write_manifest(options_.max_concurrency, options_.lock_wait_ms);
}

std::string HybridEnv::lock_file(const std::string &name) const {
    return dir_ / ("var/locks/" + tenant_ + "." + name + ".lock");
}

std::vector<std::string> HybridEnv::host_argv(const std::vector<std::string> &command) const {
    return ats_host_argv(plugins_dir(), dir_ / "manifests", dir_ / "var", dir_ / "host.log", command);
}

ProcessResult HybridEnv::sync(bool full, std::chrono::milliseconds timeout) {
    std::vector<std::string> cmd = {"sync", "--tenant", tenant_};
    if (full) cmd.push_back("--full");
    return run_process(host_argv(cmd), {}, timeout);
}

std::unique_ptr<ChildProcess> HybridEnv::start_sync() const {
    return std::make_unique<ChildProcess>(host_argv({"sync", "--tenant", tenant_}));
}

json::object parse_summary(const ProcessResult &r) {
    if (r.exit_code != 0)
        throw std::runtime_error("ats-host sync exited " + std::to_string(r.exit_code) + " (signal " +
                                 std::to_string(r.signal) + "): " + r.err.substr(0, 2000));
    std::string last;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) last = line;
    json::value v = json::parse(last);
    return v.as_object();
}

std::vector<std::string> verify_against_expected(Sandbox &sandbox, const std::string &pending_status) {
    VerifyOptions options;
    options.pending_status = pending_status;
    return verify_against_expected(sandbox, options);
}

std::vector<std::string> verify_against_expected(Sandbox &sandbox, const VerifyOptions &options) {
    const std::string &pending_status = options.pending_status;
    const char *status_field = options.statuses_by_stage ? "expected_status_by_stage" : "expected_status";
    std::vector<std::string> problems;
    json::object state = sandbox.admin_get("state").as_object();
    json::object expected = sandbox.admin_get("expected?pending_status=" + pending_status).as_object();
    const json::object &tracker = state.at("tracker").as_object();

    std::map<int64_t, std::string> status_name;
    for (const auto &s : tracker.at("settings").at("opportunityResourceStatuses").as_array())
        status_name[s.at("Id").to_number<int64_t>()] = str(s.as_object(), "Name");

    std::map<std::string, const json::object *> resources;
    for (const auto &r : tracker.at("resources").as_array()) resources[str(r.as_object(), "id")] = &r.as_object();
    // (resource, opportunity) -> link rows
    std::map<std::pair<std::string, std::string>, std::vector<const json::object *>> links;
    std::map<std::string, std::set<std::string>> opps_of_resource;
    for (const auto &l : tracker.at("links").as_array()) {
        const auto &o = l.as_object();
        links[{str(o, "resourceid"), str(o, "opportunityid")}].push_back(&o);
        opps_of_resource[str(o, "resourceid")].insert(str(o, "opportunityid"));
    }
    for (const auto &[key, rows] : links)
        if (rows.size() > 1)
            problems.push_back("duplicate application: resource " + key.first + " on opportunity " + key.second +
                               " has " + std::to_string(rows.size()) + " links");

    // Expected applications by person.
    std::map<std::string, std::vector<const json::object *>> apps_of_person;
    for (const auto &a : expected.at("applications").as_array())
        apps_of_person[str(a.as_object(), "person")].push_back(&a.as_object());

    // Applications deleted in Workable after they were synced stay in Tracker (never deleted there):
    // their links are allowed, nothing else beyond the expected ones.
    std::map<std::string, std::set<std::string>> deleted_opps_of_person;
    const json::object &truth_jobs = state.at("truth").at("jobs").as_object();
    for (const auto &d : expected.at("deleted").as_array()) {
        auto it = truth_jobs.find(str(d.as_object(), "kombo_job_id"));
        if (it != truth_jobs.end())
            deleted_opps_of_person[str(d.as_object(), "person")].insert(
                str(it->value().as_object(), "tracker_opportunity_id"));
    }
    std::map<std::string, std::string> person_of_resource;

    // Resources that existed before the sync: those the truth names, and those no expected person
    // maps to. New people must each be exactly one resource created by the sync.
    std::set<std::string> used_resources, matched_links;
    for (const auto &pv : expected.at("people").as_array()) {
        const auto &p = pv.as_object();
        const std::string person = str(p, "person");
        // No name on any application: must not be created (a resource made for them has no
        // expected person and is reported below as created for nobody).
        if (p.contains("syncable") && !p.at("syncable").as_bool()) continue;
        std::string rid = str(p, "tracker_resource_id");
        std::set<std::string> want_opps;
        for (const auto *a : apps_of_person[person]) want_opps.insert(str(*a, "tracker_opportunity_id"));
        if (rid.empty()) {
            // Find the created resource: same name, linked to exactly these opportunities (a person
            // may also have none of the other people's jobs, so the pair identifies them).
            std::vector<std::string> candidates;
            for (const auto &[id, r] : resources) {
                if (used_resources.count(id) || str(*r, "source") != "Workable") continue; // made by the sync
                if (str(*r, "firstname") != str(p, "first_name") || str(*r, "lastname") != str(p, "last_name"))
                    continue;
                const auto &have = opps_of_resource[id];
                bool covers = std::includes(have.begin(), have.end(), want_opps.begin(), want_opps.end());
                bool extra_ok = true;
                for (const auto &o : have)
                    if (!want_opps.count(o) && !deleted_opps_of_person[person].count(o)) extra_ok = false;
                if (covers && extra_ok && !have.empty()) candidates.push_back(id);
            }
            if (candidates.empty()) {
                problems.push_back("person " + person + " (" + str(p, "first_name") + " " + str(p, "last_name") +
                                   "): no single Tracker resource holds exactly their " +
                                   std::to_string(want_opps.size()) + " application(s)");
                continue;
            }
            rid = candidates.front();
        }
        used_resources.insert(rid);
        person_of_resource[rid] = person;
        for (const auto *a : apps_of_person[person]) {
            const std::string opp = str(*a, "tracker_opportunity_id");
            auto it = links.find({rid, opp});
            if (it == links.end()) {
                problems.push_back("application " + str(*a, "application_id") + " missing: no link of resource " + rid +
                                   " on opportunity " + opp);
                continue;
            }
            matched_links.insert(str(*it->second.front(), "id"));
            std::string got = status_name[it->second.front()->at("statusid").to_number<int64_t>()];
            if (got != str(*a, status_field))
                problems.push_back("application " + str(*a, "application_id") + " (link " +
                                   str(*it->second.front(), "id") + "): status '" + got + "', expected '" +
                                   str(*a, status_field) + "'");
        }
        for (auto &problem : verify_person_details(state, p, rid, options)) problems.push_back(std::move(problem));
    }
    // Nothing else was created: every resource and link the sync made (source "Workable") belongs
    // to an expected person / application. (expected.existing_link_id cannot be used after the
    // sync: it is computed from the current state, where the sync's own links already exist.)
    // A person whose every application was deleted after the sync still has their resource.
    std::map<std::string, std::set<std::string>> deleted_opps_of_name;
    for (const auto &pv : state.at("truth").at("people").as_array()) {
        const auto &p = pv.as_object();
        auto it = deleted_opps_of_person.find(str(p, "key"));
        if (it != deleted_opps_of_person.end())
            deleted_opps_of_name[str(p, "first_name") + " " + str(p, "last_name")].insert(it->second.begin(),
                                                                                          it->second.end());
    }
    for (const auto &[id, r] : resources) {
        if (str(*r, "source") != "Workable" || used_resources.count(id)) continue;
        const auto &allowed = deleted_opps_of_name[str(*r, "firstname") + " " + str(*r, "lastname")];
        bool only_deleted = !opps_of_resource[id].empty();
        for (const auto &o : opps_of_resource[id]) only_deleted = only_deleted && allowed.count(o);
        if (only_deleted) {
            used_resources.insert(id);
            person_of_resource[id] = "deleted:" + id;
            for (const auto &o : opps_of_resource[id]) deleted_opps_of_person["deleted:" + id].insert(o);
        }
    }
    if (!options.unsyncable) {
        // A plugin that predates the rule creates nameless people: tolerated unless asked for.
        std::set<std::string> unsyncable_opps;
        if (expected.contains("unsyncable"))
            for (const auto &u : expected.at("unsyncable").as_array()) {
                auto it = truth_jobs.find(str(u.as_object(), "kombo_job_id"));
                if (it != truth_jobs.end())
                    unsyncable_opps.insert(str(it->value().as_object(), "tracker_opportunity_id"));
            }
        for (const auto &[id, r] : resources) {
            std::string name = str(*r, "firstname") + str(*r, "lastname");
            if (str(*r, "source") != "Workable" || used_resources.count(id) ||
                name.find_first_not_of(' ') != std::string::npos)
                continue;
            bool only_unsyncable = !opps_of_resource[id].empty();
            for (const auto &o : opps_of_resource[id]) only_unsyncable = only_unsyncable && unsyncable_opps.count(o);
            if (!only_unsyncable) continue;
            used_resources.insert(id);
            person_of_resource[id] = "unsyncable:" + id;
            for (const auto &o : opps_of_resource[id]) deleted_opps_of_person["unsyncable:" + id].insert(o);
        }
    }
    for (const auto &[id, r] : resources)
        if (str(*r, "source") == "Workable" && !used_resources.count(id))
            problems.push_back("resource " + id + " (" + str(*r, "firstname") + " " + str(*r, "lastname") +
                               ") was created but belongs to no expected person");
    for (const auto &l : tracker.at("links").as_array()) {
        const auto &o = l.as_object();
        auto owner = person_of_resource.find(str(o, "resourceid"));
        if (owner != person_of_resource.end() && deleted_opps_of_person[owner->second].count(str(o, "opportunityid")))
            continue; // synced before Workable deleted it: kept, as it must be
        if (str(o, "source") == "Workable" && !matched_links.count(str(o, "id")))
            problems.push_back("link " + str(o, "id") + " (resource " + str(o, "resourceid") + ", opportunity " +
                               str(o, "opportunityid") + ") was created but is no expected application " +
                               "(pending, deleted and unsyncable applications must not be created)");
    }
    return problems;
}

int64_t kombo_non_get_requests(Sandbox &sandbox) {
    json::object c = sandbox.admin_get("counters").as_object();
    int64_t n = c.at("kombo_write_violations").to_number<int64_t>();
    for (const auto &row : c.at("counters").as_array())
        if (str(row.as_object(), "service") == "kombo" && str(row.as_object(), "method") != "GET")
            n += row.at("count").to_number<int64_t>();
    return n;
}

std::map<std::string, int64_t> tracker_requests_by_method(Sandbox &sandbox) {
    std::map<std::string, int64_t> out;
    json::object c = sandbox.admin_get("counters").as_object();
    for (const auto &row : c.at("counters").as_array())
        if (str(row.as_object(), "service") == "tracker")
            out[str(row.as_object(), "endpoint")] += row.at("count").to_number<int64_t>();
    return out;
}

int64_t total_tracker_requests(Sandbox &sandbox) {
    int64_t n = 0;
    for (const auto &[k, v] : tracker_requests_by_method(sandbox)) n += v;
    return n;
}

int64_t tracker_requests_of(Sandbox &sandbox, std::initializer_list<const char *> methods) {
    auto by = tracker_requests_by_method(sandbox);
    int64_t n = 0;
    for (const char *m : methods) n += by[m];
    return n;
}

int64_t tracker_sync_writes(Sandbox &sandbox) {
    return tracker_requests_of(sandbox, {"createResource", "resourceApplication", "updateRecord"});
}

EnvOptions sized_world(int seed, int jobs, int applications, int people, int tracker_people) {
    EnvOptions o;
    o.sandbox.seed = seed;
    o.sandbox.jobs = jobs;
    o.sandbox.applications = applications;
    o.sandbox.people = people;
    o.sandbox.tracker_people = tracker_people;
    return o;
}

int64_t num(const boost::json::value &v) { return v.to_number<int64_t>(); }

} // namespace ats::test::hybrid
