// sync_config.hpp - what the first customer's (MW Resources) setup fixed, as tenant
// configuration: the sync's part of the hybrid's provider_config (the `workable` section and
// statuses.pending). Every key is one row of sync_config_table() (sync_config.cpp); a member's
// initial value below is its default. The hybrid's table (provider/hybrid_config.hpp) adds
// Tracker's rows, and gives the sync the values both share (status names, phone region).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ats/shared/config_table.hpp"
#include "ats/tracker/status_names.hpp"

#include "identity/identity_rules.hpp"
#include "kombo/kombo_client.hpp"

namespace ats::tracker_workable {

struct JobMappingConfig {
    // Workable job (Kombo job id OR Workable's remote job id) -> Tracker opportunity id.
    std::map<std::string, std::string> table;
    // Name of an opportunity custom field holding the Workable job id (Kombo or remote), "" = off.
    std::string custom_field;
    // Map by exact (case-sensitive, trimmed) title when the other two do not decide.
    bool by_title = false;
    // How long the opportunities read for custom_field/by_title stay valid (kept in state): a sync
    // with nothing new but a pending list then costs no Tracker request; a job mapped in Tracker
    // is picked up within this time. 0 = re-read on every sync that needs it.
    int64_t refresh_seconds = 300;
};

// Tracker status names, in the one vocabulary of provider_config.statuses: declined, accepted and
// new_application are Tracker's keys (copied from its configuration), pending is the sync's own.
// A link whose wanted status equals new_application (what Tracker gives a new link) needs no
// updateRecord.
struct StatusMappingConfig : ats::tracker::StatusNames {
    std::optional<std::string> pending; // outcome PENDING or none; absent: new_application

    const std::string &pending_status() const { return pending ? *pending : new_application; }
    const std::string &for_outcome(const std::string &outcome) const {
        if (outcome == "HIRED") return accepted;
        if (outcome == "DECLINED") return declined;
        return pending_status(); // PENDING and null
    }
};

// Workable stage name -> Tracker opportunity-resource status name (workable.stage_mapping).
// A HIRED/DECLINED outcome takes precedence; a stage neither in the table nor (when
// match_equal_names) equal to a Tracker status ignoring case uses the PENDING status.
struct StageMappingConfig {
    std::map<std::string, std::string> table;
    bool match_equal_names = true;
};

// Where Workable's own candidate.source ("Referral", "LinkedIn") is kept, beside source_label.
struct WorkableSourceConfig {
    std::string custom_field = "Workable Source"; // resource custom field; "" = not written there
    bool on_link = false;                         // also put "<source_label>: <source>" as the link's source
};

// Contact details that have no Tracker field of their own (a third e-mail, a fourth phone, a
// number that does not parse when its field is taken) go into one labelled note per person.
struct ContactConfig {
    std::string note_subject = "Workable contact details";
};

inline constexpr int64_t kMaxCvBytes = 100LL * 1024 * 1024;    // cvs.max_bytes upper bound (100 MB)
inline constexpr int64_t kMaxOverlapSeconds = 7LL * 24 * 3600; // overlap_seconds upper bound (7 days)

// Résumés: Kombo attachments of type CV (application and candidate) attached to the resource.
struct CvConfig {
    bool enabled = true;
    int64_t max_bytes = 10 * 1024 * 1024;
    std::vector<std::string> content_types = {
        "application/pdf",    "application/x-pdf",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/rtf",    "text/rtf",
        "text/plain",         "application/vnd.oasis.opendocument.text"};
};

struct SyncConfig {
    KomboConfig kombo;
    JobMappingConfig jobs;
    StatusMappingConfig statuses;
    StageMappingConfig stages;
    IdentityRules identity; // identity.phone_region is provider_config.default_phone_region
    std::string source_label = "Workable";
    WorkableSourceConfig workable_source;
    ContactConfig contacts;
    CvConfig cvs;
    // An application that fails the same way on this many consecutive runs is quarantined: listed
    // in the summary, not retried until its Workable data changes or `sync --retry-quarantined`.
    int quarantine_after_failures = 3;
    // Incremental fetches ask Kombo for changes since (checkpoint - overlap): covers clock error
    // between Kombo and this host and changes that reach Kombo late. Re-reading costs only pages.
    int64_t overlap_seconds = 600;
    // Resource custom field that receives the Workable candidate id of a person the sync creates
    // (so a crash-interrupted create can be found again even without email/phone); "" = none.
    std::string candidate_id_field = "Workable Candidate ID";
    int64_t lock_wait_ms = 30000; // a second sync waits this long for the first, then CONFLICT
    // Retention: a pending / quarantined record (it holds the applicant's Workable data, sealed)
    // first parked longer ago than this is dropped at the start of the next sync (host clock).
    // A dropped application comes back when Workable changes it, or with `sync --full`.
    int64_t pending_retention_days = 90;
    int64_t quarantine_retention_days = 90;
};

// The rows of the sync's keys, by their path from the root of provider_config ("workable.cvs.max_bytes",
// "statuses.pending"). The phone deny list is checked in identity.phone_region, which the hybrid's
// table sets from default_phone_region first.
const ats::shared::config::Table<SyncConfig> &sync_config_table();

} // namespace ats::tracker_workable
