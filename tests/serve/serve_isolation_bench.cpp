// bench_serve_isolation: `ats-host serve` with two tenants of one plugin, one in an
// ats-plugin-worker process and one in the host process, measured in one run through the REST
// API: single-record read (GET /jobs/{id}) p50 latency and throughput with --concurrency
// clients, and an NDJSON stream of --stream-records records. Prints numbers and the targets;
// fails only when the two tenants answer differently.
#include "serve_fixture.hpp"
#include "test_plugin_dir.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
using Clock = std::chrono::steady_clock;

int main(int argc, char **argv) {
    int samples = 1000, concurrency = 4, records = 100000;
    double seconds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string f = argv[i];
        if (f == "--samples")
            samples = std::atoi(argv[i + 1]);
        else if (f == "--concurrency")
            concurrency = std::atoi(argv[i + 1]);
        else if (f == "--seconds")
            seconds = std::atof(argv[i + 1]);
        else if (f == "--stream-records")
            records = std::atoi(argv[i + 1]);
        else {
            std::fprintf(
                stderr,
                "usage: bench_serve_isolation [--samples N] [--concurrency N] [--seconds S] [--stream-records N]\n");
            return 2;
        }
    }
    ServeSetup setup;
    setup.plugins = {{"libatstest_faulty.so", test_plugin_path("faulty")}};
    setup.manifests.clear();
    setup.tokens.clear();
    for (std::string mode : {"in_process", "process"}) {
        setup.manifests[mode] = R"({"tenant_id":")" + mode +
                                R"(","provider":"test_faulty","provider_config":{"stream_count":)" +
                                std::to_string(records) + R"(},"host":{"isolation":")" + mode + R"("}})";
        setup.tokens[mode] = {mode + "-token"};
    }
    setup.log_level = "warn";
    setup.serve_args = {"--threads", "2", "--workers", std::to_string(std::max(16, concurrency * 2))};
    ServeInstance s(setup);
    bool same = true;
    std::printf("bench_serve_isolation: serve, tenant in a worker process vs tenant in the host process\n");
    // The machine is shared: both modes are measured in alternation (request by request, then
    // in short rounds), so a change of load hits both alike.
    std::string body[2];
    double p50[2], rate[2] = {0, 0}, stream[2] = {0, 0};
    const char *modes[2] = {"in_process", "process"};
    std::vector<double> us[2];
    for (int i = 0; i < 2 * (samples + samples / 10); ++i) {
        int m = i % 2;
        std::string tenant = modes[m];
        auto t0 = Clock::now();
        auto r = s.get("/v1/tenants/" + tenant + "/jobs/j1", tenant + "-token");
        if (i >= 2 * (samples / 10))
            us[m].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (r.status != 200) same = false;
        body[m] = r.body;
    }
    for (int m = 0; m < 2; ++m) {
        std::sort(us[m].begin(), us[m].end());
        p50[m] = us[m][us[m].size() / 2];
    }
    constexpr int kRounds = 6;
    double elapsed[2] = {0, 0};
    uint64_t total[2] = {0, 0};
    for (int round = 0; round < 2 * kRounds; ++round) {
        int m = round % 2;
        std::string tenant = modes[m], token = tenant + "-token";
        std::atomic<uint64_t> done{0}, bad{0};
        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        for (int c = 0; c < concurrency; ++c)
            clients.emplace_back([&, c] {
                while (!stop) {
                    auto r = s.get("/v1/tenants/" + tenant + "/jobs/c" + std::to_string(c), token);
                    (r.status == 200 ? done : bad)++;
                }
            });
        auto t0 = Clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds / kRounds));
        stop = true;
        for (auto &t : clients) t.join();
        elapsed[m] += std::chrono::duration<double>(Clock::now() - t0).count();
        total[m] += done;
        same = same && bad == 0;
    }
    for (int m = 0; m < 2; ++m) rate[m] = static_cast<double>(total[m]) / elapsed[m];
    double stream_secs[2] = {0, 0};
    for (int round = 0; round < 4; ++round) {
        int m = round % 2;
        std::string tenant = modes[m];
        auto t1 = Clock::now();
        auto r = s.request("GET", "/v1/tenants/" + tenant + "/jobs", tenant + "-token", "",
                           {{"Accept", "application/x-ndjson"}});
        stream_secs[m] += std::chrono::duration<double>(Clock::now() - t1).count();
        size_t lines = static_cast<size_t>(std::count(r.body.begin(), r.body.end(), '\n'));
        same = same && r.status == 200 && lines == static_cast<size_t>(records);
    }
    for (int m = 0; m < 2; ++m) stream[m] = 2.0 * records / stream_secs[m];
    same = same && body[0] == body[1];
    std::printf(
        "  single-record read p50: in-process %.0f us, worker %.0f us, overhead %+.0f us (target <= 50 us: %s)\n",
        p50[0], p50[1], p50[1] - p50[0], p50[1] - p50[0] <= 50 ? "met" : "NOT met");
    std::printf(
        "  single-record read throughput, %d clients: in-process %.0f/s, worker %.0f/s = %.0f%% (target >= 80%%: %s)\n",
        concurrency, rate[0], rate[1], 100 * rate[1] / rate[0], rate[1] >= 0.8 * rate[0] ? "met" : "NOT met");
    std::printf("  NDJSON stream of %d records: in-process %.0f records/s, worker %.0f records/s = %.0f%% (target >= "
                "80%%: %s)\n",
                records, stream[0], stream[1], 100 * stream[1] / stream[0],
                stream[1] >= 0.8 * stream[0] ? "met" : "NOT met");
    std::printf("  answers identical: %s\n", same ? "yes" : "NO");
    return same ? 0 : 1;
}
