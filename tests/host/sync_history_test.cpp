// The tenant's sync history (host/core/sync_history.hpp) on a real state file: newest first,
// retention, sealing (nothing readable in the file's bytes), a wrong key, dry-run plans reduced
// to counts.
#define BOOST_TEST_MODULE sync_history
#include <boost/test/unit_test.hpp>

#include "state_crypto.hpp"
#include "sqlite_state_store.hpp"
#include "sync_history.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <iterator>

namespace json = boost::json;
using namespace ats;

namespace {
host::SealingKey key(const std::string &material) { return host::sealing_key_from_material(material); }

json::object run(const std::string &id, const std::string &trigger, const std::string &secret_text = "") {
    return json::object{{"id", id},
                        {"trigger", trigger},
                        {"status", "succeeded"},
                        {"summary", json::object{{"applications_seen", 7},
                                                 {"errors", json::array{json::object{{"message", secret_text}}}}}}};
}

std::string file_bytes(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

BOOST_AUTO_TEST_CASE(runs_come_back_newest_first_and_retention_drops_the_oldest) {
    test::TempDir dir;
    host::SqliteStateStore store(dir / "state.sqlite");
    host::SyncHistory h(store, "acme", {key("0123456789abcdef0123456789abcdef")}, 3);
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(host::SyncHistory::new_run_id(1700000000000 + i * 1000));
        h.record(run(ids.back(), i % 2 ? "cli" : "schedule"));
    }
    auto all = h.last(0);
    BOOST_TEST_REQUIRE(all.size() == 3u); // the limit
    BOOST_TEST(all[0].at("id").as_string() == ids[4]);
    BOOST_TEST(all[2].at("id").as_string() == ids[2]);
    BOOST_TEST(h.last(1).size() == 1u);
    BOOST_TEST(!h.find(ids[0])); // dropped
    size_t rows = 0;             // and nothing of the dropped runs is left behind
    store.scan(h.owner(), "", [&](const std::string &, const std::string &) { return ++rows, true; });
    BOOST_TEST(rows == 6u); // 3 runs: a summary row and an index row each
    BOOST_TEST(h.find(ids[3])->at("trigger").as_string() == "cli");
    BOOST_TEST(!h.find("../" + ids[3]));
    // Another tenant's history is apart.
    host::SyncHistory other(store, "beta", {key("0123456789abcdef0123456789abcdef")}, 3);
    BOOST_TEST(other.last(0).empty());
    // Ids sort by start time and do not collide.
    BOOST_TEST(host::SyncHistory::new_run_id(5) < host::SyncHistory::new_run_id(1700000000000));
    BOOST_TEST(host::SyncHistory::new_run_id(5) != host::SyncHistory::new_run_id(5));
}

BOOST_AUTO_TEST_CASE(runs_are_sealed_and_a_foreign_key_reads_them_as_unreadable) {
    test::TempDir dir;
    const std::string marker = "applicant-ann@example.org";
    {
        host::SqliteStateStore store(dir / "state.sqlite");
        host::SyncHistory h(store, "acme", {key("0123456789abcdef0123456789abcdef")}, 10);
        h.record(run(host::SyncHistory::new_run_id(1700000000000), "cli", marker));
        BOOST_TEST(h.last(0).at(0).at("summary").at("errors").at(0).at("message").as_string() == marker);
    }
    std::string bytes = file_bytes(dir / "state.sqlite") + file_bytes(dir / "state.sqlite-wal");
    BOOST_TEST(bytes.find(marker) == std::string::npos);
    BOOST_TEST(bytes.find("applications_seen") == std::string::npos);
    host::SqliteStateStore store(dir / "state.sqlite");
    host::SyncHistory wrong(store, "acme", {key("another key of at least 16 bytes")}, 10);
    auto runs = wrong.last(0);
    BOOST_TEST_REQUIRE(runs.size() == 1u);
    BOOST_TEST(runs[0].at("status").as_string() == "unreadable");
    BOOST_TEST(json::serialize(runs[0]).find(marker) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_dry_run_keeps_its_plan_as_counts) {
    json::value plan = json::parse(R"({"dry_run":true,"applications_seen":3,"plan":[
        {"action":"create_person","person":{"first_name":"Ann"}},{"action":"create_person"},{"action":"set_status"}]})");
    auto kept = host::summary_for_history(plan).as_object();
    BOOST_TEST(!kept.contains("plan"));
    BOOST_TEST(kept.at("plan_counts").at("create_person").as_int64() == 2);
    BOOST_TEST(kept.at("plan_counts").at("set_status").as_int64() == 1);
    BOOST_TEST(kept.at("applications_seen").as_int64() == 3);
    json::value real = json::parse(R"({"applications_seen":3})");
    BOOST_TEST(host::summary_for_history(real) == real);
}
