// serve_cursor_bench.cpp - what paging costs upstream: 10,000 Tracker jobs (sandbox --jobs 10000)
// read through `ats-host serve` once as one NDJSON stream and once in JSON pages of 100
// following next_cursor, counting the getRecords requests the sandbox answered for each. Resumed
// pages (ABI 1.3 positions) cost about one request per page; re-running the stream for every
// page would cost O(N^2/P). Run for Tracker page sizes 100 and 500 (provider_config.page_size),
// in a worker process (serve's default). Prints a table and one JSON line ("bench_result").
//
// usage: bench_serve_cursor [--jobs N] [--limit P]
// Exit status 0 when both reads returned every job exactly once, else 1.
#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <set>

using namespace ats::test;
using namespace ats::test::serve;
namespace json = boost::json;

namespace {

int64_t get_records_count(Sandbox &sandbox) {
    int64_t n = 0;
    json::value counters = sandbox.admin_get("counters"); // kept: the loop must not iterate a temporary
    for (const auto &c : counters.at("counters").as_array()) {
        const auto &o = c.as_object();
        if (o.at("service") == "tracker" && o.at("endpoint").as_string().find("getRecords") != json::string::npos)
            n += o.at("count").to_number<int64_t>();
    }
    return n;
}

std::string manifest(const Sandbox &sandbox, const std::string &tenant, int page_size) {
    return tracker_manifest(sandbox, tenant, "TR_TRACKER_KEY", R"(,"page_size":)" + std::to_string(page_size));
}

} // namespace

int main(int argc, char **argv) {
    int jobs = 10000, limit = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--jobs")
            jobs = std::atoi(argv[i + 1]);
        else if (a == "--limit")
            limit = std::atoi(argv[i + 1]);
    }
    Sandbox::Options options;
    options.jobs = jobs;
    options.applications = 40;
    Sandbox sandbox(options);
    ServeSetup setup;
    setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"}};
    setup.manifests = {{"p100", manifest(sandbox, "p100", 100)}, {"p500", manifest(sandbox, "p500", 500)}};
    setup.tokens = {{"p100", {"t"}}, {"p500", {"t"}}};
    setup.env = {{"TR_TRACKER_KEY", Sandbox::kTrackerApiKey}};
    setup.log_level = "warn";
    ServeInstance s(setup);

    bool ok = true;
    json::array results;
    std::printf("%-10s %10s %14s %14s %8s %8s %10s %10s %10s\n", "tracker", "records", "ndjson_reqs", "paged_reqs",
                "pages", "ratio", "ndjson_s", "ndjson_MB/s", "paged_s");
    for (const std::string tenant : {"p100", "p500"}) {
        const std::string path = "/v1/tenants/" + tenant + "/jobs";
        int64_t t0 = get_records_count(sandbox);
        auto c0 = std::chrono::steady_clock::now();
        auto nd = s.request("GET", path, "t", "", {{"Accept", "application/x-ndjson"}});
        double nd_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
        int64_t nd_reqs = get_records_count(sandbox) - t0;
        size_t nd_records = static_cast<size_t>(std::count(nd.body.begin(), nd.body.end(), '\n'));

        std::set<std::string> ids;
        size_t paged_records = 0, pages = 0;
        std::string cursor;
        int64_t t1 = get_records_count(sandbox);
        auto c1 = std::chrono::steady_clock::now();
        for (;;) {
            auto r = s.get(path + "?limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor), "t");
            if (r.status != 200) {
                std::fprintf(stderr, "page %zu: %d %s\n", pages, r.status, r.body.c_str());
                ok = false;
                break;
            }
            auto page = json::parse(r.body).as_object();
            ++pages;
            for (const auto &v : page.at("results").as_array()) {
                ++paged_records;
                ids.insert(std::string(v.at("id").as_string()));
            }
            if (page.at("next_cursor").is_null()) break;
            cursor = std::string(page.at("next_cursor").as_string());
        }
        double paged_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - c1).count();
        int64_t paged_reqs = get_records_count(sandbox) - t1;
        ok = ok && nd.status == 200 && paged_records == nd_records && ids.size() == nd_records;
        double ratio = nd_reqs ? static_cast<double>(paged_reqs) / static_cast<double>(nd_reqs) : 0;
        double mb_s = nd_s > 0 ? static_cast<double>(nd.body.size()) / 1e6 / nd_s : 0;
        std::printf("%-10s %10zu %14lld %14lld %8zu %8.2f %10.2f %10.1f %10.2f\n", tenant.c_str(), nd_records,
                    static_cast<long long>(nd_reqs), static_cast<long long>(paged_reqs), pages, ratio, nd_s, mb_s,
                    paged_s);
        results.push_back(json::object{{"tenant", tenant},
                                       {"records", nd_records},
                                       {"paged_records", paged_records},
                                       {"distinct_paged", ids.size()},
                                       {"ndjson_requests", nd_reqs},
                                       {"paged_requests", paged_reqs},
                                       {"pages", pages},
                                       {"ratio", ratio},
                                       {"ndjson_seconds", nd_s},
                                       {"ndjson_bytes", nd.body.size()},
                                       {"ndjson_mb_per_s", mb_s},
                                       {"paged_seconds", paged_s}});
    }
    std::printf("bench_result %s\n",
                json::serialize(json::object{{"bench", "serve_cursor"}, {"limit", limit}, {"runs", results}}).c_str());
    return ok ? 0 : 1;
}
