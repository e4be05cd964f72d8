#include "identity/identity_keys.hpp"

#include <algorithm>
#include <cctype>

#include "ats/shared/email.hpp"
#include "ats/shared/phone.hpp"

namespace ats::tracker_workable {

namespace {
void add_unique(std::vector<std::string> &v, std::string k) {
    if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(std::move(k));
}
} // namespace

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

PersonIdentity identity_of(const std::vector<std::string> &emails, const std::vector<std::string> &phones,
                           const std::string &kombo_candidate_id, const std::string &first_name,
                           const std::string &last_name, const IdentityRules &rules,
                           const std::string &workable_candidate_id) {
    PersonIdentity id;
    if (!kombo_candidate_id.empty()) add_unique(id.keys, "k:" + kombo_candidate_id);
    if (!workable_candidate_id.empty()) add_unique(id.keys, "w:" + workable_candidate_id);
    for (const auto &e : emails) {
        std::string n = ats::shared::normalize_email(e);
        if (!n.empty()) add_unique(id.keys, "e:" + n);
    }
    for (const auto &p : phones) {
        auto n = ats::shared::normalize_phone_for_comparison(p, rules.phone_region);
        if (n) add_unique(id.keys, "p:" + *n);
    }
    id.name_key = name_key(first_name, last_name);
    return id;
}

} // namespace ats::tracker_workable
