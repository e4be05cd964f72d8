#include "naive_sync.hpp"

#include <chrono>
#include <map>
#include <stdexcept>

namespace json = boost::json;

namespace ats::bench {

namespace {
std::string str(const json::object &o, const char *k) {
    auto it = o.find(k);
    if (it == o.end()) return {};
    if (it->value().is_string()) return std::string(it->value().get_string());
    if (it->value().is_int64()) return std::to_string(it->value().get_int64());
    return {};
}
} // namespace

NaiveResult run_naive_sync(ats::test::Sandbox &sb) {
    NaiveResult r;
    const auto t0 = std::chrono::steady_clock::now();
    auto tracker = [&](const std::string &method, json::object call) {
        ++r.tracker_requests;
        return sb.tracker(method, std::move(call)).as_object(); // the answer body ({status, ...})
    };

    // Settings and the job mapping, once.
    json::object settings = tracker("getSettings", json::object{});
    std::map<std::string, int64_t> status_id;
    for (const auto &s : settings.at("opportunityResourceStatuses").as_array())
        status_id[str(s.as_object(), "Name")] = s.at("Id").to_number<int64_t>();
    std::map<std::string, std::string> by_field, by_title;
    for (int page = 1;; ++page) {
        json::object ans =
            tracker("getRecords", json::object{{"instructions", json::object{{"recordtype", "O"},
                                                                             {"numrecords", 500},
                                                                             {"pagenum", page},
                                                                             {"includecustomfields", true}}}});
        const auto &rows = ans.at("results").as_array();
        for (const auto &row : rows) {
            const auto &o = row.as_object();
            by_title.emplace(str(o, "name"), str(o, "id"));
            if (auto *cf = o.if_contains("customfields"))
                for (const auto &f : cf->as_array())
                    if (str(f.as_object(), "name") == "Workable Job ID")
                        by_field[str(f.as_object(), "value")] = str(o, "id");
        }
        if (rows.size() < 500) break;
    }

    std::string cursor;
    for (;;) {
        std::string q =
            "/ats/applications?page_size=250&include_deleted=false" + (cursor.empty() ? "" : "&cursor=" + cursor);
        ++r.kombo_requests;
        auto resp = sb.kombo_get(q);
        if (resp.status != 200) throw std::runtime_error("naive: Kombo answered " + std::to_string(resp.status));
        json::object page = json::parse(resp.body).as_object();
        const auto &data = page.at("data").as_object();
        for (const auto &av : data.at("results").as_array()) {
            const auto &app = av.as_object();
            const auto &job = app.at("job").as_object();
            std::string opp = by_field.count(str(job, "remote_id")) ? by_field[str(job, "remote_id")]
                              : by_title.count(str(job, "name"))    ? by_title[str(job, "name")]
                                                                    : "";
            if (opp.empty()) continue;
            ++r.applications;
            const auto &cand = app.at("candidate").as_object();
            std::string email, phone;
            if (!cand.at("email_addresses").as_array().empty())
                email = str(cand.at("email_addresses").as_array()[0].as_object(), "email_address");
            if (!cand.at("phone_numbers").as_array().empty())
                phone = str(cand.at("phone_numbers").as_array()[0].as_object(), "phone_number");
            std::string res;
            if (!email.empty() || !phone.empty()) {
                json::object details;
                if (!email.empty()) details["email"] = email;
                if (!phone.empty()) details["phone"] = phone;
                json::object ans = tracker("checkPerson", json::object{{"details", details}});
                if (ans.at("status").to_number<int64_t>() == 0 && ans.if_contains("count") &&
                    ans.at("count").to_number<int64_t>() > 0 && ans.if_contains("recordId"))
                    res = str(ans, "recordId");
                if (!res.empty()) ++r.matched;
            }
            if (res.empty()) {
                json::object resource{{"firstname", str(cand, "first_name")},
                                      {"lastname", str(cand, "last_name")},
                                      {"email", email},
                                      {"cellphone", phone},
                                      {"source", "Workable"}};
                json::object ans =
                    tracker("createResource", json::object{{"instructions", json::object{{"overwriteresource", true}}},
                                                           {"resource", resource}});
                res = str(ans, "recordId");
                if (res.empty()) continue; // refused (status 99): skip, as a naive loop would
                ++r.created;
            }
            json::object link = tracker("resourceApplication",
                                        json::object{{"instructions", json::object{{"opportunityid", std::stoll(opp)},
                                                                                   {"resourceid", std::stoll(res)},
                                                                                   {"assigntolist", "long"},
                                                                                   {"source", "Workable"}}}});
            if (link.at("status").to_number<int64_t>() != 0) { // already on the opportunity (status 3)
                ++r.already_linked;
                continue;
            }
            std::string outcome = str(app, "outcome");
            std::string status = outcome == "HIRED" ? "Accepted" : outcome == "DECLINED" ? "Declined" : "Applied";
            tracker("updateRecord",
                    json::object{{"instructions",
                                  json::object{{"recordtype", "OR"}, {"recordid", std::stoll(str(link, "recordId"))}}},
                                 {"updates", json::array{json::object{{"column", "opportunityresourcestatusid"},
                                                                      {"value", status_id[status]}}}}});
        }
        cursor = str(data, "next");
        if (cursor.empty()) break;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace ats::bench
