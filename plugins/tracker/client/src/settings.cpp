#include "ats/tracker/settings.hpp"
#include "ats/shared/ascii.hpp"

#include "ats/shared/json.hpp"

#include <cctype>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {

std::vector<NamedId> named_ids(const bj::object &o, std::string_view key) {
    std::vector<NamedId> out;
    const bj::value *v = sj::find_ci(o, key);
    if (!v || !v->is_array()) return out;
    for (const auto &e : v->get_array()) {
        if (!e.is_object()) continue;
        int64_t id = sj::int_or(e.get_object(), "Id", -1);
        if (id >= 0) out.push_back({id, sj::text_or(e.get_object(), "Name")});
    }
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

} // namespace

Settings Settings::parse(const bj::object &answer) {
    // The picklists may sit at the top level or under "results" / "settings".
    const bj::object *root = &answer;
    for (const char *k : {"settings", "results"})
        if (const bj::value *v = sj::find_ci(answer, k); v && v->is_object()) root = &v->get_object();
    Settings s;
    s.link_statuses = named_ids(*root, "opportunityResourceStatuses"); // TRACKER-ASSUMPTION A4
    s.opportunity_statuses = named_ids(*root, "opportunityStatuses");
    s.resource_statuses = named_ids(*root, "resourceStatuses");
    if (const bj::value *v = sj::find_ci(*root, "customFields"); v && v->is_array())
        for (const auto &e : v->get_array()) {
            if (!e.is_object()) continue;
            const bj::object &f = e.get_object();
            s.custom_fields.push_back({sj::int_or(f, "Id", 0), sj::text_or(f, "Association"), sj::text_or(f, "Name"),
                                       sj::text_or(f, "Type"), sj::int_or(f, "ListId", 0)});
        }
    if (const bj::value *v = sj::find_ci(*root, "customFieldLists"); v && v->is_array())
        for (const auto &e : v->get_array()) {
            if (!e.is_object()) continue;
            s.custom_field_lists.emplace_back(sj::int_or(e.get_object(), "Id", 0), named_ids(e.get_object(), "Items"));
        }
    return s;
}

std::optional<NamedId> Settings::link_status(std::string_view name_or_id) const {
    for (const auto &st : link_statuses)
        if (ats::shared::ascii_iequals(st.name, name_or_id)) return st;
    if (all_digits(name_or_id))
        for (const auto &st : link_statuses)
            if (std::to_string(st.id) == name_or_id) return st;
    return std::nullopt;
}

std::optional<std::string> Settings::link_status_name(int64_t id) const {
    for (const auto &st : link_statuses)
        if (st.id == id) return st.name;
    return std::nullopt;
}

std::optional<CustomFieldDef> Settings::custom_field(std::string_view association, std::string_view name) const {
    for (const auto &f : custom_fields)
        if (ats::shared::ascii_iequals(f.association, association) && ats::shared::ascii_iequals(f.name, name))
            return f;
    return std::nullopt;
}

std::optional<CustomFieldDef> Settings::custom_field_by_id(int64_t id) const {
    for (const auto &f : custom_fields)
        if (f.id == id) return f;
    return std::nullopt;
}

const std::vector<NamedId> *Settings::list_items(int64_t list_id) const {
    for (const auto &[id, items] : custom_field_lists)
        if (id == list_id) return &items;
    return nullptr;
}

std::shared_ptr<const Settings> SettingsCache::load(const ats_call_t *call) {
    RequestContext ctx;
    ctx.call = call;
    ctx.idempotent = true;
    bj::object answer = wire_.call("getSettings", bj::object{}, ctx);
    return std::make_shared<const Settings>(Settings::parse(answer));
}

std::shared_ptr<const Settings> SettingsCache::get(const ats_call_t *call) {
    std::lock_guard<std::mutex> g(mutex_);
    if (!settings_) settings_ = load(call);
    return settings_;
}

std::shared_ptr<const Settings> SettingsCache::reload_if_stale(const ats_call_t *call, int64_t now_ms) {
    std::lock_guard<std::mutex> g(mutex_);
    if (!settings_ || now_ms - loaded_at_ms_ > 60'000) {
        settings_ = load(call);
        loaded_at_ms_ = now_ms;
    }
    return settings_;
}

NamedId SettingsCache::require_link_status(std::string_view name_or_id, std::string_view what, const ats_call_t *call,
                                           int64_t now_ms) {
    auto s = get(call);
    {
        std::lock_guard<std::mutex> g(mutex_);
        if (loaded_at_ms_ == 0) loaded_at_ms_ = now_ms;
    }
    if (auto st = s->link_status(name_or_id)) return *st;
    s = reload_if_stale(call, now_ms);
    if (auto st = s->link_status(name_or_id)) return *st;
    std::string known;
    for (const auto &st : s->link_statuses) known += (known.empty() ? "" : ", ") + st.name;
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, std::string(what) + ": '" + std::string(name_or_id) +
                                                        "' is not a status of this Tracker database (getSettings "
                                                        "opportunityResourceStatuses: " +
                                                        known + ")");
}

} // namespace ats::tracker
