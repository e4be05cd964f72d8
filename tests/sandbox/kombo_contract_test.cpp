// Contract tests of the Kombo ATS API emulator (Kombo's documented behaviour): auth, cursors with filters,
// page_size bounds, updated_after, include_deleted, outcomes/job_ids filters, attachments, writes.
#define BOOST_TEST_MODULE sandbox_kombo_contract
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

#include <map>
#include <set>

using namespace sandbox_test;
using ats::test::Sandbox;

namespace {
json::value get_ok(Sandbox &sb, const std::string &path) {
    auto r = sb.kombo_get(path);
    BOOST_TEST_REQUIRE(r.status == 200, path + ": " + r.body.substr(0, 300));
    return parse(r.body);
}

std::string error_code(const ats::net::HttpResponse &r) {
    auto body = parse(r.body);
    BOOST_TEST_REQUIRE(s(body, "status") == "error");
    return s(body.at("error"), "code");
}

// Follows cursors, re-sending the filters; returns every result.
std::vector<json::value> all_pages(Sandbox &sb, const std::string &path, const std::string &filters) {
    std::vector<json::value> out;
    std::string cursor;
    for (int guard = 0; guard < 1000; ++guard) {
        std::string query = filters + (cursor.empty() ? "" : "&cursor=" + cursor);
        auto body = get_ok(sb, path + "?" + query);
        for (const auto &r : body.at("data").at("results").as_array()) out.push_back(r);
        cursor = s(body.at("data"), "next");
        if (cursor.empty()) break;
        for (auto &c : cursor) // cursors are base64: escape for the query string
            if (c == '+') c = ' ';
        std::string escaped;
        for (char c : cursor)
            escaped += c == ' '   ? std::string("%2B")
                       : c == '=' ? std::string("%3D")
                       : c == '/' ? std::string("%2F")
                                  : std::string(1, c);
        cursor = escaped;
    }
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(authentication_errors) {
    Sandbox sb;
    auto missing = sb.kombo_get("/ats/applications", false, {{"X-Integration-Id", Sandbox::kKomboIntegrationId}});
    BOOST_TEST(missing.status == 401);
    BOOST_TEST(error_code(missing) == "PLATFORM.AUTHENTICATION_INVALID");
    auto wrong = sb.kombo_get("/ats/applications", false,
                              {{"Authorization", "Bearer wrong"}, {"X-Integration-Id", Sandbox::kKomboIntegrationId}});
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(error_code(wrong) == "PLATFORM.AUTHENTICATION_INVALID");
    auto no_integration = sb.kombo_get("/ats/applications", false, {{"Authorization", "Bearer sandbox-kombo-key"}});
    BOOST_TEST(no_integration.status == 400);
    BOOST_TEST(error_code(no_integration) == "PLATFORM.INPUT_INVALID");
    auto other_integration =
        sb.kombo_get("/ats/applications", false,
                     {{"Authorization", "Bearer sandbox-kombo-key"}, {"X-Integration-Id", "workable:other"}});
    BOOST_TEST(other_integration.status == 404);
    BOOST_TEST(error_code(other_integration) == "PLATFORM.INTEGRATION_NOT_FOUND");
    auto check = sb.kombo_get("/check-api-key", false, {{"Authorization", "Bearer sandbox-kombo-key"}});
    BOOST_TEST(check.status == 200);
    BOOST_TEST(s(parse(check.body).at("data"), "customer_id") == "sandbox-customer");
    BOOST_TEST(sb.kombo_get("/check-api-key", false).status == 401);
    auto body = parse(wrong.body);
    BOOST_TEST(body.at("error").as_object().contains("log_url"));
    BOOST_TEST(body.at("error").as_object().contains("title"));
}

BOOST_AUTO_TEST_CASE(page_size_bounds_and_bad_parameters) {
    Sandbox sb;
    for (const char *bad : {"page_size=0", "page_size=251", "page_size=abc", "updated_after=yesterday",
                            "include_deleted=yes", "outcomes=MAYBE", "no_such_filter=1", "cursor=garbage"}) {
        auto r = sb.kombo_get(std::string("/ats/applications?") + bad);
        BOOST_TEST(r.status == 400, bad);
        BOOST_TEST(error_code(r) == "PLATFORM.INPUT_INVALID", bad);
    }
    BOOST_TEST(get_ok(sb, "/ats/applications?page_size=250").at("data").at("results").as_array().size() <= 250u);
    BOOST_TEST(get_ok(sb, "/ats/applications?page_size=1").at("data").at("results").as_array().size() == 1u);
    // Default page size 100 covers the 38 live applications (40 - 2 deleted) in one page.
    auto all = get_ok(sb, "/ats/applications");
    BOOST_TEST(all.at("data").at("next").is_null());
}

BOOST_AUTO_TEST_CASE(cursors_carry_filters_and_cover_every_row_once) {
    Sandbox sb;
    auto everything = all_pages(sb, "/ats/applications", "page_size=250&include_deleted=true");
    BOOST_TEST(everything.size() == 40u);
    auto paged = all_pages(sb, "/ats/applications", "page_size=3&include_deleted=true");
    BOOST_TEST(paged.size() == 40u);
    std::set<std::string> ids;
    for (const auto &a : paged) ids.insert(s(a, "id"));
    BOOST_TEST(ids.size() == 40u);
    // A cursor is bound to its filters: sending it with different filters is an input error.
    auto first = get_ok(sb, "/ats/applications?page_size=3&outcomes=PENDING");
    std::string cursor = s(first.at("data"), "next");
    BOOST_TEST_REQUIRE(!cursor.empty());
    std::string escaped;
    for (char c : cursor)
        escaped += c == '+'   ? std::string("%2B")
                   : c == '=' ? std::string("%3D")
                   : c == '/' ? std::string("%2F")
                              : std::string(1, c);
    auto mismatched = sb.kombo_get("/ats/applications?page_size=3&outcomes=HIRED&cursor=" + escaped);
    BOOST_TEST(mismatched.status == 400);
    auto matched = sb.kombo_get("/ats/applications?page_size=3&outcomes=PENDING&cursor=" + escaped);
    BOOST_TEST(matched.status == 200);
}

BOOST_AUTO_TEST_CASE(outcome_job_and_id_filters) {
    Sandbox sb;
    auto all = all_pages(sb, "/ats/applications", "page_size=250");
    std::map<std::string, int> by_outcome;
    for (const auto &a : all) by_outcome[s(a, "outcome")]++;
    auto hired_declined = all_pages(sb, "/ats/applications", "outcomes=HIRED,DECLINED");
    BOOST_TEST(static_cast<int>(hired_declined.size()) == by_outcome["HIRED"] + by_outcome["DECLINED"]);
    for (const auto &a : hired_declined) BOOST_TEST(s(a, "outcome") != "PENDING");
    std::string job = s(all[0], "job_id");
    auto for_job = all_pages(sb, "/ats/applications", "job_ids=" + job);
    BOOST_TEST(!for_job.empty());
    for (const auto &a : for_job) BOOST_TEST(s(a, "job_id") == job);
    std::string job_remote = s(all[0].at("job"), "remote_id");
    BOOST_TEST(all_pages(sb, "/ats/applications", "job_remote_ids=" + job_remote).size() == for_job.size());
    // Different filters are ANDed.
    auto both = all_pages(sb, "/ats/applications", "job_ids=" + job + "&outcomes=PENDING");
    for (const auto &a : both) BOOST_TEST((s(a, "job_id") == job && s(a, "outcome") == "PENDING"));
    auto by_ids = all_pages(sb, "/ats/applications", "ids=" + s(all[0], "id") + "," + s(all[1], "id"));
    BOOST_TEST(by_ids.size() == 2u);
    // Candidates and jobs lists and their filters.
    auto candidates = all_pages(sb, "/ats/candidates", "page_size=50");
    BOOST_TEST(candidates.size() == 38u);
    auto cand_for_job = all_pages(sb, "/ats/candidates", "job_ids=" + job);
    BOOST_TEST(cand_for_job.size() == for_job.size());
    auto jobs = all_pages(sb, "/ats/jobs", "page_size=2");
    BOOST_TEST(jobs.size() == 5u);
    BOOST_TEST(all_pages(sb, "/ats/jobs", "name_contains=" + s(jobs[0], "name").substr(0, 4)).size() >= 1u);
}

BOOST_AUTO_TEST_CASE(updated_after_and_include_deleted) {
    Sandbox sb;
    auto live = all_pages(sb, "/ats/applications", "page_size=250");
    auto with_deleted = all_pages(sb, "/ats/applications", "page_size=250&include_deleted=true");
    BOOST_TEST(with_deleted.size() == live.size() + 2);
    for (const auto &a : live) BOOST_TEST(a.at("remote_deleted_at").is_null());
    // Mutations after a checkpoint are exactly what updated_after returns.
    auto mutation = sb.admin_post("mutate", json::object{{"advance_seconds", 3600},
                                                         {"change_outcomes", 2},
                                                         {"add_applications", 3},
                                                         {"delete_applications", 1}});
    std::string checkpoint = "2026-11-01T00:00:00.000Z"; // after all generated data
    auto changed = all_pages(sb, "/ats/applications", "updated_after=" + checkpoint);
    BOOST_TEST(changed.size() == 5u); // 2 outcome changes + 3 new; the deletion is hidden
    auto changed_all = all_pages(sb, "/ats/applications", "updated_after=" + checkpoint + "&include_deleted=true");
    BOOST_TEST(changed_all.size() == 6u);
    int deleted = 0;
    for (const auto &a : changed_all) deleted += a.at("remote_deleted_at").is_null() ? 0 : 1;
    BOOST_TEST(deleted == 1);
    std::string now = s(mutation, "now");
    BOOST_TEST(all_pages(sb, "/ats/applications", "updated_after=2099-01-01T00:00:00Z").empty());
    (void)now;
}

BOOST_AUTO_TEST_CASE(attachments_and_download) {
    Sandbox sb;
    auto apps = all_pages(sb, "/ats/applications", "page_size=250");
    int with_cv = 0;
    for (const auto &a : apps) {
        auto body = get_ok(sb, "/ats/applications/" + s(a, "id") + "/attachments");
        BOOST_TEST(body.at("warnings").is_array());
        for (const auto &att : body.at("data").at("results").as_array()) {
            ++with_cv;
            ats::net::HttpRequest req;
            req.url = s(att, "data_url");
            auto file = sb.send(req);
            BOOST_TEST(file.status == 200);
            // Bytes are made on download, headed like their type (a PDF starts "%PDF").
            std::string type = s(att, "content_type");
            if (type == "application/pdf" || type == "application/x-pdf") BOOST_TEST(file.body.rfind("%PDF", 0) == 0u);
            BOOST_TEST(!file.body.empty());
            auto again = sb.send(req);
            BOOST_TEST(again.body == file.body); // deterministic
        }
        auto cand = get_ok(sb, "/ats/candidates/" + s(a, "candidate_id") + "/attachments");
        for (const auto &att : cand.at("data").at("results").as_array())
            BOOST_TEST(s(att, "application_id") == s(a, "id"));
    }
    BOOST_TEST(with_cv > 0);
    auto missing = sb.kombo_get("/ats/applications/NoSuchApplication1/attachments");
    BOOST_TEST(missing.status == 404);
}

BOOST_AUTO_TEST_CASE(writes_through_kombo_are_refused_and_counted) {
    Sandbox sb;
    ats::net::HttpRequest post;
    post.method = "POST";
    post.url = sb.kombo_url() + "/ats/applications/abc/notes";
    post.headers = {{"Authorization", "Bearer sandbox-kombo-key"}, {"X-Integration-Id", "workable:sandbox"}};
    post.body = "{}";
    auto r = sb.send(post);
    BOOST_TEST(r.status == 405);
    BOOST_TEST(error_code(r) == "INTEGRATION.ACTION_DISABLED");
    post.url = sb.kombo_url() + "/nowhere";
    BOOST_TEST(sb.send(post).status == 404);
    auto counters = sb.admin_get("counters", true);
    BOOST_TEST(n(counters, "kombo_write_violations") == 2);
    auto writes = sb.admin_get("writes");
    BOOST_TEST(writes.at("writes").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(identity_variety_in_generated_data) {
    Sandbox::Options options;
    options.applications = 200;
    options.people = 90;
    options.tracker_people = 30;
    Sandbox sb(options);
    auto apps = all_pages(sb, "/ats/applications", "page_size=250&include_deleted=true");
    std::set<std::string> phone_styles;
    int no_email = 0, no_phone = 0, upper_email = 0;
    for (const auto &a : apps) {
        const auto &c = a.at("candidate");
        if (c.at("email_addresses").as_array().empty()) ++no_email;
        if (c.at("phone_numbers").as_array().empty()) ++no_phone;
        for (const auto &e : c.at("email_addresses").as_array()) {
            std::string addr = s(e, "email_address");
            for (char ch : addr)
                if (std::isupper(static_cast<unsigned char>(ch))) {
                    ++upper_email;
                    break;
                }
        }
        for (const auto &p : c.at("phone_numbers").as_array()) {
            std::string number = s(p, "phone_number");
            if (number.rfind("+44 (0)", 0) == 0)
                phone_styles.insert("+44 (0)");
            else if (number.rfind("0044", 0) == 0)
                phone_styles.insert("0044");
            else if (number.rfind("+44", 0) == 0)
                phone_styles.insert("+44");
            else if (number.rfind("07", 0) == 0)
                phone_styles.insert("national");
            else if (number.rfind("+1", 0) == 0 || number.rfind("001", 0) == 0)
                phone_styles.insert("US");
            else if (number.find("ext.") != std::string::npos)
                phone_styles.insert("ext");
        }
    }
    BOOST_TEST(no_email > 0);
    BOOST_TEST(no_phone > 0);
    BOOST_TEST(upper_email > 0);
    BOOST_TEST(phone_styles.size() >= 5u);
    // Several applications of one person carry different candidate ids.
    auto expected = sb.admin_get("expected");
    bool multi = false;
    for (const auto &p : expected.at("people").as_array()) multi |= p.at("candidate_ids").as_array().size() >= 3;
    BOOST_TEST(multi);
}
