#include "sync/sync_config.hpp"

#include "ats/shared/json.hpp"
#include "ats/shared/phone.hpp"

namespace sj = ats::shared::json;

namespace ats::tracker_workable {

SyncConfig parse_sync_config(const boost::json::object &w, const SyncConfig &defaults) {
    const std::string where = "provider_config.workable";
    SyncConfig c = defaults;
    const auto &k = sj::require_object(w, "kombo", where);
    c.kombo.base_url = sj::require_nonempty_string(k, "base_url", where + ".kombo");
    c.kombo.api_key = sj::require_nonempty_string(k, "api_key", where + ".kombo");
    c.kombo.integration_id = sj::require_nonempty_string(k, "integration_id", where + ".kombo");
    if (auto ps = sj::optional_int(k, "page_size", where + ".kombo")) {
        if (*ps < 1 || *ps > 250)
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ".kombo.page_size must be 1..250");
        c.kombo.page_size = static_cast<int>(*ps);
    }
    if (auto t = sj::optional_int(k, "timeout_ms", where + ".kombo")) c.kombo.timeout_ms = static_cast<int>(*t);

    if (const auto *jm = sj::optional_object(w, "job_mapping", where)) {
        if (const auto *t = sj::optional_object(*jm, "table", where + ".job_mapping"))
            for (const auto &kv : *t) {
                auto v = sj::scalar_text(kv.value());
                if (!v || v->empty())
                    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ".job_mapping.table['" +
                                                                        std::string(kv.key()) +
                                                                        "'] must be a Tracker opportunity id");
                c.jobs.table[std::string(kv.key())] = *v;
            }
        c.jobs.custom_field = sj::optional_string(*jm, "custom_field", where + ".job_mapping").value_or("");
        c.jobs.by_title = sj::optional_bool(*jm, "by_title", false, where + ".job_mapping");
        if (auto r = sj::optional_int(*jm, "refresh_seconds", where + ".job_mapping")) c.jobs.refresh_seconds = *r;
    }
    if (c.jobs.table.empty() && c.jobs.custom_field.empty() && !c.jobs.by_title)
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              where + ".job_mapping: give at least one of table, custom_field, by_title");

    if (const auto *sm = sj::optional_object(w, "status_mapping", where)) {
        const std::string sw = where + ".status_mapping";
        c.statuses.hired = sj::optional_string(*sm, "HIRED", sw).value_or(c.statuses.hired);
        c.statuses.declined = sj::optional_string(*sm, "DECLINED", sw).value_or(c.statuses.declined);
        c.statuses.pending = sj::optional_string(*sm, "PENDING", sw).value_or(c.statuses.pending);
        c.statuses.initial = sj::optional_string(*sm, "initial", sw).value_or(c.statuses.initial);
    }
    std::string &region = c.identity.phone_region;
    region = sj::optional_string(w, "default_phone_region", where).value_or(defaults.identity.phone_region);
    if (region.empty()) region = "GB";
    if (!ats::shared::is_known_phone_region(region))
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ".default_phone_region: unknown region '" + region + "'");
    if (const auto *id = sj::optional_object(w, "identity", where)) {
        const std::string iw = where + ".identity";
        c.identity.fictional_numbers_are_identities =
            sj::optional_bool(*id, "fictional_numbers_are_identities", c.identity.fictional_numbers_are_identities, iw);
        if (id->contains("phone_deny_list")) {
            c.identity.phone_deny_list.clear();
            for (const auto &v : sj::require_array(*id, "phone_deny_list", iw)) {
                if (!v.is_string() || !ats::shared::parse_phone(v.as_string(), region))
                    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                          iw + ".phone_deny_list: every entry must be a phone number valid in region " +
                                              region + ", got " + boost::json::serialize(v));
                c.identity.phone_deny_list.emplace_back(v.as_string());
            }
        }
    }
    c.source_label = sj::optional_string(w, "source_label", where).value_or(c.source_label);
    c.candidate_id_field = sj::optional_string(w, "candidate_id_field", where).value_or(c.candidate_id_field);
    if (auto lw = sj::optional_int(w, "lock_wait_ms", where)) c.lock_wait_ms = *lw;
    return c;
}

} // namespace ats::tracker_workable
