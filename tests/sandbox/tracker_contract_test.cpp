// Contract tests of the Tracker Widget API emulator (documented behaviour, WIRE_ASSUMPTIONS.md A1-A15).
#define BOOST_TEST_MODULE sandbox_tracker_contract
#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

#include <set>

using namespace sandbox_test;
using ats::test::Sandbox;

namespace {
json::object instructions(json::object ins) { return json::object{{"instructions", std::move(ins)}}; }

int64_t create_resource(Sandbox &sb, const std::string &first, const std::string &email, int64_t opportunity = 0) {
    json::object ins;
    if (opportunity) ins["assigntoopportunity"] = opportunity;
    auto r = sb.tracker("createResource", json::object{{"instructions", ins},
                                                       {"resource", json::object{{"firstname", first},
                                                                                 {"lastname", "Tester"},
                                                                                 {"email", email},
                                                                                 {"cellphone", "+44 7400 555111"}}}});
    BOOST_TEST_REQUIRE(n(r, "status") == 0, json::serialize(r));
    return n(r, "recordId");
}

Sandbox::Options bigger() {
    Sandbox::Options options;
    options.applications = 60;
    options.people = 40;
    options.tracker_people = 20;
    return options;
}

int64_t first_opportunity(Sandbox &sb) {
    auto r = sb.tracker("getRecords", instructions({{"recordtype", "O"}, {"numrecords", 1}}));
    return n(r.at("results").as_array()[0], "id");
}
} // namespace

BOOST_AUTO_TEST_CASE(credentials_every_way_and_errors) {
    Sandbox sb;
    auto call = [&](json::object cred) {
        return sb.tracker("getSettings", json::object{{"credentials", std::move(cred)}});
    };
    BOOST_TEST(n(call({{"apikey", Sandbox::kTrackerApiKey}}), "status") == 0);
    BOOST_TEST(n(call({{"username", "sandbox"}, {"password", "sandbox-password"}}), "status") == 0);
    auto wrong = call({{"apikey", "nope"}});
    BOOST_TEST(n(wrong, "status") == 1); // A9: user not found
    BOOST_TEST(n(call({{"username", "sandbox"}, {"password", "wrong"}}), "status") == 1);
    BOOST_TEST(n(call({}), "status") == 1);
    // Body-level errors are counted apart from successes.
    bool counted = false;
    auto counters = sb.admin_get("counters");
    for (const auto &row : counters.at("counters").as_array())
        counted |= s(row, "endpoint") == "getSettings" && s(row, "status") == "200/status=1" && n(row, "count") == 3;
    BOOST_TEST(counted, json::serialize(counters));
    // A9: invalid bearer -> HTTP 401
    auto r = sb.tracker_raw("/api/widget/getSettings", R"({"trackerrms":{"getSettings":{}}})",
                            {{"Authorization", "Bearer not-a-token"}});
    BOOST_TEST(r.status == 401);
    // status 99: malformed body
    r = sb.tracker_raw("/api/widget/getRecords", "{not json");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(n(parse(r.body), "status") == 99);
    BOOST_TEST(s(parse(r.body), "message") == "Object variable or With block variable not set.");
}

BOOST_AUTO_TEST_CASE(oauth_refresh_rotates_and_tokens_expire) {
    Sandbox::Options options;
    options.extra_args = {"--oauth-ttl-seconds", "60"};
    Sandbox sb(options);
    auto token = [&](const std::string &refresh) {
        ats::net::HttpRequest req;
        req.method = "POST";
        req.url = sb.tracker_url() + "/oAuth2/Token";
        req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        req.body = "grant_type=refresh_token&refresh_token=" + refresh + "&client_id=EvoApi_1.0";
        return sb.send(req);
    };
    auto first = token(Sandbox::kTrackerRefreshToken);
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    auto body = parse(first.body);
    BOOST_TEST(n(body, "expires_in") == 60);
    std::string access = s(body, "access_token"), refresh = s(body, "refresh_token");
    BOOST_TEST(access.size() == 36u); // GUID
    BOOST_TEST(refresh != Sandbox::kTrackerRefreshToken);
    // A15: the old refresh token stops working, the new one works once.
    BOOST_TEST(token(Sandbox::kTrackerRefreshToken).status == 400);
    auto second = token(refresh);
    BOOST_TEST(second.status == 200);
    BOOST_TEST(token(refresh).status == 400);
    // Bearer header and credentials.oauthtoken both authenticate.
    auto ok = sb.tracker_raw("/api/widget/getSettings", R"({"trackerrms":{"getSettings":{}}})",
                             {{"Authorization", "Bearer " + access}});
    BOOST_TEST(ok.status == 200);
    BOOST_TEST(n(parse(ok.body), "status") == 0);
    auto via_cred = sb.tracker("getSettings", json::object{{"credentials", json::object{{"oauthtoken", access}}}});
    BOOST_TEST(n(via_cred, "status") == 0);
    // Expiry follows the sandbox clock.
    sb.admin_post("mutate", json::object{{"advance_seconds", 61}});
    auto expired = sb.tracker_raw("/api/widget/getSettings", R"({"trackerrms":{"getSettings":{}}})",
                                  {{"Authorization", "Bearer " + access}});
    BOOST_TEST(expired.status == 401);
}

BOOST_AUTO_TEST_CASE(settings_have_named_statuses_and_custom_fields) {
    Sandbox sb;
    auto st = sb.tracker("getSettings", {});
    std::set<std::string> names;
    for (const auto &x : st.at("opportunityResourceStatuses").as_array()) names.insert(s(x, "Name"));
    for (const char *required : {"Applied", "Shortlisted", "Interview", "Offer", "Accepted", "Declined"})
        BOOST_TEST(names.count(required) == 1u, required);
    BOOST_TEST(status_id(sb, "Accepted") != 5); // irregular ids
    bool candidate_field = false, job_field = false;
    for (const auto &cf : st.at("customFields").as_array()) {
        candidate_field |= s(cf, "Association") == "Resource" && s(cf, "Name") == "Workable Candidate ID";
        job_field |= s(cf, "Association") == "Opportunity" && s(cf, "Name") == "Workable Job ID";
    }
    BOOST_TEST(candidate_field);
    BOOST_TEST(job_field);
    BOOST_TEST(!st.at("resourceSources").as_array().empty());
    BOOST_TEST(!st.at("users").as_array().empty());
}

BOOST_AUTO_TEST_CASE(create_resource_link_update_activity_document_round_trip) {
    Sandbox sb;
    int64_t opp = first_opportunity(sb);
    auto created = sb.tracker(
        "createResource",
        json::object{{"instructions", json::object{{"assigntoopportunity", opp}, {"assigntolist", "short"}}},
                     {"resource",
                      json::object{{"firstname", "Ada"},
                                   {"lastname", "Lovelace"},
                                   {"email", "ada@example.com"},
                                   {"cellphone", "07400 100999"},
                                   {"customfields", json::array{json::object{{"id", 40117}, {"value", "cand-1"}}}}}}});
    BOOST_TEST_REQUIRE(n(created, "status") == 0, json::serialize(created));
    int64_t rid = n(created, "recordId"), link = n(created, "linkId"); // A1
    BOOST_TEST(s(created, "recordName") == "Ada Lovelace");
    auto row = sb.tracker("getIndividualRecord", instructions({{"recordtype", "OR"}, {"recordid", link}}));
    auto l = row.at("results").as_array()[0];
    BOOST_TEST(n(l, "resourceid") == rid);
    BOOST_TEST(s(l, "list") == "short");
    BOOST_TEST(s(l, "status") == "Shortlisted");
    // A3: status by id from getSettings.
    int64_t accepted = status_id(sb, "Accepted");
    auto upd = sb.tracker("updateRecord",
                          json::object{{"instructions", json::object{{"recordtype", "OR"}, {"recordid", link}}},
                                       {"updates", json::array{json::object{{"column", "opportunityresourcestatusid"},
                                                                            {"value", accepted}}}}});
    BOOST_TEST(n(upd, "status") == 0);
    l = sb.tracker("getIndividualRecord", instructions({{"recordtype", "OR"}, {"recordid", link}}))
            .at("results")
            .as_array()[0];
    BOOST_TEST(s(l, "status") == "Accepted");
    auto bad = sb.tracker("updateRecord",
                          json::object{{"instructions", json::object{{"recordtype", "OR"}, {"recordid", link}}},
                                       {"updates", json::array{json::object{{"column", "opportunityresourcestatusid"},
                                                                            {"value", 123456}}}}});
    BOOST_TEST(n(bad, "status") == 99);
    // A2: OR listing filtered by opportunity.
    auto links =
        sb.tracker("getRecords", instructions({{"recordtype", "OR"}, {"opportunityid", opp}, {"numrecords", 500}}));
    bool found = false;
    for (const auto &x : links.at("results").as_array()) found |= n(x, "id") == link;
    BOOST_TEST(found);
    // resourceApplication on an existing link: status 3; on a new opportunity: recordId = link id.
    auto again = sb.tracker("resourceApplication",
                            json::object{{"instructions", json::object{{"opportunityid", opp}, {"resourceid", rid}}}});
    BOOST_TEST(n(again, "status") == 3);
    BOOST_TEST(n(again, "recordId") == link);
    // A6: activity on the application; A5: document attach and download.
    auto act = sb.tracker("createActivity", json::object{{"activity", json::object{{"subject", "Synced"},
                                                                                   {"note", "from Workable"},
                                                                                   {"linkRecordType", "OR"},
                                                                                   {"linkRecordId", link}}}});
    BOOST_TEST_REQUIRE(n(act, "status") == 0);
    auto acts =
        sb.tracker("getRecords", instructions({{"recordtype", "A"}, {"linkrecordtype", "OR"}, {"linkrecordid", link}}));
    BOOST_TEST(n(acts, "count") == 1);
    BOOST_TEST(s(acts.at("results").as_array()[0], "note") == "from Workable");
    auto doc = sb.tracker("attachDocument", json::object{{"file", json::object{{"filename", "cv.pdf"},
                                                                               {"recordType", "R"},
                                                                               {"recordId", rid},
                                                                               {"documentType", "resume"},
                                                                               {"data", "JVBERi0xLjQK"}}}});
    BOOST_TEST_REQUIRE(n(doc, "status") == 0);
    auto docs =
        sb.tracker("getRecords", instructions({{"recordtype", "D"}, {"linkrecordtype", "R"}, {"linkrecordid", rid}}));
    BOOST_TEST(n(docs, "count") == 1);
    BOOST_TEST(n(docs.at("results").as_array()[0], "size") == 9);
    auto full =
        sb.tracker("getIndividualRecord", instructions({{"recordtype", "D"}, {"recordid", n(doc, "recordId")}}));
    BOOST_TEST(s(full.at("results").as_array()[0], "data") == "JVBERi0xLjQK");
    BOOST_TEST(
        n(sb.tracker(
              "attachDocument",
              json::object{
                  {"file", json::object{{"filename", "x"}, {"recordType", "R"}, {"recordId", rid}, {"data", "@@@"}}}}),
          "status") == 99);
    // The resource and its custom field (A12).
    auto res = sb.tracker("getIndividualRecord", instructions({{"recordtype", "R"}, {"recordid", rid}}))
                   .at("results")
                   .as_array()[0];
    BOOST_TEST(s(res.at("details"), "mobiletelephone") == "07400 100999");
    BOOST_TEST(s(res.at("customfields").as_array()[0], "value") == "cand-1");
    BOOST_TEST(s(res.at("customfields").as_array()[0], "name") == "Workable Candidate ID");
    // Duplicate email without overwriteresource: status 3 (sandbox choice) naming the existing id.
    auto dup = sb.tracker("createResource", json::object{{"resource", json::object{{"firstname", "Ada"},
                                                                                   {"lastname", "L"},
                                                                                   {"email", " ADA@example.com "}}}});
    BOOST_TEST(n(dup, "status") == 3);
    BOOST_TEST(n(dup, "recordId") == rid);
    // Writes are logged without credentials.
    auto writes = sb.admin_get("writes");
    BOOST_TEST(writes.at("writes").as_array().size() >= 6u);
    BOOST_TEST(json::serialize(writes).find(Sandbox::kTrackerApiKey) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(record_not_found_and_invalid_requests_are_status_99) {
    Sandbox sb;
    auto r = sb.tracker("getIndividualRecord", instructions({{"recordtype", "R"}, {"recordid", 999999}}));
    BOOST_TEST(n(r, "status") == 99);
    BOOST_TEST(s(r, "message").rfind("Record not found", 0) == 0u);
    BOOST_TEST(n(sb.tracker("getRecords", instructions({{"recordtype", "Z"}})), "status") == 99);
    BOOST_TEST(n(sb.tracker("getRecords", instructions({{"recordtype", "R"}, {"numrecords", 501}})), "status") ==
               99); // A7
    BOOST_TEST(n(sb.tracker("getRecords", instructions({{"recordtype", "R"}, {"updatedafter", "yesterday"}})),
                 "status") == 99);
    BOOST_TEST(n(sb.tracker("resourceApplication",
                            json::object{{"instructions", json::object{{"opportunityid", 1}, {"resourceid", 1}}}}),
                 "status") == 99);
    BOOST_TEST(
        n(sb.tracker(
              "createActivity",
              json::object{{"activity", json::object{{"subject", "x"}, {"linkRecordType", "R"}, {"linkRecordId", 5}}}}),
          "status") == 99);
    BOOST_TEST(sb.tracker_raw("/api/widget/noSuchMethod", R"({"trackerrms":{"noSuchMethod":{}}})").status == 404);
}

BOOST_AUTO_TEST_CASE(check_person_matches_trimmed_email_and_phone_digits) {
    Sandbox sb;
    int64_t rid = create_resource(sb, "Grace", "Grace.Hopper@Example.com");
    auto by_email =
        sb.tracker("checkPerson", json::object{{"details", json::object{{"email", "  grace.hopper@example.COM "}}}});
    BOOST_TEST(n(by_email, "count") == 1);
    BOOST_TEST(n(by_email, "recordId") == rid); // A11
    BOOST_TEST(s(by_email, "recordTypes") == "R");
    BOOST_TEST(s(by_email.at("firstRecord"), "fullname") == "Grace Tester");
    // Digits only: "+44 7400 555111" is stored; "447400555111" matches, the national form does not.
    auto by_phone = sb.tracker("checkPerson", json::object{{"details", json::object{{"phone", "(44) 7400-555-111"}}}});
    BOOST_TEST(n(by_phone, "count") >= 1);
    auto national = sb.tracker("checkPerson", json::object{{"details", json::object{{"phone", "07400 555111"}}}});
    BOOST_TEST(n(national, "count") == 0);
    auto none = sb.tracker("checkPerson", json::object{{"details", json::object{{"email", "nobody@example.com"}}}});
    BOOST_TEST(n(none, "count") == 0);
    BOOST_TEST(!none.as_object().contains("recordId"));
}

BOOST_AUTO_TEST_CASE(timestamps_are_local_time_across_dst) {
    Sandbox sb;
    auto at = [&](const char *iso, const char *name) {
        sb.admin_post("mutate", json::object{{"set_time", iso}, {"freeze", true}});
        int64_t rid = create_resource(sb, name, std::string(name) + "@dst.example.com");
        auto row = sb.tracker("getIndividualRecord", instructions({{"recordtype", "R"}, {"recordid", rid}}))
                       .at("results")
                       .as_array()[0];
        return std::make_pair(rid, s(row, "lastupdated"));
    };
    BOOST_TEST(at("2026-03-29T00:30:00Z", "springbefore").second == "2026-03-29 00:30:00"); // GMT
    BOOST_TEST(at("2026-03-29T01:30:00Z", "springafter").second == "2026-03-29 02:30:00");  // BST
    BOOST_TEST(at("2026-10-25T00:30:00Z", "autumnbefore").second == "2026-10-25 01:30:00"); // BST
    auto after = at("2026-10-25T01:30:00Z", "autumnafter");
    BOOST_TEST(after.second == "2026-10-25 01:30:00"); // GMT again: the same wall time twice
    // updatedafter is local time too: "2026-10-25 01:30:00" is ambiguous and means the earlier
    // instant, so both autumn records match; a later local time matches neither.
    auto rows =
        sb.tracker("getRecords",
                   instructions({{"recordtype", "R"}, {"updatedafter", "2026-10-25 01:30:00"}, {"numrecords", 500}}));
    BOOST_TEST(n(rows, "count") == 2);
    rows =
        sb.tracker("getRecords",
                   instructions({{"recordtype", "R"}, {"updatedafter", "2026-03-29 02:00:00"}, {"numrecords", 500}}));
    BOOST_TEST(n(rows, "count") == 3);
}

BOOST_AUTO_TEST_CASE(paging_sorting_and_recordids) {
    Sandbox sb(bigger());
    std::vector<int64_t> ids;
    for (int page = 1;; ++page) {
        auto r =
            sb.tracker("getRecords",
                       instructions({{"recordtype", "R"}, {"numrecords", 7}, {"pagenum", page}, {"sortfield", "id"}}));
        for (const auto &row : r.at("results").as_array()) ids.push_back(n(row, "id"));
        if (n(r, "count") < 7) break; // A7
    }
    std::set<int64_t> unique(ids.begin(), ids.end());
    BOOST_TEST(unique.size() == ids.size());
    BOOST_TEST(ids.size() == 23u); // 20 in Tracker + 3 Tracker-only
    BOOST_TEST(std::is_sorted(ids.begin(), ids.end()));
    auto desc = sb.tracker(
        "getRecords", instructions({{"recordtype", "R"}, {"numrecords", 3}, {"sortfield", "id"}, {"sortdir", "desc"}}));
    BOOST_TEST(n(desc.at("results").as_array()[0], "id") == ids.back());
    // A14: several records in one call.
    auto some = sb.tracker("getRecords",
                           instructions({{"recordtype", "R"},
                                         {"recordids", std::to_string(ids[0]) + "," + std::to_string(ids[2]) + ",1"}}));
    BOOST_TEST(n(some, "count") == 2);
    // state filters opportunities: one Tracker-only job is closed.
    auto all_opps = sb.tracker("getRecords", instructions({{"recordtype", "O"}, {"numrecords", 500}}));
    auto open_opps =
        sb.tracker("getRecords", instructions({{"recordtype", "O"}, {"numrecords", 500}, {"state", "open"}}));
    auto closed_opps =
        sb.tracker("getRecords", instructions({{"recordtype", "O"}, {"numrecords", 500}, {"state", "closed"}}));
    BOOST_TEST(n(closed_opps, "count") == 1);
    BOOST_TEST(n(open_opps, "count") + 1 == n(all_opps, "count"));
    BOOST_TEST(all_opps.at("results").as_array()[0].as_object().contains("customfields")); // A13
    auto search = sb.tracker(
        "getRecords", instructions({{"recordtype", "R"},
                                    {"searchtext", s(some.at("results").as_array()[0].at("details"), "lastname")}}));
    BOOST_TEST(n(search, "count") >= 1);
}

BOOST_AUTO_TEST_CASE(overlap_fault_repeats_rows_without_losing_any) {
    Sandbox sb(bigger());
    sb.admin_post(
        "faults",
        json::object{
            {"tracker", json::object{{"getRecords", json::object{{"rate", 1.0}, {"kinds", json::array{"overlap"}}}}}}});
    std::vector<int64_t> ids;
    for (int page = 1; page < 20; ++page) {
        auto r = sb.tracker("getRecords", instructions({{"recordtype", "R"}, {"numrecords", 8}, {"pagenum", page}}));
        for (const auto &row : r.at("results").as_array()) ids.push_back(n(row, "id"));
        if (n(r, "count") < 8) break;
    }
    std::set<int64_t> unique(ids.begin(), ids.end());
    BOOST_TEST(ids.size() > unique.size()); // pages overlapped
    BOOST_TEST(unique.size() == 23u);       // and nothing was lost
    auto counters = sb.admin_get("counters");
    BOOST_TEST(json::serialize(counters.at("faults_injected")).find("overlap") != std::string::npos);
}
