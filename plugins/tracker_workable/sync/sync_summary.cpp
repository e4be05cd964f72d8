#include "sync/sync_summary.hpp"

#include <boost/json.hpp>

namespace json = boost::json;

namespace ats::tracker_workable {

namespace {
// What an error message says went wrong, without the per-application detail after the first
// colon ("tracker createResource: HTTP 500 ..." -> "tracker createResource").
std::string error_kind(const std::string &message) {
    std::string k = message.substr(0, message.find(':'));
    if (k.size() > 80) k = k.substr(0, 80) + "...";
    return k.empty() ? "error" : k;
}

std::string text_field(const json::object &o, const char *k) {
    const auto *v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::array items(const std::vector<SyncSummary::Item> &v, const char *detail_name) {
    json::array a;
    for (size_t i = 0; i < v.size(); ++i) {
        json::object o;
        o["application_id"] = v[i].application_id;
        if (detail_name) o[detail_name] = v[i].detail;
        a.push_back(std::move(o));
    }
    return a;
}
} // namespace

void SyncSummary::add_error(std::string app, std::string msg) {
    std::lock_guard<std::mutex> g(mu_);
    count_reason("errors", error_kind(msg));
    errors_.add({std::move(app), std::move(msg)});
}
void SyncSummary::add_deleted(std::string app) {
    std::lock_guard<std::mutex> g(mu_);
    deleted_.add({std::move(app), {}});
}
void SyncSummary::add_name_only(std::string app, std::string resource_id) {
    std::lock_guard<std::mutex> g(mu_);
    name_only_.add({std::move(app), std::move(resource_id)});
}
void SyncSummary::add_pending(std::string app, std::string reason) {
    std::lock_guard<std::mutex> g(mu_);
    count_reason("pending", reason);
    pending_.add({std::move(app), std::move(reason)});
}
void SyncSummary::add_item(const std::string &list, std::string item_json) {
    std::lock_guard<std::mutex> g(mu_);
    if (list == "quarantined" || list == "refused" || list == "identity_conflicts") {
        auto v = json::parse(item_json);
        const auto &o = v.as_object();
        count_reason(list, list == "identity_conflicts" ? text_field(o, "kind") : text_field(o, "reason"));
    }
    auto &l = extra_[list];
    ++l.first;
    if (l.second.size() < kListCap) l.second.push_back(std::move(item_json));
}

void SyncSummary::count_reason(const std::string &group, const std::string &reason) {
    auto &m = reasons_[group];
    auto it = m.find(reason);
    if (it != m.end())
        ++it->second;
    else if (m.size() < kReasonCap)
        m.emplace(reason, 1);
    else
        ++m[kOtherReasons];
}

size_t SyncSummary::error_count() const {
    std::lock_guard<std::mutex> g(mu_);
    return static_cast<size_t>(errors_.count);
}

std::string SyncSummary::to_json(const std::string &tenant, bool full, const std::string &cp_before,
                                 const std::string &cp_after, int64_t kombo_requests, int64_t tracker_requests,
                                 int64_t duration_ms) const {
    std::lock_guard<std::mutex> g(mu_);
    json::object o;
    o["tenant"] = tenant;
    o["mode"] = full ? "full" : "incremental";
    o["checkpoint_before"] = cp_before.empty() ? json::value(nullptr) : json::value(cp_before);
    o["checkpoint_after"] = cp_after.empty() ? json::value(nullptr) : json::value(cp_after);
    o["applications_seen"] = applications_seen.load();
    json::object people;
    people["matched_by_email"] = people_matched_email.load();
    people["matched_by_phone"] = people_matched_phone.load();
    people["matched_known"] = people_matched_known.load();
    people["created"] = people_created.load();
    people["enriched"] = people_enriched.load();
    o["people"] = std::move(people);
    json::object apps;
    apps["created"] = applications_created.load();
    apps["updated"] = applications_updated.load();
    apps["unchanged"] = applications_unchanged.load();
    apps["pending"] = applications_pending.load();
    apps["recovered"] = applications_recovered.load();
    apps["deleted_reported"] = deleted_.count;
    apps["name_only_reported"] = name_only_.count;
    apps["errors"] = errors_.count;
    apps["quarantined"] = applications_quarantined.load();
    apps["invalid"] = applications_invalid.load();
    o["applications"] = std::move(apps);
    o["deleted"] = items(deleted_.items, nullptr);
    o["name_only_matches"] = items(name_only_.items, "tracker_resource_id");
    o["pending"] = items(pending_.items, "reason");
    o["errors"] = items(errors_.items, "message");
    o["contacts"] = json::object{{"fields_filled", contact_fields_filled.load()},
                                 {"details_noted", contact_details_noted.load()},
                                 {"details_refused", contact_details_refused.load()}};
    o["statuses"] = json::object{{"written", statuses_written.load()},
                                 {"replaced", statuses_replaced.load()},
                                 {"kept_recruiter", statuses_kept.load()},
                                 {"link_missing", links_missing.load()}};
    o["documents"] = json::object{{"attached", documents_attached.load()},
                                  {"refused", documents_refused.load()},
                                  {"failed", documents_failed.load()},
                                  {"bytes_downloaded", document_bytes.load()}};
    o["intents"] = json::object{{"confirmed", intents_confirmed.load()}, {"not_applied", intents_not_applied.load()}};
    for (const char *name : {"statuses_replaced", "statuses_kept", "identity_conflicts", "quarantined",
                             "documents_refused", "links_missing", "contact_details_refused", "refused"}) {
        json::array a;
        auto it = extra_.find(name);
        if (it != extra_.end())
            for (const auto &item : it->second.second) a.push_back(json::parse(item));
        o[name] = std::move(a);
    }
    // Lists are capped; say so for each, so no reader takes a capped list for the whole.
    json::object list_counts;
    auto count_of = [&](const char *name, int64_t total, size_t listed) {
        list_counts[name] = json::object{{"total", total},
                                         {"listed", static_cast<int64_t>(listed)},
                                         {"complete", static_cast<int64_t>(listed) == total}};
    };
    count_of("deleted", deleted_.count, deleted_.items.size());
    count_of("name_only_matches", name_only_.count, name_only_.items.size());
    count_of("pending", pending_.count, pending_.items.size());
    count_of("errors", errors_.count, errors_.items.size());
    for (const auto &[name, l] : extra_) count_of(name.c_str(), l.first, l.second.size());
    o["list_counts"] = std::move(list_counts);
    json::object groups;
    for (const auto &[group, m] : reasons_) {
        json::object g;
        for (const auto &[reason, n] : m) g[reason] = n;
        groups[group] = std::move(g);
    }
    o["attention_groups"] = std::move(groups);
    json::object req;
    req["kombo"] = kombo_requests;
    req["tracker"] = tracker_requests;
    req["kombo_pages"] = kombo_pages.load();
    req["tracker_identity_refreshes"] = identity_index_reads.load();
    o["requests"] = std::move(req);
    o["retention"] = json::object{{"pending_expired", pending_expired}, {"quarantined_expired", quarantined_expired}};
    o["duration_ms"] = duration_ms;
    return json::serialize(o);
}

} // namespace ats::tracker_workable
