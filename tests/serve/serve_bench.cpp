// serve_bench.cpp - what the service costs: a single-record read (one Tracker job) made through
// `ats-host serve` (GET /v1/tenants/bench/jobs/{id}: auth, routing, the tracker plugin, the host's
// HTTP client, the sandbox) against the same read made directly on the sandbox
// (POST /api/widget/getIndividualRecord, which is what the plugin sends), in one run, same client,
// same concurrency. Prints requests/s, latency percentiles and the overhead ratios, as a table
// and as one JSON line ("bench_result"). A third run repeats the service load while the
// configuration is reloaded every 100 ms (fresh plugin instances swapped in under load).
//
// usage: bench_serve [--seconds S] [--concurrency C] [--serve-threads N] [--upstream-latency-ms L]
//   --upstream-latency-ms: the sandbox delays every answer by L ms (a remote Tracker is ~100 ms
//   away; with 0 the sandbox answers in microseconds and the ratio shows the service's own cost).
// Exit status 0 when every request of every run answered 200 and every reload succeeded, else 1.
#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

struct RunResult {
    std::string name;
    size_t requests = 0, failures = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;
    double rps() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
    double percentile(double p) const {
        if (latencies_ms.empty()) return 0;
        size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(latencies_ms.size() - 1));
        return latencies_ms[i];
    }
};

// Runs `make_request` from `concurrency` threads for `seconds`, each thread with its own client
// (its own keep-alive connection), after a short warm-up.
RunResult run(const std::string &name, int concurrency, double seconds,
              const std::function<ats::net::HttpRequest()> &make_request) {
    RunResult result;
    result.name = name;
    std::mutex mu;
    std::atomic<bool> measuring{false}, stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&] {
            ats::net::HttpClient client;
            std::vector<double> mine;
            size_t failures = 0;
            while (!stop) {
                auto req = make_request();
                auto start = Clock::now();
                int status = 0;
                try {
                    status = client.send(req).status;
                } catch (const std::exception &) {
                    status = -1;
                }
                double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                if (!measuring) continue;
                mine.push_back(ms);
                if (status != 200) ++failures;
            }
            std::lock_guard<std::mutex> lock(mu);
            result.latencies_ms.insert(result.latencies_ms.end(), mine.begin(), mine.end());
            result.failures += failures;
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // warm-up: connections, caches
    measuring = true;
    auto start = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    measuring = false;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    stop = true;
    for (auto &t : threads) t.join();
    std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
    result.requests = result.latencies_ms.size();
    return result;
}

void print(const RunResult &r) {
    std::printf("%-8s %9zu req %8.1f req/s  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms  failures %zu\n",
                r.name.c_str(), r.requests, r.rps(), r.percentile(50), r.percentile(90), r.percentile(99),
                r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(), r.failures);
}

json::object to_json(const RunResult &r) {
    return {{"requests", r.requests},     {"failures", r.failures},     {"rps", r.rps()},
            {"p50_ms", r.percentile(50)}, {"p90_ms", r.percentile(90)}, {"p99_ms", r.percentile(99)},
            {"seconds", r.seconds}};
}

} // namespace

int main(int argc, char **argv) {
    double seconds = 2;
    int concurrency = 4, serve_threads = 2, upstream_latency_ms = 0;
    std::string isolation = "process"; // serve's default: the plugin in its own worker process
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--seconds")
            seconds = std::stod(argv[i + 1]);
        else if (flag == "--concurrency")
            concurrency = std::stoi(argv[i + 1]);
        else if (flag == "--serve-threads")
            serve_threads = std::stoi(argv[i + 1]);
        else if (flag == "--upstream-latency-ms")
            upstream_latency_ms = std::stoi(argv[i + 1]);
        else if (flag == "--isolation")
            isolation = argv[i + 1];
        else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    try {
        Sandbox::Options sandbox_options;
        sandbox_options.latency_ms = upstream_latency_ms;
        Sandbox sandbox(sandbox_options);
        ServeSetup setup;
        setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"}};
        setup.manifests = {{"bench", tracker_manifest(sandbox, "bench", "BENCH_TRACKER_KEY", "",
                                                      R"(,"isolation":")" + isolation + R"(","max_concurrency":64)")}};
        setup.tokens = {{"bench", {"bench-token"}}};
        setup.env = {{"BENCH_TRACKER_KEY", Sandbox::kTrackerApiKey}};
        setup.log_level = "warn";
        setup.serve_args = {"--threads",         std::to_string(serve_threads),
                            "--workers",         std::to_string(std::max(16, concurrency * 2)),
                            "--max-connections", "4096"};
        ServeInstance service(setup);

        auto jobs = service.get("/v1/tenants/bench/jobs?limit=1", "bench-token");
        if (jobs.status != 200) throw std::runtime_error("listing jobs through the service failed: " + jobs.body);
        std::string job_id(
            json::parse(jobs.body).as_object().at("results").as_array().at(0).as_object().at("id").as_string());

        json::object direct_call{{"trackerrms",
                                  {{"getIndividualRecord",
                                    {{"credentials", {{"apikey", Sandbox::kTrackerApiKey}}},
                                     {"instructions", {{"recordtype", "O"}, {"recordid", std::stoll(job_id)}}}}}}}};
        std::string direct_body = json::serialize(direct_call);
        auto direct = run("direct", concurrency, seconds, [&] {
            ats::net::HttpRequest r;
            r.method = "POST";
            r.url = sandbox.tracker_url() + "/api/widget/getIndividualRecord";
            r.headers = {{"Content-Type", "application/json"}};
            r.body = direct_body;
            return r;
        });
        auto through = run("service", concurrency, seconds, [&] {
            ats::net::HttpRequest r;
            r.url = service.url("/v1/tenants/bench/jobs/" + job_id);
            r.headers = {{"Authorization", "Bearer bench-token"}};
            return r;
        });

        // The same load while the configuration is reloaded (new plugin instances swapped in)
        // every 100 ms: no request may fail.
        std::atomic<bool> reloading{true};
        std::atomic<int> reloads{0}, reload_failures{0};
        std::thread reloader([&] {
            ats::net::HttpClient admin;
            while (reloading) {
                ats::net::HttpRequest r;
                r.method = "POST";
                r.url = service.url("/v1/admin/reload");
                r.headers = {{"Authorization", "Bearer " + setup.admin_token}};
                try {
                    if (admin.send(r).status == 200)
                        ++reloads;
                    else
                        ++reload_failures;
                } catch (const std::exception &) {
                    ++reload_failures;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        auto swapping = run("swapping", concurrency, seconds, [&] {
            ats::net::HttpRequest r;
            r.url = service.url("/v1/tenants/bench/jobs/" + job_id);
            r.headers = {{"Authorization", "Bearer bench-token"}};
            return r;
        });
        reloading = false;
        reloader.join();

        std::printf("single-record read (Tracker job %s), concurrency %d, %.1f s each, serve --threads %d, upstream "
                    "latency %d ms, isolation %s\n",
                    job_id.c_str(), concurrency, seconds, serve_threads, upstream_latency_ms, isolation.c_str());
        print(direct);
        print(through);
        print(swapping);
        std::printf("         (%d reloads during the swapping run, %d failed)\n", reloads.load(),
                    reload_failures.load());
        double latency_ratio = direct.percentile(50) > 0 ? through.percentile(50) / direct.percentile(50) : 0;
        double throughput_ratio = through.rps() > 0 ? direct.rps() / through.rps() : 0;
        std::printf("overhead: p50 latency x%.2f (+%.3f ms), throughput x%.2f (direct/service; service/direct %.2f)\n",
                    latency_ratio, through.percentile(50) - direct.percentile(50), throughput_ratio,
                    direct.rps() > 0 ? through.rps() / direct.rps() : 0);
        json::object line{{"bench_result", "serve_single_record_read"},
                          {"concurrency", concurrency},
                          {"upstream_latency_ms", upstream_latency_ms},
                          {"isolation", isolation},
                          {"p50_added_ms", through.percentile(50) - direct.percentile(50)},
                          {"direct", to_json(direct)},
                          {"service", to_json(through)},
                          {"service_while_reloading", to_json(swapping)},
                          {"reloads", reloads.load()},
                          {"reload_failures", reload_failures.load()},
                          {"p50_latency_ratio", latency_ratio},
                          {"throughput_ratio", throughput_ratio}};
        std::cout << json::serialize(line) << std::endl;
        bool ok = direct.failures == 0 && through.failures == 0 && swapping.failures == 0 && direct.requests > 0 &&
                  through.requests > 0 && swapping.requests > 0 && reloads > 0 && reload_failures == 0;
        return ok ? 0 : 1;
    } catch (const std::exception &e) {
        std::cerr << "bench_serve: " << e.what() << "\n";
        return 1;
    }
}
