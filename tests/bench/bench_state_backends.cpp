// bench_state_backends: the host's state operations per second on SQLite and on PostgreSQL, in
// one run, on this machine (SQLite: a file in a temporary folder, WAL, synchronous=FULL;
// PostgreSQL: a private server started for the run, over its unix socket, default durability).
// Measured through the StateStore interface the host services use: single-key get, single-put
// state_apply (one transaction each), 100-put batches, prefix scans of 1,000 rows, and a lease
// acquire + release. Prints numbers; fails only when a backend returns wrong data.
#include "pg_state_store.hpp"
#include "postgres_server.hpp"
#include "sqlite_state_store.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

using namespace ats;

namespace {

double ops_per_second(int n, const std::function<void(int)> &op) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) op(i);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return n / s;
}

std::string key(int i) {
    char b[32];
    std::snprintf(b, sizeof b, "person/%08d", i);
    return b;
}

struct Numbers {
    double get = 0, put = 0, batch_rows = 0, scan_rows = 0, lease = 0;
    bool correct = true;
};

Numbers measure(host::StateStore &s, int n) {
    Numbers r;
    const std::string value(200, 'v'); // about the size of a sync's identity record
    r.put = ops_per_second(n, [&](int i) { s.apply("bench", {{false, key(i), value}}); });
    r.get = ops_per_second(n, [&](int i) {
        std::string v;
        if (!s.get("bench", key(i), v) || v != value) r.correct = false;
    });
    const int batches = std::max(1, n / 100);
    r.batch_rows = 100 * ops_per_second(batches, [&](int b) {
                       std::vector<host::StateOp> ops;
                       for (int i = 0; i < 100; ++i) ops.push_back({false, "batch/" + key(b * 100 + i), value});
                       s.apply("bench", ops);
                   });
    const int scans = std::max(1, n / 100);
    r.scan_rows =
        1000 * ops_per_second(scans, [&](int) {
            int rows = 0;
            s.scan("bench", "person/0000", [&](const std::string &, const std::string &) { return ++rows < 1000; });
            if (rows != std::min(1000, n)) r.correct = false;
        });
    r.lease = ops_per_second(n / 2, [&](int) {
        auto g = s.lease_try_acquire("bench", "sync", "bench", 30000, false);
        if (!g)
            r.correct = false;
        else
            s.lease_release("bench", "sync", g->token);
    });
    return r;
}

} // namespace

int main(int argc, char **argv) {
    int n = 2000;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--ops" && i + 1 < argc) n = std::atoi(argv[++i]);
    test::TempDir tmp("ats-bench-state");
    host::SqliteStateStore sqlite(tmp / "state.sqlite");
    test::PostgresServer server;
    host::PgStateStore pg(server.create_database("bench"));
    std::printf("state operations per second, %d operations each (higher is better)\n", n);
    Numbers a = measure(sqlite, n), b = measure(pg, n);
    std::printf("%-30s %12s %12s %8s\n", "operation", "sqlite", "postgresql", "pg/sqlite");
    auto row = [](const char *what, double x, double y) {
        std::printf("%-30s %12.0f %12.0f %8.2f\n", what, x, y, y / x);
    };
    row("get (1 key)", a.get, b.get);
    row("state_apply (1 put)", a.put, b.put);
    row("state_apply rows (100/batch)", a.batch_rows, b.batch_rows);
    row("state_scan rows", a.scan_rows, b.scan_rows);
    row("lease acquire+release", a.lease, b.lease);
    if (!a.correct || !b.correct) {
        std::printf("WRONG DATA: sqlite %s, postgresql %s\n", a.correct ? "ok" : "wrong", b.correct ? "ok" : "wrong");
        return 1;
    }
    return 0;
}
