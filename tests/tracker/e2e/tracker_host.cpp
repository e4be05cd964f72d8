#include "tracker_host.hpp"

#include "kombo_check.hpp"

#include "paths.hpp"
#include "process.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#ifndef ATS_AJV_NODE_MODULES
#error "ATS_AJV_NODE_MODULES must be defined by CMake"
#endif

namespace ats::test::tracker {

const bj::object &CallResult::one() const {
    if (records.size() != 1 || !records[0].is_object())
        throw std::runtime_error("expected exactly one result record, got " + std::to_string(records.size()) +
                                 "; stderr: " + err);
    return records[0].get_object();
}

std::string CallResult::error_code() const {
    if (auto it = error.find("code"); it != error.end() && it->value().is_string())
        return std::string(it->value().get_string());
    return {};
}

// The error line's "retryable" verdict; false when absent (a missing field must not pass as true).
bool CallResult::error_retryable() const {
    auto it = error.find("retryable");
    return it != error.end() && it->value().is_bool() && it->value().get_bool();
}

std::string CallResult::error_message() const {
    if (auto it = error.find("message"); it != error.end() && it->value().is_string())
        return std::string(it->value().get_string());
    return {};
}

TrackerHost::TrackerHost(Sandbox &sandbox, TenantOptions options) : sandbox_(sandbox), dir_("tracker-e2e") {
    boost::filesystem::create_directories(dir_.str() + "/manifests");
    boost::filesystem::create_directories(dir_.str() + "/data");
    boost::filesystem::permissions(dir_.str() + "/data",
                                   boost::filesystem::owner_all); // the host refuses a shared data dir
    write_manifest(options);
}

void TrackerHost::write_manifest(const TenantOptions &options) {
    options_ = options;
    bj::object auth{{"method", options.auth_method}};
    if (options.auth_method == "api_key")
        auth["api_key"] = bj::object{{"$secret", bj::object{{"env", "ATS_TEST_TRACKER_API_KEY"}}}};
    if (options.auth_method == "password") {
        auth["username"] = Sandbox::kTrackerUsername;
        auth["password"] = bj::object{{"$secret", bj::object{{"env", "ATS_TEST_TRACKER_PASSWORD"}}}};
    }
    if (options.auth_method == "oauth2") {
        auth["client_id"] = "EvoApi_1.0";
        auth["refresh_token"] = bj::object{{"$secret", bj::object{{"env", "ATS_TEST_TRACKER_REFRESH_TOKEN"}}}};
    }
    bj::object cfg{{"base_url", sandbox_.tracker_url()}, {"auth", std::move(auth)}};
    if (options.page_size) cfg["page_size"] = options.page_size;
    if (!options.timezone.empty()) cfg["timezone"] = options.timezone;
    for (const auto &kv : options.extra_config) cfg[kv.key()] = kv.value();
    bj::object manifest{
        {"tenant_id", tenant_},
        {"provider", "tracker"},
        {"provider_config", std::move(cfg)},
        {"host", bj::object{{"egress_allow", bj::array{"127.0.0.1:" + std::to_string(sandbox_.tracker_port())}},
                            {"max_concurrency", 4},
                            {"http_timeout_ms", 10000},
                            {"retry", bj::object{{"max_attempts", options.max_attempts},
                                                 {"base_delay_ms", 10},
                                                 {"max_wait_ms", 2000}}}}}};
    for (const auto &kv : options.host_extra) manifest["host"].as_object()[kv.key()] = kv.value();
    std::ofstream f(dir_.str() + "/manifests/" + tenant_ + ".json", std::ios::trunc);
    f << bj::serialize(manifest);
}

std::vector<std::string> TrackerHost::argv(std::vector<std::string> args) const {
    return ats_host_argv(plugins_dir(), dir_.str() + "/manifests", data_dir(), dir_.str() + "/host.log", args);
}

std::map<std::string, std::string> TrackerHost::env() const {
    std::map<std::string, std::string> e{{"ATS_TEST_TRACKER_API_KEY", options_.api_key},
                                         {"ATS_TEST_TRACKER_PASSWORD", options_.password},
                                         {"ATS_TEST_TRACKER_REFRESH_TOKEN", options_.refresh_token}};
    for (const auto &[k, v] : options_.env_extra) e[k] = v;
    return e;
}

std::vector<std::string> TrackerHost::call_argv(const std::string &operation, const bj::object &args) const {
    return argv({"call", "--tenant", tenant_, operation, "--args", bj::serialize(args)});
}

CallResult TrackerHost::run(std::vector<std::string> args) {
    ProcessResult p = run_process(argv(std::move(args)), env(), std::chrono::seconds(90));
    CallResult r;
    r.exit_code = p.exit_code;
    r.out = p.out;
    r.err = p.err;
    std::istringstream lines(p.out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) r.records.push_back(bj::parse(line));
    std::istringstream errs(p.err);
    for (std::string line; std::getline(errs, line);) {
        boost::system::error_code ec;
        bj::value v = bj::parse(line, ec);
        if (!ec && v.is_object() && v.get_object().contains("error") && v.get_object().at("error").is_object())
            r.error = v.get_object().at("error").get_object();
    }
    return r;
}

CallResult TrackerHost::call(const std::string &operation, const bj::object &args, const std::string &output_file,
                             const std::vector<std::string> &flags) {
    std::vector<std::string> a{"call", "--tenant", tenant_, operation, "--args", bj::serialize(args)};
    if (!output_file.empty()) {
        a.push_back("--output");
        a.push_back(output_file);
    }
    a.insert(a.end(), flags.begin(), flags.end());
    return run(a);
}

CallResult TrackerHost::check() { return run({"check", "--tenant", tenant_}); }

bj::object tracker_state(Sandbox &sandbox) {
    bj::value s = sandbox.admin_get("state");
    return s.at("tracker").as_object();
}

const bj::object *find_by_id(const bj::object &tracker, const char *collection, int64_t id) {
    for (const auto &v : tracker.at(collection).as_array())
        if (as_int(v.at("id")) == id) return &v.as_object();
    return nullptr;
}

std::optional<bj::object> record_in(Sandbox &sandbox, const char *collection, int64_t id) {
    bj::object s = tracker_state(sandbox);
    if (const bj::object *r = find_by_id(s, collection, id)) return *r;
    return std::nullopt;
}

std::map<std::string, int64_t> tracker_counts(Sandbox &sandbox) {
    std::map<std::string, int64_t> out;
    bj::value c = sandbox.admin_get("counters");
    for (const auto &row : c.at("counters").as_array()) {
        const auto &o = row.as_object();
        if (o.at("service").as_string() != "tracker") continue;
        out[std::string(o.at("endpoint").as_string())] += as_int(o.at("count"));
    }
    return out;
}

int64_t total(const std::map<std::string, int64_t> &counts) {
    int64_t n = 0;
    for (const auto &kv : counts) n += kv.second;
    return n;
}

std::string describe(const std::map<std::string, int64_t> &counts) {
    std::string s;
    for (const auto &[k, v] : counts) s += (s.empty() ? "" : ", ") + k + " " + std::to_string(v);
    return s.empty() ? "none" : s;
}

void reset_counters(Sandbox &sandbox) { sandbox.admin_post("reset", bj::object{}); }

std::string schema_errors(const std::string &schema, const std::vector<bj::value> &records) {
    std::string input;
    for (const auto &r : records) input += bj::serialize(r) + "\n";
    ProcessResult p = run_process(
        {"node", source_dir() + "/tests/tracker/e2e/validate_records.js", source_dir() + "/plugin_api/schema", schema},
        {{"NODE_PATH", ATS_AJV_NODE_MODULES}}, std::chrono::seconds(60), input);
    std::string errors = p.exit_code == 0 ? "" : "ajv (" + std::to_string(p.exit_code) + "): " + p.out + p.err;
    // The unified records are Kombo records: every kind Kombo knows must pass its item schema too.
    if (is_kombo_kind(schema)) errors += kombo_item_errors(schema, input);
    return errors;
}

int64_t as_int(const bj::value &v) {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
    if (v.is_string()) return std::stoll(std::string(v.get_string()));
    if (v.is_double()) return static_cast<int64_t>(v.get_double());
    throw std::runtime_error("not an integer: " + bj::serialize(v));
}

std::string str(const bj::object &o, const char *key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

} // namespace ats::test::tracker

namespace ats::test::tracker {

int64_t make_link(Sandbox &sandbox, int64_t resource_id, int64_t opportunity_id) {
    bj::value r =
        sandbox.tracker("resourceApplication", bj::object{{"instructions", bj::object{{"opportunityid", opportunity_id},
                                                                                      {"resourceid", resource_id},
                                                                                      {"assigntolist", "long"},
                                                                                      {"source", "Setup"}}}});
    int64_t status = as_int(r.at("status"));
    if (status != 0 && status != 3) throw std::runtime_error("setup resourceApplication failed: " + bj::serialize(r));
    return as_int(r.at("recordId"));
}

std::vector<int64_t> free_resources(const bj::object &tracker, int64_t opportunity) {
    std::vector<int64_t> out;
    for (const auto &[r, o] : unlinked_pairs(tracker))
        if (o == opportunity) out.push_back(r);
    return out;
}

std::vector<int64_t> resources_without(const bj::object &tracker, const char *collection) {
    std::set<int64_t> used;
    for (const auto &d : tracker.at(collection).as_array())
        if (d.at("linkrecordtype").as_string() == "R") used.insert(as_int(d.at("linkrecordid")));
    std::vector<int64_t> out;
    for (int64_t r : ids_of(tracker, "resources"))
        if (!used.count(r)) out.push_back(r);
    return out;
}

std::vector<std::pair<int64_t, int64_t>> unlinked_pairs(const bj::object &tracker) {
    std::set<std::pair<int64_t, int64_t>> linked;
    for (const auto &l : tracker.at("links").as_array())
        linked.insert({as_int(l.at("resourceid")), as_int(l.at("opportunityid"))});
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int64_t r : ids_of(tracker, "resources"))
        for (int64_t o : ids_of(tracker, "opportunities"))
            if (!linked.count({r, o})) out.emplace_back(r, o);
    return out;
}

std::vector<int64_t> ids_of(const bj::object &tracker, const char *collection) {
    std::vector<int64_t> out;
    for (const auto &v : tracker.at(collection).as_array()) out.push_back(as_int(v.at("id")));
    return out;
}

std::map<std::string, int64_t> link_status_ids(const bj::object &tracker) {
    std::map<std::string, int64_t> out;
    for (const auto &s : tracker.at("settings").at("opportunityResourceStatuses").as_array())
        out[std::string(s.at("Name").as_string())] = as_int(s.at("Id"));
    return out;
}

} // namespace ats::test::tracker
