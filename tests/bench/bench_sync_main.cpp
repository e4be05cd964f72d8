// ats-bench-sync - the tracker_workable benchmark, against ats-sandbox:
//   (a) provider vs the naive sequential algorithm on one world, ratio     (target >= 10x)
//   (b) a large cold sync with CVs off: requests by endpoint, per application, wall time, lower
//       bound and ratio; lower bound = unavoidable Tracker writes x latency / concurrency + Kombo
//       pages x latency, where the unavoidable writes are one link per application, one status
//       write per application whose wanted status is not the initial one, one fill of empty
//       contact fields per existing person given details (summary people.enriched) and one note
//       per person with details that have no field (createActivity)            (target <= 1.2x)
//   (b') the same world with CVs on: requests and bytes per application (no target)
//   (c) a second sync with nothing changed: requests              (target: Kombo pages only)
//   (d) peak RSS (VmHWM via wait4 rusage) of the sync process at two sizes (target: flat beyond
//       the identity index)
// Full sizes are the defaults; --small runs a CI-sized version of every scenario.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "hybrid_env.hpp"
#include "report_text.hpp"

#include <algorithm>
#include "naive_sync.hpp"
#include "postgres_server.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;

namespace {

struct Sizes {
    int applications, people, tracker_people, jobs;
};

struct Args {
    bool small = false;
    std::string scenarios = "abcd";
    int latency_ms = 10;
    int concurrency = 16;
    Sizes a{1000, 600, 200, 20};
    Sizes b{10000, 6000, 2000, 50};
    std::vector<int> d_sizes{10000, 100000};
};

struct SyncRun {
    int exit_code = -1;
    double seconds = 0;
    long max_rss_kb = 0;
    json::object summary;
    std::string err;
};

// Runs `ats-host sync` as a child and measures its wall time and peak RSS (ru_maxrss of exactly
// that child, from wait4).
SyncRun run_sync_measured(const HybridEnv &env) {
    std::vector<std::string> argv = env.host_argv({"sync", "--tenant", env.tenant()});
    char out_path[] = "/tmp/ats-bench-out-XXXXXX";
    char err_path[] = "/tmp/ats-bench-err-XXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        std::vector<char *> cargv;
        for (auto &a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    SyncRun r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.max_rss_kb = ru.ru_maxrss;
    auto slurp = [](const char *p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    std::string out = slurp(out_path);
    r.err = slurp(err_path);
    close(out_fd);
    close(err_fd);
    unlink(out_path);
    unlink(err_path);
    ProcessResult pr;
    pr.exit_code = r.exit_code;
    pr.out = out;
    pr.err = r.err;
    r.summary = parse_summary(pr);
    return r;
}

EnvOptions env_options(const Sizes &s, int latency, int concurrency, uint64_t seed, bool cvs = true) {
    EnvOptions o;
    o.cvs = cvs;
    o.sandbox.seed = seed;
    o.sandbox.applications = s.applications;
    o.sandbox.people = s.people;
    o.sandbox.tracker_people = s.tracker_people;
    o.sandbox.jobs = s.jobs;
    o.sandbox.latency_ms = latency;
    o.sandbox.tracker_concurrency = concurrency;
    o.max_concurrency = concurrency > 0 ? concurrency : 16;
    return o;
}

void print_requests(const char *title, Sandbox &sb, int64_t applications) {
    json::object c = sb.admin_get("counters").as_object();
    std::map<std::string, int64_t> by;
    int64_t total = 0;
    for (const auto &row : c.at("counters").as_array()) {
        const auto &o = row.as_object();
        by[std::string(o.at("service").as_string()) + " " + std::string(o.at("method").as_string()) + " " +
           std::string(o.at("endpoint").as_string())] += num(o.at("count"));
        total += num(o.at("count"));
    }
    std::printf("  %s: %lld requests", title, static_cast<long long>(total));
    if (applications > 0) std::printf(" (%.3f per application)", static_cast<double>(total) / applications);
    std::printf("\n");
    for (const auto &[k, v] : by) std::printf("    %-48s %8lld\n", k.c_str(), static_cast<long long>(v));
}

// Links a correct sync cannot avoid, from the generator's truth before the sync.
int64_t unavoidable_links(const json::object &expected) {
    int64_t links = 0;
    for (const auto &a : expected.at("applications").as_array())
        if (a.as_object().at("existing_link_id").is_null()) ++links;
    return links;
}

// Writes a correct sync cannot avoid, from the generator's truth before the sync.
int64_t unavoidable_writes(const json::object &expected) {
    int64_t links = 0, statuses = 0;
    for (const auto &a : expected.at("applications").as_array()) {
        const auto &o = a.as_object();
        if (o.at("existing_link_id").is_null()) ++links; // createResource(+link) or resourceApplication
        if (o.at("expected_status").as_string() != "Applied") ++statuses; // updateRecord
    }
    return links + statuses;
}

int64_t method_count(Sandbox &sb, const std::string &method) {
    int64_t n = 0;
    const json::value counters = sb.admin_get("counters");
    for (const auto &row : counters.at("counters").as_array())
        if (row.at("endpoint").as_string() == method) n += num(row.at("count"));
    return n;
}

bool scenario_a(const Args &args) {
    std::printf("\n(a) provider vs naive sequential: %d applications, %d people, %d already in Tracker, %d jobs, "
                "latency %d ms, Tracker concurrency %d\n",
                args.a.applications, args.a.people, args.a.tracker_people, args.a.jobs, args.latency_ms,
                args.concurrency);
    // CVs off: the naive algorithm attaches none, so both sides do the same work.
    HybridEnv env(env_options(args.a, args.latency_ms, args.concurrency, 3, false));
    SyncRun p = run_sync_measured(env);
    if (p.exit_code != 0) {
        std::printf("  provider sync failed: %s\n", p.err.c_str());
        return false;
    }
    VerifyOptions no_cvs;
    no_cvs.documents = false;
    auto problems = verify_against_expected(env.sandbox(), no_cvs);
    print_requests("provider", env.sandbox(), args.a.applications);
    // Same world again for the naive algorithm.
    env.sandbox().admin_post("reset", json::object{{"data", true}});
    ats::bench::NaiveResult n = ats::bench::run_naive_sync(env.sandbox());
    print_requests("naive", env.sandbox(), args.a.applications);
    double ratio = n.seconds / p.seconds;
    std::printf("  provider wall %.2f s (correct: %s)   naive wall %.2f s (%lld applications, %lld Tracker requests;"
                " %lld matched by checkPerson, %lld created, %lld already linked)\n",
                p.seconds, problems.empty() ? "yes" : "NO", n.seconds, static_cast<long long>(n.applications),
                static_cast<long long>(n.tracker_requests), static_cast<long long>(n.matched),
                static_cast<long long>(n.created), static_cast<long long>(n.already_linked));
    std::printf("  RESULT a: speed-up %.1fx   (target >= 10x: %s)\n", ratio, ratio >= 10 ? "met" : "NOT met");
    return problems.empty();
}

bool scenario_c(HybridEnv &env);

bool scenario_bc(const Args &args) {
    std::printf("\n(b) cold sync: %d applications, %d people, %d already in Tracker, %d jobs, latency %d ms, "
                "Tracker concurrency %d\n",
                args.b.applications, args.b.people, args.b.tracker_people, args.b.jobs, args.latency_ms,
                args.concurrency);
    HybridEnv env(env_options(args.b, args.latency_ms, args.concurrency, 5, false));
    json::object expected = env.sandbox().admin_get("expected").as_object();
    int64_t writes = unavoidable_writes(expected);
    const int64_t pages = (args.b.applications + 249) / 250;
    env.sandbox().admin_post("reset", json::object{});
    SyncRun r = run_sync_measured(env);
    if (r.exit_code != 0) {
        std::printf("  sync failed: %s\n", r.err.c_str());
        return false;
    }
    print_requests("requests (CVs off)", env.sandbox(), args.b.applications);
    // Links come from the generator's truth; every updateRecord (statuses, fill-only contact fields:
    // a person whose applications arrive in different batches is filled once per batch that brings
    // a new detail) and every contact note of the run count as needed: the ratio then measures how
    // well the run overlaps its writes, and requests per application measure how few it makes.
    const int64_t links = unavoidable_links(expected);
    const int64_t updates = method_count(env.sandbox(), "updateRecord");
    const int64_t notes = method_count(env.sandbox(), "createActivity");
    std::printf(
        "  writes counted: %lld links + %lld updateRecord (%lld statuses, %lld people enriched) + %lld contact notes"
        " (truth's links and statuses alone: %lld)\n",
        static_cast<long long>(links), static_cast<long long>(updates),
        static_cast<long long>(num(r.summary.at("statuses").at("written"))),
        static_cast<long long>(num(r.summary.at("people").at("enriched"))), static_cast<long long>(notes),
        static_cast<long long>(writes));
    writes = links + updates + notes;
    const double lat = args.latency_ms / 1000.0;
    const double bound = static_cast<double>(writes) * lat / args.concurrency + static_cast<double>(pages) * lat;
    VerifyOptions no_cvs; // this run has CVs off
    no_cvs.documents = false;
    auto problems = verify_against_expected(env.sandbox(), no_cvs);
    std::printf("  wall %.2f s, peak RSS %ld KB, correct: %s\n", r.seconds, r.max_rss_kb,
                problems.empty() ? "yes" : "NO");
    // What the operator reads of this run: the JSON summary (--json, a pipe) and the terminal form.
    const std::string human = ats::cli::render_summary(r.summary);
    std::printf("  summary: JSON %zu bytes (one line); terminal %zu bytes in %lld lines\n",
                json::serialize(r.summary).size(), human.size(),
                static_cast<long long>(std::count(human.begin(), human.end(), '\n') + 1));
    for (size_t i = 0; i < problems.size() && i < 5; ++i) std::printf("    problem: %s\n", problems[i].c_str());
    std::printf("  lower bound = %lld writes x %d ms / %d + %lld pages x %d ms = %.2f s\n",
                static_cast<long long>(writes), args.latency_ms, args.concurrency, static_cast<long long>(pages),
                args.latency_ms, bound);
    std::printf("  RESULT b: %.2fx the lower bound   (target <= 1.2x: %s)\n", r.seconds / bound,
                r.seconds / bound <= 1.2 ? "met" : "NOT met");
    const bool b_correct = problems.empty();

    {
        std::printf("\n(b') the same cold sync with CVs on\n");
        HybridEnv cv_env(env_options(args.b, args.latency_ms, args.concurrency, 5, true));
        cv_env.sandbox().admin_post("reset", json::object{});
        SyncRun cv = run_sync_measured(cv_env);
        if (cv.exit_code != 0) {
            std::printf("  sync failed: %s\n", cv.err.c_str());
            return false;
        }
        print_requests("requests (CVs on)", cv_env.sandbox(), args.b.applications);
        const auto &docs = cv.summary.at("documents").as_object();
        const int64_t bytes = num(docs.at("bytes_downloaded"));
        std::printf("  wall %.2f s (%.2fx the CVs-off run); CVs attached %lld, refused %lld; %lld bytes downloaded "
                    "(%.0f bytes per application)\n",
                    cv.seconds, cv.seconds / r.seconds, static_cast<long long>(num(docs.at("attached"))),
                    static_cast<long long>(num(docs.at("refused"))), static_cast<long long>(bytes),
                    static_cast<double>(bytes) / args.b.applications);
        return scenario_c(cv_env) && b_correct;
    }
}

// (c) on the world (b') synced with CVs on: nothing changed -> Kombo pages only.
bool scenario_c(HybridEnv &env) {
    std::printf("\n(c) second sync, nothing changed (CVs on)\n");
    env.sandbox().admin_post("reset", json::object{});
    SyncRun c = run_sync_measured(env);
    if (c.exit_code != 0) {
        std::printf("  sync failed: %s\n", c.err.c_str());
        return false;
    }
    print_requests("requests", env.sandbox(), 0);
    int64_t tracker = num(c.summary.at("requests").at("tracker")), kombo = num(c.summary.at("requests").at("kombo"));
    std::printf("  wall %.2f s; Kombo %lld (pages %lld), Tracker %lld\n", c.seconds, static_cast<long long>(kombo),
                static_cast<long long>(num(c.summary.at("requests").at("kombo_pages"))),
                static_cast<long long>(tracker));
    const int64_t downloads = num(c.summary.at("documents").at("bytes_downloaded"));
    std::printf("  RESULT c: %s, %lld bytes downloaded\n",
                tracker == 0 ? "Kombo pages only, zero Tracker requests (target met)"
                             : "Tracker requests made (target NOT met)",
                static_cast<long long>(downloads));
    return tracker == 0 && downloads == 0;
}

// (p) benchmark (b)'s cold sync (CVs off) twice in one run: state on SQLite (the default), then
// on a private PostgreSQL server (ATS_STATE_URL; a shared store needs host.state_key).
bool scenario_p(const Args &args) {
    std::printf(
        "\n(p) benchmark (b) on SQLite and on PostgreSQL state: %d applications, latency %d ms, concurrency %d\n",
        args.b.applications, args.latency_ms, args.concurrency);
    PostgresServer server;
    TempDir keys("ats-bench-keys");
    const std::string key_file = keys / "state.key";
    {
        std::ofstream k(key_file);
        k << std::string(64, 'a') << "\n";
    }
    ::chmod(key_file.c_str(), 0600);
    double walls[2] = {0, 0};
    bool ok = true;
    for (int backend = 0; backend < 2; ++backend) {
        EnvOptions o = env_options(args.b, args.latency_ms, args.concurrency, 5, false);
        if (backend == 1) {
            o.host_extra["state_key"] = json::object{{"$secret", json::object{{"file", key_file}}}};
            ::setenv("ATS_STATE_URL", server.create_database("bench_b").c_str(), 1);
        }
        HybridEnv env(o);
        env.sandbox().admin_post("reset", json::object{});
        SyncRun r = run_sync_measured(env);
        ::unsetenv("ATS_STATE_URL");
        VerifyOptions no_cvs;
        no_cvs.documents = false;
        auto problems = r.exit_code == 0 ? verify_against_expected(env.sandbox(), no_cvs)
                                         : std::vector<std::string>{"sync failed: " + r.err};
        walls[backend] = r.seconds;
        std::printf("  %-10s wall %.2f s, peak RSS %ld KB, correct: %s\n", backend ? "postgresql" : "sqlite", r.seconds,
                    r.max_rss_kb, problems.empty() ? "yes" : "NO");
        for (size_t i = 0; i < problems.size() && i < 5; ++i) std::printf("    problem: %s\n", problems[i].c_str());
        ok = ok && problems.empty();
    }
    std::printf("  RESULT p: PostgreSQL %.2fx the SQLite wall time   (target <= 1.2x: %s)\n", walls[1] / walls[0],
                walls[1] / walls[0] <= 1.2 ? "met" : "NOT met");
    return ok;
}

bool scenario_d(const Args &args) {
    std::printf("\n(d) peak memory of the sync process (no latency)\n");
    bool ok = true;
    for (int apps : args.d_sizes) {
        Sizes s{apps, apps * 6 / 10, apps / 5, std::max(5, apps / 200)};
        HybridEnv env(env_options(s, 0, 0, 9));
        SyncRun r = run_sync_measured(env);
        if (r.exit_code != 0) {
            std::printf("  %d applications: sync failed: %s\n", apps, r.err.c_str());
            ok = false;
            continue;
        }
        std::printf("  RESULT d: %7d applications (%d people, %d in Tracker): peak RSS %ld KB, wall %.2f s\n", apps,
                    s.people, s.tracker_people, r.max_rss_kb, r.seconds);
    }
    return ok;
}

} // namespace

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // results appear as they are measured, even in a pipe
    Args args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--small") {
            args.small = true;
            args.latency_ms = 2;
            args.a = {120, 70, 25, 8};
            args.b = {400, 240, 80, 10};
            args.d_sizes = {200, 2000};
        } else if (a == "--scenarios") {
            args.scenarios = next();
        } else if (a == "--d-sizes") {
            args.d_sizes.clear();
            std::stringstream list(next());
            for (std::string n; std::getline(list, n, ',');) args.d_sizes.push_back(std::stoi(n));
        } else if (a == "--latency-ms") {
            args.latency_ms = std::stoi(next());
        } else if (a == "--concurrency") {
            args.concurrency = std::stoi(next());
        } else if (a == "--help" || a == "-h") {
            std::printf("Usage: ats-bench-sync [--small] [--scenarios abcdp] [--latency-ms 10] [--concurrency 16] "
                        "[--d-sizes 10000,100000]\n");
            return 0;
        } else {
            std::fprintf(stderr, "ats-bench-sync: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    bool ok = true;
    try {
        if (args.scenarios.find('a') != std::string::npos) ok = scenario_a(args) && ok;
        if (args.scenarios.find('b') != std::string::npos || args.scenarios.find('c') != std::string::npos)
            ok = scenario_bc(args) && ok;
        if (args.scenarios.find('d') != std::string::npos) ok = scenario_d(args) && ok;
        if (args.scenarios.find('p') != std::string::npos) ok = scenario_p(args) && ok;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ats-bench-sync: %s\n", e.what());
        return 1;
    }
    return ok ? 0 : 1;
}
