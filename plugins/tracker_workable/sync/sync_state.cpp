#include "sync/sync_state.hpp"

#include "ats/shared/json.hpp"

#include <boost/json.hpp>

namespace json = boost::json;

namespace ats::tracker_workable {

namespace {
using ats::shared::json::string_or_empty;
std::optional<int64_t> parse_ms(const std::string &v) {
    try {
        size_t n = 0;
        long long x = std::stoll(v, &n);
        if (n != v.size()) return std::nullopt;
        return x;
    } catch (...) {
        return std::nullopt;
    }
}
} // namespace

std::string encode_app_record(const AppRecord &r) {
    json::object o;
    o["l"] = r.link_id;
    o["r"] = r.resource_id;
    o["o"] = r.opportunity_id;
    o["s"] = r.status;
    o["oc"] = r.outcome;
    if (!r.stage.empty()) o["st"] = r.stage;
    o["u"] = r.remote_updated_at;
    if (r.documents_pending) o["dp"] = true;
    o["w"] = r.workable_id;
    return json::serialize(o);
}

AppRecord decode_app_record(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    AppRecord r;
    if (ec || !v.is_object()) return r;
    const auto &o = v.get_object();
    r.link_id = string_or_empty(o, "l");
    r.resource_id = string_or_empty(o, "r");
    r.opportunity_id = string_or_empty(o, "o");
    r.status = string_or_empty(o, "s");
    r.outcome = string_or_empty(o, "oc");
    r.stage = string_or_empty(o, "st");
    r.remote_updated_at = string_or_empty(o, "u");
    if (auto dp = o.find("dp"); dp != o.end() && dp->value().is_bool()) r.documents_pending = dp->value().get_bool();
    r.workable_id = string_or_empty(o, "w");
    return r;
}

std::string encode_pending(const PendingRecord &r) {
    json::object o;
    o["app"] = json::parse(application_to_json(r.app));
    o["reason"] = r.reason;
    o["kind"] = r.kind;
    o["failures"] = r.failures;
    o["last_failed_at"] = r.last_failed_at;
    if (r.parked_at_ms > 0) o["parked_at_ms"] = r.parked_at_ms;
    return json::serialize(o);
}

PendingRecord decode_pending(std::string_view text) {
    json::value v = json::parse(text);
    PendingRecord r;
    const auto &o = v.as_object();
    auto app = o.find("app");
    if (app == o.end()) { // the older form: the application itself
        r.app = application_from_json(text);
        r.kind = "error";
        return r;
    }
    r.app = application_from_json(json::serialize(app->value()));
    r.reason = string_or_empty(o, "reason");
    r.kind = string_or_empty(o, "kind");
    if (auto f = o.find("failures"); f != o.end() && f->value().is_int64())
        r.failures = static_cast<int>(f->value().get_int64());
    r.last_failed_at = string_or_empty(o, "last_failed_at");
    if (auto p = o.find("parked_at_ms"); p != o.end() && p->value().is_int64()) r.parked_at_ms = p->value().get_int64();
    return r;
}

std::optional<int64_t> SyncState::checkpoint() const {
    std::string v;
    if (!host_.state_get(state_keys::checkpoint, v)) return std::nullopt;
    return parse_ms(v);
}

std::optional<AppRecord> SyncState::app(const std::string &kombo_id) const {
    std::string v;
    if (!host_.state_get(state_keys::app(kombo_id), v)) return std::nullopt;
    AppRecord r = decode_app_record(v);
    if (r.link_id.empty()) return std::nullopt; // unreadable record: treat as not synced, read back
    return r;
}

std::optional<std::pair<std::string, std::string>> SyncState::link_origin(const std::string &link_id) const {
    std::string v;
    if (!host_.state_get(state_keys::link(link_id), v)) return std::nullopt;
    boost::system::error_code ec;
    json::value j = json::parse(v, ec);
    if (ec || !j.is_object()) return std::nullopt;
    return std::make_pair(string_or_empty(j.get_object(), "k"), string_or_empty(j.get_object(), "w"));
}

void SyncState::scan(const std::string &prefix,
                     const std::function<void(std::string_view, std::string_view)> &fn) const {
    host_.state_scan(prefix, [&](std::string_view k, std::string_view v) {
        fn(k, v);
        return true;
    });
}

} // namespace ats::tracker_workable
