// Time zones end to end: Tracker stores local Europe/London times without offset (A8). Links are
// updated at chosen instants on both sides of the 2026 spring and autumn changes (the sandbox
// clock is pinned with /_sandbox/mutate set_time), then read back through applications.stream
// with updated_after filters and checked for the records they must (and must not) return, and for
// the UTC times they carry.
#define BOOST_TEST_MODULE tracker_e2e_time
#include <boost/test/unit_test.hpp>

#include "tracker_host.hpp"

#include <set>

using namespace ats::test;
using namespace ats::test::tracker;

namespace {

struct Stamped {
    std::string label;
    std::string at; // UTC instant of the update
    int64_t link = 0;
};

std::map<std::string, std::string> changed_at_by_id(const CallResult &r) {
    std::map<std::string, std::string> out;
    for (const auto &a : r.records)
        out[std::string(a.at("id").as_string())] = std::string(a.at("changed_at").as_string());
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(updated_after_across_both_daylight_saving_changes) {
    Sandbox sandbox;
    bj::object s = tracker_state(sandbox);
    auto opportunities = ids_of(s, "opportunities");
    auto resources = free_resources(s, opportunities[0]);
    TrackerHost host(sandbox);

    // Europe/London 2026: clocks go forward at 01:00Z on 29 March and back at 01:00Z on 25 October.
    std::vector<Stamped> stamps = {
        {"spring_before", "2026-03-29T00:30:00Z"}, // 00:30 GMT
        {"spring_after", "2026-03-29T01:30:00Z"},  // 02:30 BST
        {"autumn_before", "2026-10-24T23:30:00Z"}, // 00:30 BST
        {"autumn_first", "2026-10-25T00:30:00Z"},  // 01:30 BST (first pass of the repeated hour)
        {"autumn_second", "2026-10-25T01:15:00Z"}, // 01:15 GMT (second pass)
        {"autumn_after", "2026-10-25T02:30:00Z"},  // 02:30 GMT
    };
    for (size_t i = 0; i < stamps.size(); ++i) {
        sandbox.admin_post("mutate", bj::object{{"set_time", stamps[i].at}, {"freeze", true}});
        stamps[i].link = make_link(sandbox, resources[i], opportunities[0]);
    }
    sandbox.admin_post("mutate", bj::object{{"set_time", "2026-11-01T12:00:00Z"}, {"freeze", true}});
    auto id = [&](const char *label) {
        for (const auto &st : stamps)
            if (st.label == label) return std::to_string(st.link);
        throw std::runtime_error(label);
    };

    // Every link's UTC time comes back exact, except in the repeated hour where Tracker's local
    // time is ambiguous and the earlier instant is documented (01:15 local -> 00:15Z, not 01:15Z).
    CallResult all = host.call("applications.stream");
    BOOST_TEST_REQUIRE(all.exit_code == 0, all.err);
    auto times = changed_at_by_id(all);
    BOOST_TEST(times[id("spring_before")] == "2026-03-29T00:30:00Z");
    BOOST_TEST(times[id("spring_after")] == "2026-03-29T01:30:00Z");
    BOOST_TEST(times[id("autumn_before")] == "2026-10-24T23:30:00Z");
    BOOST_TEST(times[id("autumn_first")] == "2026-10-25T00:30:00Z");
    BOOST_TEST(times[id("autumn_second")] == "2026-10-25T00:15:00Z"); // ambiguous: earlier instant, by design
    BOOST_TEST(times[id("autumn_after")] == "2026-10-25T02:30:00Z");

    auto after = [&](const char *t) {
        CallResult r = host.call("applications.stream", bj::object{{"updated_after", t}});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        std::set<std::string> ids;
        for (const auto &a : r.records) ids.insert(std::string(a.at("id").as_string()));
        return ids;
    };
    // Spring, cut-off before the change (00:45 GMT): the 02:30 BST update is after it, the 00:30 one not.
    auto spring = after("2026-03-29T00:45:00Z");
    BOOST_TEST(!spring.count(id("spring_before")));
    BOOST_TEST(spring.count(id("spring_after")));
    // Spring, cut-off after the change (01:15Z = 02:15 BST): a fixed one-hour shift either way would get this wrong.
    auto spring2 = after("2026-03-29T01:15:00Z");
    BOOST_TEST(!spring2.count(id("spring_before")));
    BOOST_TEST(spring2.count(id("spring_after")));
    auto spring3 = after("2026-03-29T01:45:00Z");
    BOOST_TEST(!spring3.count(id("spring_after")));
    BOOST_TEST(spring3.count(id("autumn_before")));

    // Autumn, cut-off before the change (23:45Z = 00:45 BST).
    auto autumn0 = after("2026-10-24T23:45:00Z");
    BOOST_TEST(!autumn0.count(id("autumn_before")));
    BOOST_TEST(autumn0.count(id("autumn_first")));
    BOOST_TEST(autumn0.count(id("autumn_second")));
    BOOST_TEST(autumn0.count(id("autumn_after")));
    // Cut-off inside the first pass (00:45Z = 01:45 BST): the second pass (01:15 GMT = 01:15Z) is
    // later and must be returned although its local time "01:15" is earlier than "01:45".
    auto autumn1 = after("2026-10-25T00:45:00Z");
    BOOST_TEST(autumn1.count(id("autumn_second")));
    BOOST_TEST(autumn1.count(id("autumn_after")));
    BOOST_TEST(!autumn1.count(id("autumn_before")));
    // Cut-off after the change (02:00Z): only the later update.
    auto autumn2 = after("2026-10-25T02:00:00Z");
    BOOST_TEST(autumn2.count(id("autumn_after")));
    BOOST_TEST(!autumn2.count(id("autumn_second")));
    BOOST_TEST(!autumn2.count(id("spring_after")));
    BOOST_TEST(autumn2.size() == 1u);

    // Offsets in the argument are honoured: 01:45+01:00 is 00:45Z.
    BOOST_TEST((after("2026-10-25T01:45:00+01:00") == autumn1));
    CallResult bad = host.call("applications.stream", bj::object{{"updated_after", "2026-10-25 01:45:00"}});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.error_message().find("updated_after") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(another_tenant_zone) {
    Sandbox::Options o;
    o.extra_args = {"--tracker-timezone", "America/New_York"};
    Sandbox sandbox(o);
    bj::object s = tracker_state(sandbox);
    auto opportunities = ids_of(s, "opportunities");
    auto resources = free_resources(s, opportunities[0]);
    sandbox.admin_post("mutate", bj::object{{"set_time", "2026-03-08T07:30:00Z"}, {"freeze", true}}); // 03:30 EDT
    int64_t link = make_link(sandbox, resources[0], opportunities[0]);
    TenantOptions t;
    t.timezone = "America/New_York";
    TrackerHost host(sandbox, t);
    CallResult r = host.call("applications.get", bj::object{{"application_id", std::to_string(link)}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.one().at("changed_at").as_string() == "2026-03-08T07:30:00Z");
    CallResult before = host.call("applications.stream", bj::object{{"updated_after", "2026-03-08T07:00:00Z"}});
    BOOST_TEST(before.records.size() == 1u);
    CallResult later = host.call("applications.stream", bj::object{{"updated_after", "2026-03-08T07:31:00Z"}});
    BOOST_TEST(later.records.empty());
}
