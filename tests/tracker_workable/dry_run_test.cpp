// Unit tests of the dry run's two parts against in-memory fakes: the state overlay (reads see the
// store plus the run's own writes, the store never changes) and the port that turns writes into
// plan items while answering later reads as Tracker would.
#define BOOST_TEST_MODULE tracker_workable_dry_run
#include <boost/test/unit_test.hpp>

#include "dry_run/dry_run_port.hpp"
#include "dry_run/state_overlay.hpp"
#include "fakes/fake_host.hpp"
#include "fakes/fake_tracker_port.hpp"

using namespace ats::tracker_workable;
namespace json = boost::json;

BOOST_AUTO_TEST_CASE(overlay_reads_through_keeps_writes_and_never_touches_the_store) {
    ats::test::FakeHost fake;
    fake.host().state_apply(
        ats::sdk::Host::Batch().put("cp", "1").put("pend/a", "A").put("pend/c", "C").put("per/x", "9"));
    const auto before = fake.state();
    StateOverlay overlay(fake.host().raw());
    ats::sdk::Host h = overlay.host();
    h.state_apply(ats::sdk::Host::Batch().put("cp", "2").put("pend/b", "B").erase("pend/c").put("int/z", "{}"));
    std::string v;
    BOOST_TEST(h.state_get("cp", v));
    BOOST_TEST(v == "2");
    BOOST_TEST(!h.state_get("pend/c", v));
    BOOST_TEST(h.state_get("per/x", v));
    BOOST_TEST(v == "9");
    std::vector<std::string> keys;
    h.state_scan("pend/", [&](std::string_view k, std::string_view) {
        keys.emplace_back(k);
        return true;
    });
    BOOST_TEST((keys == std::vector<std::string>{"pend/a", "pend/b"})); // merged, in key order, deletion applied
    BOOST_TEST(overlay.pending_writes() == 4u);
    BOOST_TEST((fake.state() == before)); // nothing reached the store
    // Everything else is the real host's: the clock, the lock.
    fake.set_now_ms(1234);
    BOOST_TEST(h.now_unix_ms() == 1234);
    auto lock = h.lock("workable-sync", 0);
}

BOOST_AUTO_TEST_CASE(port_records_writes_with_reasons_and_answers_later_reads) {
    ats::test::FakeTrackerPort tracker;
    const std::string opp = tracker.add_opportunity("Welder");
    const std::string ann = tracker.add_person("Ann", "Lee", "ann@x.org");
    DryRunPort port(tracker);

    port.explain("app-1", "no Tracker person matches", "");
    NewTrackerPerson p;
    p.first_name = "Bob";
    p.last_name = "Ray";
    p.email = "bob@x.org";
    CreatedTrackerPerson c = port.create_person_on_opportunity(p, opp);
    BOOST_TEST(DryRunPort::is_synthetic(c.resource_id));
    BOOST_TEST(DryRunPort::is_synthetic(c.link_id));
    // The new person's link and fields are visible to the rest of the run.
    auto links = port.links_of_resource(c.resource_id);
    BOOST_REQUIRE_EQUAL(links.size(), 1u);
    BOOST_TEST(links[0].opportunity_id == opp);
    BOOST_TEST(port.get_person(c.resource_id).email == "bob@x.org");

    port.explain("app-1", "status from Workable", "Applied");
    port.set_link_status(c.link_id, "Offer");
    BOOST_TEST(port.links_by_ids({c.link_id}).at(0).status == "Offer");

    port.explain("app-2", "matched by e-mail", "");
    const std::string l2 = port.create_link(ann, opp, "Workable");
    BOOST_TEST(port.links_of_resource(ann).size() == 1u); // Tracker's (none) + the planned one
    PersonFieldUpdate u;
    u.cellphone = "+447400100123";
    port.update_person(ann, u);
    BOOST_TEST(port.get_person(ann).cellphone == "+447400100123");
    port.add_person_note(ann, "Workable contact details", "E-mail: a2@x.org");
    BOOST_TEST(port.notes_of_person(ann).size() == 1u);
    port.attach_resume(c.resource_id, "cv.pdf", std::string(10, 'x'));
    BOOST_TEST(port.documents_of_person(c.resource_id).at(0).size == 10);

    BOOST_TEST(tracker.writes.empty()); // nothing sent
    json::array plan = port.plan();
    BOOST_REQUIRE_EQUAL(plan.size(), 6u);
    BOOST_TEST(plan[0].at("action").as_string() == "create_person");
    BOOST_TEST(plan[0].at("application_id").as_string() == "app-1");
    BOOST_TEST(plan[1].at("from").as_string() == "Applied");
    BOOST_TEST(plan[1].at("to").as_string() == "Offer");
    BOOST_TEST(plan[2].at("method").as_string() == "resourceApplication");
    BOOST_TEST(plan[2].at("link_id").as_string() == l2);
    BOOST_TEST(plan[3].at("method").as_string() == "updateRecord");
    BOOST_TEST(plan[5].at("method").as_string() == "attachDocument");
    BOOST_TEST(plan[5].at("seq").as_int64() == 6);
}
