#include "sync/sync_config.hpp"

#include "ats/shared/json.hpp"
#include "ats/shared/phone.hpp"

#include <cctype>

namespace sj = ats::shared::json;

namespace ats::tracker_workable {

namespace {

[[noreturn]] void bad(const std::string &field, const std::string &problem) {
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, field + ": " + problem);
}

int64_t int_in(const boost::json::object &o, std::string_view key, const std::string &where, int64_t lo, int64_t hi,
               int64_t fallback) {
    auto v = sj::optional_int(o, key, where);
    if (!v) return fallback;
    if (*v < lo || *v > hi)
        bad(where + "." + std::string(key), "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", not " +
                                                std::to_string(*v));
    return *v;
}

std::string trimmed(std::string s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// stage_mapping, workable_source, contacts, cvs, quarantine_after_failures, overlap_seconds.
void parse_v2_sections(const boost::json::object &w, const std::string &where, SyncConfig &c) {
    if (const auto *sm = sj::optional_object(w, "stage_mapping", where)) {
        const std::string sw = where + ".stage_mapping";
        for (const auto &kv : *sm)
            if (kv.key() != "table" && kv.key() != "match_equal_names")
                bad(sw + "." + std::string(kv.key()),
                    "unknown key (stages go under stage_mapping.table: {\"<Workable stage>\": \"<Tracker status>\"})");
        if (const auto *t = sj::optional_object(*sm, "table", sw)) {
            c.stages.table.clear();
            for (const auto &kv : *t) {
                const std::string field = sw + ".table['" + std::string(kv.key()) + "']";
                if (trimmed(std::string(kv.key())).empty()) bad(sw + ".table", "a Workable stage name is empty");
                if (!kv.value().is_string() || trimmed(std::string(kv.value().get_string())).empty())
                    bad(field, "must be a Tracker status name");
                c.stages.table[std::string(kv.key())] = trimmed(std::string(kv.value().get_string()));
            }
        }
        c.stages.match_equal_names = sj::optional_bool(*sm, "match_equal_names", c.stages.match_equal_names, sw);
    }
    if (const auto *ws = sj::optional_object(w, "workable_source", where)) {
        const std::string sw = where + ".workable_source";
        c.workable_source.custom_field =
            trimmed(sj::optional_string(*ws, "custom_field", sw).value_or(c.workable_source.custom_field));
        c.workable_source.on_link = sj::optional_bool(*ws, "on_link", c.workable_source.on_link, sw);
    }
    if (const auto *ct = sj::optional_object(w, "contacts", where)) {
        const std::string sw = where + ".contacts";
        if (auto subject = sj::optional_string(*ct, "note_subject", sw)) {
            if (trimmed(*subject).empty()) bad(sw + ".note_subject", "must not be empty");
            c.contacts.note_subject = trimmed(*subject);
        }
    }
    if (const auto *cv = sj::optional_object(w, "cvs", where)) {
        const std::string sw = where + ".cvs";
        c.cvs.enabled = sj::optional_bool(*cv, "enabled", c.cvs.enabled, sw);
        c.cvs.max_bytes = int_in(*cv, "max_bytes", sw, 1, kMaxCvBytes, c.cvs.max_bytes);
        if (auto types = sj::optional_string_array(*cv, "content_types", sw)) {
            if (types->empty()) bad(sw + ".content_types", "give at least one content type (cvs.enabled: false turns CVs off)");
            c.cvs.content_types.clear();
            for (size_t i = 0; i < types->size(); ++i) {
                std::string t = trimmed((*types)[i]);
                for (auto &ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                if (t.empty() || t.find('/') == std::string::npos)
                    bad(sw + ".content_types[" + std::to_string(i) + "]",
                        "'" + (*types)[i] + "' is not a content type like application/pdf");
                c.cvs.content_types.push_back(std::move(t));
            }
        }
    }
    c.quarantine_after_failures =
        static_cast<int>(int_in(w, "quarantine_after_failures", where, 1, 100, c.quarantine_after_failures));
    c.overlap_seconds = int_in(w, "overlap_seconds", where, 0, kMaxOverlapSeconds, c.overlap_seconds);
    c.pending_retention_days = int_in(w, "pending_retention_days", where, 1, 3650, c.pending_retention_days);
    c.quarantine_retention_days = int_in(w, "quarantine_retention_days", where, 1, 3650, c.quarantine_retention_days);
}

} // namespace

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
    parse_v2_sections(w, where, c);
    return c;
}

} // namespace ats::tracker_workable
