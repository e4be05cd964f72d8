// serve_bench.cpp - what the service costs, in one run with the sandbox answering at once.
//
// 1. A single-record read (one Tracker job) made through `ats-host serve`
//    (GET /v1/tenants/bench/jobs/{id}: auth, routing, the tracker plugin, the host's HTTP client,
//    the sandbox) against the same read made directly on the sandbox
//    (POST /api/widget/getIndividualRecord, which is what the plugin sends): same client
//    (ats::net::HttpClient), same concurrency, one keep-alive connection per client thread on
//    both sides. Repeated --runs times, direct and service alternating, so that the machine's
//    load hits both alike; prints requests/s, latency percentiles, the ratio and the p50 added,
//    per run and as min/median/max.
// 2. An NDJSON stream of --stream-records jobs through serve (GET /v1/tenants/bench/jobs,
//    Accept: application/x-ndjson) next to the same records read directly from the sandbox (the
//    getRecords pages the plugin asks for, one after the other): MB/s and records/s of each, so
//    the sandbox's own rate shows whether serve is the limit.
// 3. The single-record load again while the configuration is reloaded every 100 ms (fresh plugin
//    instances swapped in under load): no request may fail.
// /proc/loadavg is printed before and after: on a shared machine the figures move with it.
// Prints a table and one JSON line ("bench_result").
//
// usage: bench_serve [--seconds S] [--concurrency C] [--runs R] [--stream-records N]
//                    [--serve-threads N] [--upstream-latency-ms L] [--isolation process|in_process]
//   --upstream-latency-ms: the sandbox delays every answer by L ms (a remote Tracker is ~100 ms
//   away; with 0 the sandbox answers in microseconds and the ratio shows the service's own cost).
//   --stream-records 0 skips the stream.
// Exit status 0 when every request of every run answered 200, every stream delivered every
// record and every reload succeeded, else 1.
#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
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

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string line;
    std::getline(in, line);
    return line;
}

struct Spread {
    double min = 0, median = 0, max = 0;
};
Spread spread(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    return {v.front(), v[v.size() / 2], v.back()};
}
json::object to_json(const Spread &s) { return {{"min", s.min}, {"median", s.median}, {"max", s.max}}; }

struct StreamResult {
    size_t records = 0, bytes = 0, requests = 0;
    double seconds = 0;
    bool ok = false;
    double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
    double records_per_s() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
};

// Every job straight from the sandbox: the getRecords pages the plugin asks for (same page size,
// same order), one after the other, over one keep-alive connection.
StreamResult direct_stream(const std::string &tracker_url, int page_size, size_t expected) {
    ats::net::HttpClient client;
    StreamResult r;
    auto start = Clock::now();
    for (int64_t page = 1;; ++page) {
        json::object call{{"trackerrms",
                           {{"getRecords",
                             {{"credentials", {{"apikey", Sandbox::kTrackerApiKey}}},
                              {"instructions",
                               {{"recordtype", "O"},
                                {"numrecords", page_size},
                                {"pagenum", page},
                                {"sortfield", "lastupdateddatetime"},
                                {"sortdir", "asc"}}}}}}}};
        ats::net::HttpRequest req;
        req.method = "POST";
        req.url = tracker_url + "/api/widget/getRecords";
        req.headers = {{"Content-Type", "application/json"}};
        req.body = json::serialize(call);
        auto res = client.send(req);
        ++r.requests;
        if (res.status != 200) return r;
        r.bytes += res.body.size();
        json::value answer = json::parse(res.body);
        const auto *results = answer.as_object().if_contains("results");
        size_t rows = results && results->is_array() ? results->as_array().size() : 0;
        r.records += rows;
        if (rows < static_cast<size_t>(page_size)) break;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.ok = r.records >= expected; // the generator may add a few jobs of its own
    return r;
}

// The same jobs through serve as one NDJSON stream (the client decodes the chunks): `expected`
// is what the sandbox holds.
StreamResult serve_stream(ServeInstance &service, size_t expected) {
    ats::net::HttpClient client;
    StreamResult r;
    ats::net::HttpRequest req;
    req.url = service.url("/v1/tenants/bench/jobs");
    req.headers = {{"Authorization", "Bearer bench-token"}, {"Accept", "application/x-ndjson"}};
    req.timeout = std::chrono::milliseconds(120000);
    auto start = Clock::now();
    auto res = client.send(req);
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.requests = 1;
    if (res.status != 200) return r;
    r.bytes = res.body.size();
    r.records = static_cast<size_t>(std::count(res.body.begin(), res.body.end(), '\n'));
    r.ok = r.records == expected;
    return r;
}

} // namespace

int main(int argc, char **argv) {
    double seconds = 2;
    int concurrency = 4, serve_threads = 2, upstream_latency_ms = 0, runs = 3, stream_records = 10000;
    const int page_size = 500;         // Tracker's largest page: the fewest round trips for the stream
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
        else if (flag == "--runs")
            runs = std::max(1, std::stoi(argv[i + 1]));
        else if (flag == "--stream-records")
            stream_records = std::max(0, std::stoi(argv[i + 1]));
        else if (flag == "--isolation")
            isolation = argv[i + 1];
        else {
            std::cerr << "unknown option " << flag << "\n";
            return 2;
        }
    }
    try {
        const std::string load_before = load_average();
        Sandbox::Options sandbox_options;
        sandbox_options.latency_ms = upstream_latency_ms;
        sandbox_options.jobs = std::max(5, stream_records);
        Sandbox sandbox(sandbox_options);
        ServeSetup setup;
        setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"}};
        setup.manifests = {{"bench", tracker_manifest(sandbox, "bench", "BENCH_TRACKER_KEY",
                                                      R"(,"page_size":)" + std::to_string(page_size),
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
        auto direct_request = [&] {
            ats::net::HttpRequest r;
            r.method = "POST";
            r.url = sandbox.tracker_url() + "/api/widget/getIndividualRecord";
            r.headers = {{"Content-Type", "application/json"}};
            r.body = direct_body;
            return r;
        };
        auto service_request = [&] {
            ats::net::HttpRequest r;
            r.url = service.url("/v1/tenants/bench/jobs/" + job_id);
            r.headers = {{"Authorization", "Bearer bench-token"}};
            return r;
        };
        std::vector<RunResult> directs, throughs;
        std::vector<StreamResult> direct_streams, serve_streams;
        std::vector<double> direct_rps, service_rps, ratios, p50_direct, p50_service, p50_added, stream_direct_mbs,
            stream_serve_mbs, stream_direct_rps, stream_serve_rps;
        bool streams_ok = true;
        for (int i = 0; i < runs; ++i) {
            directs.push_back(run("direct", concurrency, seconds, direct_request));
            throughs.push_back(run("service", concurrency, seconds, service_request));
            const auto &d = directs.back(), &t = throughs.back();
            direct_rps.push_back(d.rps());
            service_rps.push_back(t.rps());
            ratios.push_back(d.rps() > 0 ? t.rps() / d.rps() : 0);
            p50_direct.push_back(d.percentile(50));
            p50_service.push_back(t.percentile(50));
            p50_added.push_back(t.percentile(50) - d.percentile(50));
            if (stream_records > 0) {
                direct_streams.push_back(
                    direct_stream(sandbox.tracker_url(), page_size, static_cast<size_t>(stream_records)));
                serve_streams.push_back(serve_stream(service, direct_streams.back().records));
                streams_ok = streams_ok && direct_streams.back().ok && serve_streams.back().ok;
                stream_direct_mbs.push_back(direct_streams.back().mb_per_s());
                stream_serve_mbs.push_back(serve_streams.back().mb_per_s());
                stream_direct_rps.push_back(direct_streams.back().records_per_s());
                stream_serve_rps.push_back(serve_streams.back().records_per_s());
            }
        }

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
        auto swapping = run("swapping", concurrency, seconds, service_request);
        reloading = false;
        reloader.join();

        const std::string load_after = load_average();
        std::printf("single-record read (Tracker job %s), concurrency %d, %.1f s each, %d runs, serve --threads %d, "
                    "upstream latency %d ms, isolation %s\n",
                    job_id.c_str(), concurrency, seconds, runs, serve_threads, upstream_latency_ms, isolation.c_str());
        for (int i = 0; i < runs; ++i) {
            print(directs[i]);
            print(throughs[i]);
            std::printf("         run %d: service/direct %.2f, p50 added %+.3f ms\n", i + 1, ratios[i], p50_added[i]);
        }
        print(swapping);
        std::printf("         (%d reloads during the swapping run, %d failed)\n", reloads.load(),
                    reload_failures.load());
        auto line3 = [](const char *what, const Spread &v, const char *unit) {
            std::printf("%-34s min %10.3f  median %10.3f  max %10.3f %s\n", what, v.min, v.median, v.max, unit);
        };
        std::printf("summary over %d runs:\n", runs);
        line3("direct req/s", spread(direct_rps), "");
        line3("service req/s", spread(service_rps), "");
        line3("service/direct throughput", spread(ratios), "");
        line3("p50 direct", spread(p50_direct), "ms");
        line3("p50 service", spread(p50_service), "ms");
        line3("p50 added by the service", spread(p50_added), "ms");
        if (stream_records > 0) {
            std::printf("NDJSON stream of %d jobs (Tracker pages of %d):\n", stream_records, page_size);
            line3("through serve MB/s", spread(stream_serve_mbs), "");
            line3("through serve records/s", spread(stream_serve_rps), "");
            line3("direct from the sandbox MB/s", spread(stream_direct_mbs), "");
            line3("direct from the sandbox records/s", spread(stream_direct_rps), "");
            std::printf("%-34s %s\n", "streams complete", streams_ok ? "yes" : "NO");
        }
        std::printf("loadavg before: %s\nloadavg after:  %s\n", load_before.c_str(), load_after.c_str());

        json::array run_lines;
        for (int i = 0; i < runs; ++i) {
            json::object r{{"direct", to_json(directs[i])}, {"service", to_json(throughs[i])}};
            if (stream_records > 0) {
                r["stream_serve"] = {{"records", serve_streams[i].records},
                                     {"bytes", serve_streams[i].bytes},
                                     {"seconds", serve_streams[i].seconds},
                                     {"mb_per_s", serve_streams[i].mb_per_s()}};
                r["stream_direct"] = {{"records", direct_streams[i].records},
                                      {"bytes", direct_streams[i].bytes},
                                      {"requests", direct_streams[i].requests},
                                      {"seconds", direct_streams[i].seconds},
                                      {"mb_per_s", direct_streams[i].mb_per_s()}};
            }
            run_lines.push_back(std::move(r));
        }
        json::object line{{"bench_result", "serve_single_record_read"},
                          {"concurrency", concurrency},
                          {"upstream_latency_ms", upstream_latency_ms},
                          {"isolation", isolation},
                          {"runs", std::move(run_lines)},
                          {"direct_rps", to_json(spread(direct_rps))},
                          {"service_rps", to_json(spread(service_rps))},
                          {"throughput_ratio", to_json(spread(ratios))},
                          {"p50_direct_ms", to_json(spread(p50_direct))},
                          {"p50_service_ms", to_json(spread(p50_service))},
                          {"p50_added_ms", to_json(spread(p50_added))},
                          {"stream_records", stream_records},
                          {"stream_serve_mb_per_s", to_json(spread(stream_serve_mbs))},
                          {"stream_direct_mb_per_s", to_json(spread(stream_direct_mbs))},
                          {"service_while_reloading", to_json(swapping)},
                          {"reloads", reloads.load()},
                          {"reload_failures", reload_failures.load()},
                          {"loadavg_before", load_before},
                          {"loadavg_after", load_after}};
        std::cout << json::serialize(line) << std::endl;
        bool ok = swapping.failures == 0 && swapping.requests > 0 && reloads > 0 && reload_failures == 0 && streams_ok;
        for (int i = 0; i < runs; ++i)
            ok = ok && directs[i].failures == 0 && throughs[i].failures == 0 && directs[i].requests > 0 &&
                 throughs[i].requests > 0;
        return ok ? 0 : 1;
    } catch (const std::exception &e) {
        std::cerr << "bench_serve: " << e.what() << "\n";
        return 1;
    }
}
