// The tracker_workable provider_config schema: Tracker's properties (shared, not copied) plus
// "workable". Subset of JSON Schema the host validates (ats_plugin.h, config_schema_json).
#include "provider/workable_provider.hpp"

#include "ats/tracker/provider_config.hpp"
#include "sync/sync_config.hpp"

namespace bj = boost::json;

namespace ats::tracker_workable {

namespace {
bj::object str(const char *description, int min_len = 1) {
    return bj::object{{"type", "string"}, {"minLength", min_len}, {"description", description}};
}

bj::object workable_schema() {
    bj::object kombo_props{
        {"base_url", str("Kombo API base URL, e.g. https://api.kombo.dev/v1 (EU) or https://api.us.kombo.dev/v1 (US)")},
        {"api_key", bj::object{{"type", "string"}, {"minLength", 1}, {"x-secret", true},
                               {"description", "Kombo API key (Authorization: Bearer): a secret reference"}}},
        {"integration_id", str("X-Integration-Id, e.g. workable:HWUTwvyx2wLoSUHphiWVrp28")},
        {"page_size", bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 250}, {"default", 250}}},
        {"timeout_ms", bj::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 600000}, {"default", 30000}}}};
    bj::object job_props{
        {"table", bj::object{{"type", "object"},
                             {"additionalProperties", bj::object{{"type", "string"}, {"minLength", 1}}},
                             {"description", "Workable job (Kombo job id or Workable remote job id) -> Tracker opportunity id"}}},
        {"custom_field", str("name of the opportunity custom field holding the Workable job id, e.g. \"Workable Job ID\"")},
        {"by_title", bj::object{{"type", "boolean"}, {"default", false},
                                {"description", "map a job to the one opportunity with exactly its title"}}},
        {"refresh_seconds", bj::object{{"type", "integer"}, {"minimum", 0}, {"maximum", 86400}, {"default", 300},
                                       {"description", "how long Tracker's opportunities read for custom_field/by_title are reused"}}}};
    bj::object status_props{
        {"HIRED", str("Tracker status name for Workable HIRED (default: statuses.accepted)")},
        {"DECLINED", str("Tracker status name for Workable DECLINED (default: statuses.declined)")},
        {"PENDING", str("Tracker status name for PENDING (default: statuses.new_application)")},
        {"initial", str("status Tracker gives a new link (default: statuses.new_application)")}};
    bj::object props{
        {"kombo", bj::object{{"type", "object"}, {"additionalProperties", false},
                             {"required", bj::array{"base_url", "api_key", "integration_id"}},
                             {"properties", std::move(kombo_props)}}},
        {"job_mapping", bj::object{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(job_props)}}},
        {"status_mapping", bj::object{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(status_props)}}},
        {"default_phone_region", bj::object{{"type", "string"}, {"pattern", "^[A-Za-z]{2}$"},
                                            {"description", "region for phone numbers without a country code (default: the Tracker key)"}}},
        {"identity", bj::object{{"type", "object"}, {"additionalProperties", false},
                                {"description", "which contact details are identities (README \"Who is the same person\")"},
                                {"properties", bj::object{
                                    {"fictional_numbers_are_identities",
                                     bj::object{{"type", "boolean"}, {"default", false},
                                                {"description", "true only in a sandbox tenant: Ofcom drama numbers (07700 900xxx, 020 7946 0xxx, ...) and 555-01xx are identities"}}},
                                    {"phone_deny_list",
                                     bj::object{{"type", "array"}, {"items", bj::object{{"type", "string"}, {"minLength", 1}}},
                                                {"description", "numbers that are never identities, any written form (e.g. the agency switchboard); one without extension denies all its extensions"}}}}}}},
        {"source_label", bj::object{{"type", "string"}, {"default", "Workable"},
                                    {"description", "source recorded on people and applications created by the sync"}}},
        {"candidate_id_field", bj::object{{"type", "string"}, {"default", "Workable Candidate ID"},
                                          {"description", "Resource custom field given the Workable candidate id of people the sync creates (\"\" = none)"}}},
        {"lock_wait_ms", bj::object{{"type", "integer"}, {"minimum", 0}, {"maximum", 3600000}, {"default", 30000},
                                    {"description", "how long a second sync of the tenant waits for the first before failing with CONFLICT"}}},
        {"stage_mapping",
         bj::object{{"type", "object"},
                    {"additionalProperties", false},
                    {"properties",
                     bj::object{{"table", bj::object{{"type", "object"},
                                                     {"additionalProperties", bj::object{{"type", "string"}, {"minLength", 1}}},
                                                     {"description", "Workable stage name -> Tracker opportunity-resource status name"}}},
                                {"match_equal_names", bj::object{{"type", "boolean"}, {"default", true},
                                                                 {"description", "a stage not in table whose name equals a Tracker status (ignoring case) uses that status"}}}}},
                    {"description", "Workable stage -> Tracker status; HIRED/DECLINED outcomes win; other stages use status_mapping.PENDING"}}},
        {"workable_source",
         bj::object{{"type", "object"},
                    {"additionalProperties", false},
                    {"properties",
                     bj::object{{"custom_field", bj::object{{"type", "string"}, {"default", "Workable Source"},
                                                            {"description", "Resource custom field given Workable's candidate source (\"\" = none)"}}},
                                {"on_link", bj::object{{"type", "boolean"}, {"default", false},
                                                       {"description", "also record \"<source_label>: <source>\" as the application's source"}}}}},
                    {"description", "where Workable's own candidate source (Referral, LinkedIn, ...) is kept"}}},
        {"contacts",
         bj::object{{"type", "object"},
                    {"additionalProperties", false},
                    {"properties", bj::object{{"note_subject", bj::object{{"type", "string"}, {"minLength", 1},
                                                                          {"default", "Workable contact details"},
                                                                          {"description", "subject of the one note per person holding contact details without a Tracker field"}}}}}}},
        {"cvs",
         bj::object{{"type", "object"},
                    {"additionalProperties", false},
                    {"properties",
                     bj::object{{"enabled", bj::object{{"type", "boolean"}, {"default", true},
                                                       {"description", "attach Workable CVs (Kombo attachments of type CV) to the Tracker person"}}},
                                {"max_bytes", bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxCvBytes},
                                                         {"default", 10 * 1024 * 1024},
                                                         {"description", "larger files are not downloaded (reported instead)"}}},
                                {"content_types", bj::object{{"type", "array"}, {"minItems", 1},
                                                             {"items", bj::object{{"type", "string"}, {"minLength", 3}, {"pattern", "/"}}},
                                                             {"description", "content types attached (case-insensitive); others are skipped"}}}}},
                    {"description", "Workable CVs attached to Tracker people"}}},
        {"quarantine_after_failures",
         bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 3},
                    {"description", "consecutive runs an application may fail the same way before it is quarantined"}}},
        {"pending_retention_days",
         bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 3650}, {"default", 90},
                    {"description", "a pending record (not in Tracker yet) older than this is dropped by the next sync"}}},
        {"quarantine_retention_days",
         bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 3650}, {"default", 90},
                    {"description", "a quarantined record older than this is dropped by the next sync"}}},
        {"overlap_seconds",
         bj::object{{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxOverlapSeconds}, {"default", 600},
                    {"description", "incremental syncs re-read Kombo changes this long before the checkpoint"}}}};
    return bj::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", bj::array{"kombo", "job_mapping"}},
                      {"properties", std::move(props)},
                      {"description", "Workable applications read through Kombo and synced into Tracker"}};
}
} // namespace

std::string workable_config_schema_json() {
    bj::object props = ats::tracker::tracker_config_schema_properties();
    props["workable"] = workable_schema();
    bj::array required = ats::tracker::tracker_config_schema_required();
    required.push_back("workable");
    return bj::serialize(bj::object{{"type", "object"},
                                    {"additionalProperties", false},
                                    {"required", std::move(required)},
                                    {"properties", std::move(props)}});
}

} // namespace ats::tracker_workable
