#include "identity/identity_keys.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

#include "ats/shared/email.hpp"
#include "ats/shared/phone.hpp"

namespace ats::tracker_workable {

namespace {
void add_unique(std::vector<std::string> &v, std::string k) {
    if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(std::move(k));
}

// A deny-list entry as parsed in a region: {e164, extension}; nullopt when it does not parse.
// Entries are few and repeat for every phone, so their parse is cached (process-wide, bounded by
// the configured entries of all tenants).
struct DenyEntry {
    std::string e164, extension;
};

std::optional<DenyEntry> deny_entry(const std::string &entry, const std::string &region) {
    static std::mutex mu;
    static std::unordered_map<std::string, std::optional<DenyEntry>> cache;
    std::string key = region + '\x1f' + entry;
    {
        std::lock_guard<std::mutex> g(mu);
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    std::optional<DenyEntry> v;
    if (auto p = ats::shared::parse_phone(entry, region)) v = DenyEntry{p->e164, p->extension};
    std::lock_guard<std::mutex> g(mu);
    if (cache.size() > 4096) cache.clear();
    cache.emplace(std::move(key), v);
    return v;
}

// A deny-list entry without an extension denies the number with any extension (the switchboard
// and everyone behind it); one with an extension denies exactly that extension.
bool denied(const ats::shared::ParsedPhone &p, const IdentityRules &rules) {
    for (const auto &entry : rules.phone_deny_list) {
        auto d = deny_entry(entry, rules.phone_region);
        if (d && d->e164 == p.e164 && (d->extension.empty() || d->extension == p.extension)) return true;
    }
    return false;
}
} // namespace

std::optional<std::string> email_key(std::string_view raw) {
    std::string n = ats::shared::normalize_email(raw);
    if (n.empty()) return std::nullopt;
    return "e:" + n;
}

std::optional<std::string> phone_key(std::string_view raw, const IdentityRules &rules) {
    auto p = ats::shared::parse_phone(raw, rules.phone_region);
    if (!p || p->placeholder) return std::nullopt;
    if (p->fictional && !rules.fictional_numbers_are_identities) return std::nullopt;
    if (!rules.phone_deny_list.empty() && denied(*p, rules)) return std::nullopt;
    std::string key = "p:" + p->e164;
    if (!p->extension.empty()) key += ";ext=" + p->extension;
    return key;
}

std::string name_key(const std::string &first_name, const std::string &last_name) {
    std::string joined = first_name + " " + last_name, out;
    bool space = false;
    for (unsigned char c : joined) {
        if (std::isspace(c)) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(static_cast<char>(std::tolower(c)));
    }
    return out;
}

std::string protected_key(const std::string &key, const IdentityRules &rules) {
    if (!rules.key_hasher || is_protected_key(key)) return key;
    return key.substr(0, 2) + rules.key_hasher(key); // the kind stays readable: 'e', 'p', 'k', 'w'
}

bool is_protected_key(std::string_view key) { return key.size() > 5 && key.substr(1, 4) == ":h1."; }

PersonIdentity identity_of(const std::vector<std::string> &emails, const std::vector<std::string> &phones,
                           const std::string &kombo_candidate_id, const std::string &first_name,
                           const std::string &last_name, const IdentityRules &rules,
                           const std::string &workable_candidate_id) {
    PersonIdentity id;
    if (!kombo_candidate_id.empty()) add_unique(id.keys, "k:" + kombo_candidate_id);
    if (!workable_candidate_id.empty()) add_unique(id.keys, "w:" + workable_candidate_id);
    for (const auto &e : emails)
        if (auto k = email_key(e)) add_unique(id.keys, std::move(*k));
    for (const auto &p : phones)
        if (auto k = phone_key(p, rules)) add_unique(id.keys, std::move(*k));
    id.name_key = name_key(first_name, last_name);
    if (rules.key_hasher) {
        for (auto &k : id.keys) k = protected_key(k, rules);
        if (!id.name_key.empty()) id.name_key = rules.key_hasher("n:" + id.name_key);
    }
    return id;
}

} // namespace ats::tracker_workable
