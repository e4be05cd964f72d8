// One suite of the host's state services, run on both backends: SQLite (a file in a temporary
// folder) and PostgreSQL (a private server started by the test, postgres_server.hpp). Every case
// runs against each; a case that needs a second instance opens a second store on the same state.
#define BOOST_TEST_MODULE state_backends
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "host_error.hpp"
#include "lock_manager.hpp"
#include "pg_state_store.hpp"
#include "postgres_server.hpp"
#include "sqlite_state_store.hpp"
#include "temp_dir.hpp"

#include "ats_plugin.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <boost/mpl/list.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ats;
using namespace std::chrono_literals;

namespace {

using ats::test::contains;

// One PostgreSQL server for the whole test process; each case gets a database of its own.
test::PostgresServer &postgres() {
    static test::PostgresServer server;
    return server;
}

struct SqliteBackend {
    static constexpr const char *name = "sqlite";
    test::TempDir tmp{"ats-state-backend"};
    std::string url() const { return tmp / "state.sqlite"; }
    std::unique_ptr<host::StateStore> open() const { return std::make_unique<host::SqliteStateStore>(url()); }
    std::string locks_dir() const { return tmp / "locks"; }
    void set_recorded_version(int v) const {
        sqlite3 *db = nullptr;
        sqlite3_open(url().c_str(), &db);
        sqlite3_exec(db, ("UPDATE schema_version SET version=" + std::to_string(v)).c_str(), nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
};

struct PostgresBackend {
    static constexpr const char *name = "postgresql";
    test::TempDir tmp{"ats-state-backend"};
    std::string db_url;
    PostgresBackend() {
        static int n = 0;
        db_url = postgres().create_database("case" + std::to_string(++n));
    }
    std::string url() const { return db_url; }
    std::unique_ptr<host::StateStore> open() const { return std::make_unique<host::PgStateStore>(url()); }
    std::string locks_dir() const { return tmp / "locks"; }
    void set_recorded_version(int v) const {
        PGconn *c = PQconnectdb(url().c_str());
        PQclear(PQexec(c, ("UPDATE ats_schema_version SET version=" + std::to_string(v)).c_str()));
        PQfinish(c);
    }
};

using Backends = boost::mpl::list<SqliteBackend, PostgresBackend>;

host::LockManager::Options lease_options(const std::string &holder, int64_t ttl_ms) {
    host::LockManager::Options o;
    o.holder = holder;
    o.ttl_ms = ttl_ms;
    return o;
}

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(get_apply_scan, B, Backends) {
    B b;
    auto s = b.open();
    std::string v;
    BOOST_TEST(!s->get("t1", "k", v));
    s->apply("t1", {{false, "id/b", "2"}, {false, "id/a", "1"}, {false, "id0", "x"}, {false, "other", "y"}});
    s->apply("t2", {{false, "id/a", "tenant two"}});
    BOOST_TEST(s->get("t1", "id/a", v));
    BOOST_TEST(v == "1");
    std::vector<std::string> keys;
    s->scan("t1", "id/", [&](const std::string &k, const std::string &) {
        keys.push_back(k);
        return true;
    });
    BOOST_TEST(keys == (std::vector<std::string>{"id/a", "id/b"})); // byte order, prefix only, tenant only
    keys.clear();
    s->scan("t1", "", [&](const std::string &k, const std::string &) {
        keys.push_back(k);
        return keys.size() < 2;
    });
    BOOST_TEST(keys.size() == 2u); // the callback stops the scan
    s->apply("t1", {{true, "id/a", ""}, {false, "id/b", "3"}});
    BOOST_TEST(!s->get("t1", "id/a", v));
    BOOST_TEST(s->get("t1", "id/b", v));
    BOOST_TEST(v == "3");
    BOOST_TEST(s->get("t2", "id/a", v));
    BOOST_TEST(v == "tenant two");
    std::string bin("a\0b\xff", 4); // binary keys and values survive, and sort as bytes
    s->apply("t1", {{false, bin, bin}, {false, std::string("a\x01", 2), "low"}, {false, "\xff\xff", "high", true}});
    BOOST_TEST(s->get("t1", bin, v));
    BOOST_TEST(v == bin);
    keys.clear();
    s->scan("t1", "a", [&](const std::string &k, const std::string &) {
        keys.push_back(k);
        return true;
    });
    BOOST_TEST(keys == (std::vector<std::string>{bin, std::string("a\x01", 2)}));
    bool sealed = false;
    BOOST_TEST(s->get("t1", "\xff\xff", v, &sealed));
    BOOST_TEST(sealed);
    keys.clear();
    s->scan("t1", "\xff", [&](const std::string &k, const std::string &) {
        keys.push_back(k);
        return true;
    });
    BOOST_TEST(keys.size() == 1u); // a prefix of 0xFF bytes has no upper bound
    s->apply("t1", {{false, "empty", ""}});
    BOOST_TEST(s->get("t1", "empty", v));
    BOOST_TEST(v.empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(batches_are_atomic_between_instances, B, Backends) {
    B b;
    auto a = b.open(), c = b.open(); // two connections, as two instances would have
    std::thread w1([&] {
        for (int i = 0; i < 40; ++i)
            a->apply("t", {{false, "x", "a" + std::to_string(i)}, {false, "y", "a" + std::to_string(i)}});
    });
    std::thread w2([&] {
        for (int i = 0; i < 40; ++i)
            c->apply("t", {{false, "y", "b" + std::to_string(i)}, {false, "x", "b" + std::to_string(i)}});
    });
    auto reader = b.open();
    int torn = 0;
    for (int i = 0; i < 150; ++i) {
        std::map<std::string, std::string> snap;
        reader->scan("t", "", [&](const std::string &k, const std::string &val) {
            snap[k] = val;
            return true;
        });
        if (snap.count("x") && snap["x"] != snap["y"]) ++torn;
    }
    w1.join();
    w2.join();
    BOOST_TEST(torn == 0);
    std::string x, y;
    BOOST_TEST(reader->get("t", "x", x));
    BOOST_TEST(reader->get("t", "y", y));
    BOOST_TEST(x == y);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(schema_version_is_recorded_and_a_newer_one_refused, B, Backends) {
    B b;
    {
        auto s = b.open();
        BOOST_TEST(s->schema_version() == host::kStateSchemaVersion);
        s->apply("t", {{false, "checkpoint", "42"}});
    }
    {
        auto s = b.open(); // reopening migrates nothing and keeps the data
        std::string v;
        BOOST_TEST(s->get("t", "checkpoint", v));
        BOOST_TEST(v == "42");
    }
    b.set_recorded_version(host::kStateSchemaVersion + 1);
    try {
        b.open();
        BOOST_FAIL("a store written by a newer host was opened");
    } catch (const std::runtime_error &e) {
        BOOST_TEST(contains(e.what(), "newer than this host"), e.what());
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(host_values_first_writer_wins, B, Backends) {
    B b;
    auto s1 = b.open(), s2 = b.open();
    BOOST_TEST(s1->host_value_or_insert("t", "identity", "first") == "first");
    BOOST_TEST(s2->host_value_or_insert("t", "identity", "second") == "first");
    s2->host_value_put("t", "identity", "rotated");
    BOOST_TEST(s1->host_value_or_insert("t", "identity", "third") == "rotated");
    BOOST_TEST(s1->host_value_or_insert("u", "identity", "other tenant") == "other tenant");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(reseal_rewrites_sealed_rows_only, B, Backends) {
    B b;
    auto s = b.open();
    s->apply("t", {{false, "plain", "p"}, {false, "secret1", "old1", true}, {false, "secret2", "new2", true}});
    size_t n = s->reseal_all(
        "t", [](const host::StateRow &r) { return r.value.rfind("old", 0) == 0 ? "new" + r.value.substr(3) : ""; });
    BOOST_TEST(n == 1u);
    std::string v;
    BOOST_TEST(s->get("t", "secret1", v));
    BOOST_TEST(v == "new1");
    BOOST_TEST(s->get("t", "plain", v));
    BOOST_TEST(v == "p");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(locks_exclude_instances_and_name_the_holder, B, Backends) {
    B b;
    auto s1 = b.open(), s2 = b.open();
    host::LockManager one(b.locks_dir(), s1.get(), lease_options("instance-one", 2000));
    host::LockManager two(b.locks_dir(), s2.get(), lease_options("instance-two", 2000));
    auto held = one.acquire("acme", "sync", 0);
    BOOST_TEST(held->token() > 0);
    try {
        two.acquire("acme", "sync", 100);
        BOOST_FAIL("expected a conflict");
    } catch (const host::HostError &e) {
        BOOST_TEST(e.status() == ATS_ERR_CONFLICT);
        // a local store names the pid from the flock file, a shared one the lease's holder
        const std::string who = s1->shared() ? std::string("instance-one") : "pid " + std::to_string(::getpid());
        BOOST_TEST(contains(e.what(), "held by " + who), e.what());
    }
    auto other_tenant = two.acquire("other-tenant", "sync", 0);
    auto other_name = two.acquire("acme", "oauth", 0);
    // A live holder keeps its lease past the TTL (it is renewed).
    std::this_thread::sleep_for(2500ms);
    BOOST_CHECK_THROW(two.acquire("acme", "sync", 0), host::HostError);
    BOOST_TEST(!held->lost());
    const int64_t first_token = held->token();
    held.reset(); // released: the next holder gets it at once, with a greater token
    auto next = two.acquire("acme", "sync", 0);
    BOOST_TEST(next->token() > first_token);
    BOOST_CHECK_THROW(two.acquire("acme", "../escape", 0), host::HostError);
}

// The holder's process dies without releasing (SIGKILL): another instance takes the lock over,
// at once on a local store (the kernel drops the flock), after the lease's end on a shared one.
BOOST_AUTO_TEST_CASE_TEMPLATE(lease_of_a_killed_holder_is_taken_over, B, Backends) {
    B b;
    constexpr int64_t ttl = 1500;
    int ready[2];
    BOOST_REQUIRE(::pipe(ready) == 0);
    pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        try {
            auto s = b.open();
            host::LockManager mine(b.locks_dir(), s.get(), lease_options("doomed-instance", ttl));
            auto held = mine.acquire("acme", "sync", 5000);
            (void)!::write(ready[1], "1", 1);
            for (;;) ::pause();
        } catch (...) {
            _exit(3);
        }
    }
    ::close(ready[1]);
    char c = 0;
    BOOST_REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    auto s = b.open();
    host::LockManager survivor(b.locks_dir(), s.get(), lease_options("survivor", ttl));
    BOOST_CHECK_THROW(survivor.acquire("acme", "sync", 0), host::HostError); // held while it lives
    const auto before = s->lease_get("acme", "sync");
    BOOST_REQUIRE(before.has_value());
    BOOST_TEST(before->holder == "doomed-instance");
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    const auto t0 = std::chrono::steady_clock::now();
    auto held = survivor.acquire("acme", "sync", 3 * ttl);
    const int64_t took = ms_since(t0);
    std::printf("%s: lease of a SIGKILLed holder taken over after %lld ms (lease %lld ms)\n", B::name,
                static_cast<long long>(took), static_cast<long long>(ttl));
    BOOST_TEST(held->token() == before->token + 1);
    BOOST_TEST(took <= ttl + 1000);           // within the lease (plus one polling step and slack)
    if (s->shared()) BOOST_TEST(took >= 100); // a lease is not stolen early... it ends when renewals stop
}

// A holder that stalled past its lease (no renewal) is taken over; its write with the old token
// is refused and leaves the state unchanged; the new holder writes.
BOOST_AUTO_TEST_CASE_TEMPLATE(write_with_a_lost_lease_is_refused, B, Backends) {
    B b;
    auto a = b.open(), c = b.open();
    auto stalled = a->lease_try_acquire("acme", "sync", "stalled-instance", 200, false);
    BOOST_REQUIRE(stalled.has_value());
    BOOST_TEST(!c->lease_try_acquire("acme", "sync", "new-instance", 200, false).has_value()); // still running
    a->apply("acme", {{false, "cursor", "1"}}, {{"sync", stalled->token}}); // fenced write while held: fine
    std::this_thread::sleep_for(400ms);
    auto taken = c->lease_try_acquire("acme", "sync", "new-instance", 5000, false);
    BOOST_REQUIRE(taken.has_value());
    BOOST_TEST(taken->token == stalled->token + 1);
    try {
        a->apply("acme", {{false, "cursor", "stale"}, {false, "other", "x"}}, {{"sync", stalled->token}});
        BOOST_FAIL("a write under a lost lease was accepted");
    } catch (const host::HostError &e) {
        BOOST_TEST(e.status() == ATS_ERR_CONFLICT);
        BOOST_TEST(contains(e.what(), "new-instance"), e.what());
    }
    std::string v;
    BOOST_TEST(a->get("acme", "cursor", v));
    BOOST_TEST(v == "1");
    BOOST_TEST(!a->get("acme", "other", v));
    BOOST_TEST(!a->lease_renew("acme", "sync", stalled->token, 200).has_value()); // the old holder learns it lost
    c->apply("acme", {{false, "cursor", "2"}}, {{"sync", taken->token}});
    BOOST_TEST(a->get("acme", "cursor", v));
    BOOST_TEST(v == "2");
    auto active = a->leases_active();
    BOOST_REQUIRE(active.size() == 1u);
    BOOST_TEST(active[0].holder == "new-instance");
    // Released: a renewal racing the release does not bring it back, and the next holder needs no wait.
    c->lease_release("acme", "sync", taken->token);
    BOOST_TEST(!c->lease_renew("acme", "sync", taken->token, 5000).has_value());
    BOOST_TEST(a->leases_active().empty());
    auto after = a->lease_try_acquire("acme", "sync", "third-instance", 200, false);
    BOOST_REQUIRE(after.has_value());
    BOOST_TEST(after->token == taken->token + 1);
}

BOOST_AUTO_TEST_CASE(state_urls_never_show_their_password) {
    BOOST_TEST(host::redact_state_url("postgresql://ats:s3cret@db.example:5432/ats") ==
               "postgresql://ats:***@db.example:5432/ats");
    BOOST_TEST(host::redact_state_url("postgres://u:p%40ss@h/d?password=other&sslmode=require") ==
               "postgres://u:***@h/d?password=***&sslmode=require");
    BOOST_TEST(host::state_url_password("postgresql://u:p%40ss@h/d") == "p@ss");
    BOOST_TEST(host::redact_state_url("postgresql://ats@/db?host=%2Ftmp") == "postgresql://ats@/db?host=%2Ftmp");
    BOOST_TEST(host::is_postgres_url("postgresql://x"));
    BOOST_TEST(!host::is_postgres_url("var/state.sqlite"));
    try { // a failed connection names the URL without the password
        host::PgStateStore s("postgresql://ats:hunter2@127.0.0.1:1/none?connect_timeout=2");
        BOOST_FAIL("connected to port 1");
    } catch (const std::runtime_error &e) {
        BOOST_TEST(!contains(e.what(), "hunter2"), e.what());
        BOOST_TEST(contains(e.what(), "postgresql://ats:***@127.0.0.1:1/none"), e.what());
    }
}
