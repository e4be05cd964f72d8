#include "violations.hpp"

#include "ats/shared/wire_assumptions.hpp"

#include <functional>
#include <stdexcept>

namespace ats::sandbox {

namespace {
json::object *obj_at(json::value &v, const char *k) {
    if (!v.is_object()) return nullptr;
    auto *x = v.as_object().if_contains(k);
    return x && x->is_object() ? &x->as_object() : nullptr;
}

std::string record_type_of(const std::string &endpoint, const std::string &request_body) {
    boost::system::error_code ec;
    json::value body = json::parse(request_body, ec);
    if (ec) return {};
    json::object *root = obj_at(body, "trackerrms");
    if (!root) return {};
    auto *call = root->if_contains(endpoint);
    if (!call || !call->is_object()) return {};
    for (const char *where : {"instructions", ""}) {
        const json::object *o = *where ? nullptr : &call->as_object();
        if (*where)
            if (auto *i = call->as_object().if_contains(where); i && i->is_object()) o = &i->as_object();
        if (o)
            if (auto *rt = o->if_contains("recordtype"); rt && rt->is_string()) return std::string(rt->as_string());
    }
    return {};
}

void for_each_row(json::value &answer, const std::function<void(json::object &)> &fn) {
    if (!answer.is_object()) return;
    if (auto *r = answer.as_object().if_contains("results"); r && r->is_array())
        for (auto &row : r->as_array())
            if (row.is_object()) fn(row.as_object());
}
} // namespace

std::string Violations::violable() {
    std::string out;
    for (const auto &a : ats::shared::kWireAssumptions)
        if (a.sandbox_violable) out += (out.empty() ? "" : ", ") + std::string(a.id);
    return out;
}

void Violations::set(const std::vector<std::string> &tags) {
    std::set<std::string> next;
    for (const auto &t : tags) {
        const auto *a = ats::shared::find_wire_assumption(t);
        if (!a || !a->sandbox_violable)
            throw std::invalid_argument("cannot violate '" + t + "': the sandbox can violate " + violable());
        next.insert(t);
    }
    std::lock_guard<std::mutex> g(mu_);
    tags_ = std::move(next);
}

bool Violations::has(const std::string &tag) const {
    std::lock_guard<std::mutex> g(mu_);
    return tags_.count(tag) != 0;
}

json::array Violations::list() const {
    std::lock_guard<std::mutex> g(mu_);
    json::array out;
    for (const auto &t : tags_) out.push_back(json::string(t));
    return out;
}

std::string Violations::rewrite_tracker_request(const std::string &endpoint, const std::string &body) const {
    if (endpoint != "getRecords" || !has("A14")) return body;
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return body;
    json::object *root = obj_at(v, "trackerrms");
    if (!root) return body;
    auto *call = root->if_contains(endpoint);
    if (!call || !call->is_object()) return body;
    if (auto *ins = call->as_object().if_contains("instructions"); ins && ins->is_object())
        ins->as_object().erase("recordids");
    return json::serialize(v);
}

void Violations::rewrite_tracker_response(const std::string &endpoint, const std::string &request_body,
                                          HttpResponse &response) const {
    {
        std::lock_guard<std::mutex> g(mu_);
        if (tags_.empty()) return;
    }
    boost::system::error_code ec;
    json::value answer = json::parse(response.body, ec);
    if (ec || !answer.is_object()) return;
    json::object &a = answer.as_object();
    const std::string type =
        (endpoint == "getRecords" || endpoint == "getIndividualRecord") ? record_type_of(endpoint, request_body) : "";
    const bool reads = endpoint == "getRecords" || endpoint == "getIndividualRecord";
    bool changed = false;
    if (has("A2") && reads && type == "OR") { // the status as one nested object instead of statusid + status
        for_each_row(answer, [](json::object &row) {
            json::object st{{"id", row.contains("statusid") ? row["statusid"] : json::value(nullptr)},
                            {"name", row.contains("status") ? row["status"] : json::value(nullptr)}};
            row.erase("statusid");
            row.erase("status");
            row["opportunityresourcestatus"] = std::move(st);
        });
        changed = true;
    }
    if (has("A12") && reads && type == "R") { // a flat row: the details' members beside id, no `details`
        for_each_row(answer, [](json::object &row) {
            if (auto *d = row.if_contains("details"); d && d->is_object()) {
                json::object details = d->as_object();
                row.erase("details");
                for (auto &kv : details) row[kv.key()] = kv.value();
            }
        });
        changed = true;
    }
    if (has("A4") && endpoint == "getSettings" && a.contains("opportunityResourceStatuses")) {
        a["OpportunityStatusList"] = a["opportunityResourceStatuses"];
        a.erase("opportunityResourceStatuses");
        changed = true;
    }
    const auto *status = a.if_contains("status");
    const int64_t st = status && status->is_int64() ? status->as_int64() : 0;
    if (has("A9") && st == 99) { // another wording of "no such record"
        const auto *m = a.if_contains("message");
        if (m && m->is_string() && std::string(m->as_string()).rfind("Record not found", 0) == 0) {
            a["message"] = "Object reference not set to an instance of an object.";
            changed = true;
        }
    }
    if (has("A11") && endpoint == "checkPerson" && a.contains("recordId")) {
        a.erase("recordId");
        changed = true;
    }
    if (has("A16") && st == 3 && a.contains("recordId")) { // status 3 that does not name the record
        a.erase("recordId");
        changed = true;
    }
    if (changed) response.body = json::serialize(answer);
}

} // namespace ats::sandbox
