#include "kombo/kombo_probe.hpp"

#include <set>

#include <boost/json.hpp>

#include "ats/shared/url_encoding.hpp"
#include "kombo/kombo_errors.hpp"

namespace bj = boost::json;

namespace ats::tracker_workable {

namespace {
using ats::tracker::ProbeFinding;

std::string text(const bj::object &o, const char *k) {
    const auto *v = o.if_contains(k);
    if (!v || v->is_null()) return "";
    return v->is_string() ? std::string(v->get_string()) : bj::serialize(*v);
}

struct Page {
    int status = 0;
    std::string body;
    const bj::array *results = nullptr;
    bj::value doc;
    std::string next;
    bool has_next_member = false;
};

Page fetch(KomboClient &kombo, const std::string &path, const ats::sdk::Call &call) {
    Page p;
    auto resp = kombo.probe_get(path, &call);
    p.status = resp.status;
    p.body = resp.body.substr(0, 300);
    if (resp.status == 401 || resp.status == 403 || resp.status == 429 || resp.status >= 500) {
        bj::value doc; // throws the mapped error: these say nothing about an assumption
        kombo_success_data(resp.body, resp.status, "Kombo probe GET " + path, doc);
    }
    boost::system::error_code ec;
    p.doc = bj::parse(resp.body, ec);
    if (ec || !p.doc.is_object()) return p;
    const auto *data = p.doc.get_object().if_contains("data");
    if (!data || !data->is_object()) return p;
    if (const auto *r = data->get_object().if_contains("results"); r && r->is_array()) p.results = &r->get_array();
    if (const auto *n = data->get_object().if_contains("next")) {
        p.has_next_member = true;
        if (n->is_string()) p.next = std::string(n->get_string());
    }
    return p;
}

std::string shape_problem(const Page &p) {
    if (p.status != 200) return "HTTP " + std::to_string(p.status) + ": " + p.body;
    if (!p.results) return "no data.results array: " + p.body;
    if (!p.has_next_member) return "no data.next member: " + p.body;
    return "";
}
} // namespace

std::vector<ProbeFinding> probe_kombo(KomboClient &kombo, const ats::sdk::Call &call) {
    std::vector<ProbeFinding> out;
    const std::string first_path = "/ats/applications?page_size=2&include_deleted=true";
    Page p1 = fetch(kombo, first_path, call);
    if (auto bad = shape_problem(p1); !bad.empty()) {
        out.push_back({"K1", "contradicted", "GET " + first_path, bad, ""});
        out.push_back({"K2", "not_checkable", "", "", "K1's first page was not usable"});
        out.push_back({"K3", "not_checkable", "", "", "K1's first page was not usable"});
        return out;
    }
    // K1 + K2: the cursor walk, re-sending the filter.
    if (p1.next.empty()) {
        out.push_back({"K1", "not_checkable", "", "", "fewer than three applications: there is no second page"});
        out.push_back({"K2", "not_checkable", "", "", "no cursor to send a filter with"});
    } else {
        const std::string second_path = first_path + "&cursor=" + ats::shared::percent_encode(p1.next);
        Page p2 = fetch(kombo, second_path, call);
        if (auto bad = shape_problem(p2); !bad.empty()) {
            out.push_back({"K1", "not_checkable", "", "", "the second page was refused (see K2)"});
            out.push_back({"K2", "contradicted", "GET " + second_path, bad, ""});
        } else {
            std::set<std::string> ids;
            for (const auto &r : *p1.results)
                if (r.is_object()) ids.insert(text(r.get_object(), "id"));
            std::string repeated;
            for (const auto &r : *p2.results)
                if (r.is_object() && ids.count(text(r.get_object(), "id"))) repeated = text(r.get_object(), "id");
            if (p1.results->size() > 2 || p2.results->size() > 2)
                out.push_back(
                    {"K1", "contradicted", "GET " + second_path, "more than page_size (2) results on a page", ""});
            else if (!repeated.empty())
                out.push_back({"K1", "contradicted", "GET " + second_path,
                               "application " + repeated + " on page 1 and page 2", ""});
            else
                out.push_back({"K1", "confirmed", "", "", ""});
            out.push_back({"K2", "confirmed", "", "", ""});
        }
    }
    // K3: updated_after = the newest change the application shows (its own or its candidate's).
    if (p1.results->empty() || !p1.results->front().is_object()) {
        out.push_back({"K3", "not_checkable", "", "", "no application to look at"});
        return out;
    }
    const auto &app = p1.results->front().get_object();
    std::string at = text(app, "changed_at");
    if (const auto *c = app.if_contains("candidate"); c && c->is_object())
        if (std::string cat = text(c->get_object(), "changed_at"); cat > at) at = cat;
    if (at.empty()) {
        out.push_back({"K3", "not_checkable", "", "", "the application has no changed_at"});
        return out;
    }
    const std::string path =
        "/ats/applications?page_size=2&include_deleted=true&ids=" + ats::shared::percent_encode(text(app, "id")) +
        "&updated_after=" + ats::shared::percent_encode(at);
    Page p3 = fetch(kombo, path, call);
    bool found = false;
    if (p3.results)
        for (const auto &r : *p3.results)
            found = found || (r.is_object() && text(r.get_object(), "id") == text(app, "id"));
    if (found)
        out.push_back({"K3", "confirmed", "", "", ""});
    else
        out.push_back(
            {"K3", "contradicted", "GET " + path,
             "application " + text(app, "id") + " (changed at " + at + ") not answered: updated_after is exclusive",
             ""});
    return out;
}

} // namespace ats::tracker_workable
