#include "identity/identity_index.hpp"

#include <algorithm>
#include <cctype>

namespace ats::tracker_workable {

bool resource_id_less(const std::string &a, const std::string &b) {
    auto digits = [](const std::string &s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    if (digits(a) && digits(b) && a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

std::optional<IdentityIndex::Match> IdentityIndex::find(const std::vector<std::string> &keys) const {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto &k : keys) {
        auto it = keys_.find(k);
        if (it != keys_.end()) return Match{it->second, k.empty() ? '?' : k[0]};
    }
    return std::nullopt;
}

bool IdentityIndex::add(const std::string &key, const std::string &resource_id) {
    if (key.empty() || resource_id.empty()) return false;
    std::lock_guard<std::mutex> g(mu_);
    auto [it, inserted] = keys_.emplace(key, resource_id);
    if (key[0] == 'e') {
        auto &v = emails_[resource_id];
        if (std::find(v.begin(), v.end(), &it->first) == v.end()) v.push_back(&it->first);
    }
    if (inserted) return true;
    if (it->second != resource_id && resource_id_less(resource_id, it->second)) {
        it->second = resource_id;
        return true;
    }
    return false;
}

void IdentityIndex::add_name(const std::string &name_key, const std::string &resource_id) {
    if (name_key.empty() || resource_id.empty()) return;
    std::lock_guard<std::mutex> g(mu_);
    names_.emplace(name_key, resource_id);
}

std::optional<std::string> IdentityIndex::find_name(const std::string &name_key) const {
    std::lock_guard<std::mutex> g(mu_);
    auto it = names_.find(name_key);
    if (it == names_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> IdentityIndex::emails_of(const std::string &resource_id) const {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<std::string> out;
    auto it = emails_.find(resource_id);
    if (it != emails_.end())
        for (const std::string *k : it->second) out.push_back(*k);
    return out;
}

size_t IdentityIndex::size() const {
    std::lock_guard<std::mutex> g(mu_);
    return keys_.size();
}

} // namespace ats::tracker_workable
