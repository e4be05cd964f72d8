#include "sync/job_mapper.hpp"
#include "ats/shared/ascii.hpp"

#include <boost/json.hpp>

namespace json = boost::json;

namespace ats::tracker_workable {

namespace {
const char *const kSnapshotKey = "jobs/snapshot";

} // namespace

void JobMapper::load_opportunities() {
    if (loaded_) return;
    const int64_t now = host_.now_unix_ms();
    std::string snap;
    if (host_.state_get(kSnapshotKey, snap)) {
        boost::system::error_code ec;
        json::value v = json::parse(snap, ec);
        if (!ec && v.is_object()) {
            const auto &o = v.get_object();
            const auto *at = o.if_contains("at");
            const auto *field = o.if_contains("custom_field");
            const auto *title = o.if_contains("by_title");
            // Valid while fresh and taken with the same configuration.
            if (at && at->is_int64() && now - at->get_int64() < cfg_.refresh_seconds * 1000 && field &&
                field->is_string() && field->get_string() == cfg_.custom_field && title && title->is_bool() &&
                title->get_bool() == cfg_.by_title) {
                for (const auto &kv : o.at("field_map").as_object())
                    by_field_[std::string(kv.key())] = std::string(kv.value().as_string());
                for (const auto &kv : o.at("title_map").as_object())
                    by_title_[std::string(kv.key())] = std::string(kv.value().as_string());
                loaded_ = true;
                return;
            }
        }
    }
    tracker_.for_each_opportunity([&](const TrackerOpportunityRow &o) {
        if (!cfg_.custom_field.empty())
            for (const auto &[name, value] : o.custom_fields)
                if (name == cfg_.custom_field) {
                    std::string v = ats::shared::ascii_trim(value);
                    if (!v.empty()) by_field_.emplace(v, o.id);
                }
        if (cfg_.by_title) {
            std::string t = ats::shared::ascii_trim(o.name);
            auto [it, inserted] = by_title_.emplace(t, o.id);
            if (!inserted && it->second != o.id) it->second.clear(); // ambiguous title
        }
    });
    json::object fm, tm;
    for (const auto &[k, v] : by_field_) fm[k] = v;
    for (const auto &[k, v] : by_title_) tm[k] = v;
    host_.state_put(kSnapshotKey, json::serialize(json::object{{"at", now},
                                                               {"custom_field", cfg_.custom_field},
                                                               {"by_title", cfg_.by_title},
                                                               {"field_map", std::move(fm)},
                                                               {"title_map", std::move(tm)}}));
    loaded_ = true;
}

std::string JobMapper::opportunity_for(const KomboApplication &a) {
    for (const auto *id : {&a.job_id, &a.job_remote_id}) {
        if (id->empty()) continue;
        auto it = cfg_.table.find(*id);
        if (it != cfg_.table.end()) return it->second;
    }
    if (cfg_.custom_field.empty() && !cfg_.by_title) return {};
    std::lock_guard<std::mutex> g(mu_);
    load_opportunities();
    for (const auto *id : {&a.job_id, &a.job_remote_id}) {
        if (id->empty()) continue;
        auto it = by_field_.find(*id);
        if (it != by_field_.end()) return it->second;
    }
    if (cfg_.by_title && !a.job_name.empty()) {
        auto it = by_title_.find(ats::shared::ascii_trim(a.job_name));
        if (it != by_title_.end()) return it->second;
    }
    return {};
}

} // namespace ats::tracker_workable
