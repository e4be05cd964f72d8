// End-to-end tests of data protection with the tracker_workable provider: `ats-host sync` and
// `ats-host forget` (real child processes, the real plugin) against ats-sandbox.
//   - after a sync, the raw bytes of the state file hold none of the sandbox applicants' e-mails,
//     phones (as typed, E.164, digits) or names;
//   - forget removes a person (counts only, idempotent) and the next full sync finds them in
//     Tracker again without a duplicate (judged by verify_against_expected);
//   - pending records expire after pending_retention_days on the host clock (pinned).
#define BOOST_TEST_MODULE tracker_workable_data_protection_e2e
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "ats/shared/phone.hpp"
#include "file_text.hpp"
#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;
using namespace std::chrono_literals;

namespace {

EnvOptions small() { return sized_world(7, 8, 150, 80, 25); }

// Every application Kombo serves (all pages).
std::vector<json::object> kombo_applications(Sandbox &sb) {
    std::vector<json::object> out;
    std::string cursor;
    do {
        auto r = sb.kombo_get("/ats/applications?page_size=250&include_deleted=true" +
                              (cursor.empty() ? std::string() : "&cursor=" + cursor));
        BOOST_REQUIRE_EQUAL(r.status, 200);
        json::value doc = json::parse(r.body);
        const auto &data = doc.at("data").as_object();
        for (const auto &a : data.at("results").as_array()) out.push_back(a.as_object());
        cursor = data.at("next").is_string() ? std::string(data.at("next").get_string()) : std::string();
    } while (!cursor.empty());
    return out;
}

std::string str(const json::object &o, const char *k) {
    auto *v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string &s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string digits(const std::string &s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d.push_back(c);
    return d;
}

// Every written form of the personal data the sandbox's applicants gave: e-mails as typed and
// normalised, phones as typed, E.164 and digits only (7+ digits), full names as typed and
// lower-cased, and name parts of 6+ characters (shorter ones occur by chance in hashes).
std::set<std::string> personal_strings(Sandbox &sb) {
    std::set<std::string> out;
    for (const auto &a : kombo_applications(sb)) {
        const auto *c = a.if_contains("candidate");
        if (!c || !c->is_object()) continue;
        const auto &cand = c->as_object();
        std::string first = trim(str(cand, "first_name")), last = trim(str(cand, "last_name"));
        if (!first.empty() && !last.empty()) {
            out.insert(first + " " + last);
            out.insert(lower(first + " " + last));
        }
        for (const auto &n : {first, last})
            if (n.size() >= 6) out.insert(n);
        if (const auto *es = cand.if_contains("email_addresses"); es && es->is_array())
            for (const auto &e : es->as_array()) {
                std::string t = str(e.as_object(), "email_address");
                if (trim(t).size() < 6) continue;
                out.insert(trim(t));
                out.insert(lower(trim(t)));
            }
        if (const auto *ps = cand.if_contains("phone_numbers"); ps && ps->is_array())
            for (const auto &p : ps->as_array()) {
                std::string t = trim(str(p.as_object(), "phone_number"));
                if (digits(t).size() < 7) continue;
                out.insert(t);
                out.insert(digits(t));
                if (auto parsed = ats::shared::parse_phone(t, "GB")) {
                    out.insert(parsed->e164);
                    out.insert(digits(parsed->e164));
                }
            }
    }
    return out;
}

std::vector<std::string> found_in_state(const std::string &data_dir, const std::set<std::string> &needles) {
    std::string bytes =
        ats::test::read_file(data_dir + "/state.sqlite") + ats::test::read_file(data_dir + "/state.sqlite-wal");
    BOOST_REQUIRE(bytes.size() > 4096);
    std::vector<std::string> found;
    for (const auto &n : needles)
        if (size_t at = bytes.find(n); at != std::string::npos) {
            found.push_back(n);
            std::string around = bytes.substr(at > 80 ? at - 80 : 0, 160 + n.size());
            for (auto &c : around)
                if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '.';
            BOOST_TEST_MESSAGE("context of a found string: " << around);
        }
    return found;
}

json::object last_json_line(const std::string &out) {
    std::istringstream in(out);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return json::parse(last).as_object();
}

} // namespace

BOOST_AUTO_TEST_CASE(state_file_holds_no_email_phone_or_name_after_a_sync) {
    HybridEnv env(small());
    BOOST_REQUIRE_EQUAL(env.sync().exit_code, 0);
    auto needles = personal_strings(env.sandbox());
    BOOST_TEST_MESSAGE("personal-data strings searched: " << needles.size());
    BOOST_REQUIRE(needles.size() > 200);
    auto found = found_in_state(env.data_dir(), needles);
    for (size_t i = 0; i < found.size() && i < 10; ++i) BOOST_TEST_MESSAGE("found in the state file: " << found[i]);
    BOOST_TEST(found.empty(), found.size() << " personal-data string(s) found in the state file");

    // The data folder and the state file are private.
    struct stat st {};
    BOOST_REQUIRE(::stat(env.data_dir().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 077) == 0u);
    BOOST_REQUIRE(::stat((env.data_dir() + "/state.sqlite").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 077) == 0u);
}

BOOST_AUTO_TEST_CASE(forget_removes_a_person_and_the_next_sync_finds_them_in_tracker_again) {
    HybridEnv env(small());
    BOOST_REQUIRE_EQUAL(env.sync().exit_code, 0);
    // A synced applicant with an e-mail.
    std::string email;
    for (const auto &a : kombo_applications(env.sandbox())) {
        const auto &cand = a.at("candidate").as_object();
        if (const auto *es = cand.if_contains("email_addresses"); es && es->is_array() && !es->as_array().empty()) {
            std::string e = trim(str(es->as_array()[0].as_object(), "email_address"));
            if (e.find('@') != std::string::npos && !trim(str(cand, "first_name")).empty()) {
                email = e;
                break;
            }
        }
    }
    BOOST_REQUIRE(!email.empty());
    auto first = run_process(env.host_argv({"forget", "--tenant", env.tenant(), "--email", email}), {}, 120s);
    BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    BOOST_TEST(first.out.find(email) == std::string::npos); // counts only
    BOOST_TEST(first.err.find(email) == std::string::npos);
    json::object r1 = last_json_line(first.out);
    BOOST_TEST_MESSAGE("forget: " << json::serialize(r1));
    BOOST_TEST(num(r1.at("people")) >= 1);
    BOOST_TEST(num(r1.at("removed").at("identity_keys")) >= 1);
    BOOST_TEST(num(r1.at("removed").at("id_maps")) >= 1);
    // Idempotent.
    auto second = run_process(env.host_argv({"forget", "--tenant", env.tenant(), "--email", email}), {}, 120s);
    BOOST_REQUIRE_EQUAL(second.exit_code, 0);
    BOOST_TEST(num(last_json_line(second.out).at("total")) == 0);
    // The next full sync treats the person as new to the host and finds them in Tracker.
    json::object s = parse_summary(env.sync(true));
    BOOST_TEST(num(s.at("people").at("created")) == 0);
    BOOST_TEST(num(s.at("applications").at("created")) == 0);
    auto problems = verify_against_expected(env.sandbox());
    for (const auto &p : problems) BOOST_TEST_MESSAGE("problem: " << p);
    BOOST_TEST(problems.empty());
}

BOOST_AUTO_TEST_CASE(forget_needs_exactly_one_selector_and_names_no_personal_data) {
    HybridEnv env(small());
    auto none = run_process(env.host_argv({"forget", "--tenant", env.tenant()}), {}, 60s);
    BOOST_TEST(none.exit_code == 2);
    auto bad = run_process(env.host_argv({"forget", "--tenant", env.tenant(), "--email", "not-an-address"}), {}, 60s);
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.err.find("not-an-address") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pending_records_expire_after_the_retention_on_the_host_clock) {
    EnvOptions o = small();
    o.workable_extra = json::object{{"pending_retention_days", 30}};
    HybridEnv env(o);
    const int64_t t0 = 1790000000000; // pinned host clock (2026-09-21)
    auto at = [&](int64_t days) {
        return run_process(env.host_argv({"sync", "--tenant", env.tenant()}),
                           {{"ATS_HOST_FIXED_NOW_MS", std::to_string(t0 + days * 86400000LL)}}, 300s);
    };
    json::object s1 = parse_summary(at(0));
    const int64_t pending = num(s1.at("applications").at("pending"));
    BOOST_REQUIRE(pending > 0);
    json::object s2 = parse_summary(at(29)); // retried, still within 30 days of first parking
    BOOST_TEST(num(s2.at("retention").at("pending_expired")) == 0);
    BOOST_TEST(num(s2.at("applications").at("pending")) == pending);
    json::object s3 = parse_summary(at(31));
    BOOST_TEST(num(s3.at("retention").at("pending_expired")) == pending);
    BOOST_TEST(num(s3.at("applications").at("pending")) == 0);
}
