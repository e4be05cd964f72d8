#include "sync_history.hpp"

#include "host_environment.hpp"
#include "manifest.hpp"
#include "state_store.hpp"
#include "tenant_keys.hpp"

#include <cstdio>
#include <stdexcept>

namespace json = boost::json;

namespace ats::host {

namespace {
const std::string kRunPrefix = "run/";
// One empty row per run beside it: listing and retention scan these, not the summaries (a
// 10,000-application summary is ~450 KB; 100 of them are not read to list ten).
const std::string kIndexPrefix = "idx/";
}

SyncHistory::SyncHistory(StateStore &store, std::string tenant_id, std::vector<SealingKey> keys, size_t keep)
    : store_(store), tenant_(std::move(tenant_id)), owner_(tenant_ + "#history"), keys_(std::move(keys)),
      keep_(keep == 0 ? 1 : keep) {
    if (keys_.empty()) throw std::runtime_error("sync history of tenant '" + tenant_ + "': no state key");
}

SyncHistory SyncHistory::open(HostEnvironment &env, const TenantManifest &manifest) {
    TenantKeys k = load_tenant_keys(manifest, env);
    return SyncHistory(env.state(), manifest.tenant_id, std::move(k.sealing),
                       static_cast<size_t>(manifest.sync_history_runs.value_or(kDefaultSyncHistoryRuns)));
}

std::string SyncHistory::new_run_id(int64_t started_unix_ms) {
    char head[32];
    std::snprintf(head, sizeof head, "%013lld-", static_cast<long long>(started_unix_ms < 0 ? 0 : started_unix_ms));
    return head + hex_of(random_bytes(4));
}

void SyncHistory::record(const json::object &run) {
    const auto *id = run.if_contains("id");
    if (!id || !id->is_string() || id->get_string().empty() || id->get_string().find('/') != json::string::npos)
        throw std::invalid_argument("sync history of tenant '" + tenant_ + "': a run needs an \"id\" without '/'");
    const std::string run_id(id->get_string());
    std::vector<std::string> existing;
    store_.scan(owner_, kIndexPrefix, [&](const std::string &k, const std::string &) {
        existing.push_back(k.substr(kIndexPrefix.size()));
        return true;
    });
    std::vector<StateOp> ops;
    size_t after = existing.size() + 1;
    for (const auto &k : existing) after -= (k == run_id); // re-recording a run replaces it
    for (size_t i = 0; after > keep_ && i < existing.size(); ++i)
        if (existing[i] != run_id) {
            ops.push_back({true, kIndexPrefix + existing[i], ""});
            ops.push_back({true, kRunPrefix + existing[i], ""});
            --after;
        }
    const std::string key = kRunPrefix + run_id;
    ops.push_back({false, kIndexPrefix + run_id, ""});
    ops.push_back({false, key, seal(keys_.front(), row_aad(owner_, key), json::serialize(run)), true});
    store_.apply(owner_, ops);
}

std::vector<json::object> SyncHistory::last(size_t n) const {
    std::vector<std::string> ids;
    store_.scan(owner_, kIndexPrefix, [&](const std::string &k, const std::string &) {
        ids.push_back(k.substr(kIndexPrefix.size()));
        return true;
    });
    std::vector<json::object> out;
    for (auto it = ids.rbegin(); it != ids.rend() && (n == 0 || out.size() < n); ++it) {
        try {
            if (auto run = find(*it)) out.push_back(std::move(*run));
        } catch (const std::exception &e) {
            // A run sealed by a key no longer configured: listed, unreadable, rather than hidden.
            out.push_back(json::object{{"id", *it},
                                       {"status", "unreadable"},
                                       {"error", json::object{{"code", "conflict"}, {"message", e.what()}}}});
        }
    }
    return out;
}

std::optional<json::object> SyncHistory::find(const std::string &run_id) const {
    if (run_id.empty() || run_id.find('/') != std::string::npos) return std::nullopt;
    const std::string key = kRunPrefix + run_id;
    std::string value;
    bool sealed = false;
    if (!store_.get(owner_, key, value, &sealed)) return std::nullopt;
    std::string text = sealed ? open_sealed(keys_, row_aad(owner_, key), value) : value;
    auto v = json::parse(text);
    if (!v.is_object()) return std::nullopt;
    return v.get_object();
}

json::value summary_for_history(const json::value &summary) {
    if (!summary.is_object()) return summary;
    const auto &o = summary.get_object();
    const auto *plan = o.if_contains("plan");
    if (!plan || !plan->is_array()) return summary;
    json::object kept = o;
    kept.erase("plan");
    json::object counts;
    for (const auto &item : plan->get_array()) {
        const auto *a = item.is_object() ? item.get_object().if_contains("action") : nullptr;
        std::string action = a && a->is_string() ? std::string(a->get_string()) : "other";
        auto &c = counts[action];
        c = (c.is_int64() ? c.get_int64() : 0) + 1;
    }
    kept["plan_counts"] = std::move(counts);
    return kept;
}

} // namespace ats::host
