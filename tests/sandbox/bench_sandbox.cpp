// Load benchmark of ats-sandbox: N requests over C concurrent keep-alive connections (half Tracker
// getRecords, half Kombo applications pages), printing requests per second. Fails on any error.
// usage: sandbox_bench [--requests 20000] [--connections 16] [--threads 2]
#include "sandbox_fixture.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char **argv) {
    int requests = 20000, connections = 16;
    std::string threads = "2";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string arg = argv[i];
        if (arg == "--requests")
            requests = std::stoi(argv[i + 1]);
        else if (arg == "--connections")
            connections = std::stoi(argv[i + 1]);
        else if (arg == "--threads")
            threads = argv[i + 1];
        else {
            std::cerr << "unknown option " << arg << "\n";
            return 2;
        }
    }
    ats::test::Sandbox::Options options;
    options.applications = 400;
    options.people = 250;
    options.tracker_people = 100;
    options.jobs = 20;
    options.extra_args = {"--threads", threads};
    ats::test::Sandbox sandbox(options);
    const std::string tracker_body =
        R"({"trackerrms":{"getRecords":{"credentials":{"apikey":"sandbox-tracker-key"},"instructions":{"recordtype":"R","numrecords":20,"pagenum":2}}}})";
    std::atomic<int> next{0}, errors{0}, done{0};
    std::atomic<long long> bytes{0};
    std::string first_error;
    std::mutex error_mutex;
    auto worker = [&](int index) {
        bool tracker = index % 2 == 0;
        ats::net::HttpRequest req;
        if (tracker) {
            req.method = "POST";
            req.url = sandbox.tracker_url() + "/api/widget/getRecords";
            req.headers = {{"Content-Type", "application/json"}};
            req.body = tracker_body;
        } else {
            req.url = sandbox.kombo_url() + "/ats/applications?page_size=20";
            req.headers = {{"Authorization", "Bearer sandbox-kombo-key"}, {"X-Integration-Id", "workable:sandbox"}};
        }
        while (next.fetch_add(1) < requests) {
            try {
                auto r = sandbox.http().send(req);
                bool ok = r.status == 200 && (!tracker || r.body.rfind("{\"status\":0", 0) == 0);
                if (!ok) {
                    std::lock_guard<std::mutex> lock(error_mutex);
                    if (errors++ == 0) first_error = "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
                }
                bytes += static_cast<long long>(r.body.size());
            } catch (const std::exception &e) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (errors++ == 0) first_error = e.what();
            }
            ++done;
        }
    };
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int i = 0; i < connections; ++i) pool.emplace_back(worker, i);
    for (auto &t : pool) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto stats = sandbox.http().stats();
    std::cout << "bench: ats-sandbox " << done.load() << " requests over " << connections << " keep-alive connections ("
              << threads << " server threads): " << static_cast<long long>(done.load() / seconds) << " req/s, "
              << seconds << " s, " << bytes.load() / 1024 << " KiB, " << stats.connections_opened
              << " connections opened, " << errors.load() << " errors" << std::endl;
    if (errors.load() > 0) std::cout << "first error: " << first_error << std::endl;
    return errors.load() == 0 && done.load() == requests ? 0 : 1;
}
