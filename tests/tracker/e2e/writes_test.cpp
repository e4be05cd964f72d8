// End to end through `ats-host call`: every write, checked in the sandbox's resulting state, with
// the number of Tracker requests each costs read from the sandbox's counters.
#define BOOST_TEST_MODULE tracker_e2e_writes
#include <boost/test/unit_test.hpp>

#include "file_text.hpp"
#include "paths.hpp"
#include "tracker_host.hpp"

#include <ats_plugin.h>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace ats::test;
using namespace ats::test::tracker;

namespace {

struct World {
    Sandbox sandbox;
    std::vector<int64_t> opportunities;
    std::vector<int64_t> resources; // with no link on opportunities[0], no document and no activity
    std::map<std::string, int64_t> status;
    World() {
        bj::object s = tracker_state(sandbox);
        opportunities = ids_of(s, "opportunities");
        status = link_status_ids(s);
        auto no_docs = resources_without(s, "documents");
        auto no_notes = resources_without(s, "activities");
        for (int64_t r : free_resources(s, opportunities[0]))
            if (std::count(no_docs.begin(), no_docs.end(), r) && std::count(no_notes.begin(), no_notes.end(), r))
                resources.push_back(r);
        if (resources.size() < 4) throw std::runtime_error("the seeded sandbox has too few free resources");
    }
    const bj::object link(int64_t id) {
        bj::object s = tracker_state(sandbox);
        const bj::object *l = find_by_id(s, "links", id);
        if (!l) throw std::runtime_error("no link " + std::to_string(id) + " in the sandbox");
        return *l;
    }
};

int64_t id_of(const bj::object &record) { return std::stoll(std::string(record.at("id").as_string())); }

} // namespace

BOOST_AUTO_TEST_CASE(create_move_reject) {
    World w;
    TrackerHost host(w.sandbox);
    std::string rid = std::to_string(w.resources[0]), oid = std::to_string(w.opportunities[0]);

    reset_counters(w.sandbox);
    CallResult created =
        host.call("applications.create", bj::object{{"candidate_id", rid}, {"job_id", oid}, {"source", "Career site"}});
    BOOST_TEST_REQUIRE(created.exit_code == 0, created.err);
    auto c = tracker_counts(w.sandbox);
    BOOST_TEST_MESSAGE("applications.create: " << describe(c));
    BOOST_TEST(c["getRecords"] == 1);          // look before you create
    BOOST_TEST(c["resourceApplication"] == 1); // A1
    BOOST_TEST(c["getIndividualRecord"] == 1); // read back
    BOOST_TEST(total(c) == 3);
    int64_t app = id_of(created.one());
    bj::object link = w.link(app);
    BOOST_TEST(as_int(link.at("resourceid")) == w.resources[0]);
    BOOST_TEST(as_int(link.at("opportunityid")) == w.opportunities[0]);
    BOOST_TEST(str(link, "source") == "Career site");
    BOOST_TEST(schema_errors("application", created.records) == "");

    // A second application of the same person to the same job is refused; nothing is written.
    size_t links_before = tracker_state(w.sandbox).at("links").as_array().size();
    CallResult dup = host.call("applications.create", bj::object{{"candidate_id", rid}, {"job_id", oid}});
    BOOST_TEST(dup.exit_code == 1);
    BOOST_TEST(dup.error_code() == "conflict", dup.err);
    BOOST_TEST(dup.error_message().find(std::to_string(app)) != std::string::npos, dup.err);
    BOOST_TEST(tracker_state(w.sandbox).at("links").as_array().size() == links_before);

    // Creating with a stage sets it through getSettings' id; an unknown stage writes nothing.
    CallResult staged = host.call(
        "applications.create",
        bj::object{{"candidate_id", std::to_string(w.resources[1])}, {"job_id", oid}, {"stage", "Interview"}});
    BOOST_TEST_REQUIRE(staged.exit_code == 0, staged.err);
    BOOST_TEST(as_int(w.link(id_of(staged.one())).at("statusid")) == w.status.at("Interview"));
    BOOST_TEST(staged.one().at("current_stage").at("name").as_string() == "Interview");
    CallResult bad_stage =
        host.call("applications.create",
                  bj::object{{"candidate_id", std::to_string(w.resources[2])}, {"job_id", oid}, {"stage", "Hired!"}});
    BOOST_TEST(bad_stage.exit_code == 2, bad_stage.err);
    BOOST_TEST(bad_stage.error_message().find("Hired!") != std::string::npos);
    BOOST_TEST(bad_stage.error_message().find("Declined") != std::string::npos); // lists the known names
    BOOST_TEST(tracker_state(w.sandbox).at("links").as_array().size() == links_before + 1);

    // move_to_stage by name.
    reset_counters(w.sandbox);
    CallResult moved = host.call("applications.move_to_stage",
                                 bj::object{{"application_id", std::to_string(app)}, {"stage", "offer"}});
    BOOST_TEST_REQUIRE(moved.exit_code == 0, moved.err);
    c = tracker_counts(w.sandbox);
    BOOST_TEST_MESSAGE("applications.move_to_stage: " << describe(c));
    BOOST_TEST(c["getSettings"] == 1);
    BOOST_TEST(c["updateRecord"] == 1);
    BOOST_TEST(c["getIndividualRecord"] == 1);
    BOOST_TEST(as_int(w.link(app).at("statusid")) == w.status.at("Offer"));
    BOOST_TEST(moved.one().at("current_stage").at("name").as_string() == "Offer");

    // reject: the configured declined status; the reason cannot be stored and the result says so;
    // the note becomes an activity on the application.
    reset_counters(w.sandbox);
    CallResult rejected = host.call("applications.reject", bj::object{{"application_id", std::to_string(app)},
                                                                      {"rejection_reason_id", "no-show"},
                                                                      {"note", "Did not attend the interview"}});
    BOOST_TEST_REQUIRE(rejected.exit_code == 0, rejected.err);
    c = tracker_counts(w.sandbox);
    BOOST_TEST_MESSAGE("applications.reject (with note): " << describe(c));
    BOOST_TEST(total(c) == 4); // getSettings, updateRecord, createActivity, getIndividualRecord
    BOOST_TEST(as_int(w.link(app).at("statusid")) == w.status.at("Declined"));
    const bj::object &r = rejected.one();
    BOOST_TEST(r.at("outcome").as_string() == "DECLINED");
    BOOST_TEST(!r.at("rejected_at").is_null());
    BOOST_TEST(r.at("warnings").at(0).as_string().find("no-show") != std::string::npos);
    BOOST_TEST(schema_errors("application", rejected.records) == "");
    bool note_found = false;
    const bj::object after_reject = tracker_state(w.sandbox);
    for (const auto &a : after_reject.at("activities").as_array())
        if (a.at("linkrecordtype").as_string() == "OR" && as_int(a.at("linkrecordid")) == app &&
            a.at("note").as_string() == "Did not attend the interview")
            note_found = true;
    BOOST_TEST(note_found);

    // bulk_reject: one result per id, in order; a missing id fails alone.
    std::string a2 = std::to_string(id_of(staged.one()));
    CallResult bulk = host.call("applications.bulk_reject",
                                bj::object{{"application_ids", bj::array{a2, "999999", std::to_string(app)}}});
    BOOST_TEST_REQUIRE(bulk.exit_code == 0, bulk.err);
    const auto &results = bulk.one().at("results").as_array();
    BOOST_TEST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[0].at("ok").as_bool());
    BOOST_TEST(!results[1].at("ok").as_bool());
    BOOST_TEST(results[1].at("application_id").as_string() == "999999");
    BOOST_TEST(as_int(results[1].at("error").at("code")) == ATS_ERR_NOT_FOUND);
    BOOST_TEST(results[2].at("ok").as_bool());
    BOOST_TEST(as_int(w.link(id_of(staged.one())).at("statusid")) == w.status.at("Declined"));
    std::vector<bj::value> rs(results.begin(), results.end());
    BOOST_TEST(schema_errors("bulk_result", rs) == "");
}

BOOST_AUTO_TEST_CASE(notes_are_plain_text) {
    World w;
    TrackerHost host(w.sandbox);
    int64_t app = make_link(w.sandbox, w.resources[0], w.opportunities[0]);

    reset_counters(w.sandbox);
    CallResult added =
        host.call("applications.notes.add",
                  bj::object{{"application_id", std::to_string(app)},
                             {"content", "<p>Hello <b>Jane</b>,</p><p>Call&nbsp;me &amp; bring CV<br>Thanks</p>"},
                             {"content_type", "text/html"}});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.err);
    BOOST_TEST(total(tracker_counts(w.sandbox)) == 1); // createActivity
    const std::string text = "Hello Jane,\n\nCall me & bring CV\nThanks";
    int64_t note_id = id_of(added.one());
    std::optional<bj::object> a = record_in(w.sandbox, "activities", note_id);
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(a->at("note").as_string() == text); // no HTML reaches Tracker
    BOOST_TEST(a->at("linkrecordtype").as_string() == "OR");
    BOOST_TEST(as_int(a->at("linkrecordid")) == app);
    BOOST_TEST(schema_errors("note", added.records) == "");

    CallResult listed = host.call("applications.notes.list", bj::object{{"application_id", std::to_string(app)}});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
    const auto &notes = listed.one().at("results").as_array();
    BOOST_TEST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(notes[0].at("content").as_string() == text);
    std::vector<bj::value> ns(notes.begin(), notes.end());
    BOOST_TEST(schema_errors("note", ns) == "");

    std::string rid = std::to_string(w.resources[1]);
    CallResult cand =
        host.call("candidates.notes.add", bj::object{{"candidate_id", rid}, {"content", "  Prefers remote work  "}});
    BOOST_TEST_REQUIRE(cand.exit_code == 0, cand.err);
    std::optional<bj::object> ca = record_in(w.sandbox, "activities", id_of(cand.one()));
    BOOST_TEST_REQUIRE(ca.has_value());
    BOOST_TEST(ca->at("note").as_string() == "Prefers remote work");
    BOOST_TEST(ca->at("linkrecordtype").as_string() == "R");
    CallResult clist = host.call("candidates.notes.list", bj::object{{"candidate_id", rid}});
    BOOST_TEST(clist.one().at("results").as_array().size() == 1u);

    CallResult missing = host.call("candidates.notes.list", bj::object{{"candidate_id", "999999"}});
    BOOST_TEST(missing.error_code() == "not_found", missing.err); // not an empty list
    CallResult empty = host.call(
        "applications.notes.add",
        bj::object{{"application_id", std::to_string(app)}, {"content", "<p> </p>"}, {"content_type", "text/html"}});
    BOOST_TEST(empty.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(attachments_and_resume_round_trip) {
    World w;
    TrackerHost host(w.sandbox);
    std::string rid = std::to_string(w.resources[0]);
    std::string bytes("%PDF-1.4\n\x00\x01\x02\xff binary resume", 27);
    std::string b64 = "JVBERi0xLjQKAAEC/yBiaW5hcnkgcmVzdW1l"; // base64 of `bytes`

    reset_counters(w.sandbox);
    CallResult added =
        host.call("candidates.attachments.add",
                  bj::object{{"candidate_id", rid}, {"file_name", "cv.pdf"}, {"data_base64", b64}, {"type", "CV"}});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.err);
    BOOST_TEST(total(tracker_counts(w.sandbox)) == 1); // attachDocument
    int64_t doc = id_of(added.one());
    std::optional<bj::object> d = record_in(w.sandbox, "documents", doc);
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(d->at("documenttype").as_string() == "resume");
    BOOST_TEST(d->at("linkrecordtype").as_string() == "R");
    BOOST_TEST(d->at("data").as_string() == b64);
    BOOST_TEST(as_int(added.one().at("size")) == 27);
    BOOST_TEST(schema_errors("attachment", added.records) == "");

    CallResult listed = host.call("candidates.attachments.list", bj::object{{"candidate_id", rid}});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
    BOOST_TEST(listed.one().at("results").at(0).at("type").as_string() == "CV");

    std::string out = host.path("attachment.bin");
    CallResult got = host.call("candidates.attachments.get",
                               bj::object{{"candidate_id", rid}, {"attachment_id", std::to_string(doc)}}, out);
    BOOST_TEST_REQUIRE(got.exit_code == 0, got.err);
    BOOST_TEST(read_file(out) == bytes);
    BOOST_TEST(got.one().at("file_name").as_string() == "cv.pdf");

    reset_counters(w.sandbox);
    std::string resume = host.path("resume.bin");
    CallResult cv = host.call("candidates.get_resume", bj::object{{"candidate_id", rid}}, resume);
    BOOST_TEST_REQUIRE(cv.exit_code == 0, cv.err);
    BOOST_TEST(read_file(resume) == bytes);
    BOOST_TEST(total(tracker_counts(w.sandbox)) == 2); // getRecords D + getIndividualRecord D
    bj::object meta = cv.one();
    meta.erase("path");
    meta.erase("bytes");
    BOOST_TEST(schema_errors("blob_meta", {bj::value(meta)}) == "");

    // A document of another candidate is not this candidate's.
    CallResult other = host.call(
        "candidates.attachments.get",
        bj::object{{"candidate_id", std::to_string(w.resources[1])}, {"attachment_id", std::to_string(doc)}}, out);
    BOOST_TEST(other.error_code() == "not_found", other.err);
    CallResult no_cv =
        host.call("candidates.get_resume", bj::object{{"candidate_id", std::to_string(w.resources[1])}}, resume);
    BOOST_TEST(no_cv.error_code() == "not_found", no_cv.err);

    // On an application; COVER_LETTER has no Tracker type (LIMITED): stored as general, listed as OTHER.
    int64_t app = make_link(w.sandbox, w.resources[0], w.opportunities[0]);
    CallResult letter = host.call("applications.attachments.add", bj::object{{"application_id", std::to_string(app)},
                                                                             {"file_name", "letter.txt"},
                                                                             {"data_base64", "RGVhciBTaXI="},
                                                                             {"type", "COVER_LETTER"}});
    BOOST_TEST_REQUIRE(letter.exit_code == 0, letter.err);
    std::optional<bj::object> ld = record_in(w.sandbox, "documents", id_of(letter.one()));
    BOOST_TEST_REQUIRE(ld.has_value());
    BOOST_TEST(ld->at("documenttype").as_string() == "general");
    BOOST_TEST(ld->at("linkrecordtype").as_string() == "OR");
    CallResult alist = host.call("applications.attachments.list", bj::object{{"application_id", std::to_string(app)}});
    BOOST_TEST(alist.one().at("results").at(0).at("type").as_string() == "OTHER");
    std::vector<bj::value> as(alist.one().at("results").as_array().begin(), alist.one().at("results").as_array().end());
    BOOST_TEST(schema_errors("attachment", as) == "");
    CallResult aget =
        host.call("applications.attachments.get",
                  bj::object{{"application_id", std::to_string(app)}, {"attachment_id", str(letter.one(), "id")}}, out);
    BOOST_TEST_REQUIRE(aget.exit_code == 0, aget.err);
    BOOST_TEST(read_file(out) == "Dear Sir");

    CallResult bad = host.call("candidates.attachments.add",
                               bj::object{{"candidate_id", rid}, {"file_name", "x.pdf"}, {"data_base64", "@@@"}});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.error_message().find("data_base64") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(custom_fields_by_name) {
    World w;
    TrackerHost host(w.sandbox);
    std::string rid = std::to_string(w.resources[0]);
    reset_counters(w.sandbox);
    CallResult set = host.call("custom_fields.set", bj::object{{"record_type", "candidate"},
                                                               {"record_id", rid},
                                                               {"values", bj::object{{"Notice Period", "1 month"}}}});
    BOOST_TEST_REQUIRE(set.exit_code == 0, set.err);
    auto c = tracker_counts(w.sandbox);
    BOOST_TEST_MESSAGE("custom_fields.set: " << describe(c));
    BOOST_TEST(total(c) == 3); // getSettings, updateRecord, getIndividualRecord
    bj::object s = tracker_state(w.sandbox);
    int64_t field_id = 0;
    for (const auto &f : s.at("settings").at("customFields").as_array())
        if (f.at("Name").as_string() == "Notice Period") field_id = as_int(f.at("Id"));
    bool stored = false;
    for (const auto &cf : find_by_id(s, "resources", w.resources[0])->at("customfields").as_array())
        if (as_int(cf.at("id")) == field_id && cf.at("value").as_string() == "1 month") stored = true;
    BOOST_TEST(stored); // written under the id getSettings gives the name
    std::vector<bj::value> results(set.one().at("results").as_array().begin(),
                                   set.one().at("results").as_array().end());
    BOOST_TEST(schema_errors("custom_field", results) == "");

    CallResult get = host.call("custom_fields.get", bj::object{{"record_type", "candidate"}, {"record_id", rid}});
    BOOST_TEST_REQUIRE(get.exit_code == 0, get.err);
    bool seen = false;
    for (const auto &f : get.one().at("results").as_array())
        if (f.at("name").as_string() == "Notice Period") seen = f.at("value").as_string() == "1 month";
    BOOST_TEST(seen, get.out);

    std::string oid = std::to_string(w.opportunities[0]);
    CallResult job = host.call(
        "custom_fields.set",
        bj::object{{"record_type", "job"}, {"record_id", oid}, {"values", bj::object{{"Salary Band", "Band B"}}}});
    BOOST_TEST_REQUIRE(job.exit_code == 0, job.err);
    CallResult unknown =
        host.call("custom_fields.set",
                  bj::object{{"record_type", "job"}, {"record_id", oid}, {"values", bj::object{{"Shoe Size", "42"}}}});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.error_message().find("Salary Band") != std::string::npos, unknown.err); // names the known fields
}
