// serve_cursor_test.cpp - JSON pages that RESUME the provider's read (ABI 1.3 positions), with
// the real tracker provider against the sandbox's Tracker emulator, in a worker process and in
// process: records changed and added between pages are neither skipped nor repeated, a page
// costs about one upstream request, and a cursor that was not issued for the query is a 400
// naming the parameter.
#define BOOST_TEST_MODULE serve_cursor
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "sandbox_fixture.hpp"
#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <functional>
#include <map>
#include <set>

using namespace ats::test;
using namespace ats::test::serve;
namespace json = boost::json;

namespace {

const std::string kToken = "cursor-tenant-token";

std::string manifest(const Sandbox &sandbox, const std::string &tenant, const std::string &isolation, int page_size) {
    return tracker_manifest(sandbox, tenant, "TR_TRACKER_KEY", R"(,"page_size":)" + std::to_string(page_size),
                            R"(,"isolation":")" + isolation + R"(")");
}

ServeSetup setup_for(const Sandbox &sandbox, int page_size = 4) {
    ServeSetup setup;
    setup.plugins = {{"libtracker.so", plugins_dir() + "/libtracker.so"}};
    setup.manifests = {{"worker", manifest(sandbox, "worker", "process", page_size)},
                       {"inproc", manifest(sandbox, "inproc", "in_process", page_size)}};
    setup.tokens = {{"worker", {kToken}}, {"inproc", {kToken}}};
    setup.env = {{"TR_TRACKER_KEY", Sandbox::kTrackerApiKey}};
    return setup;
}

Sandbox::Options many_candidates() {
    Sandbox::Options o;
    o.people = 30;
    o.tracker_people = 30; // every person already in Tracker: 30+ resources to page through
    return o;
}

// Tracker getRecords requests the sandbox answered so far.
int64_t get_records_count(Sandbox &sandbox) {
    int64_t n = 0;
    auto counters = sandbox.admin_get("counters");
    for (const auto &c : counters.at("counters").as_array()) {
        const auto &o = c.as_object();
        if (o.at("service") == "tracker" && o.at("endpoint").as_string().find("getRecords") != json::string::npos)
            n += o.at("count").to_number<int64_t>();
    }
    return n;
}

struct Seen {
    std::string id, updated_at, first_name;
};

// Reads every page of `path` (limit per page), calling `between(page_number)` after each page.
std::vector<Seen> read_pages(ServeInstance &s, const std::string &path, int limit, size_t &pages,
                             const std::function<void(size_t)> &between = {}) {
    std::vector<Seen> out;
    std::string cursor;
    pages = 0;
    for (;;) {
        std::string url = path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=" + std::to_string(limit);
        if (!cursor.empty()) url += "&cursor=" + cursor;
        auto r = s.get(url, kToken);
        BOOST_REQUIRE_MESSAGE(r.status == 200, url + " -> " + std::to_string(r.status) + " " + r.body);
        auto page = json::parse(r.body).as_object();
        ++pages;
        auto results = page.at("results").as_array();
        BOOST_REQUIRE(results.size() <= static_cast<size_t>(limit));
        for (const auto &v : results) {
            const auto &rec = v.as_object();
            Seen seen{std::string(rec.at("id").as_string()), "", ""};
            for (const char *field : {"remote_updated_at", "updated_at"})
                if (auto *u = rec.if_contains(field); u && u->is_string()) {
                    seen.updated_at = std::string(u->as_string());
                    break;
                }
            if (auto *fn = rec.if_contains("first_name"); fn && fn->is_string())
                seen.first_name = std::string(fn->as_string());
            out.push_back(seen);
        }
        if (page.at("next_cursor").is_null()) break;
        cursor = std::string(page.at("next_cursor").as_string());
        BOOST_REQUIRE(pages < 500);
        if (between) between(pages);
    }
    return out;
}

std::vector<std::string> ndjson_ids(ServeInstance &s, const std::string &path) {
    auto r = s.request("GET", path, kToken, "", {{"Accept", "application/x-ndjson"}});
    BOOST_REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    size_t start = 0;
    while (start < r.body.size()) {
        size_t nl = r.body.find('\n', start);
        if (nl == std::string::npos) nl = r.body.size();
        if (nl > start)
            ids.emplace_back(json::parse(r.body.substr(start, nl - start)).as_object().at("id").as_string());
        start = nl + 1;
    }
    return ids;
}

// Pages through the candidates while Tracker recruiters edit people already read and people not
// read yet, and check every person arrives, unchanged ones exactly once, edited ones last in
// their edited state.
void candidates_survive_changes_between_pages(Sandbox &sandbox, ServeInstance &s, const std::string &tenant) {
    const std::string path = "/v1/tenants/" + tenant + "/candidates";
    std::vector<std::string> before = ndjson_ids(s, path);
    BOOST_REQUIRE(before.size() >= 20u);
    std::map<std::string, std::string> edited; // id -> first name written
    auto edit = [&](const std::string &id, const std::string &name) {
        sandbox.admin_post("tracker/resource_field",
                           json::object{{"resource_id", std::stoll(id)}, {"field", "firstname"}, {"value", name}});
        edited[id] = name;
    };
    size_t pages = 0;
    auto seen = read_pages(s, path, 5, pages, [&](size_t page) {
        // A second passes so an edit gets a later `lastupdated` than the rows around it.
        sandbox.admin_post("mutate", json::object{{"advance_seconds", 2}});
        if (page == 1) {
            edit(before[0], "EditedAfterRead" + tenant); // read on page 1: moves to the end of Tracker's listing
            edit(before[1], "EditedAfterReadToo" + tenant);
            edit(before.back(), "EditedBeforeRead" + tenant); // not read yet
        }
        if (page == 2) edit(before[7], "EditedOnPage2" + tenant);
    });
    std::map<std::string, std::vector<const Seen *>> by_id;
    for (const auto &r : seen) by_id[r.id].push_back(&r);
    for (const auto &id : before) {
        BOOST_TEST(by_id.count(id) == 1u, "skipped: " << id);
        if (!by_id.count(id)) continue;
        const auto &copies = by_id[id];
        if (!edited.count(id) || id == before.back()) {
            BOOST_TEST(copies.size() == 1u, "repeated: " << id << " x" << copies.size());
        } else {
            BOOST_TEST(copies.size() <= 2u, id << " x" << copies.size());
        }
        if (edited.count(id))
            BOOST_TEST(copies.back()->first_name == edited[id], id << ": " << copies.back()->first_name);
    }
    // An edited person read twice carries two different versions: never the same record twice.
    for (const auto &[id, copies] : by_id)
        if (copies.size() == 2) BOOST_TEST(copies[0]->updated_at != copies[1]->updated_at, id);
}

} // namespace

BOOST_AUTO_TEST_CASE(pages_resume_through_changes_in_a_worker_and_in_process) {
    Sandbox sandbox(many_candidates());
    ServeInstance s(setup_for(sandbox));
    candidates_survive_changes_between_pages(sandbox, s, "worker");
    candidates_survive_changes_between_pages(sandbox, s, "inproc");
}

BOOST_AUTO_TEST_CASE(applications_pages_resume_through_status_changes) {
    Sandbox sandbox(many_candidates());
    ServeInstance s(setup_for(sandbox));
    const std::string path = "/v1/tenants/worker/applications";
    // More applications than the seed has: link every Tracker person to two jobs.
    auto people = ndjson_ids(s, "/v1/tenants/worker/candidates");
    auto jobs = ndjson_ids(s, "/v1/tenants/worker/jobs");
    BOOST_REQUIRE(jobs.size() >= 3u);
    for (size_t i = 0; i < people.size() && i < 12; ++i)
        sandbox.tracker("resourceApplication",
                        json::object{{"instructions", json::object{{"opportunityid", std::stoll(jobs[i % 3 + 1])},
                                                                   {"resourceid", std::stoll(people[i])},
                                                                   {"assigntolist", "long"},
                                                                   {"shortlistedby", "user"}}}});
    std::vector<std::string> before = ndjson_ids(s, path);
    BOOST_REQUIRE(before.size() >= 10u);
    size_t pages = 0;
    auto seen = read_pages(s, path, 3, pages, [&](size_t page) {
        sandbox.admin_post("mutate", json::object{{"advance_seconds", 2}});
        if (page == 1)
            sandbox.admin_post("tracker/link_status",
                               json::object{{"link_id", std::stoll(before[0])}, {"status", "Shortlisted"}});
    });
    std::map<std::string, int> count;
    for (const auto &r : seen) ++count[r.id];
    for (size_t i = 0; i < before.size(); ++i) {
        BOOST_TEST(count[before[i]] >= 1, "skipped: " << before[i]);
        if (i != 0) BOOST_TEST(count[before[i]] <= 1, "repeated: " << before[i]);
    }
}

BOOST_AUTO_TEST_CASE(a_page_costs_about_one_upstream_request) {
    Sandbox sandbox(many_candidates());
    ServeInstance s(setup_for(sandbox, 5)); // Tracker pages of 5, client pages of 5
    for (const std::string tenant : {"worker", "inproc"}) {
        const std::string path = "/v1/tenants/" + tenant + "/candidates";
        int64_t t0 = get_records_count(sandbox);
        auto all = ndjson_ids(s, path);
        int64_t stream_requests = get_records_count(sandbox) - t0;
        size_t pages = 0;
        int64_t t1 = get_records_count(sandbox);
        auto paged = read_pages(s, path, 5, pages);
        int64_t page_requests = get_records_count(sandbox) - t1;
        BOOST_TEST(paged.size() == all.size());
        // Re-running the stream for every page would cost pages*(pages+1)/2 requests.
        BOOST_TEST(page_requests <= static_cast<int64_t>(pages) + 1, tenant << ": " << page_requests << " requests for "
                                                                            << pages << " pages; the stream took "
                                                                            << stream_requests);
        BOOST_TEST(page_requests <= stream_requests + 1);
    }
}

BOOST_AUTO_TEST_CASE(a_cursor_not_issued_for_the_query_is_a_400_naming_it) {
    Sandbox sandbox(many_candidates());
    ServeInstance s(setup_for(sandbox));
    auto first = s.get("/v1/tenants/worker/candidates?limit=3", kToken);
    BOOST_REQUIRE(first.status == 200);
    std::string cursor(json::parse(first.body).at("next_cursor").as_string());
    BOOST_TEST(s.get("/v1/tenants/worker/candidates?limit=3&cursor=" + cursor, kToken).status == 200);

    std::string tampered = cursor;
    tampered[tampered.size() / 3] = tampered[tampered.size() / 3] == 'A' ? 'B' : 'A';
    for (const std::string &bad :
         {tampered, std::string("12"), std::string("garbage"), cursor.substr(0, cursor.size() - 2)}) {
        auto r = s.get("/v1/tenants/worker/candidates?limit=3&cursor=" + bad, kToken);
        BOOST_TEST(r.status == 400, bad << " -> " << r.status);
        BOOST_TEST(error_code(r) == "invalid_argument");
        BOOST_TEST(r.body.find("cursor") != std::string::npos, r.body);
    }
    // The same cursor on another query (other filters, other tenant, other route) is refused.
    for (const std::string path : {"/v1/tenants/worker/candidates?updated_after=2020-01-01T00:00:00Z&limit=3",
                                   "/v1/tenants/inproc/candidates?limit=3", "/v1/tenants/worker/jobs?limit=3"}) {
        auto r = s.get(path + "&cursor=" + cursor, kToken);
        BOOST_TEST(r.status == 400, path << " -> " << r.status);
        BOOST_TEST(r.body.find("cursor") != std::string::npos, r.body);
    }
}
