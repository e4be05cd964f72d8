#include "sync/job_mapper.hpp"

namespace ats::tracker_workable {

namespace {
std::string trim(std::string s) {
    auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.back())) s.pop_back();
    size_t i = 0;
    while (i < s.size() && ws(s[i])) ++i;
    return s.substr(i);
}
} // namespace

void JobMapper::load_opportunities() {
    if (loaded_) return;
    tracker_.for_each_opportunity([&](const TrackerOpportunityRow &o) {
        if (!cfg_.custom_field.empty())
            for (const auto &[name, value] : o.custom_fields)
                if (name == cfg_.custom_field) {
                    std::string v = trim(value);
                    if (!v.empty()) by_field_.emplace(v, o.id);
                }
        if (cfg_.by_title) {
            std::string t = trim(o.name);
            auto [it, inserted] = by_title_.emplace(t, o.id);
            if (!inserted && it->second != o.id) it->second.clear(); // ambiguous title
        }
    });
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
        auto it = by_title_.find(trim(a.job_name));
        if (it != by_title_.end()) return it->second;
    }
    return {};
}

} // namespace ats::tracker_workable
