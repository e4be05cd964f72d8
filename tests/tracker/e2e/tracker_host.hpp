// tracker_host.hpp - runs `ats-host call` for a `tracker` tenant wired to a test's sandbox, and
// reads the sandbox's state and request counters (the evidence the tests check).
#pragma once

#include "sandbox_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ats::test::tracker {

namespace bj = boost::json;

struct CallResult {
    int exit_code = -1;
    std::vector<bj::value> records; // stdout NDJSON
    bj::object error;               // stderr {"error":{...}} ("code", "kind", "message") or {}
    std::string out, err;

    const bj::object &one() const; // the single result record (throws when there is not exactly one)
    std::string error_code() const;
    std::string error_message() const;
    bool error_retryable() const;
};

struct TenantOptions {
    std::string auth_method = "api_key"; // api_key | password | oauth2
    std::string api_key = Sandbox::kTrackerApiKey;
    std::string password = Sandbox::kTrackerPassword;
    std::string refresh_token = Sandbox::kTrackerRefreshToken;
    int page_size = 0;    // 0: provider default
    int max_attempts = 3; // host retry policy
    std::string timezone; // "" = provider default (Europe/London)
    bj::object extra_config;
    bj::object host_extra;                        // merged into the manifest's host policy (e.g. state_key)
    std::map<std::string, std::string> env_extra; // added to every process's environment (e.g. ATS_STATE_URL)
};

class TrackerHost {
public:
    TrackerHost(Sandbox &sandbox, TenantOptions options = {});

    // `ats-host call --tenant T OP --args JSON [--output FILE] [flags...]`.
    CallResult call(const std::string &operation, const bj::object &args = {}, const std::string &output_file = "",
                    const std::vector<std::string> &flags = {});
    // `ats-host check --tenant T`.
    CallResult check();
    // The argv and environment of `call` (to run several processes at once with ChildProcess).
    std::vector<std::string> call_argv(const std::string &operation, const bj::object &args = {}) const;
    std::map<std::string, std::string> env() const;

    const std::string &tenant() const { return tenant_; }
    std::string data_dir() const { return dir_.str() + "/data"; }
    std::string path(const std::string &name) const { return dir_.str() + "/" + name; }
    // Rewrites the manifest (e.g. another refresh token) keeping the data dir.
    void write_manifest(const TenantOptions &options);

private:
    CallResult run(std::vector<std::string> args);
    std::vector<std::string> argv(std::vector<std::string> args) const;
    Sandbox &sandbox_;
    TempDir dir_;
    std::string tenant_ = "tracker-test";
    TenantOptions options_;
};

// The sandbox's Tracker collections (GET /_sandbox/state).
bj::object tracker_state(Sandbox &sandbox);
const bj::object *find_by_id(const bj::object &tracker_state, const char *collection, int64_t id);
// A copy of one record of the sandbox's current Tracker state; nullopt when absent.
std::optional<bj::object> record_in(Sandbox &sandbox, const char *collection, int64_t id);
// Tracker requests by endpoint (method name), summed over statuses, since the last reset_counters.
std::map<std::string, int64_t> tracker_counts(Sandbox &sandbox);
int64_t total(const std::map<std::string, int64_t> &counts);
std::string describe(const std::map<std::string, int64_t> &counts);
// Clears counters, the write log, faults and the sandbox clock (data stays).
void reset_counters(Sandbox &sandbox);

// Validates each record against plugin_api/schema/<schema>.schema.json with ajv (JSON Schema
// 2020-12). Returns "" when all are valid, else ajv's errors.
std::string schema_errors(const std::string &schema, const std::vector<bj::value> &records);

int64_t as_int(const bj::value &v);
std::string str(const bj::object &o, const char *key);

} // namespace ats::test::tracker

namespace ats::test::tracker {
// Test setup straight through the sandbox's Widget API (not through the code under test). When the
// pair is linked already, the existing link's id (Tracker answers status 3 with its recordId).
int64_t make_link(Sandbox &sandbox, int64_t resource_id, int64_t opportunity_id);
// (resource, opportunity) pairs with no link yet in the state, resource-major order.
std::vector<std::pair<int64_t, int64_t>> unlinked_pairs(const bj::object &tracker_state);
// Resources with no link on `opportunity` yet.
std::vector<int64_t> free_resources(const bj::object &tracker_state, int64_t opportunity);
// Resources that no record of `collection` ("documents", "activities") is linked to.
std::vector<int64_t> resources_without(const bj::object &tracker_state, const char *collection);
// Ids of a collection in the sandbox state, in stored order.
std::vector<int64_t> ids_of(const bj::object &tracker_state, const char *collection);
// getSettings opportunityResourceStatuses: name -> id.
std::map<std::string, int64_t> link_status_ids(const bj::object &tracker_state);
} // namespace ats::test::tracker
