#include "sync/sync_config.hpp"

#include "ats/shared/ascii.hpp"
#include "ats/shared/phone.hpp"

#include <cctype>

namespace ats::tracker_workable {

namespace cfg = ats::shared::config;
using cfg::Row;

namespace {

void trim(std::string &s, const std::string &) { s = ats::shared::ascii_trim(s); }

void trim_nonempty(std::string &s, const std::string &field) {
    s = ats::shared::ascii_trim(s);
    if (s.empty()) cfg::bad(field, "must not be empty");
}

// Stage names and status names are compared trimmed; an empty one is a typo.
void trim_stage_table(std::map<std::string, std::string> &table, const std::string &field) {
    std::map<std::string, std::string> out;
    for (const auto &[stage, status] : table) {
        if (ats::shared::ascii_trim(stage).empty()) cfg::bad(field, "a Workable stage name is empty");
        if (ats::shared::ascii_trim(status).empty())
            cfg::bad(field + "['" + stage + "']", "must be a Tracker status name");
        out[stage] = ats::shared::ascii_trim(status);
    }
    table = std::move(out);
}

void normalise_content_types(std::vector<std::string> &types, const std::string &field) {
    for (size_t i = 0; i < types.size(); ++i) {
        std::string t = ats::shared::ascii_trim(types[i]);
        for (auto &ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (t.empty() || t.find('/') == std::string::npos)
            cfg::bad(field + "[" + std::to_string(i) + "]",
                     "'" + types[i] + "' is not a content type like application/pdf");
        types[i] = std::move(t);
    }
}

void check_sync_config(SyncConfig &c, const cfg::Layout &layout) {
    if (c.jobs.table.empty() && c.jobs.custom_field.empty() && !c.jobs.by_title)
        cfg::bad(layout.field("workable.job_mapping"), "give at least one of table, custom_field, by_title");
    const std::string &region = c.identity.phone_region;
    for (size_t i = 0; i < c.identity.phone_deny_list.size(); ++i)
        if (!ats::shared::parse_phone(c.identity.phone_deny_list[i], region))
            cfg::bad(layout.field("workable.identity.phone_deny_list") + "[" + std::to_string(i) + "]",
                     "'" + c.identity.phone_deny_list[i] + "' is not a phone number valid in region " + region);
}

cfg::Table<SyncConfig> make_table() {
    cfg::Table<SyncConfig> t;
    t.key(Row::text("statuses.pending", "status for an application whose outcome is PENDING and whose stage maps to "
                                        "nothing (default: statuses.new_application)")
              .with_example("In Review")
              .at_least(1),
          ATS_CONFIG_MEMBER(statuses.pending));
    t.section({"workable", "Workable applications read through Kombo and synced into Tracker", true, ""});

    t.section({"workable.kombo", "Kombo's unified API, through which Workable is read (GET only)", true, ""});
    t.key(Row::text("workable.kombo.base_url",
                    "Kombo API base URL, e.g. https://api.kombo.dev/v1 (EU) or https://api.us.kombo.dev/v1 (US)")
              .with_example("https://api.us.kombo.dev/v1")
              .must_be_given()
              .at_least(1)
              .matching("^https?://"),
          ATS_CONFIG_MEMBER(kombo.base_url));
    t.key(Row::text("workable.kombo.api_key", "Kombo API key (Authorization: Bearer): a secret reference")
              .with_example("example-kombo-key")
              .must_be_given()
              .as_secret()
              .at_least(1),
          ATS_CONFIG_MEMBER(kombo.api_key));
    t.key(Row::text("workable.kombo.integration_id", "X-Integration-Id, e.g. workable:HWUTwvyx2wLoSUHphiWVrp28")
              .with_example("workable:HWUTwvyx2wLoSUHphiWVrp28")
              .must_be_given()
              .at_least(1),
          ATS_CONFIG_MEMBER(kombo.integration_id));
    t.key(Row::integer("workable.kombo.page_size", 1, kKomboMaxPageSize, "results per Kombo page"),
          ATS_CONFIG_MEMBER(kombo.page_size));
    t.key(Row::integer("workable.kombo.timeout_ms", 100, 600000, "timeout of one Kombo request"),
          ATS_CONFIG_MEMBER(kombo.timeout_ms));

    t.section(
        {"workable.job_mapping", "how a Workable job finds its Tracker opportunity (give at least one way)", true, ""});
    t.key(Row::map("workable.job_mapping.table",
                   "Workable job (Kombo job id or Workable remote job id) -> Tracker opportunity id")
              .with_example(boost::json::object{{"8E77A46EDE", "2311"}}),
          ATS_CONFIG_MEMBER(jobs.table));
    t.key(Row::text("workable.job_mapping.custom_field",
                    "name of the opportunity custom field holding the Workable job id (\"\" = none)")
              .with_example("Workable Job ID"),
          ATS_CONFIG_MEMBER(jobs.custom_field));
    t.key(Row::boolean("workable.job_mapping.by_title", "map a job to the one opportunity with exactly its title"),
          ATS_CONFIG_MEMBER(jobs.by_title));
    t.key(Row::integer("workable.job_mapping.refresh_seconds", 0, 86400,
                       "how long Tracker's opportunities read for custom_field/by_title are reused"),
          ATS_CONFIG_MEMBER(jobs.refresh_seconds));

    t.section(
        {"workable.identity", "which contact details are identities (README \"Who is the same person\")", false, ""});
    t.key(Row::boolean("workable.identity.fictional_numbers_are_identities",
                       "true only in a sandbox tenant: Ofcom drama numbers (07700 900xxx, 020 7946 0xxx, ...) and "
                       "555-01xx are identities"),
          ATS_CONFIG_MEMBER(identity.fictional_numbers_are_identities));
    t.key(Row::list("workable.identity.phone_deny_list",
                    "numbers that are never identities, any written form (e.g. the agency switchboard); one without "
                    "extension denies all its extensions; valid in default_phone_region")
              .with_example(boost::json::array{"+44 20 7123 4567"}),
          ATS_CONFIG_MEMBER(identity.phone_deny_list));

    t.key(Row::text("workable.source_label", "source recorded on people and applications created by the sync")
              .with_example("Workable (EU)"),
          ATS_CONFIG_MEMBER(source_label));
    t.key(Row::text("workable.candidate_id_field",
                    "Resource custom field given the Workable candidate id of people the sync creates (\"\" = none)")
              .with_example("Workable ID"),
          ATS_CONFIG_MEMBER(candidate_id_field));
    t.key(Row::integer("workable.lock_wait_ms", 0, 3600000,
                       "how long a second sync of the tenant waits for the first before failing with CONFLICT"),
          ATS_CONFIG_MEMBER(lock_wait_ms));

    t.section({"workable.stage_mapping",
               "Workable stage -> Tracker status; HIRED/DECLINED outcomes win; other stages use statuses.pending",
               false, "stages go under stage_mapping.table: {\"<Workable stage>\": \"<Tracker status>\"}"});
    t.key(Row::map("workable.stage_mapping.table", "Workable stage name -> Tracker opportunity-resource status name")
              .with_example(boost::json::object{{"Phone Screen", "Shortlisted"}}),
          ATS_CONFIG_MEMBER(stages.table), trim_stage_table);
    t.key(Row::boolean("workable.stage_mapping.match_equal_names",
                       "a stage not in table whose name equals a Tracker status (ignoring case) uses that status"),
          ATS_CONFIG_MEMBER(stages.match_equal_names));

    t.section({"workable.workable_source", "where Workable's own candidate source (Referral, LinkedIn, ...) is kept",
               false, ""});
    t.key(Row::text("workable.workable_source.custom_field",
                    "Resource custom field given Workable's candidate source (\"\" = none)")
              .with_example("Source"),
          ATS_CONFIG_MEMBER(workable_source.custom_field), trim);
    t.key(Row::boolean("workable.workable_source.on_link",
                       "also record \"<source_label>: <source>\" as the application's source"),
          ATS_CONFIG_MEMBER(workable_source.on_link));

    t.section({"workable.contacts", "contact details without a Tracker field of their own", false, ""});
    t.key(Row::text("workable.contacts.note_subject",
                    "subject of the one note per person holding contact details without a Tracker field")
              .with_example("Other contact details")
              .at_least(1),
          ATS_CONFIG_MEMBER(contacts.note_subject), trim_nonempty);

    t.section({"workable.cvs", "Workable CVs attached to Tracker people", false, ""});
    t.key(Row::boolean("workable.cvs.enabled",
                       "attach Workable CVs (Kombo attachments of type CV) to the Tracker person"),
          ATS_CONFIG_MEMBER(cvs.enabled));
    t.key(Row::integer("workable.cvs.max_bytes", 1, kMaxCvBytes, "larger files are not downloaded (reported instead)"),
          ATS_CONFIG_MEMBER(cvs.max_bytes));
    t.key(Row::list("workable.cvs.content_types",
                    "content types attached (case-insensitive); others are skipped (cvs.enabled: false turns CVs off)")
              .with_example(boost::json::array{"application/pdf"})
              .at_least(1)
              .matching("/"),
          ATS_CONFIG_MEMBER(cvs.content_types), normalise_content_types);

    t.key(Row::integer("workable.quarantine_after_failures", 1, 100,
                       "consecutive runs an application may fail the same way before it is quarantined"),
          ATS_CONFIG_MEMBER(quarantine_after_failures));
    t.key(Row::integer("workable.pending_retention_days", 1, 3650,
                       "a pending record (not in Tracker yet) older than this is dropped by the next sync"),
          ATS_CONFIG_MEMBER(pending_retention_days));
    t.key(Row::integer("workable.quarantine_retention_days", 1, 3650,
                       "a quarantined record older than this is dropped by the next sync"),
          ATS_CONFIG_MEMBER(quarantine_retention_days));
    t.key(Row::integer("workable.overlap_seconds", 0, kMaxOverlapSeconds,
                       "incremental syncs re-read Kombo changes this long before the checkpoint"),
          ATS_CONFIG_MEMBER(overlap_seconds));
    t.rule(check_sync_config);
    return t;
}

} // namespace

const cfg::Table<SyncConfig> &sync_config_table() {
    static const cfg::Table<SyncConfig> table = make_table();
    return table;
}

} // namespace ats::tracker_workable
