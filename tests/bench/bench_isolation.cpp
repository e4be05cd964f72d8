// bench_isolation: the cost of running a plugin in an ats-plugin-worker process, against the
// same plugin in the host process, in one run (host library API, no HTTP server in front):
//   (a) single-record read, one call at a time: p50/p99 latency of
//       - jobs.get of the faulty test plugin (no host service: the pure round trip), and
//       - check of the good test plugin (one upstream HTTP request through the host's client to a
//         loopback server, plus log, clock and max_concurrency host services);
//   (b) throughput of jobs.get with --threads concurrent callers for --seconds;
//   (c) a 100,000-record jobs.stream (NDJSON lines built by the consumer).
// Prints numbers and the targets (p50 overhead <= 50 us, throughput >= 80%); asserts only that
// both modes return the same results.
#include "runtime.hpp"

#include "http_test_server.hpp"
#include "temp_dir.hpp"
#include "test_plugin_dir.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace ats;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int samples = 2000, threads = 4, stream_records = 100000;
    double seconds = 3;
};

void write(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Latencies (us) of `samples` sequential calls.
std::vector<double> latencies(host::Tenant &t, const std::string &op, const std::string &args, int samples,
                              std::string &first) {
    std::vector<double> out;
    host::InvokeSink sink;
    std::string last;
    sink.on_record = [&](std::string_view r) {
        last.assign(r);
        return true;
    };
    for (int i = 0; i < samples + samples / 10; ++i) {
        auto t0 = Clock::now();
        auto r = t.invoke(op, args, sink);
        double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
        if (r.status != ATS_OK) throw std::runtime_error(op + " failed: " + r.message);
        if (i >= samples / 10) out.push_back(us); // the first tenth warms up
    }
    first = last;
    return out;
}

double throughput(host::Tenant &t, int threads, double seconds) {
    std::atomic<uint64_t> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k)
        pool.emplace_back([&, k] {
            host::InvokeSink sink;
            sink.on_record = [](std::string_view) { return true; };
            std::string args = "{\"job_id\":\"j" + std::to_string(k) + "\"}";
            while (!stop) {
                if (t.invoke(ATS_OP_JOBS_GET, args, sink).status == ATS_OK) ++done;
            }
        });
    auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto &th : pool) th.join();
    return static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - t0).count();
}

double stream_rate(host::Tenant &t, int records, uint64_t &got, uint64_t &bytes) {
    host::InvokeSink sink;
    got = bytes = 0;
    std::string line;
    sink.on_record = [&](std::string_view r) { // what serve's NDJSON writer does per record
        line.assign(r);
        line += '\n';
        bytes += line.size();
        ++got;
        return true;
    };
    auto t0 = Clock::now();
    auto r = t.invoke(ATS_OP_JOBS_STREAM, "{\"count\":" + std::to_string(records) + "}", sink);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r.status != ATS_OK) throw std::runtime_error("jobs.stream failed: " + r.message);
    return static_cast<double>(got) / secs;
}

} // namespace

int main(int argc, char **argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string f = argv[i];
        if (f == "--samples")
            o.samples = std::atoi(argv[i + 1]);
        else if (f == "--threads")
            o.threads = std::atoi(argv[i + 1]);
        else if (f == "--seconds")
            o.seconds = std::atof(argv[i + 1]);
        else if (f == "--stream-records")
            o.stream_records = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr,
                         "usage: bench_isolation [--samples N] [--threads N] [--seconds S] [--stream-records N]\n");
            return 2;
        }
    }
    test::TempDir dir("ats-bench-isolation");
    test::make_plugin_dir(dir / "plugins", {"good", "faulty"});
    boost::filesystem::create_directories(dir / "manifests");
    test::LoopbackHttpServer upstream([](const test::TestRequest &) {
        test::TestResponse r;
        r.body = "pong";
        return r;
    });
    ::setenv("BENCH_ISOLATION_KEY", "bench-key-1", 1);
    for (std::string mode : {"in_process", "process"}) {
        write(
            dir / "manifests" + "/good_" + mode + ".json",
            R"({"tenant_id":"good_)" + mode +
                R"(","provider":"test_good","provider_config":{"api_key":{"$secret":{"env":"BENCH_ISOLATION_KEY"}},"base_url":")" +
                upstream.url("") + R"("},"host":{"isolation":")" + mode + R"(","egress_allow":["127.0.0.1"]}})");
        write(dir / "manifests" + "/faulty_" + mode + ".json",
              R"({"tenant_id":"faulty_)" + mode +
                  R"(","provider":"test_faulty","provider_config":{},"host":{"isolation":")" + mode + R"("}})");
    }
    host::Runtime::Options ro;
    ro.plugins_dir = dir / "plugins";
    ro.manifests_dir = dir / "manifests";
    ro.environment.data_dir = dir / "var";
    ro.environment.log_level = ATS_LOG_ERROR;
    ro.environment.log_file = dir / "host.log";
    host::Runtime rt(ro);

    bool same = true;
    std::printf("bench_isolation: plugin in an ats-plugin-worker process vs in the host process\n\n");
    std::printf("(a) single-record read, sequential, %d samples (us)\n", o.samples);
    std::printf("    %-34s %10s %10s %10s\n", "operation", "in-proc p50", "worker p50", "overhead");
    for (auto [tenant, op, args] :
         {std::tuple<std::string, std::string, std::string>{"faulty", ATS_OP_JOBS_GET, R"({"job_id":"j1"})"},
          {"good", ATS_OP_CHECK, "{}"}}) {
        auto in = rt.open_tenant(tenant + "_in_process");
        auto iso = rt.open_tenant(tenant + "_process");
        std::string r_in, r_iso;
        auto l_in = latencies(*in, op, args, o.samples, r_in);
        auto l_iso = latencies(*iso, op, args, o.samples, r_iso);
        if (op == ATS_OP_JOBS_GET) same = same && r_in == r_iso;
        double p50_in = percentile(l_in, 0.5), p50_iso = percentile(l_iso, 0.5);
        std::printf("    %-34s %10.1f %10.1f %+10.1f   (p99 %.1f vs %.1f)%s\n",
                    (op + (op == ATS_OP_CHECK ? " (1 upstream GET + 3 services)" : " (no host service)")).c_str(),
                    p50_in, p50_iso, p50_iso - p50_in, percentile(l_in, 0.99), percentile(l_iso, 0.99),
                    p50_iso - p50_in <= 50 ? "  target <= 50 us: met" : "  target <= 50 us: NOT met");
    }
    {
        auto in = rt.open_tenant("faulty_in_process");
        auto iso = rt.open_tenant("faulty_process");
        double t_in = throughput(*in, o.threads, o.seconds), t_iso = throughput(*iso, o.threads, o.seconds);
        std::printf("\n(b) jobs.get throughput, %d callers, %.1f s each: in-process %.0f/s, worker %.0f/s = %.0f%%%s\n",
                    o.threads, o.seconds, t_in, t_iso, 100 * t_iso / t_in,
                    t_iso >= 0.8 * t_in ? "  (target >= 80%: met)" : "  (target >= 80%: NOT met)");
        uint64_t got_in, got_iso, bytes_in, bytes_iso;
        double s_in = stream_rate(*in, o.stream_records, got_in, bytes_in);
        double s_iso = stream_rate(*iso, o.stream_records, got_iso, bytes_iso);
        same = same && got_in == static_cast<uint64_t>(o.stream_records) && got_iso == got_in && bytes_iso == bytes_in;
        std::printf("(c) jobs.stream of %d records: in-process %.0f records/s, worker %.0f records/s = %.0f%%%s\n",
                    o.stream_records, s_in, s_iso, 100 * s_iso / s_in,
                    s_iso >= 0.8 * s_in ? "  (target >= 80%: met)" : "  (target >= 80%: NOT met)");
    }
    std::printf("\nresults identical in both modes: %s\n", same ? "yes" : "NO");
    return same ? 0 : 1;
}
