#include "identity/person_grouping.hpp"

#include <unordered_map>

namespace ats::tracker_workable {

Grouping group_by_person(const std::vector<ApplicantIdentity> &apps, const IdentityIndex &index) {
    std::vector<size_t> parent(apps.size());
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
    auto root = [&](size_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    std::unordered_map<std::string, size_t> first_with_key;
    for (size_t i = 0; i < apps.size(); ++i)
        for (const auto &k : apps[i].identity.keys) {
            auto [it, inserted] = first_with_key.emplace(k, i);
            if (!inserted) parent[root(i)] = root(it->second);
        }
    Grouping g;
    std::unordered_map<size_t, size_t> group_of_root;
    std::unordered_map<std::string, size_t> group_of_resource;
    std::unordered_map<size_t, std::optional<IdentityIndex::Match>> match_of_root;
    for (size_t i = 0; i < apps.size(); ++i) {
        auto &m = match_of_root[root(i)];
        if (!m) m = index.find(apps[i].identity.keys);
    }
    for (size_t i = 0; i < apps.size(); ++i) {
        const auto &m = match_of_root[root(i)];
        size_t gi;
        if (m) {
            auto [it, inserted] = group_of_resource.emplace(m->resource_id, g.groups.size());
            if (inserted) g.groups.push_back({{}, m->resource_id, m->kind});
            gi = it->second;
        } else {
            auto [it, inserted] = group_of_root.emplace(root(i), g.groups.size());
            if (inserted) g.groups.emplace_back();
            gi = it->second;
        }
        g.groups[gi].members.push_back(i);
    }
    return g;
}

} // namespace ats::tracker_workable
