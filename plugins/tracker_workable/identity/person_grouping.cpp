#include "identity/person_grouping.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

namespace ats::tracker_workable {

namespace {

std::vector<std::string> keys_of(const PersonIdentity &id, std::string_view kinds) {
    std::vector<std::string> out;
    for (const auto &k : id.keys)
        if (kinds.find(key_kind(k)) != std::string_view::npos) out.push_back(k);
    return out;
}

bool share_any(const std::vector<std::string> &a, const std::vector<std::string> &b) {
    for (const auto &x : a)
        if (std::find(b.begin(), b.end(), x) != b.end()) return true;
    return false;
}

// E-mails contradict when both sides have some and they share none.
bool emails_contradict(const std::vector<std::string> &a, const std::vector<std::string> &b) {
    return !a.empty() && !b.empty() && !share_any(a, b);
}

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

class Batch {
public:
    explicit Batch(const std::vector<ApplicantIdentity> &apps) : apps_(apps), parent_(apps.size()) {
        std::iota(parent_.begin(), parent_.end(), size_t{0});
        emails_.resize(apps.size());
        phones_.resize(apps.size());
        for (size_t i = 0; i < apps.size(); ++i) {
            emails_[i] = keys_of(apps[i].identity, "e");
            phones_[i] = keys_of(apps[i].identity, "p");
        }
        group_emails_ = emails_;
    }

    size_t root(size_t i) {
        while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
        return i;
    }

    // Groups the rules keep apart (an e-mail or phone conflict between them).
    bool separated(size_t a, size_t b) {
        a = root(a), b = root(b);
        for (const auto &[x, y] : apart_) {
            size_t rx = root(x), ry = root(y);
            if ((rx == a && ry == b) || (rx == b && ry == a)) return true;
        }
        return false;
    }
    void keep_apart(size_t a, size_t b) { apart_.emplace_back(a, b); }

    const std::vector<std::string> &group_emails(size_t i) { return group_emails_[root(i)]; }

    // Unites the groups of a and b unless they are kept apart; the smaller index stays the root.
    bool unite(size_t a, size_t b) {
        a = root(a), b = root(b);
        if (a == b) return true;
        if (separated(a, b)) return false;
        if (b < a) std::swap(a, b);
        parent_[b] = a;
        for (auto &e : group_emails_[b])
            if (std::find(group_emails_[a].begin(), group_emails_[a].end(), e) == group_emails_[a].end())
                group_emails_[a].push_back(std::move(e));
        group_emails_[b].clear();
        return true;
    }

    // Two applicants who share an e-mail but are visibly different people: both named, names
    // differ, both have phones, no phone in common.
    bool different_people(size_t a, size_t b) const {
        const auto &na = apps_[a].identity.name_key, &nb = apps_[b].identity.name_key;
        return !na.empty() && !nb.empty() && na != nb && !phones_[a].empty() && !phones_[b].empty() &&
               !share_any(phones_[a], phones_[b]);
    }

    const std::vector<ApplicantIdentity> &apps_;
    std::vector<size_t> parent_;
    std::vector<std::vector<std::string>> emails_, phones_, group_emails_;
    std::vector<std::pair<size_t, size_t>> apart_;
};

// Key -> applicants holding it, keys in order of first appearance.
std::vector<std::pair<std::string, std::vector<size_t>>> buckets(const std::vector<ApplicantIdentity> &apps,
                                                                 std::string_view kinds) {
    std::vector<std::pair<std::string, std::vector<size_t>>> out;
    std::unordered_map<std::string, size_t> at;
    for (size_t i = 0; i < apps.size(); ++i)
        for (const auto &k : apps[i].identity.keys) {
            if (kinds.find(key_kind(k)) == std::string_view::npos) continue;
            auto [it, fresh] = at.emplace(k, out.size());
            if (fresh) out.push_back({k, {}});
            auto &v = out[it->second].second;
            if (v.empty() || v.back() != i) v.push_back(i);
        }
    return out;
}

int strength(char kind) {
    switch (kind) {
    case 'k':
    case 'w': return 3;
    case 'p': return 2;
    case 'e': return 1;
    default: return 0;
    }
}

} // namespace

Grouping group_by_person(const std::vector<ApplicantIdentity> &apps, const IdentityIndex &index) {
    Grouping out;
    Batch b(apps);
    // One report per application, kind and resources (the first detail found).
    auto conflict = [&out, &apps](size_t app, std::string kind, std::string detail, std::vector<std::string> res = {}) {
        for (const auto &c : out.conflicts)
            if (c.application_id == apps[app].application_id && c.kind == kind && c.resource_ids == res) return;
        out.conflicts.push_back({apps[app].application_id, std::move(kind), std::move(detail), std::move(res)});
    };

    // 1a. One candidate record (same Kombo or Workable candidate id) is one person.
    for (const auto &[key, members] : buckets(apps, "kw"))
        for (size_t m : members) b.unite(members[0], m);

    // 1b. One e-mail is one person, unless two of its applicants are visibly different people.
    for (const auto &[key, members] : buckets(apps, "e")) {
        std::vector<std::vector<size_t>> clusters;
        for (size_t a : members) {
            auto fits = [&](const std::vector<size_t> &c) {
                return std::none_of(c.begin(), c.end(),
                                    [&](size_t m) { return b.different_people(a, m) || b.separated(a, m); });
            };
            auto it = std::find_if(clusters.begin(), clusters.end(), fits);
            if (it != clusters.end()) {
                it->push_back(a);
                continue;
            }
            if (!clusters.empty())
                conflict(a, "email_shared_by_different_people",
                         key + " is also application " + apps[clusters[0][0]].application_id +
                             "'s, under another name and with other phones: not merged");
            clusters.push_back({a});
        }
        for (const auto &c : clusters)
            for (size_t m : c) b.unite(c[0], m);
        for (size_t i = 0; i < clusters.size(); ++i)
            for (size_t j = i + 1; j < clusters.size(); ++j) b.keep_apart(clusters[i][0], clusters[j][0]);
    }

    // 2. One phone is one person when the e-mails of the groups it joins do not contradict.
    for (const auto &[key, members] : buckets(apps, "p")) {
        std::vector<size_t> with_email, without_email; // group roots, in order
        for (size_t a : members) {
            size_t r = b.root(a);
            auto &list = b.group_emails(r).empty() ? without_email : with_email;
            if (std::find(list.begin(), list.end(), r) == list.end()) list.push_back(r);
        }
        // Groups with e-mails that cannot be one person: already kept apart, or contradicting e-mails.
        std::vector<size_t> heads; // pairwise-compatible groups; the first is the one others join
        bool clash = false;
        for (size_t r : with_email) {
            bool ok = std::all_of(heads.begin(), heads.end(), [&](size_t h) {
                return !b.separated(h, r) && !emails_contradict(b.group_emails(h), b.group_emails(r));
            });
            if (ok && heads.empty()) {
                heads.push_back(r);
                continue;
            }
            if (ok) { // shares an e-mail with the first and not kept apart: cannot happen after 1b, but harmless
                b.unite(heads[0], r);
                continue;
            }
            clash = true;
            for (size_t h : heads) b.keep_apart(h, r);
            conflict(r, "phone_shared_by_different_emails",
                     key + " is shared by applications " + apps[heads.empty() ? r : heads[0]].application_id + " (" +
                         join(b.group_emails(heads.empty() ? r : heads[0])) + ") and " + apps[r].application_id + " (" +
                         join(b.group_emails(r)) + "): not merged");
            heads.push_back(r);
        }
        if (!clash) {
            size_t target = !heads.empty() ? heads[0] : without_email.empty() ? members[0] : without_email[0];
            for (size_t r : without_email) b.unite(target, r);
            continue;
        }
        // Ambiguous: applicants without an e-mail who have this phone join none of the clashing
        // groups (each other only).
        for (size_t r : without_email) {
            b.unite(without_email[0], r);
        }
        if (!without_email.empty()) {
            for (size_t h : heads) b.keep_apart(without_email[0], h);
            conflict(without_email[0], "phone_shared_by_different_emails",
                     key + " belongs to applicants with different e-mails; application " +
                         apps[without_email[0]].application_id + " has no e-mail to tell which: not merged");
        }
    }

    // 3. Groups, in order of their first member.
    std::map<size_t, size_t> group_of_root;
    for (size_t i = 0; i < apps.size(); ++i) {
        size_t r = b.root(i);
        auto [it, fresh] = group_of_root.emplace(r, out.groups.size());
        if (fresh) out.groups.emplace_back();
        out.groups[it->second].members.push_back(i);
    }

    // 4. Each group's Tracker resource, and how many of the group's keys point at it.
    std::vector<size_t> support(out.groups.size(), 0);
    for (auto &g : out.groups) {
        std::vector<std::string> kw, emails, phones;
        for (size_t m : g.members) {
            for (auto &k : keys_of(apps[m].identity, "kw")) kw.push_back(std::move(k));
            for (const auto &k : b.emails_[m])
                if (std::find(emails.begin(), emails.end(), k) == emails.end()) emails.push_back(k);
            for (const auto &k : b.phones_[m])
                if (std::find(phones.begin(), phones.end(), k) == phones.end()) phones.push_back(k);
        }
        const size_t first = g.members[0];
        if (auto m = index.find(kw)) {
            g.resource_id = m->resource_id, g.match_kind = m->kind;
        } else if (auto m = index.find(emails)) {
            g.resource_id = m->resource_id, g.match_kind = 'e';
        } else {
            for (const auto &p : phones) {
                auto m = index.find({p});
                if (!m) continue;
                auto theirs = index.emails_of(m->resource_id);
                if (!emails_contradict(emails, theirs)) {
                    g.resource_id = m->resource_id, g.match_kind = 'p';
                    break;
                }
                conflict(first, "phone_shared_by_different_emails",
                         p + " is Tracker person " + m->resource_id + "'s, whose e-mails (" + join(theirs) +
                             ") are not this applicant's (" + join(emails) + "): not merged",
                         {m->resource_id});
            }
        }
        if (g.resource_id.empty()) continue;
        for (const auto *keys : {&kw, &emails, &phones})
            for (const auto &k : *keys)
                if (auto m = index.find({k}); m && m->resource_id == g.resource_id) ++support[&g - out.groups.data()];
        // The e-mail (or candidate id) found A; a phone pointing at another person B is reported.
        std::vector<std::string> reported;
        for (const auto &p : phones) {
            auto m = index.find({p});
            if (!m || m->resource_id == g.resource_id ||
                std::find(reported.begin(), reported.end(), m->resource_id) != reported.end())
                continue;
            reported.push_back(m->resource_id);
            conflict(first, "email_and_phone_name_different_people",
                     std::string(g.match_kind == 'e'   ? "e-mail"
                                 : g.match_kind == 'p' ? "phone"
                                                       : "candidate id") +
                         " finds Tracker person " + g.resource_id + ", " + p + " finds Tracker person " +
                         m->resource_id + ": linked to " + g.resource_id,
                     {g.resource_id, m->resource_id});
        }
    }

    // 5. Groups kept apart never share a resource; groups not kept apart that found one resource
    // are one person.
    std::vector<size_t> order(out.groups.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        int sx = strength(out.groups[x].match_kind), sy = strength(out.groups[y].match_kind);
        return sx != sy ? sx > sy : support[x] > support[y];
    });
    std::map<std::string, std::vector<size_t>> kept; // resource -> groups linked to it, strongest first
    std::vector<bool> dropped(out.groups.size(), false);
    for (size_t gi : order) {
        auto &g = out.groups[gi];
        if (g.resource_id.empty()) continue;
        auto &claimants = kept[g.resource_id];
        if (claimants.empty()) {
            claimants.push_back(gi);
            continue;
        }
        size_t owner = claimants[0];
        if (b.separated(out.groups[owner].members[0], g.members[0])) {
            bool same_email = share_any(b.group_emails(out.groups[owner].members[0]), b.group_emails(g.members[0]));
            conflict(g.members[0], same_email ? "email_shared_by_different_people" : "phone_shared_by_different_emails",
                     "Tracker person " + g.resource_id + " is already application " +
                         apps[out.groups[owner].members[0]].application_id +
                         "'s, whom the rules keep apart from this one: a new person",
                     {g.resource_id});
            g.resource_id.clear();
            g.match_kind = 0;
            continue;
        }
        auto &o = out.groups[owner];
        o.members.insert(o.members.end(), g.members.begin(), g.members.end());
        std::sort(o.members.begin(), o.members.end());
        b.unite(o.members[0], g.members[0]);
        dropped[gi] = true;
    }
    std::vector<PersonGroup> groups;
    for (size_t gi = 0; gi < out.groups.size(); ++gi)
        if (!dropped[gi]) groups.push_back(std::move(out.groups[gi]));
    std::sort(groups.begin(), groups.end(),
              [](const PersonGroup &x, const PersonGroup &y) { return x.members[0] < y.members[0]; });
    out.groups = std::move(groups);
    return out;
}

} // namespace ats::tracker_workable
