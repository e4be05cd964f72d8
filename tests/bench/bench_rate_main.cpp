// ats-bench-rate - syncing at an upstream's rate limit, against ats-sandbox's request budget on
// Tracker (fixed windows of 1 s; 429 with Retry-After beyond), with the host's rate controller
// off (host.rate_limit.enabled false: every request goes out at once, 429s are retried) and on:
//   (a) budget 100 requests/s, (b) budget 20 requests/s: a cold sync of N applications; wall time
//       against successful Tracker requests / budget (target <= 1.1x) and answers 429 against
//       successful requests (target <= 2%);
//   (c) the budget changing mid-run (100 -> 30 -> 100 requests/s): accepted and refused requests
//       per second, to see the controller follow;
//   (s) a single-record serve read (GET /v1/tenants/demo/jobs/{id}) every 100 ms while the same
//       `ats-host serve` process runs a budget-limited sync of the tenant: p50/p99 against the
//       same reads without the sync (target p99 <= 2x). The reads start after the sync's first
//       429 (+1.1 s): the first window of a fresh process is overrun before anything is known.
// Each scenario runs --runs times (default 3) per mode and prints min/median/max, plus the rate
// the controller settled on (from ats-host's log). Timing targets are printed, not asserted; the
// exit status says whether every sync finished and left Tracker exactly as expected.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hybrid_env.hpp"
#include "paths.hpp"
#include "temp_dir.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    int runs = 3;
    int applications = 1000;
    std::string scenarios = "abcs";
    std::string modes = "off,on";
};

struct Tally {
    int64_t ok = 0, refused = 0; // Tracker answers other than 429, and 429s
};

Tally tracker_tally(Sandbox &sb) {
    Tally t;
    const json::value c = sb.admin_get("counters");
    for (const auto &row : c.at("counters").as_array()) {
        const auto &o = row.as_object();
        if (o.at("service").as_string() != "tracker") continue;
        const json::value &st = o.at("status");
        std::string status = st.is_string() ? std::string(st.as_string()) : json::serialize(st);
        (status == "429" ? t.refused : t.ok) += o.at("count").to_number<int64_t>();
    }
    return t;
}

void set_budget(Sandbox &sb, int per_second) {
    sb.admin_post(
        "faults",
        json::object{{"tracker", json::object{{"*", json::object{{"budget", json::object{{"requests", per_second},
                                                                                         {"window_ms", 1000}}}}}}}});
}

EnvOptions env_options(const Args &args, bool controller, uint64_t seed) {
    EnvOptions o;
    o.cvs = false;
    o.sandbox.seed = seed;
    o.sandbox.applications = args.applications;
    o.sandbox.people = args.applications * 6 / 10;
    o.sandbox.tracker_people = args.applications / 5;
    o.sandbox.jobs = 20;
    o.sandbox.latency_ms = 10;
    o.sandbox.tracker_concurrency = 16;
    o.max_concurrency = 16;
    o.host_extra = json::object{{"rate_limit", json::object{{"enabled", controller}}}};
    return o;
}

// The last "paced at" line ats-host logged for the Tracker upstream.
double settled_rate(const std::string &log_path, int tracker_port) {
    std::ifstream in(log_path);
    double rate = 0;
    const std::string upstream = "127.0.0.1:" + std::to_string(tracker_port);
    for (std::string line; std::getline(in, line);) {
        if (line.find("\"upstream\":\"" + upstream + "\"") == std::string::npos) continue;
        boost::system::error_code ec;
        auto v = json::parse(line, ec);
        if (ec || !v.is_object()) continue;
        if (auto *r = v.as_object().if_contains("rate_per_second")) rate = r->to_number<double>();
    }
    return rate;
}

struct SyncResult {
    bool ok = false;
    double seconds = 0;
    Tally tally;
    double settled = 0;
    std::vector<std::pair<double, Tally>> timeline; // sampled every 250 ms
};

// One cold sync under the budget schedule {(seconds from start, requests per second)}.
SyncResult budget_sync(const Args &args, bool controller, uint64_t seed, std::vector<std::pair<double, int>> schedule) {
    HybridEnv env(env_options(args, controller, seed));
    env.sandbox().admin_post("reset", json::object{});
    set_budget(env.sandbox(), schedule.front().second);
    size_t next = 1;
    SyncResult r;
    auto t0 = Clock::now();
    auto child = env.start_sync();
    // The sync's end is seen within 10 ms (the wall time is not rounded up to a sampling step);
    // the counters are sampled every 50 ms until the first Tracker answer (to see the start-up),
    // then every 250 ms.
    auto next_sample = t0;
    while (child->running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (Clock::now() < next_sample) continue;
        const bool started = !r.timeline.empty() && r.timeline.back().second.ok + r.timeline.back().second.refused > 0;
        next_sample = Clock::now() + std::chrono::milliseconds(started ? 250 : 50);
        double t = std::chrono::duration<double>(Clock::now() - t0).count();
        if (next < schedule.size() && t >= schedule[next].first) set_budget(env.sandbox(), schedule[next++].second);
        r.timeline.emplace_back(t, tracker_tally(env.sandbox()));
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    ProcessResult pr = child->wait();
    r.tally = tracker_tally(env.sandbox());
    r.settled = settled_rate(env.log_path(), env.sandbox().tracker_port());
    if (pr.exit_code != 0) {
        std::printf("    sync failed (exit %d): %s\n", pr.exit_code, pr.err.substr(0, 400).c_str());
        return r;
    }
    VerifyOptions no_cvs;
    no_cvs.documents = false;
    auto problems = verify_against_expected(env.sandbox(), no_cvs);
    for (size_t i = 0; i < problems.size() && i < 3; ++i) std::printf("    problem: %s\n", problems[i].c_str());
    r.ok = problems.empty();
    return r;
}

// Accepted and refused Tracker requests per whole second of the run (printed; also returned).
std::vector<std::pair<double, Tally>> print_timeline(const SyncResult &r) {
    std::vector<std::pair<double, Tally>> seconds;
    std::printf("      second: ok/429");
    Tally last;
    double next_edge = 1.0;
    for (const auto &[t, tally] : r.timeline) {
        if (t < next_edge) continue;
        Tally d{tally.ok - last.ok, tally.refused - last.refused};
        std::printf(" %.0f:%lld/%lld", next_edge, static_cast<long long>(d.ok), static_cast<long long>(d.refused));
        seconds.emplace_back(next_edge, d);
        last = tally;
        next_edge += 1.0;
    }
    // Where the time outside the budget went: before the first Tracker answer (process start,
    // sequential first calls) and after the last full second.
    double first = -1;
    for (const auto &[t, tally] : r.timeline)
        if (first < 0 && tally.ok + tally.refused > 0) first = t;
    std::printf(" (end %.2f s: %lld/%lld; first Tracker answer by %.2f s)\n", r.seconds,
                static_cast<long long>(r.tally.ok - last.ok), static_cast<long long>(r.tally.refused - last.refused),
                first);
    return seconds;
}

struct Stat {
    double min = 0, median = 0, max = 0;
};
Stat stat(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    return {v.front(), v[v.size() / 2], v.back()};
}
std::string fmt(const Stat &s, const char *unit, int decimals = 2) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.*f / %.*f / %.*f%s", decimals, s.min, decimals, s.median, decimals, s.max, unit);
    return buf;
}

std::vector<bool> modes_of(const Args &args) {
    std::vector<bool> m;
    std::stringstream list(args.modes);
    for (std::string mode; std::getline(list, mode, ',');) {
        if (mode != "off" && mode != "on") throw std::invalid_argument("--modes: expected off and/or on, not " + mode);
        m.push_back(mode == "on");
    }
    return m;
}
const char *mode_name(bool controller) { return controller ? "controller on " : "controller off"; }

bool steady_budget(const Args &args, const char *label, int budget) {
    std::printf("\n(%s) budget %d requests/s on Tracker, %d applications, %d runs per mode (min / median / max)\n",
                label, budget, args.applications, args.runs);
    bool all_ok = true;
    for (bool controller : modes_of(args)) {
        std::vector<double> wall, ratio, refused_pct, ok, refused, settled;
        for (int run = 0; run < args.runs; ++run) {
            SyncResult r = budget_sync(args, controller, 21 + run, {{0.0, budget}});
            all_ok = all_ok && r.ok;
            const double bound = static_cast<double>(r.tally.ok) / budget;
            wall.push_back(r.seconds);
            ratio.push_back(r.seconds / bound);
            refused_pct.push_back(100.0 * static_cast<double>(r.tally.refused) /
                                  static_cast<double>(std::max<int64_t>(1, r.tally.ok)));
            ok.push_back(static_cast<double>(r.tally.ok));
            refused.push_back(static_cast<double>(r.tally.refused));
            settled.push_back(r.settled);
            std::printf("    run %d %s: wall %.2f s, %lld ok + %lld answers 429, bound %.2f s, ratio %.3f, settled "
                        "%.1f/s, correct: %s\n",
                        run + 1, mode_name(controller), r.seconds, static_cast<long long>(r.tally.ok),
                        static_cast<long long>(r.tally.refused), bound, r.seconds / bound, r.settled,
                        r.ok ? "yes" : "NO");
            print_timeline(r);
        }
        Stat rs = stat(ratio), ps = stat(refused_pct);
        std::printf("  RESULT %s %s: wall %s, successful requests %s, answers 429 %s (%s of successful), "
                    "wall / (successful / budget) %s, controller settled at %s\n",
                    label, mode_name(controller), fmt(stat(wall), " s").c_str(), fmt(stat(ok), "", 0).c_str(),
                    fmt(stat(refused), "", 0).c_str(), fmt(ps, "%", 1).c_str(), fmt(rs, "x", 3).c_str(),
                    fmt(stat(settled), "/s", 1).c_str());
        std::printf("  TARGET %s %s: ratio <= 1.1x %s, 429s <= 2%% %s (in every run)\n", label, mode_name(controller),
                    rs.max <= 1.1 ? "met" : "NOT met", ps.max <= 2.0 ? "met" : "NOT met");
    }
    return all_ok;
}

bool changing_budget(const Args &args) {
    const std::vector<std::pair<double, int>> schedule{{0.0, 100}, {4.0, 30}, {12.0, 100}};
    std::printf("\n(c) budget changing mid-run: 100 requests/s, 30 from 4 s, 100 again from 12 s; %d applications\n",
                args.applications);
    bool all_ok = true;
    for (bool controller : modes_of(args)) {
        std::vector<double> wall, refused_pct, follow_down, follow_up;
        for (int run = 0; run < args.runs; ++run) {
            SyncResult r = budget_sync(args, controller, 31 + run, schedule);
            all_ok = all_ok && r.ok;
            // Per whole second: accepted and refused Tracker requests.
            std::printf("    run %d %s: wall %.2f s, %lld ok + %lld answers 429, settled %.1f/s, correct: %s\n",
                        run + 1, mode_name(controller), r.seconds, static_cast<long long>(r.tally.ok),
                        static_cast<long long>(r.tally.refused), r.settled, r.ok ? "yes" : "NO");
            // Seconds after each change until a whole second had no 429 (down) or reached 90 ok (up).
            double down = -1, up = -1;
            for (const auto &[edge, counts] : print_timeline(r)) {
                if (down < 0 && edge > 5.0 && edge <= 13.0 && counts.refused == 0) down = edge - 4.0;
                if (up < 0 && edge > 13.0 && counts.ok >= 90) up = edge - 12.0;
            }
            wall.push_back(r.seconds);
            refused_pct.push_back(100.0 * static_cast<double>(r.tally.refused) /
                                  static_cast<double>(std::max<int64_t>(1, r.tally.ok)));
            if (down >= 0) follow_down.push_back(down);
            if (up >= 0) follow_up.push_back(up);
        }
        std::printf("  RESULT c %s: wall %s, answers 429 %s of successful; first second without 429 after the drop: %s "
                    "(%zu of %d runs); first second with >= 90 ok after the rise: %s (%zu of %d runs)\n",
                    mode_name(controller), fmt(stat(wall), " s").c_str(), fmt(stat(refused_pct), "%", 1).c_str(),
                    fmt(stat(follow_down), " s", 0).c_str(), follow_down.size(), args.runs,
                    fmt(stat(follow_up), " s", 0).c_str(), follow_up.size(), args.runs);
    }
    return all_ok;
}

// ---- (s) serve reads during a sync ----

struct Serve {
    std::unique_ptr<ChildProcess> process;
    int port = 0;
    ats::net::HttpClient client;
};

std::string hash_token(const std::string &token) {
    auto r = run_process({bin_dir() + "/ats-host", "hash-token"}, {}, std::chrono::seconds(20), token + "\n");
    if (r.exit_code != 0 || r.out.size() < 64) throw std::runtime_error("ats-host hash-token failed: " + r.err);
    return r.out.substr(0, 64);
}

ats::net::HttpResponse serve_call(Serve &s, const std::string &method, const std::string &path) {
    ats::net::HttpRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(s.port) + path;
    req.headers = {{"Authorization", "Bearer bench-token"}};
    if (method == "POST") {
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = "{}";
    }
    req.timeout = std::chrono::milliseconds(60000);
    return s.client.send(req);
}

std::string metrics(Serve &s) {
    ats::net::HttpRequest req;
    req.method = "GET";
    req.url = "http://127.0.0.1:" + std::to_string(s.port) + "/metrics";
    req.headers = {{"Authorization", "Bearer admin-token"}};
    return s.client.send(req).body;
}

std::vector<double> read_every_100ms(Serve &s, const std::string &path, const std::function<bool()> &go_on,
                                     int at_most) {
    std::vector<double> ms;
    auto next = Clock::now();
    while (static_cast<int>(ms.size()) < at_most && go_on()) {
        std::this_thread::sleep_until(next);
        next += std::chrono::milliseconds(100);
        auto t0 = Clock::now();
        auto r = serve_call(s, "GET", path);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r.status != 200) std::printf("    read answered %d: %s\n", r.status, r.body.substr(0, 200).c_str());
        if (Clock::now() > next) next = Clock::now();
    }
    return ms;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1))];
}

bool serve_reads(const Args &args) {
    const int budget = 100;
    std::printf("\n(s) a single-record serve read every 100 ms, alone and during a sync under budget %d requests/s "
                "(one ats-host serve process; %d applications)\n",
                budget, args.applications);
    bool all_ok = true;
    for (bool controller : modes_of(args)) {
        std::vector<double> base_p99, sync_p99, base_p50, sync_p50, ratio;
        for (int run = 0; run < args.runs; ++run) {
            HybridEnv env(env_options(args, controller, 41 + run));
            TempDir dir("ats-bench-rate");
            {
                std::ofstream tokens(dir / "tokens.json");
                tokens << json::serialize(json::object{
                    {"admin", hash_token("admin-token")},
                    {"tenants", json::object{{"demo", json::array{json::string(hash_token("bench-token"))}}}}});
            }
            Serve s;
            s.process = std::make_unique<ChildProcess>(
                env.host_argv({"serve", "--listen", "127.0.0.1:0", "--tokens", dir / "tokens.json"}));
            if (!s.process->wait_for_output("listening on ", std::chrono::seconds(30)))
                throw std::runtime_error("ats-host serve did not start: " + s.process->read_err());
            std::smatch m;
            std::string out = s.process->read_out();
            if (!std::regex_search(out, m, std::regex("listening on https?://127\\.0\\.0\\.1:([0-9]+)")))
                throw std::runtime_error("no port in: " + out);
            s.port = std::stoi(m[1]);
            auto jobs = serve_call(s, "GET", "/v1/tenants/demo/jobs?limit=1");
            if (jobs.status != 200) throw std::runtime_error("listing jobs through serve failed: " + jobs.body);
            std::string job_id(
                json::parse(jobs.body).as_object().at("results").as_array().at(0).as_object().at("id").as_string());
            const std::string path = "/v1/tenants/demo/jobs/" + job_id;
            env.sandbox().admin_post("reset", json::object{});
            set_budget(env.sandbox(), budget);
            std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // a fresh budget window
            auto alone = read_every_100ms(
                s, path, [] { return true; }, 100);

            auto started = serve_call(s, "POST", "/v1/tenants/demo/sync");
            if (started.status != 202) throw std::runtime_error("starting the sync failed: " + started.body);
            auto running = [&] {
                auto r = serve_call(s, "GET", "/v1/tenants/demo/sync");
                if (r.status != 200) return false;
                const json::value runs = json::parse(r.body).at("runs");
                for (const auto &run : runs.as_array())
                    if (run.at("status").as_string() == "running") return true;
                return false;
            };
            // A fresh process knows nothing of the budget until its first window overruns (at most
            // max_concurrency answers 429, and reads in that window wait out Retry-After); a
            // long-running serve learned it long ago. Reads start after that first overrun.
            const std::string received =
                "ats_upstream_429_received_total{tenant=\"demo\",provider=\"tracker_workable\",upstream=\"127.0.0.1:" +
                std::to_string(env.sandbox().tracker_port()) + "\"}";
            auto first_overrun = Clock::now() + std::chrono::seconds(30);
            while (Clock::now() < first_overrun && running()) {
                std::string text = metrics(s);
                auto at = text.find(received);
                if (at != std::string::npos && std::stod(text.substr(at + received.size() + 1)) > 0) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // that window's end
            auto during = read_every_100ms(s, path, running, 400);
            while (running()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
            std::string metrics_text = metrics(s);
            std::string rate_line;
            {
                std::istringstream lines(metrics_text);
                for (std::string l; std::getline(lines, l);)
                    if (l.rfind("ats_upstream_rate_per_second", 0) == 0 &&
                        l.find(std::to_string(env.sandbox().tracker_port())) != std::string::npos)
                        rate_line = l;
            }
            VerifyOptions no_cvs;
            no_cvs.documents = false;
            auto problems = verify_against_expected(env.sandbox(), no_cvs);
            all_ok = all_ok && problems.empty();
            double b50 = percentile(alone, 50), b99 = percentile(alone, 99), d50 = percentile(during, 50),
                   d99 = percentile(during, 99);
            base_p50.push_back(b50);
            base_p99.push_back(b99);
            sync_p50.push_back(d50);
            sync_p99.push_back(d99);
            ratio.push_back(d99 / b99);
            std::printf(
                "    run %d %s: alone p50 %.1f ms p99 %.1f ms (%zu reads); during the sync p50 %.1f ms p99 %.1f ms "
                "(%zu reads); p99 ratio %.2fx; sync correct: %s; %s\n",
                run + 1, mode_name(controller), b50, b99, alone.size(), d50, d99, during.size(), d99 / b99,
                problems.empty() ? "yes" : "NO", rate_line.empty() ? "(no rate metric)" : rate_line.c_str());
        }
        Stat r = stat(ratio);
        std::printf("  RESULT s %s: p50 alone %s, p99 alone %s, p50 during the sync %s, p99 during the sync %s, p99 "
                    "ratio %s  (target <= 2x: %s)\n",
                    mode_name(controller), fmt(stat(base_p50), " ms", 1).c_str(), fmt(stat(base_p99), " ms", 1).c_str(),
                    fmt(stat(sync_p50), " ms", 1).c_str(), fmt(stat(sync_p99), " ms", 1).c_str(), fmt(r, "x").c_str(),
                    r.max <= 2.0 ? "met in every run" : "NOT met in every run");
    }
    return all_ok;
}

} // namespace

// The machine's load average (1, 5, 15 minutes), so that figures from a busy machine read as such.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return in ? one + " " + five + " " + fifteen : "unknown";
}

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    Args args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--small") {
            args.runs = 1;
            args.applications = 120;
            args.scenarios = "as";
            args.modes = "on";
        } else if (a == "--runs") {
            args.runs = std::stoi(next());
        } else if (a == "--applications") {
            args.applications = std::stoi(next());
        } else if (a == "--scenarios") {
            args.scenarios = next();
        } else if (a == "--modes") {
            args.modes = next();
        } else if (a == "--help" || a == "-h") {
            std::printf("Usage: ats-bench-rate [--small] [--runs 3] [--applications 1000] [--scenarios abcs] "
                        "[--modes off,on]\n");
            return 0;
        } else {
            std::fprintf(stderr, "ats-bench-rate: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    bool ok = true;
    std::printf("load average at start: %s (%u cores)\n", load_average().c_str(), std::thread::hardware_concurrency());
    try {
        if (args.scenarios.find('a') != std::string::npos) ok = steady_budget(args, "a", 100) && ok;
        if (args.scenarios.find('b') != std::string::npos) ok = steady_budget(args, "b", 20) && ok;
        if (args.scenarios.find('c') != std::string::npos) ok = changing_budget(args) && ok;
        if (args.scenarios.find('s') != std::string::npos) ok = serve_reads(args) && ok;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ats-bench-rate: %s\n", e.what());
        return 1;
    }
    std::printf("\nload average at end: %s\n", load_average().c_str());
    return ok ? 0 : 1;
}
