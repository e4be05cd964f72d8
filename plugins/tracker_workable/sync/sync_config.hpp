// sync_config.hpp - what the product description hard-codes for MW Resources, as tenant
// configuration (issue 5, item 3). Parsed from provider_config.workable (see
// provider/config_schema.cpp for the schema the host validates first).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <boost/json/object.hpp>

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

struct StatusMappingConfig {
    std::string hired = "Accepted";   // seed: HIRED -> Accepted
    std::string declined = "Declined"; // seed: REJECTED (Kombo DECLINED) -> Declined
    std::string pending = "Applied";   // configurable (issue 5)
    // The status Tracker gives a new link (resourceApplication / createResource assign: "Applied",
    // tracker-api.md). A link whose wanted status equals it needs no updateRecord.
    std::string initial = "Applied";

    const std::string &for_outcome(const std::string &outcome) const {
        if (outcome == "HIRED") return hired;
        if (outcome == "DECLINED") return declined;
        return pending; // PENDING and null
    }
};

struct SyncConfig {
    KomboConfig kombo;
    JobMappingConfig jobs;
    StatusMappingConfig statuses;
    std::string phone_region = "GB";
    std::string source_label = "Workable";
    // Resource custom field that receives the Workable candidate id of a person the sync creates
    // (so a crash-interrupted create can be found again even without email/phone); "" = none.
    std::string candidate_id_field = "Workable Candidate ID";
    int64_t lock_wait_ms = 30000; // a second sync waits this long for the first, then CONFLICT
};

// Parses provider_config.workable. `defaults` carries what the Tracker part of the configuration
// already says (default phone region; accepted/declined/new-application status names), used when
// the workable section does not override it. Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT)
// naming the field at fault.
SyncConfig parse_sync_config(const boost::json::object &workable, const SyncConfig &defaults);

} // namespace ats::tracker_workable
