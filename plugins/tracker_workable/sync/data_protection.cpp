#include "sync/data_protection.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"
#include "sync/sync_state.hpp"

namespace ats::tracker_workable {

namespace {

const std::string kSealedMarker = "dp/sealed";
const char *const kPersonalValuePrefixes[] = {"pend/", "quar/", "pc/", "cint/", "dint/", "doc/"};
constexpr int64_t kDayMs = 86400LL * 1000;

std::string field(const boost::json::object &o, std::string_view k) {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

std::set<std::string> keys_of(const KomboApplication &a, const IdentityRules &rules) {
    PersonIdentity id =
        identity_of(a.emails, a.phones, a.candidate_id, a.first_name, a.last_name, rules, a.candidate_remote_id);
    return {id.keys.begin(), id.keys.end()};
}

bool intersects(const std::set<std::string> &a, const std::set<std::string> &b) {
    for (const auto &x : a)
        if (b.count(x)) return true;
    return false;
}

} // namespace

ProtectCounts protect_existing_state(const ats::sdk::Host &host, const IdentityRules &rules) {
    ProtectCounts n;
    if (!rules.key_hasher) return n;
    ats::sdk::Host::Batch batch;
    std::map<std::string, std::string> per; // protected key -> resource (the smaller id wins, as in the index)
    std::vector<std::pair<std::string, std::string>> raw_per;
    host.state_scan("per/", [&](std::string_view k, std::string_view v) {
        std::string key(k.substr(4));
        if (is_protected_key(key))
            per.emplace(key, std::string(v));
        else
            raw_per.emplace_back(std::move(key), std::string(v));
        return true;
    });
    for (const auto &[raw, res] : raw_per) {
        std::string p = protected_key(raw, rules);
        auto [it, inserted] = per.emplace(p, res);
        if (!inserted && resource_id_less(res, it->second)) it->second = res;
        batch.put(state_keys::person(p), it->second).erase(state_keys::person(raw));
        ++n.keys_hashed;
    }
    std::set<std::string> names;
    std::vector<std::pair<std::string, std::string>> raw_names;
    host.state_scan("nam/", [&](std::string_view k, std::string_view v) {
        std::string key(k.substr(4));
        if (key.rfind("h1.", 0) == 0)
            names.insert(key);
        else
            raw_names.emplace_back(std::move(key), std::string(v));
        return true;
    });
    for (const auto &[raw, res] : raw_names) {
        std::string p = rules.key_hasher("n:" + raw);
        if (names.insert(p).second) batch.put(state_keys::name(p), res); // the first resource seen keeps it
        batch.erase(state_keys::name(raw));
        ++n.keys_hashed;
    }
    std::string marker;
    if (!host.state_get(kSealedMarker, marker)) {
        for (const char *prefix : kPersonalValuePrefixes)
            host.state_scan(prefix, [&](std::string_view k, std::string_view v) {
                batch.put_secret(std::string(k), std::string(v));
                ++n.values_sealed;
                return true;
            });
        batch.put(kSealedMarker, "1");
    }
    host.state_apply(batch);
    if (n.keys_hashed || n.values_sealed)
        host.info("data protection: " + std::to_string(n.keys_hashed) + " identity key(s) replaced by keyed hashes, " +
                  std::to_string(n.values_sealed) + " value(s) holding personal data sealed");
    return n;
}

ExpiryCounts expire_parked(const ats::sdk::Host &host, const SyncConfig &cfg, int64_t now_ms) {
    ExpiryCounts n;
    ats::sdk::Host::Batch batch;
    for (const std::string *prefix : {&state_keys::pending_prefix, &state_keys::quarantined_prefix}) {
        const bool pending = *prefix == state_keys::pending_prefix;
        const int64_t keep_ms = (pending ? cfg.pending_retention_days : cfg.quarantine_retention_days) * kDayMs;
        host.state_scan(*prefix, [&](std::string_view k, std::string_view v) {
            PendingRecord r;
            try {
                r = decode_pending(v);
            } catch (const std::exception &) {
                return true; // unreadable: left for the engine to report
            }
            if (r.parked_at_ms <= 0) { // written before retention: its clock starts now
                r.parked_at_ms = now_ms;
                batch.put_secret(std::string(k), encode_pending(r));
            } else if (now_ms - r.parked_at_ms > keep_ms) {
                batch.erase(std::string(k));
                ++(pending ? n.pending : n.quarantined);
            }
            return true;
        });
    }
    host.state_apply(batch);
    if (n.pending || n.quarantined)
        host.info("retention: dropped " + std::to_string(n.pending) + " pending and " + std::to_string(n.quarantined) +
                  " quarantined record(s) older than the configured retention");
    return n;
}

ForgetCounts forget_person(const ats::sdk::Host &host, const SyncConfig &cfg, const ForgetRequest &req) {
    const IdentityRules &rules = cfg.identity;
    protect_existing_state(host, rules); // lookups below use the keys the sync uses today
    std::set<std::string> targets;
    std::set<std::string> resources;
    auto add_keys = [&](const PersonIdentity &id) { targets.insert(id.keys.begin(), id.keys.end()); };
    if (!req.email.empty()) {
        add_keys(identity_of({req.email}, {}, "", "", "", rules));
        if (targets.empty())
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, "forget: the e-mail is not a well-formed address");
    } else if (!req.phone.empty()) {
        add_keys(identity_of({}, {req.phone}, "", "", "", rules));
        if (targets.empty())
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  "forget: the phone is not a valid number in region " + rules.phone_region +
                                      " (or it is a placeholder / denied number, which identifies nobody)");
    } else if (!req.workable_candidate_id.empty()) {
        add_keys(identity_of({}, {}, "", "", "", rules, req.workable_candidate_id));
    } else if (!req.tracker_resource_id.empty()) {
        resources.insert(req.tracker_resource_id);
    } else {
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              "forget: give exactly one of email, phone, workable_candidate_id, tracker_resource_id");
    }

    // Applications not in Tracker: matched by their own keys (and by the Workable candidate id).
    ForgetCounts n;
    ats::sdk::Host::Batch batch;
    std::set<std::string> kombo_ids;
    std::vector<std::pair<std::string, std::set<std::string>>> parked; // key -> the application's identity keys
    for (const std::string *prefix : {&state_keys::pending_prefix, &state_keys::quarantined_prefix})
        host.state_scan(*prefix, [&](std::string_view k, std::string_view v) {
            try {
                PendingRecord r = decode_pending(v);
                if (r.app.id.empty()) r.app.id = std::string(k.substr(prefix->size()));
                parked.emplace_back(std::string(k), keys_of(r.app, rules));
            } catch (const std::exception &) {}
            return true;
        });
    for (const auto &[key, keys] : parked)
        if (intersects(keys, targets)) targets.insert(keys.begin(), keys.end()); // their other e-mails/phones too

    // Identity keys -> the person's Tracker resource(s).
    for (const auto &k : targets) {
        std::string res;
        if (host.state_get(state_keys::person(k), res) && !res.empty()) resources.insert(res);
    }
    host.state_scan("per/", [&](std::string_view k, std::string_view v) {
        if (targets.count(std::string(k.substr(4))) || resources.count(std::string(v))) {
            batch.erase(std::string(k));
            ++n.identity_keys;
        }
        return true;
    });
    host.state_scan("nam/", [&](std::string_view k, std::string_view v) {
        if (resources.count(std::string(v))) {
            batch.erase(std::string(k));
            ++n.identity_keys;
        }
        return true;
    });
    for (const auto &[key, keys] : parked)
        if (intersects(keys, targets)) {
            batch.erase(key);
            ++(key.rfind(state_keys::pending_prefix, 0) == 0 ? n.pending : n.quarantined);
            kombo_ids.insert(key.substr(key.find('/') + 1));
        }
    host.state_scan("app/", [&](std::string_view k, std::string_view v) {
        AppRecord r = decode_app_record(v);
        if (!resources.count(r.resource_id)) return true;
        batch.erase(std::string(k));
        ++n.id_maps;
        if (!r.link_id.empty()) {
            std::string ignored;
            if (host.state_get(state_keys::link(r.link_id), ignored)) {
                batch.erase(state_keys::link(r.link_id));
                ++n.id_maps;
            }
        }
        kombo_ids.insert(std::string(k.substr(4)));
        return true;
    });
    std::string ignored;
    for (const auto &res : resources)
        for (const auto &key :
             {state_keys::verified(res), state_keys::person_contacts(res), state_keys::contact_intent(res)})
            if (host.state_get(key, ignored)) {
                batch.erase(key);
                ++(key.rfind("cint/", 0) == 0 ? n.intents : n.id_maps);
            }
    for (const auto &kid : kombo_ids)
        for (const auto &key : {state_keys::intent(kid), state_keys::status_intent(kid)})
            if (host.state_get(key, ignored)) {
                batch.erase(key);
                ++n.intents;
            }
    host.state_scan("dint/", [&](std::string_view k, std::string_view v) {
        boost::system::error_code ec;
        auto j = boost::json::parse(v, ec);
        if (!ec && j.is_object() && resources.count(field(j.get_object(), "r"))) {
            batch.erase(std::string(k));
            ++n.intents;
        }
        return true;
    });
    // The next sync re-reads Tracker's people (all of them, once) and so finds this person there
    // again instead of creating them twice.
    if (n.total() > 0 && host.state_get(state_keys::index_watermark, ignored)) batch.erase(state_keys::index_watermark);
    n.people = n.total() > 0 ? static_cast<int64_t>(resources.size()) : 0;
    host.state_apply(batch);
    return n;
}

} // namespace ats::tracker_workable
