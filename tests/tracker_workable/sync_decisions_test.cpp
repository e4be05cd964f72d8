// Unit tests of the sync's decisions, without processes or sockets: the pure rules (status
// ownership, contact placement, input cleaning, classification) by table, and whole batches run
// by SyncRun against FakeTrackerPort and FakeHost.
#define BOOST_TEST_MODULE tracker_workable sync decisions
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "fakes/fake_host.hpp"
#include "fakes/fake_tracker_port.hpp"
#include "sync/classify.hpp"
#include "sync/contact_plan.hpp"
#include "sync/input_sanitizer.hpp"
#include "sync/status_rule.hpp"
#include "sync/sync_run.hpp"

using namespace ats::tracker_workable;
using ats::test::FakeHost;
using ats::test::FakeTrackerPort;

namespace {

SyncConfig test_config() {
    SyncConfig c;
    c.kombo.base_url = "http://127.0.0.1:9/v1";
    c.kombo.api_key = "k";
    c.kombo.integration_id = "workable:test";
    c.jobs.table = {{"job-1", ""}, {"job-2", ""}};
    c.cvs.enabled = false; // no Kombo in unit tests
    c.identity.fictional_numbers_are_identities = true;
    return c;
}

KomboApplication app(const std::string &id, const std::string &job, const std::string &first, const std::string &last,
                     std::vector<std::string> emails, std::vector<std::string> phones,
                     const std::string &outcome = "PENDING", const std::string &stage = "Applied",
                     const std::string &updated = "2026-11-01T00:00:00.000Z") {
    KomboApplication a;
    a.id = id;
    a.remote_id = "w" + id;
    a.job_id = job;
    a.candidate_id = "c" + id;
    a.candidate_remote_id = "wc" + id;
    a.first_name = first;
    a.last_name = last;
    a.emails = std::move(emails);
    a.phones = std::move(phones);
    a.outcome = outcome;
    a.current_stage_name = stage;
    a.remote_updated_at = updated;
    return a;
}

// One tenant: a fake host, a fake Tracker with two opportunities, the config mapping job-1/job-2.
struct World {
    FakeHost fake_host;
    FakeTrackerPort tracker;
    SyncConfig cfg = test_config();
    std::string opp1, opp2;
    World() {
        opp1 = tracker.add_opportunity("Welder");
        opp2 = tracker.add_opportunity("Driver");
        cfg.jobs.table["job-1"] = opp1;
        cfg.jobs.table["job-2"] = opp2;
    }
    // One run over these applications (as one Kombo batch); returns the summary JSON.
    boost::json::object run(std::vector<KomboApplication> apps, RunOptions options = {}) {
        KomboClient kombo(fake_host.host(), cfg.kombo);
        ats::sdk::Call call(nullptr);
        SyncRun r(fake_host.host(), cfg, kombo, tracker, call, options);
        r.reconcile_leftover_intents();
        r.retry_pending();
        r.process_batch(std::move(apps), false);
        r.report_quarantine();
        return boost::json::parse(r.summary.to_json("t", options.full, "", "", 0, tracker.requests, 0)).as_object();
    }
    const FakeTrackerPort::Person &only_person() {
        BOOST_REQUIRE_EQUAL(tracker.people.size(), 1u);
        return tracker.people.begin()->second;
    }
};

int64_t num(const boost::json::object &o, const char *a, const char *b) { return o.at(a).as_object().at(b).as_int64(); }

} // namespace

// ---- status ownership ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(status_rule_table) {
    struct Row {
        WorkableSide last, now;
        std::string written, want;
        std::optional<std::string> tracker;
        StatusAction expect;
    } rows[] = {
        {{"PENDING", "Applied"},
         {"PENDING", "Applied"},
         "Applied",
         "Applied",
         std::string("Shortlisted"),
         StatusAction::none},
        {{"PENDING", "Applied"},
         {"PENDING", "Interview"},
         "Applied",
         "Interview",
         std::string("Applied"),
         StatusAction::write},
        {{"PENDING", "Applied"},
         {"PENDING", "Interview"},
         "Applied",
         "Interview",
         std::string("Shortlisted"),
         StatusAction::keep_recruiter},
        {{"PENDING", "Applied"},
         {"HIRED", "Hired"},
         "Applied",
         "Accepted",
         std::string("Shortlisted"),
         StatusAction::replace},
        {{"PENDING", "Applied"},
         {"DECLINED", "Applied"},
         "Applied",
         "Declined",
         std::string("Offer"),
         StatusAction::replace},
        {{"HIRED", "Hired"}, {"HIRED", "Offer"}, "Accepted", "Accepted", std::string("Offer"), StatusAction::none},
        {{"PENDING", "Applied"},
         {"PENDING", "Phone Screen"},
         "Applied",
         "Applied",
         std::string("Offer"),
         StatusAction::none},
        {{"PENDING", "Applied"},
         {"PENDING", "Interview"},
         "Applied",
         "Interview",
         std::string("Interview"),
         StatusAction::none},
        {{"DECLINED", "x"},
         {"PENDING", "Interview"},
         "Declined",
         "Interview",
         std::string("Shortlisted"),
         StatusAction::keep_recruiter},
    };
    for (const auto &r : rows) {
        StatusInputs in{r.last, r.now, r.written, r.want, r.tracker, true};
        BOOST_TEST((decide_status(in).action == r.expect),
                   r.now.outcome << "/" << r.now.stage << " tracker " << r.tracker.value_or("-"));
    }
    StatusInputs gone{{"PENDING", "a"}, {"HIRED", "b"}, "Applied", "Accepted", std::string(), false};
    BOOST_TEST((decide_status(gone).action == StatusAction::link_missing));
}

BOOST_AUTO_TEST_CASE(wanted_status_outcome_then_stage_table_then_equal_name_then_pending) {
    SyncConfig c = test_config();
    c.stages.table["Phone Screen"] = "Shortlisted";
    std::vector<std::string> tracker{"Applied", "Shortlisted", "Interview", "Offer", "Accepted", "Declined"};
    BOOST_TEST(wanted_status({"HIRED", "Interview"}, c, tracker) == "Accepted");
    BOOST_TEST(wanted_status({"DECLINED", "Offer"}, c, tracker) == "Declined");
    BOOST_TEST(wanted_status({"PENDING", "Phone Screen"}, c, tracker) == "Shortlisted");
    BOOST_TEST(wanted_status({"PENDING", "interview"}, c, tracker) == "Interview");
    BOOST_TEST(wanted_status({"PENDING", "Sourced"}, c, tracker) == "Applied");
    BOOST_TEST(wanted_status({"", ""}, c, tracker) == "Applied");
    c.stages.match_equal_names = false;
    BOOST_TEST(wanted_status({"PENDING", "Interview"}, c, tracker) == "Applied");
    c.stages.table["Sourced"] = "Longlisted";
    auto unknown = unknown_configured_statuses(c, tracker);
    BOOST_REQUIRE_EQUAL(unknown.size(), 1u);
    BOOST_TEST(unknown[0] == "Longlisted");
}

// ---- contact placement -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(contacts_fill_by_type_then_free_field_rest_in_note) {
    IdentityRules rules;
    PersonContacts w{{"ann@example.com", "ANN@example.com ", "ann.work@example.com"},
                     {{"07700 900123", "WORK"},
                      {"+44 7700 900123", "MOBILE"},
                      {"0770 090", ""},
                      {"020 7946 0111", "HOME"},
                      {"07700 900124", "MOBILE"}}};
    ContactPlan p = plan_contacts(w, {}, rules);
    BOOST_TEST(p.fields.email == "ann@example.com");
    BOOST_TEST(p.fields.workphone == "+447700900123"); // WORK by type; the +44 form is the same number
    BOOST_TEST(p.fields.cellphone == "0770 090");      // unparsable: as typed, first free field
    BOOST_TEST(p.fields.homephone == "+442079460111");
    BOOST_REQUIRE_EQUAL(p.note_lines.size(), 2u);
    BOOST_TEST(p.note_lines[0] == "E-mail: ann.work@example.com");
    BOOST_TEST(p.note_lines[1] == "Phone (MOBILE): +447700900124");
}

BOOST_AUTO_TEST_CASE(contacts_never_replace_what_tracker_has_and_read_our_notes) {
    IdentityRules rules;
    PersonContacts w{{"new@example.com", "typed@example.com"},
                     {{"07700 900123", "MOBILE"}, {"07700 900555", "MOBILE"}}};
    TrackerContacts t{
        "typed@example.com", "07700 900999", "", "", {"Contact details...\nPhone (MOBILE): +447700900555"}};
    ContactPlan p = plan_contacts(w, t, rules);
    BOOST_TEST(p.fields.email.empty()); // the recruiter's e-mail stays
    BOOST_TEST(p.fields.cellphone.empty());
    BOOST_TEST(p.fields.workphone == "+447700900123"); // mobile taken: the next free field
    BOOST_REQUIRE_EQUAL(p.note_lines.size(), 1u);      // 555 is already in our earlier note
    BOOST_TEST(p.note_lines[0] == "E-mail: new@example.com");
}

BOOST_AUTO_TEST_CASE(contacts_already_recorded_by_the_sync_are_not_noted_again) {
    IdentityRules rules;
    PersonContacts w{{"ann@x.org", "ANN.ALT@x.org"}, {{"07700 900123", "MOBILE"}}};
    TrackerContacts t{"ann@x.org", "", "", "", {}, {email_token("ann.alt@x.org")}}; // our earlier note
    ContactPlan p = plan_contacts(w, t, rules);
    BOOST_TEST(p.note_lines.empty());
    BOOST_TEST(p.fields.cellphone == "+447700900123");
}

BOOST_AUTO_TEST_CASE(a_person_met_again_in_a_later_batch_gets_no_second_note) {
    World w;
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@x.org", "ann.alt@x.org"}, {"07700 900123"})});
    w.run({app("2", "job-2", "Ann", "Lee", {"ann@x.org", "ANN.ALT@x.org"}, {"07700 900555"})});
    const auto &p = w.only_person();
    BOOST_TEST(p.notes.size() == 1u);
    BOOST_TEST(p.row.workphone == "+447700900555");
}

// ---- hostile input ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sanitizer_cleans_or_refuses_with_a_reason) {
    BOOST_TEST(clean_text(std::string("  Ann\0\n\tMarie\x7f ", 15)) == "Ann Marie");
    BOOST_TEST(clean_text("Jos\xC3\xA9\xFF") == "Jos\xC3\xA9"); // invalid byte dropped, é kept
    auto blank = sanitize(app("1", "job-1", "  ", "\n", {"a@x.org"}, {}));
    BOOST_REQUIRE(blank.name_problem);
    auto huge = sanitize(
        app("2", "job-1", std::string(100000, 'A'), "B", {std::string(300, 'e') + "@x.org"}, {std::string(400, '1')}));
    BOOST_REQUIRE(huge.name_problem);
    BOOST_TEST(huge.refused_details.size() == 2u);
    BOOST_TEST(huge.app.emails.empty());
}

// ---- whole batches against the fakes ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(new_person_gets_every_contact_detail_of_all_applications_once) {
    World w;
    auto s = w.run(
        {app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {"07700 900123"}),
         app("2", "job-2", "Ann", "Lee", {"ann@example.com", "ann.lee@work.example"}, {"0770 090", "07700 900777"})});
    const auto &p = w.only_person();
    BOOST_TEST(p.row.email == "ann@example.com");
    BOOST_TEST(p.row.cellphone == "+447700900123");
    BOOST_TEST(p.row.workphone == "0770 090");
    BOOST_TEST(p.row.homephone == "+447700900777");
    BOOST_REQUIRE_EQUAL(p.notes.size(), 1u);
    BOOST_TEST(p.notes[0].note.find("E-mail: ann.lee@work.example") != std::string::npos);
    BOOST_TEST(w.tracker.links.size() == 2u);
    BOOST_TEST(num(s, "people", "created") == 1);
    // Nothing changed: a second run writes nothing.
    w.tracker.writes.clear();
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {"07700 900123"}),
           app("2", "job-2", "Ann", "Lee", {"ann@example.com", "ann.lee@work.example"}, {"0770 090", "07700 900777"})});
    BOOST_TEST(w.tracker.writes.empty());
    BOOST_TEST(w.only_person().notes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(existing_person_only_gets_empty_fields_filled_and_is_counted_enriched) {
    World w;
    std::string res = w.tracker.add_person("Ann", "Lee", "ann@example.com", "07700 900999");
    auto s = w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {"07700 900123"})});
    const auto &p = w.tracker.people.at(res);
    BOOST_TEST(w.tracker.people.size() == 1u);
    BOOST_TEST(p.row.cellphone == "07700 900999"); // the recruiter's number stays
    BOOST_TEST(p.row.workphone == "+447700900123");
    BOOST_TEST(num(s, "people", "enriched") == 1);
    BOOST_TEST(num(s, "contacts", "fields_filled") == 1);
}

BOOST_AUTO_TEST_CASE(recruiters_status_survives_unchanged_resync_stage_change_moves_hired_wins) {
    World w;
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {})});
    std::string link = w.tracker.links.begin()->first;
    w.tracker.recruiter_sets_status(link, "Shortlisted");
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {})}); // unchanged in Workable
    BOOST_TEST(w.tracker.links.at(link).status == "Shortlisted");
    // Workable moves to Interview while the recruiter's status differs: the recruiter's stays.
    auto kept = w.run(
        {app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {}, "PENDING", "Interview", "2026-11-02T00:00:00.000Z")});
    BOOST_TEST(w.tracker.links.at(link).status == "Shortlisted");
    BOOST_TEST(num(kept, "statuses", "kept_recruiter") == 1);
    // HIRED wins over the recruiter's status and is reported.
    auto hired =
        w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {}, "HIRED", "Hired", "2026-11-03T00:00:00.000Z")});
    BOOST_TEST(w.tracker.links.at(link).status == "Accepted");
    BOOST_TEST(num(hired, "statuses", "replaced") == 1);
    BOOST_TEST(hired.at("statuses_replaced").as_array()[0].as_object().at("replaced").as_string() == "Shortlisted");
}

BOOST_AUTO_TEST_CASE(untouched_link_follows_workable_stage) {
    World w;
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {})});
    std::string link = w.tracker.links.begin()->first;
    w.run(
        {app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {}, "PENDING", "Interview", "2026-11-02T00:00:00.000Z")});
    BOOST_TEST(w.tracker.links.at(link).status == "Interview");
}

BOOST_AUTO_TEST_CASE(status_write_applied_then_crash_is_recorded_by_the_next_run) {
    World w;
    w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {})});
    std::string link = w.tracker.links.begin()->first;
    // Tracker applies the write and the process dies before recording it (a non-std exception
    // stands for the kill: nothing after it runs, nothing is committed).
    w.tracker.after_write = [](const std::string &m, const std::string &) {
        if (m == "setStatus") throw 42;
    };
    BOOST_CHECK_THROW(
        w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {}, "HIRED", "Hired", "2026-11-02T00:00:00.000Z")}),
        int);
    BOOST_TEST(w.fake_host.count_prefix("sint/") == 1u);
    w.tracker.after_write = nullptr;
    BOOST_TEST(w.tracker.links.at(link).status == "Accepted");
    // Workable reverts to the recorded value: the next run must put Tracker back.
    auto s = w.run(
        {app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {}, "PENDING", "Applied", "2026-11-03T00:00:00.000Z")});
    BOOST_TEST(num(s, "intents", "confirmed") == 1);
    BOOST_TEST(w.tracker.links.at(link).status == "Applied");
}

BOOST_AUTO_TEST_CASE(create_refused_as_existing_links_that_person_and_creates_nobody) {
    World w;
    std::string res = w.tracker.add_person("Ann", "Lee", "ann@example.com");
    // The identity index does not know her yet (read before she existed); Tracker refuses the duplicate.
    w.cfg.identity.phone_region = "GB";
    auto s = w.run({app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {})});
    BOOST_TEST(w.tracker.people.size() == 1u);
    BOOST_REQUIRE_EQUAL(w.tracker.links_of(res).size(), 1u);
}

BOOST_AUTO_TEST_CASE(two_people_typing_one_email_stay_two_people_in_tracker) {
    World w;
    // Same e-mail, other names and other phones: the rules keep them apart. Tracker would refuse a
    // second resource with that e-mail, so the second is created without it (noted instead).
    auto s = w.run({app("1", "job-1", "Ann", "Lee", {"family@x.org"}, {"07700 900111"}),
                    app("2", "job-2", "Bob", "Stone", {"family@x.org"}, {"07700 900222"})});
    BOOST_REQUIRE_EQUAL(w.tracker.people.size(), 2u);
    int with_email = 0, noted = 0;
    for (const auto &[id, p] : w.tracker.people) {
        with_email += p.row.email == "family@x.org";
        for (const auto &n : p.notes) noted += n.note.find("E-mail: family@x.org") != std::string::npos;
        BOOST_TEST(w.tracker.links_of(id).size() == 1u);
    }
    BOOST_TEST(with_email == 1);
    BOOST_TEST(noted == 1);
    BOOST_TEST(s.at("identity_conflicts").as_array().size() >= 1u);
    // The next application with that e-mail and Ann's phone is Ann's, not Bob's.
    w.run({app("3", "job-2", "Ann", "Lee", {"family@x.org"}, {"07700 900111"})});
    BOOST_TEST(w.tracker.people.size() == 2u);
}

BOOST_AUTO_TEST_CASE(blank_name_is_refused_with_a_reason_then_quarantined_after_three_runs) {
    World w;
    auto a = app("1", "job-1", " ", "", {"x@example.com"}, {});
    for (int run = 1; run <= 3; ++run) {
        auto s = w.run({a});
        BOOST_TEST(w.tracker.writes.empty());
        if (run < 3)
            BOOST_TEST(s.at("refused").as_array()[0].as_object().at("reason").as_string().find("no name") !=
                       std::string::npos);
    }
    BOOST_TEST(w.fake_host.count_prefix("quar/") == 1u);
    BOOST_TEST(w.fake_host.count_prefix("pend/") == 0u);
    auto skipped = w.run({a});
    BOOST_TEST(num(skipped, "applications", "quarantined") == 1);
    // Workable fixes the name: no longer quarantined, synced.
    auto fixed =
        app("1", "job-1", "Ann", "Lee", {"x@example.com"}, {}, "PENDING", "Applied", "2026-11-05T00:00:00.000Z");
    w.run({fixed});
    BOOST_TEST(w.tracker.people.size() == 1u);
    BOOST_TEST(w.fake_host.count_prefix("quar/") == 0u);
}

BOOST_AUTO_TEST_CASE(failing_application_is_tried_once_per_run_even_when_also_on_a_page) {
    World w;
    int creates = 0;
    w.tracker.before_write = [&](const std::string &m, const std::string &) {
        if (m == "createResource") {
            ++creates;
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker status 99: name required");
        }
    };
    auto a = app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {});
    w.run({a}); // fails: parked
    BOOST_TEST(creates == 1);
    w.run({a}); // retried from the pending list, then met on the page with the same data
    BOOST_TEST(creates == 2);
}

BOOST_AUTO_TEST_CASE(retry_quarantined_retries_without_a_workable_change) {
    World w;
    bool broken = true;
    w.tracker.before_write = [&](const std::string &m, const std::string &) {
        if (m == "createResource" && broken) throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker status 99");
    };
    auto a = app("1", "job-1", "Ann", "Lee", {"ann@example.com"}, {});
    for (int i = 0; i < 3; ++i) w.run({a});
    BOOST_TEST(w.fake_host.count_prefix("quar/") == 1u);
    broken = false;
    w.run({a});
    BOOST_TEST(w.tracker.people.empty()); // quarantined: not retried
    RunOptions retry;
    retry.retry_quarantined = true;
    w.run({a}, retry);
    BOOST_TEST(w.tracker.people.size() == 1u);
}

BOOST_AUTO_TEST_CASE(classification_table) {
    KomboApplication a = app("1", "job-1", "A", "B", {}, {});
    AppRecord rec;
    rec.link_id = "9";
    rec.outcome = "PENDING";
    rec.stage = "Applied";
    rec.remote_updated_at = a.remote_updated_at;
    ClassifyInputs in;
    in.app = &a;
    in.opportunity_id = "5";
    BOOST_TEST(to_string(classify(in)) == std::string("fresh"));
    in.record = &rec;
    BOOST_TEST(to_string(classify(in)) == std::string("unchanged"));
    in.full = true;
    BOOST_TEST(to_string(classify(in)) == std::string("changed"));
    in.full = false;
    std::string tried = a.remote_updated_at;
    in.tried_this_run = &tried;
    BOOST_TEST(to_string(classify(in)) == std::string("already_tried"));
    in.tried_this_run = nullptr;
    in.record = nullptr;
    in.opportunity_id.clear();
    BOOST_TEST(to_string(classify(in)) == std::string("unmapped"));
    in.opportunity_id = "5";
    in.name_refused = true;
    BOOST_TEST(to_string(classify(in)) == std::string("invalid"));
}
