// End-to-end tests of the tracker_workable sync: `ats-host sync` (a real child process, the real
// plugin .so) against ats-sandbox, judged by verify_against_expected() - the sandbox's final
// Tracker state compared with the generator's ground truth (/_sandbox/expected).
#define BOOST_TEST_MODULE tracker_workable_sync_e2e
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/algorithm/string/predicate.hpp>

#include "hybrid_env.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using namespace std::chrono_literals;

namespace {

void require_correct(Sandbox &sb, const std::string &pending_status = "Applied") {
    auto problems = verify_against_expected(sb, pending_status);
    for (const auto &p : problems) BOOST_TEST_MESSAGE("problem: " << p);
    BOOST_TEST(problems.empty(), problems.size() << " difference(s) from the expected end state, first: "
                                                 << (problems.empty() ? "" : problems.front()));
}

// A JSON id (Tracker ids are numbers, Kombo's strings) as text, for comparing and naming.
std::string id_text(const json::value &v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_int64() || v.is_uint64()) return std::to_string(v.to_number<int64_t>());
    return json::serialize(v);
}

std::map<std::string, const json::object *> by_id(const json::value &rows) {
    std::map<std::string, const json::object *> out;
    for (const auto &r : rows.as_array()) out[id_text(r.at("id"))] = &r.as_object();
    return out;
}

EnvOptions medium() {
    EnvOptions o = sized_world(7, 8, 150, 80, 25);
    o.sandbox.extra_args = {"--nameless-every", "29"}; // people with no name on any application
    return o;
}

// medium() without people who have no name (tests of the stream's pending side count exactly the
// unmapped-job applications).
EnvOptions medium_named() {
    EnvOptions o = medium();
    o.sandbox.extra_args.clear();
    return o;
}

// The lines of an NDJSON stream, parsed.
std::vector<json::object> ndjson(const std::string &out) {
    std::vector<json::object> rows;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) rows.push_back(json::parse(line).as_object());
    return rows;
}

bool is_pending(const json::object &app) {
    const auto *st = app.if_contains("sync_status");
    return st && (*st == "pending" || *st == "quarantined");
}

ProcessResult stream(HybridEnv &env, const json::object &args = {}) {
    return run_process(
        env.host_argv({"call", "--tenant", env.tenant(), "applications.stream", "--args", json::serialize(args)}), {},
        300s);
}

// Kombo answers 503 to everything (after the host's retries the sync fails TRANSIENT).
void kombo_down(Sandbox &sb) {
    sb.admin_post(
        "faults",
        json::object{{"kombo", json::object{{"*", json::object{{"rate", 1.0}, {"kinds", json::array{"503"}}}}}}});
}

} // namespace

BOOST_AUTO_TEST_CASE(verifier_reports_an_unsynced_sandbox) {
    // The judge must be able to fail: before any sync every expected application is missing.
    HybridEnv env(medium());
    auto problems = verify_against_expected(env.sandbox());
    BOOST_TEST(problems.size() > 50u);
}

BOOST_AUTO_TEST_CASE(verifier_reports_a_missing_email_and_a_doubled_document) {
    // The opt-in checks must be able to fail too: people already in Tracker lack their further
    // e-mails before any sync, and a CV attached twice by hand is reported as doubled.
    HybridEnv env(medium());
    Sandbox &sb = env.sandbox();
    json::object expected = sb.admin_get("expected").as_object();
    json::object state = sb.admin_get("state").as_object();
    std::map<std::string, std::string> tracker_email; // resource id -> email typed in Tracker
    for (const auto &r : state.at("tracker").at("resources").as_array())
        tracker_email[id_text(r.at("id"))] = std::string(r.at("email").as_string());
    auto lower_trim = [](std::string v) {
        v.erase(0, v.find_first_not_of(' '));
        v.erase(v.find_last_not_of(' ') + 1);
        for (auto &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return v;
    };
    std::string missing_email, doubled_file;
    for (const auto &pv : expected.at("people").as_array()) {
        const auto &p = pv.as_object();
        if (p.at("tracker_resource_id").is_null()) continue;
        std::string rid = id_text(p.at("tracker_resource_id"));
        for (const auto &e : p.at("emails").as_array())
            if (missing_email.empty() &&
                lower_trim(std::string(e.at("email_address").as_string())) != lower_trim(tracker_email[rid]))
                missing_email = std::string(e.at("email_address").as_string());
        if (doubled_file.empty() && !p.at("documents").as_array().empty()) {
            const auto &d = p.at("documents").as_array()[0].as_object();
            doubled_file = std::string(d.at("file_name").as_string());
            std::string bytes(static_cast<size_t>(num(d.at("size"))), 'x');
            std::string data(boost::beast::detail::base64::encoded_size(bytes.size()), '\0');
            data.resize(boost::beast::detail::base64::encode(data.data(), bytes.data(), bytes.size()));
            for (int i = 0; i < 2; ++i) {
                auto r = sb.tracker("attachDocument",
                                    json::object{{"file", json::object{{"filename", doubled_file},
                                                                       {"recordType", "R"},
                                                                       {"recordId", num(p.at("tracker_resource_id"))},
                                                                       {"documentType", "resume"},
                                                                       {"data", data}}}});
                BOOST_TEST_REQUIRE(num(r.at("status")) == 0);
            }
        }
    }
    BOOST_TEST_REQUIRE(!missing_email.empty());
    BOOST_TEST_REQUIRE(!doubled_file.empty());
    VerifyOptions options;
    options.contacts = true;
    options.documents = true;
    auto problems = verify_against_expected(sb, options);
    bool reported_email = false, reported_document = false;
    for (const auto &p : problems) {
        reported_email = reported_email || p.find("e-mail " + missing_email + " found 0 times") != std::string::npos;
        reported_document =
            reported_document || (p.find("CV '" + doubled_file + "'") != std::string::npos &&
                                  p.find("attached 2 times as resume, expected 1") != std::string::npos);
    }
    BOOST_TEST(reported_email, "no problem names the missing e-mail " << missing_email);
    BOOST_TEST(reported_document, "no problem names the doubled CV " << doubled_file);
    // With those checks off they stay silent.
    VerifyOptions silent;
    silent.contacts = false;
    silent.documents = false;
    for (const auto &p : verify_against_expected(sb, silent)) BOOST_TEST(p.find("e-mail") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(verifier_reports_a_created_nameless_person_when_asked) {
    // People with no name on any application (--nameless-every) must not be created
    // (VerifyOptions::unsyncable, on by default).
    EnvOptions o = medium();
    o.sandbox.extra_args = {"--nameless-every", "10"};
    HybridEnv env(o);
    Sandbox &sb = env.sandbox();
    json::object expected = sb.admin_get("expected").as_object();
    BOOST_TEST_REQUIRE(!expected.at("unsyncable").as_array().empty());
    const auto &row = expected.at("unsyncable").as_array()[0].as_object();
    json::object state = sb.admin_get("state").as_object();
    const auto &job = state.at("truth").at("jobs").at(row.at("kombo_job_id").as_string()).as_object();
    auto r = sb.tracker(
        "createResource",
        json::object{{"instructions", json::object{{"assigntoopportunity", job.at("tracker_opportunity_id")}}},
                     {"resource", json::object{{"firstname", " "}, {"lastname", ""}, {"source", "Workable"}}}});
    BOOST_TEST_REQUIRE(num(r.at("status")) == 0);
    const std::string rid = id_text(r.at("recordId"));
    VerifyOptions strict;
    strict.unsyncable = true;
    auto mentions = [&](const std::vector<std::string> &problems) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const std::string &p) { return p.find("resource " + rid + " ") == 0; });
    };
    BOOST_TEST(mentions(verify_against_expected(sb, strict)));
    VerifyOptions lenient;
    lenient.unsyncable = false;
    BOOST_TEST(!mentions(verify_against_expected(sb, lenient))); // tolerated only when asked
}

BOOST_AUTO_TEST_CASE(cold_sync_matches_expected_and_kombo_sees_only_gets) {
    HybridEnv env(medium());
    // The generated data holds every identity case the sync must get right.
    json::object truth = env.sandbox().admin_get("state").at("truth").as_object();
    std::set<std::string> kinds;
    bool many_jobs = false, no_email = false;
    for (const auto &p : truth.at("people").as_array()) {
        kinds.insert(std::string(p.at("phone_kind").as_string()));
        many_jobs = many_jobs || num(p.at("applications")) > 1;
        no_email = no_email || p.at("email").as_string().empty();
    }
    BOOST_TEST(many_jobs);
    BOOST_TEST(no_email);
    BOOST_TEST(kinds.count("invalid") == 1u);
    BOOST_TEST(kinds.count("gb_mobile") == 1u);
    BOOST_TEST(kinds.count("us") == 1u);

    auto r = env.sync();
    json::object s = parse_summary(r);
    require_correct(env.sandbox());
    json::object expected = env.sandbox().admin_get("expected").as_object();
    BOOST_TEST(num(s.at("applications").at("pending")) ==
               static_cast<int64_t>(expected.at("pending").as_array().size()));
    BOOST_TEST(num(s.at("applications").at("deleted_reported")) ==
               static_cast<int64_t>(expected.at("deleted").as_array().size()));
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    BOOST_TEST(num(s.at("people").at("matched_by_email")) + num(s.at("people").at("matched_by_phone")) > 0);
    BOOST_TEST(num(s.at("people").at("matched_by_phone")) > 0);
    // The generator gives two different people one name: reported, never merged.
    BOOST_TEST(num(s.at("applications").at("name_only_reported")) > 0);
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(second_sync_with_nothing_changed_costs_kombo_pages_only) {
    HybridEnv env(medium());
    parse_summary(env.sync());
    env.sandbox().admin_post("reset", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(total_tracker_requests(env.sandbox()) == 0);
    BOOST_TEST(num(s.at("requests").at("tracker")) == 0);
    BOOST_TEST(num(s.at("requests").at("kombo")) == num(s.at("requests").at("kombo_pages")));
    BOOST_TEST(num(s.at("applications").at("created")) == 0);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(incremental_sync_after_new_changed_and_deleted_applications) {
    HybridEnv env(medium());
    parse_summary(env.sync());
    env.sandbox().admin_post("mutate", json::object{{"advance_seconds", 3600},
                                                    {"change_outcomes", 12},
                                                    {"add_applications", 20},
                                                    {"delete_applications", 3}});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("updated")) > 0); // outcome changes became status updates
    BOOST_TEST(num(s.at("applications").at("created")) > 0);
    BOOST_TEST(num(s.at("applications_seen")) < 150); // only what changed since the checkpoint
    // Pending applications met both on the pending list and on a page count once.
    BOOST_TEST(num(s.at("applications").at("pending")) ==
               static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    require_correct(env.sandbox());
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(unmapped_job_is_pending_then_synced_once_mapped) {
    EnvOptions o = medium();
    o.job_mapping_refresh_seconds = 0; // see the new mapping at once (default: within 5 minutes)
    HybridEnv env(o);
    json::object s1 = parse_summary(env.sync());
    BOOST_REQUIRE(num(s1.at("applications").at("pending")) > 0);
    // The job gets mapped in Tracker; its applications are not updated in Workable, so only the
    // pending list (not the checkpoint) can bring them in.
    env.sandbox().admin_post("mutate", json::object{{"link_unmapped_job", true}});
    json::object s2 = parse_summary(env.sync());
    BOOST_TEST(num(s2.at("applications").at("created")) >=
               num(s1.at("applications").at("pending")) -
                   static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    BOOST_TEST(num(s2.at("applications").at("pending")) ==
               static_cast<int64_t>(env.sandbox().admin_get("expected").at("pending").as_array().size()));
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(ten_percent_faults_of_every_kind_then_rerun_converges) {
    EnvOptions o = medium();
    o.kombo_page_size = 10; // 15 Kombo pages, so Kombo's faults hit too
    HybridEnv env(o);
    json::array tracker_kinds{"429", "500", "502", "503", "reset", "truncated", "malformed", "overlap"};
    json::array kombo_kinds{"429", "500", "502", "503", "reset", "truncated", "malformed"};
    env.sandbox().admin_post(
        "faults",
        json::object{
            {"tracker", json::object{{"*", json::object{{"rate", 0.1}, {"kinds", tracker_kinds}, {"seed", 11}}}}},
            {"kombo", json::object{{"*", json::object{{"rate", 0.1}, {"kinds", kombo_kinds}, {"seed", 12}}}}}});
    auto first = env.sync();
    BOOST_TEST_MESSAGE("sync under faults exited " << first.exit_code << ": " << first.out.substr(0, 600));
    json::object injected = env.sandbox().admin_get("counters").at("faults_injected").as_object();
    BOOST_TEST_MESSAGE("faults injected: " << json::serialize(injected));
    BOOST_TEST(!injected.empty());
    bool kombo_hit = false, tracker_hit = false;
    for (const auto &kv : injected) {
        kombo_hit = kombo_hit || kv.key().starts_with("kombo");
        tracker_hit = tracker_hit || kv.key().starts_with("tracker");
    }
    BOOST_TEST(kombo_hit);
    BOOST_TEST(tracker_hit);
    // Faults off: the rerun finishes what the first left (pending errors, unknown outcomes).
    env.sandbox().admin_post("faults", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    require_correct(env.sandbox());
    BOOST_TEST(kombo_non_get_requests(env.sandbox()) == 0);
}

BOOST_AUTO_TEST_CASE(faults_with_stalls_past_the_timeout_then_rerun_converges) {
    EnvOptions o = medium();
    o.sandbox.applications = 60;
    o.sandbox.people = 35;
    o.tracker_timeout_ms = 1500; // below the 4 s stall: write outcomes become unknown
    HybridEnv env(o);
    // A stalled write may or may not have been applied: the sync must read back, never create twice.
    env.sandbox().admin_post(
        "faults",
        json::object{{"tracker", json::object{{"*", json::object{{"rate", 0.1},
                                                                 {"kinds", json::array{"stall", "500", "reset"}},
                                                                 {"stall_ms", 4000},
                                                                 {"seed", 5}}}}}});
    auto first = env.sync(false, 300s);
    BOOST_TEST_MESSAGE("sync under stalls exited " << first.exit_code << ": " << first.out.substr(0, 600));
    env.sandbox().admin_post("faults", json::object{});
    json::object s = parse_summary(env.sync());
    BOOST_TEST(num(s.at("applications").at("errors")) == 0);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(sigkill_at_several_points_then_rerun_is_exactly_once) {
    for (int kill_after : {2, 25, 80}) {
        BOOST_TEST_CONTEXT("killed after " << kill_after << " Tracker writes") {
            EnvOptions o = medium();
            o.sandbox.latency_ms = 5; // slow enough to be caught mid-run
            HybridEnv env(o);
            auto child = env.start_sync();
            auto deadline = std::chrono::steady_clock::now() + 120s;
            bool killed = false;
            while (std::chrono::steady_clock::now() < deadline && child->running()) {
                if (tracker_sync_writes(env.sandbox()) >= kill_after) {
                    child->kill(SIGKILL);
                    killed = true;
                    break;
                }
                std::this_thread::sleep_for(2ms);
            }
            auto res = child->wait(30s);
            BOOST_TEST(killed);
            BOOST_TEST(res.signal == SIGKILL);
            int64_t writes_before = tracker_sync_writes(env.sandbox());
            BOOST_TEST(writes_before >= kill_after);
            json::object s = parse_summary(env.sync());
            BOOST_TEST(num(s.at("applications").at("errors")) == 0);
            require_correct(env.sandbox());
        }
    }
}

BOOST_AUTO_TEST_CASE(two_syncs_at_once_second_refuses_clearly_when_it_cannot_wait) {
    EnvOptions o = medium();
    o.sandbox.latency_ms = 10;
    o.lock_wait_ms = 0;
    HybridEnv env(o);
    auto first = env.start_sync();
    // The first sync holds the lock once it wrote its pid into the lock file. It is then frozen
    // (its whole process group) while the second runs, so however slowly the second starts (a
    // loaded machine, a sanitized build), the first cannot finish and release the lock before.
    const std::string lock = env.lock_file("workable-sync");
    auto deadline = std::chrono::steady_clock::now() + 120s;
    auto holder = [&] {
        std::ifstream in(lock);
        std::string pid;
        in >> pid;
        return pid;
    };
    while (holder().empty() && first->running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    BOOST_REQUIRE_MESSAGE(!holder().empty(), "the first sync never took its lock");
    BOOST_REQUIRE(::kill(-first->pid(), SIGSTOP) == 0);
    auto second = env.sync();
    ::kill(-first->pid(), SIGCONT);
    BOOST_TEST(second.exit_code == 1);
    BOOST_TEST(second.err.find("another sync of this tenant is running") != std::string::npos, second.err);
    auto r1 = first->wait(240s);
    BOOST_TEST(r1.exit_code == 0, r1.err);
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(two_syncs_at_once_second_waits_and_writes_nothing) {
    EnvOptions o = medium();
    o.sandbox.latency_ms = 5;
    o.lock_wait_ms = 120000;
    HybridEnv env(o);
    auto a = env.start_sync();
    auto b = env.start_sync();
    auto ra = a->wait(240s), rb = b->wait(240s);
    BOOST_REQUIRE_MESSAGE(ra.exit_code == 0, "first sync: " << ra.err.substr(0, 2000));
    BOOST_REQUIRE_MESSAGE(rb.exit_code == 0, "second sync: " << rb.err.substr(0, 2000));
    json::object sa = parse_summary(ra), sb = parse_summary(rb);
    // Exactly one of them created everything; the other found it all done.
    int64_t ca = num(sa.at("applications").at("created")), cb = num(sb.at("applications").at("created"));
    BOOST_TEST((ca == 0) != (cb == 0), "created " << ca << " and " << cb << "; stderr:\n"
                                                  << ra.err.substr(0, 1000) << "\n---\n"
                                                  << rb.err.substr(0, 1000));
    require_correct(env.sandbox());
}

BOOST_AUTO_TEST_CASE(applications_stream_syncs_first_then_streams_each_application_once) {
    HybridEnv env(medium_named());
    // No sync before: applications.stream runs it, then streams Tracker's applications.
    auto r = run_process(env.host_argv({"call", "--tenant", env.tenant(), "applications.stream"}), {}, 300s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err.substr(0, 2000));
    require_correct(env.sandbox());
    json::object state = env.sandbox().admin_get("state").as_object();
    const auto &links = state.at("tracker").at("links").as_array();
    std::set<std::string> ids;
    size_t lines = 0, with_workable = 0, workable_links = 0;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        json::object app = json::parse(line).as_object();
        BOOST_TEST(!app.contains("_type")); // Kombo is up: no control record
        if (app.contains("sync_status") && app.at("sync_status") != "synced") continue; // not in Tracker
        ++lines;
        ids.insert(std::string(app.at("id").as_string()));
        const auto &remote = app.at("remote_ids").as_object();
        if (remote.contains("kombo")) {
            ++with_workable;
            BOOST_TEST(remote.contains("workable"));
            BOOST_TEST(app.at("sync_status").as_string() == "synced");
        }
    }
    // Every synced Workable application (a link the sync made, or a Tracker link it adopted).
    workable_links = env.sandbox().admin_get("expected").at("applications").as_array().size();
    BOOST_TEST(lines == links.size());           // every Tracker application, Workable's included
    BOOST_TEST(ids.size() == lines);             // each exactly once
    BOOST_TEST(with_workable == workable_links); // synced ones carry their Workable and Kombo ids
    BOOST_TEST(with_workable > 0u);
}

BOOST_AUTO_TEST_CASE(table_mapping_maps_a_job_no_field_or_title_names) {
    HybridEnv env(medium());
    Sandbox &sb = env.sandbox();
    // The run without the table: correct, and the applications of the jobs the sandbox leaves
    // unmapped (neither custom field nor title names them) are pending.
    json::object s1 = parse_summary(env.sync());
    require_correct(sb);
    const json::object expected = sb.admin_get("expected").as_object();
    const json::object before = sb.admin_get("state").as_object();
    const json::array &pending = expected.at("pending").as_array();
    BOOST_REQUIRE(!pending.empty());
    BOOST_TEST(num(s1.at("applications").at("pending")) == static_cast<int64_t>(pending.size()));

    // The job to map: the first pending application's. Another unmapped job must remain (medium()
    // has 8 jobs, the generator leaves every fifth unmapped) so that "the others stay pending" is a
    // real check.
    const std::string job = id_text(pending.front().at("kombo_job_id"));
    std::vector<const json::object *> rows;
    for (const auto &p : pending)
        if (id_text(p.at("kombo_job_id")) == job) rows.push_back(&p.as_object());
    const int64_t others = static_cast<int64_t>(pending.size() - rows.size());
    BOOST_REQUIRE_MESSAGE(others > 0, "the sandbox must leave a second job unmapped");

    // The opportunity: the Tracker-only "Office Manager", which no Workable job names by field or
    // title and which has no application yet, so every link on it afterwards is the table's doing.
    const json::object &tracker_before = before.at("tracker").as_object();
    std::string target;
    for (const auto &o : tracker_before.at("opportunities").as_array()) {
        const std::string name(o.at("name").as_string());
        if (name.size() > 15 && name.compare(name.size() - 15, 15, " Office Manager") == 0)
            target = id_text(o.at("id"));
    }
    BOOST_REQUIRE_MESSAGE(!target.empty(), "no 'Office Manager' opportunity in the sandbox");
    for (const auto &l : tracker_before.at("links").as_array())
        BOOST_REQUIRE_MESSAGE(id_text(l.at("opportunityid")) != target,
                              "opportunity " << target << " already has links");

    env.set_job_mapping_extra(json::object{{"table", json::object{{job, target}}}});
    json::object s2 = parse_summary(env.sync());
    BOOST_TEST(num(s2.at("applications").at("created")) == static_cast<int64_t>(rows.size()));
    BOOST_TEST(num(s2.at("applications").at("pending")) == others); // the other jobs' applications wait on
    BOOST_TEST(num(s2.at("applications").at("errors")) == 0);

    const json::object after = sb.admin_get("state").as_object();
    const json::object &tracker_after = after.at("tracker").as_object();
    std::map<int64_t, std::string> status_name;
    for (const auto &s : tracker_after.at("settings").at("opportunityResourceStatuses").as_array())
        status_name[s.at("Id").to_number<int64_t>()] = std::string(s.at("Name").as_string());
    auto links_before = by_id(tracker_before.at("links")), links_after = by_id(tracker_after.at("links"));
    auto res_before = by_id(tracker_before.at("resources")), res_after = by_id(tracker_after.at("resources"));

    // Nothing the run without the table left changed: links, opportunities, documents and
    // activities as they were (linking only touches the target's updated_ms). New documents (CVs)
    // and activities (contact notes) may only belong to the people just linked (checked below).
    for (const char *kind : {"links", "opportunities", "documents", "activities"}) {
        auto was = by_id(tracker_before.at(kind)), now = by_id(tracker_after.at(kind));
        if (std::string(kind) == "opportunities")
            BOOST_TEST(now.size() == was.size(), kind << ": " << was.size() << " before, " << now.size() << " after");
        for (const auto &[id, r] : was) {
            auto it = now.find(id);
            BOOST_REQUIRE_MESSAGE(it != now.end(), kind << " " << id << " vanished");
            json::object a = *r, b = *it->second;
            if (std::string(kind) == "opportunities" && id == target) {
                a.erase("updated_ms");
                b.erase("updated_ms");
            }
            BOOST_TEST((a == b),
                       kind << " " << id << " changed: " << json::serialize(a) << " -> " << json::serialize(b));
        }
    }

    // Each person's resource: the one Tracker already had (truth), the one the first run created for
    // their other applications (same name, holding those), or a new one.
    std::map<std::string, const json::object *> truth_people;
    for (const auto &p : before.at("truth").at("people").as_array())
        truth_people[id_text(p.at("key"))] = &p.as_object();
    std::map<std::string, std::set<std::string>> opps_of_person, opps_of_resource_before;
    for (const auto &a : expected.at("applications").as_array())
        opps_of_person[id_text(a.at("person"))].insert(id_text(a.at("tracker_opportunity_id")));
    for (const auto &[id, l] : links_before)
        opps_of_resource_before[id_text(l->at("resourceid"))].insert(id_text(l->at("opportunityid")));
    auto same_name = [](const json::object &resource, const json::object &person) {
        return resource.at("firstname") == person.at("first_name") && resource.at("lastname") == person.at("last_name");
    };

    // Exactly that job's applications are new, on the target, once each, with the right status.
    std::set<std::string> new_links, linked_resources, new_resources;
    for (const auto &[id, l] : links_after)
        if (!links_before.count(id)) new_links.insert(id);
    for (const auto &[id, r] : res_after)
        if (!res_before.count(id)) new_resources.insert(id);
    BOOST_TEST(new_links.size() == rows.size());
    std::set<std::string> matched;
    size_t new_people = 0;
    for (const json::object *row : rows) {
        const std::string app = id_text(row->at("application_id")), person = id_text(row->at("person"));
        BOOST_TEST_CONTEXT("application " << app << " of person " << person) {
            BOOST_REQUIRE(truth_people.count(person));
            const json::object &truth = *truth_people[person];
            const std::string outcome(row->at("outcome").as_string());
            // The default stage rule (the sandbox cannot know the table mapping, so it still lists
            // these as pending): outcome first, then a Tracker status named like the stage, else Applied.
            std::string stage;
            for (const auto &a : after.at("kombo").at("applications").as_array())
                if (id_text(a.at("id")) == app && a.at("current_stage_id").is_string())
                    for (const auto &st : after.at("kombo").at("stages").as_array())
                        if (st.at("id") == a.at("current_stage_id")) stage = std::string(st.at("name").as_string());
            std::string want_status = outcome == "HIRED" ? "Accepted" : outcome == "DECLINED" ? "Declined" : "Applied";
            if (want_status == "Applied")
                for (const auto &[id, name] : status_name)
                    if (boost::algorithm::iequals(name, stage)) want_status = name;
            std::string resource;
            if (!truth.at("tracker_resource_id").is_null()) {
                resource = id_text(truth.at("tracker_resource_id"));
            } else if (opps_of_person.count(person)) {
                const auto &want = opps_of_person[person];
                for (const auto &[id, r] : res_before) {
                    const auto &have = opps_of_resource_before[id];
                    if (same_name(*r, truth) && std::includes(have.begin(), have.end(), want.begin(), want.end()))
                        resource = id;
                }
            } else {
                ++new_people;
                for (const auto &id : new_resources)
                    if (same_name(*res_after[id], truth) && !linked_resources.count(id)) resource = id;
            }
            BOOST_REQUIRE_MESSAGE(!resource.empty(), "no Tracker resource for this person");
            std::string link;
            for (const auto &id : new_links)
                if (id_text(links_after[id]->at("resourceid")) == resource) link = id;
            BOOST_REQUIRE_MESSAGE(!link.empty(), "no new link of resource " << resource);
            BOOST_TEST(matched.insert(link).second);
            linked_resources.insert(resource);
            BOOST_TEST(id_text(links_after[link]->at("opportunityid")) == target);
            BOOST_TEST(status_name[links_after[link]->at("statusid").to_number<int64_t>()] == want_status);
        }
    }
    BOOST_TEST_MESSAGE("job " << job << " -> opportunity " << target << ": " << rows.size() << " application(s), "
                              << new_people << " new person(s), " << others << " other application(s) pending");
    // New resources only for people Tracker did not know; every other resource as it was, except
    // that linking touches a person's record and may fill contact fields that were EMPTY.
    BOOST_TEST(new_resources.size() == new_people);
    for (const auto &[id, r] : res_before) {
        auto it = res_after.find(id);
        BOOST_REQUIRE_MESSAGE(it != res_after.end(), "resource " << id << " vanished");
        json::object was = *r, now = *it->second;
        if (linked_resources.count(id)) {
            was.erase("updated_ms");
            now.erase("updated_ms");
            for (const char *f : {"email", "mobiletelephone", "worktelephone", "hometelephone", "customfields"})
                if (was.contains(f) && now.contains(f) && was.at(f) != now.at(f)) {
                    if (std::string(f) != "customfields")
                        BOOST_TEST(was.at(f).as_string().empty(), "resource " << id << ": " << f << " replaced");
                    was.erase(f);
                    now.erase(f);
                }
        }
        BOOST_TEST((was == now),
                   "resource " << id << " changed: " << json::serialize(was) << " -> " << json::serialize(now));
    }
    for (const char *kind : {"documents", "activities"})
        for (const auto &[id, d] : by_id(tracker_after.at(kind)))
            if (!by_id(tracker_before.at(kind)).count(id))
                BOOST_TEST(linked_resources.count(id_text(d->at("linkrecordid"))) == 1u,
                           kind << " " << id << " added to a resource that was not linked");

    // Once: the next run with the table writes nothing and leaves the others pending.
    const int64_t writes = tracker_sync_writes(sb);
    json::object s3 = parse_summary(env.sync());
    BOOST_TEST(num(s3.at("applications").at("created")) == 0);
    BOOST_TEST(num(s3.at("applications").at("pending")) == others);
    BOOST_TEST(tracker_sync_writes(sb) == writes);
    BOOST_TEST(kombo_non_get_requests(sb) == 0);
}

BOOST_AUTO_TEST_CASE(applications_stream_shows_unmapped_job_applications_as_pending) {
    HybridEnv env(medium_named());
    auto r = stream(env);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err.substr(0, 2000));
    const json::array expected = env.sandbox().admin_get("expected").at("pending").as_array();
    BOOST_REQUIRE(!expected.empty());
    std::map<std::string, std::string> expected_job; // kombo application id -> kombo job id
    for (const auto &p : expected) expected_job[id_text(p.at("application_id"))] = id_text(p.at("kombo_job_id"));
    std::map<std::string, json::object> pending;
    for (auto &app : ndjson(r.out))
        if (is_pending(app)) pending[std::string(app.at("remote_ids").at("kombo").as_string())] = app;
    BOOST_TEST(pending.size() == expected_job.size()); // every unmapped-job application, once
    if (!pending.empty())
        BOOST_TEST_MESSAGE(pending.size() << " pending, e.g. " << json::serialize(pending.begin()->second));
    for (const auto &[kombo_id, job] : expected_job) {
        auto it = pending.find(kombo_id);
        BOOST_TEST_REQUIRE((it != pending.end()), "Workable application " << kombo_id << " is silently missing");
        const json::object &app = it->second;
        BOOST_TEST(app.at("sync_status").as_string() == "pending");
        BOOST_TEST(app.at("sync_reason_kind").as_string() == "unmapped_job");
        BOOST_TEST(std::string(app.at("sync_reason").as_string()).find("job not mapped") == 0u, app.at("sync_reason"));
        BOOST_TEST(app.at("id").as_string() == kombo_id);
        BOOST_TEST(app.at("remote_ids").as_object().contains("workable"));
        BOOST_TEST(!app.at("remote_ids").as_object().contains("tracker"));
        BOOST_TEST(app.at("job_remote_ids").at("kombo").as_string() == job);
        BOOST_TEST(app.at("job_id").as_string() == job); // unmapped: the Kombo job id
        BOOST_TEST(app.at("candidate_name").is_string());
        BOOST_TEST(app.at("remote_updated_at").is_string());
        for (const char *k : {"remote_id", "outcome", "rejection_reason_name", "rejected_at", "current_stage",
                              "candidate_id", "remote_created_at", "changed_at", "custom_fields"})
            BOOST_TEST(app.contains(k), "pending record lacks " << k);
    }
}

BOOST_AUTO_TEST_CASE(applications_stream_with_kombo_down_yields_tracker_then_the_error_record) {
    HybridEnv env(medium_named());
    parse_summary(env.sync()); // Tracker has the synced applications; state has the pending ones
    const size_t links = env.sandbox().admin_get("state").at("tracker").at("links").as_array().size();
    const size_t expected_pending = env.sandbox().admin_get("expected").at("pending").as_array().size();
    kombo_down(env.sandbox());
    auto r = stream(env);
    BOOST_TEST(r.exit_code == 6, "exit " << r.exit_code << ": " << r.err.substr(0, 2000)); // partial result
    auto rows = ndjson(r.out);
    BOOST_REQUIRE(!rows.empty());
    const json::object last = rows.back();
    BOOST_TEST(last.at("_type").as_string() == "error");
    BOOST_TEST(last.at("source").as_string() == "workable");
    BOOST_TEST(last.at("retryable").as_bool());
    BOOST_TEST((last.at("code") == "transient" || last.at("code") == "rate_limited" || last.at("code") == "upstream"),
               json::serialize(last));
    BOOST_TEST(!last.at("message").as_string().empty());
    size_t tracker = 0, pending = 0, control = 0;
    for (const auto &app : rows) {
        if (app.contains("_type"))
            ++control;
        else if (is_pending(app))
            ++pending;
        else
            ++tracker;
    }
    BOOST_TEST(control == 1u);
    BOOST_TEST(tracker == links);            // Tracker's side complete
    BOOST_TEST(pending == expected_pending); // pending ones known from state
    BOOST_TEST(r.err.find("\"kind\":\"partial\"") != std::string::npos, r.err.substr(0, 2000));
}

BOOST_AUTO_TEST_CASE(applications_stream_strict_fails_when_kombo_is_down) {
    HybridEnv env(medium_named());
    parse_summary(env.sync());
    kombo_down(env.sandbox());
    auto r = stream(env, json::object{{"strict", true}});
    BOOST_TEST(r.exit_code == 1, "exit " << r.exit_code);
    BOOST_TEST(r.out.empty(), r.out.substr(0, 500)); // fails before streaming, as before
    BOOST_TEST(r.err.find("\"retryable\":true") != std::string::npos, r.err.substr(0, 2000));
}

BOOST_AUTO_TEST_CASE(updated_after_and_job_ids_filter_the_pending_side) {
    HybridEnv env(medium());
    auto all = stream(env);
    BOOST_REQUIRE_MESSAGE(all.exit_code == 0, all.err.substr(0, 2000));
    std::vector<json::object> pending;
    for (auto &app : ndjson(all.out))
        if (is_pending(app)) pending.push_back(app);
    BOOST_REQUIRE(pending.size() >= 2u);

    // job_ids = one Kombo job id: exactly that job's pending applications (Tracker has no such id).
    const std::string job(pending.front().at("job_remote_ids").at("kombo").as_string());
    std::set<std::string> of_job;
    for (const auto &p : pending)
        if (p.at("job_remote_ids").at("kombo").as_string() == job) of_job.insert(std::string(p.at("id").as_string()));
    auto by_job = stream(env, json::object{{"job_ids", json::array{json::string(job)}}});
    BOOST_REQUIRE_MESSAGE(by_job.exit_code == 0, by_job.err.substr(0, 2000));
    std::set<std::string> got;
    for (auto &app : ndjson(by_job.out)) {
        BOOST_TEST(is_pending(app), json::serialize(app));
        got.insert(std::string(app.at("id").as_string()));
    }
    BOOST_TEST(got == of_job);

    // updated_after: pending ones with remote_updated_at >= the cut only.
    std::vector<std::string> times;
    for (const auto &p : pending) times.emplace_back(p.at("remote_updated_at").as_string());
    std::sort(times.begin(), times.end());
    const std::string cut = times[times.size() / 2];
    std::set<std::string> want;
    for (const auto &p : pending)
        if (std::string(p.at("remote_updated_at").as_string()) >= cut) want.insert(std::string(p.at("id").as_string()));
    BOOST_REQUIRE(want.size() < pending.size());
    auto since = stream(env, json::object{{"updated_after", cut}});
    BOOST_REQUIRE_MESSAGE(since.exit_code == 0, since.err.substr(0, 2000));
    std::set<std::string> got_since;
    for (auto &app : ndjson(since.out))
        if (is_pending(app)) got_since.insert(std::string(app.at("id").as_string()));
    BOOST_TEST(got_since == want);
}

BOOST_AUTO_TEST_CASE(nameless_applicants_are_refused_then_quarantined_after_three_runs) {
    HybridEnv env(medium());
    const json::array unsyncable = env.sandbox().admin_get("expected").at("unsyncable").as_array();
    BOOST_REQUIRE(!unsyncable.empty());
    for (int run = 1; run <= 3; ++run) {
        json::object s = parse_summary(env.sync());
        if (run < 3) {
            BOOST_TEST(num(s.at("applications").at("invalid")) == static_cast<int64_t>(unsyncable.size()));
            BOOST_TEST(s.at("refused").as_array().size() == unsyncable.size());
            BOOST_TEST(std::string(s.at("refused").as_array()[0].at("reason").as_string()).find("no name") !=
                       std::string::npos);
        }
    }
    // Quarantined now: listed with the reason, not attempted.
    json::object s4 = parse_summary(env.sync());
    BOOST_TEST(num(s4.at("applications").at("quarantined")) == static_cast<int64_t>(unsyncable.size()));
    BOOST_TEST(num(s4.at("applications").at("invalid")) == 0);
    BOOST_TEST(s4.at("quarantined").as_array().size() == unsyncable.size());
    require_correct(env.sandbox());
    // An operator asks: they are tried again (and refused again, with the reason).
    auto r = run_process(env.host_argv({"sync", "--tenant", env.tenant(), "--retry-quarantined"}), {}, 120s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json::object s5 = parse_summary(r);
    BOOST_TEST(num(s5.at("applications").at("invalid")) == static_cast<int64_t>(unsyncable.size()));
}

BOOST_AUTO_TEST_CASE(check_names_a_configured_status_tracker_does_not_have) {
    EnvOptions o = medium_named();
    o.workable_extra =
        json::object{{"stage_mapping", json::object{{"table", json::object{{"Phone Screen", "Phone Screened"}}}}}};
    HybridEnv env(o);
    auto check = run_process(env.host_argv({"check", "--tenant", env.tenant()}), {}, 60s);
    BOOST_TEST(check.exit_code != 0);
    BOOST_TEST(check.err.find("'Phone Screened'") != std::string::npos, check.err);
    BOOST_TEST(check.err.find("'Shortlisted'") != std::string::npos, check.err); // the valid ones are listed
    auto sync = env.sync();
    BOOST_TEST(sync.exit_code != 0);
    BOOST_TEST(sync.err.find("'Phone Screened'") != std::string::npos, sync.err);
    BOOST_TEST(tracker_requests_by_method(env.sandbox())["createResource"] == 0); // refused before any write
}
