// hybrid_env.hpp - what every tracker_workable end-to-end test needs: a sandbox (ats-sandbox on
// ephemeral ports), a demo-like tenant manifest pointing at it (secrets by file reference), a data
// folder for the host's state, and `ats-host sync` run as a real child process. Plus the one
// judge of correctness: verify_against_expected() compares the sandbox's final Tracker state
// (/_sandbox/state) with the generator's ground truth (/_sandbox/expected), never with our code.
#pragma once

#include <boost/json.hpp>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"
#include "sandbox_fixture.hpp"
#include "temp_dir.hpp"
#include "verify_person_details.hpp"

namespace ats::test::hybrid {

struct EnvOptions {
    Sandbox::Options sandbox;
    int max_concurrency = 16;
    int64_t lock_wait_ms = 30000;
    std::string pending_status = "Applied";
    int tracker_timeout_ms = 0;           // provider_config.request_timeout_ms when > 0
    int kombo_page_size = 0;              // workable.kombo.page_size when > 0 (more pages, more faults)
    int job_mapping_refresh_seconds = -1; // workable.job_mapping.refresh_seconds when >= 0
    // Merged into workable.job_mapping last (a key here replaces the default's), e.g.
    // {"table": {"<kombo or workable job id>": "<tracker opportunity id>"}}.
    boost::json::object job_mapping_extra;
    bool cvs = true; // workable.cvs.enabled
    // provider_config.timezone of the tenant; the sandbox account's zone is set apart with
    // sandbox.extra_args {"--tracker-timezone", ZONE}, so a test can make them differ.
    std::string manifest_timezone = "Europe/London";
    // Merged into provider_config.workable last (a key here replaces the default's).
    boost::json::object workable_extra;
    // Merged into the manifest's host policy last (e.g. {"rate_limit": {"enabled": false}}).
    boost::json::object host_extra;
};

class HybridEnv {
public:
    explicit HybridEnv(EnvOptions options = {});

    Sandbox &sandbox() { return *sandbox_; }
    const std::string &tenant() const { return tenant_; }
    std::string log_path() const { return dir_ / "host.log"; } // ats-host's JSON-lines log

    // argv of `ats-host <command...>` with this env's plugins, manifests and data folders.
    std::vector<std::string> host_argv(const std::vector<std::string> &command) const;
    // Runs `ats-host sync --tenant demo [--full]` to completion.
    ProcessResult sync(bool full = false, std::chrono::milliseconds timeout = std::chrono::seconds(300));
    // Starts it in the background (for kill and concurrency tests).
    std::unique_ptr<ChildProcess> start_sync() const;

    // The host's lock file of this tenant's lock `name` (<data-dir>/locks/<tenant>.<name>.lock):
    // it holds the holder's pid once the lock is taken.
    std::string lock_file(const std::string &name) const;
    // The host's data folder (state.sqlite, locks, keys).
    std::string data_dir() const { return dir_ / "var"; }

    // Rewrites the manifest with other host/workable settings (e.g. lock_wait_ms).
    void write_manifest(int max_concurrency, int64_t lock_wait_ms);
    // Replaces EnvOptions::job_mapping_extra and rewrites the manifest: the next sync uses it.
    void set_job_mapping_extra(boost::json::object extra);

private:
    EnvOptions options_;
    std::unique_ptr<Sandbox> sandbox_;
    TempDir dir_;
    std::string tenant_ = "demo";
};

// The summary JSON a successful `ats-host sync` printed (last stdout line); throws otherwise.
boost::json::object parse_summary(const ProcessResult &r);

// Every difference between the sandbox's Tracker state and the expected end state: duplicate
// people, duplicate applications (links), missing or extra links, wrong statuses, pending,
// deleted or unsyncable (nameless) applications created. Empty when the sync is right.
// VerifyOptions adds the opt-in checks of contact details, stage statuses and CVs.
std::vector<std::string> verify_against_expected(Sandbox &sandbox, const std::string &pending_status = "Applied");
std::vector<std::string> verify_against_expected(Sandbox &sandbox, const VerifyOptions &options);

// Kombo requests other than GET (from /_sandbox/counters) plus the write-violation count.
int64_t kombo_non_get_requests(Sandbox &sandbox);
// Tracker requests by method name (counters), e.g. "createResource".
std::map<std::string, int64_t> tracker_requests_by_method(Sandbox &sandbox);
int64_t total_tracker_requests(Sandbox &sandbox);
// Tracker requests of the listed methods together.
int64_t tracker_requests_of(Sandbox &sandbox, std::initializer_list<const char *> methods);
// The requests by which a sync creates or changes people and links (createResource,
// resourceApplication, updateRecord): the writes a rerun must not repeat.
int64_t tracker_sync_writes(Sandbox &sandbox);

// Options for a generated sandbox world of this size (everything else at its default).
EnvOptions sized_world(int seed, int jobs, int applications, int people, int tracker_people);
// A number of a JSON answer (a count or an id) as int64.
int64_t num(const boost::json::value &v);

} // namespace ats::test::hybrid
