// bench_serve_isolation: `ats-host serve` with two tenants of one plugin, one in an
// ats-plugin-worker process and one in the host process, measured in one run through the REST
// API: single-record read (GET /jobs/{id}) p50 latency and throughput with --concurrency
// clients, and an NDJSON stream of --stream-records records, --runs times (default 3) against the
// same server, each run with the load average it ran under, then min / median / max of each
// comparison. Prints numbers and the targets; fails only when the two tenants answer differently.
#include "serve_fixture.hpp"
#include "test_plugin_dir.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace ats::test;
using namespace ats::test::serve;
using Clock = std::chrono::steady_clock;

namespace {

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

struct Run {
    double p50[2] = {0, 0}, rate[2] = {0, 0}, stream[2] = {0, 0};
    std::string load;
    double overhead() const { return p50[1] - p50[0]; }
    double rate_ratio() const { return rate[1] / rate[0]; }
    double stream_ratio() const { return stream[1] / stream[0]; }
};

void print_spread(const char *what, std::vector<double> v, const char *unit, bool met) {
    std::sort(v.begin(), v.end());
    std::printf("  %-40s min %7.1f%s  median %7.1f%s  max %7.1f%s  (target on the median: %s)\n", what, v.front(), unit,
                v[v.size() / 2], unit, v.back(), unit, met ? "met" : "NOT met");
}

} // namespace

int main(int argc, char **argv) {
    int samples = 1000, concurrency = 4, records = 100000, runs = 3;
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
        else if (f == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else {
            std::fprintf(
                stderr,
                "usage: bench_serve_isolation [--samples N] [--concurrency N] [--seconds S] [--stream-records N] "
                "[--runs N]\n");
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
    const char *modes[2] = {"in_process", "process"};
    std::vector<Run> all;
    for (int run = 0; run < runs; ++run) {
        Run out;
        out.load = load_average();
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
            out.p50[m] = us[m][us[m].size() / 2];
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
        for (int m = 0; m < 2; ++m) out.rate[m] = static_cast<double>(total[m]) / elapsed[m];
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
        for (int m = 0; m < 2; ++m) out.stream[m] = 2.0 * records / stream_secs[m];
        same = same && body[0] == body[1];
        std::printf("run %d (load average %s)\n", run + 1, out.load.c_str());
        std::printf("  single-record read p50: in-process %.0f us, worker %.0f us, overhead %+.0f us (target <= 50 "
                    "us: %s)\n",
                    out.p50[0], out.p50[1], out.overhead(), out.overhead() <= 50 ? "met" : "NOT met");
        std::printf("  single-record read throughput, %d clients: in-process %.0f/s, worker %.0f/s = %.0f%% (target "
                    ">= 80%%: %s)\n",
                    concurrency, out.rate[0], out.rate[1], 100 * out.rate_ratio(),
                    out.rate_ratio() >= 0.8 ? "met" : "NOT met");
        std::printf("  NDJSON stream of %d records: in-process %.0f records/s, worker %.0f records/s = %.0f%% (target "
                    ">= 80%%: %s)\n",
                    records, out.stream[0], out.stream[1], 100 * out.stream_ratio(),
                    out.stream_ratio() >= 0.8 ? "met" : "NOT met");
        std::fflush(stdout);
        all.push_back(out);
    }
    if (runs > 1) {
        std::vector<double> overhead, rate, stream;
        for (const auto &r : all) {
            overhead.push_back(r.overhead());
            rate.push_back(100 * r.rate_ratio());
            stream.push_back(100 * r.stream_ratio());
        }
        std::printf("over %d runs:\n", runs);
        std::vector<double> sorted = overhead;
        std::sort(sorted.begin(), sorted.end());
        print_spread("single-record p50 overhead", overhead, " us", sorted[sorted.size() / 2] <= 50);
        sorted = rate;
        std::sort(sorted.begin(), sorted.end());
        print_spread("single-record throughput, worker/in-proc", rate, " %", sorted[sorted.size() / 2] >= 80);
        sorted = stream;
        std::sort(sorted.begin(), sorted.end());
        print_spread("NDJSON stream, worker/in-process", stream, " %", sorted[sorted.size() / 2] >= 80);
    }
    std::printf("  answers identical: %s\n", same ? "yes" : "NO");
    return same ? 0 : 1;
}
