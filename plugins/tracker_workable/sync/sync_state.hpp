// sync_state.hpp - the durable state of the Workable -> Tracker sync, in the host's per-tenant
// key-value store (the sync keeps nothing anywhere else).
//
// Key layout (one prefix per kind, so a scan reads one kind):
//   "cp"                 checkpoint: unix ms of the time the last COMPLETE fetch started (minus a
//                        one-minute clock-skew margin); the next fetch sends it as updated_after
//                        (Kombo's filter; see README "Exactly once"). It is written only after every
//                        application of that fetch is durable (synced, or parked in "pend/").
//   "app/<kombo id>"     AppRecord: what this application became in Tracker
//   "link/<link id>"     {"k": kombo id, "w": workable id}: the reverse map, so the combined
//                        applications.stream can give a Tracker application its Workable ids
//   "per/<identity key>" Tracker resource id (identity_keys.hpp): every person known, whether
//                        created by us or read from Tracker, so a later sync costs no lookup
//   "nam/<name key>"     a Tracker resource with that name (only to REPORT name-only matches)
//   "ver/<resource id>"  "": this resource's links are known to us (we created it, or we read its
//                        links once), so linking it to a new job needs no read-back first
//   "idx/tracker_watermark" Tracker's own newest lastupdated (UTC ISO): resources updated after it
//                        are not yet in "per/"
//   "idx/resources"      how many resources the last full read saw (cost estimates)
//   "pend/<kombo id>"    PendingRecord (JSON): an application not synced yet (job not mapped, or
//                        it failed) with the reason and how many consecutive runs it failed;
//                        retried at the start of every sync, never skipped by the checkpoint
//   "quar/<kombo id>"    PendingRecord of an application that failed the same way on
//                        quarantine_after_failures consecutive runs: not retried until its
//                        Workable data changes (remote_updated_at) or `sync --retry-quarantined`
//   "jobs/snapshot"      Tracker's opportunities as the job mapping needs them, with the time read
//                        (job_mapper.hpp): reused for job_mapping.refresh_seconds
//   "int/<kombo id>"     write intent, recorded BEFORE a Tracker create; its presence after a crash
//                        or a timeout means "read back before writing" (README "Exactly once")
//   "sint/<kombo id>"    status write intent {l: link, s: status, oc, st: the Workable side}:
//                        recorded before updateRecord; a run that finds it reads the link back
//                        and records the status only if Tracker shows it (intent_reconciler.hpp)
//   "cint/<resource id>" contact-note intent {t: note text, k: [tokens]}: recorded before
//                        createActivity; found later, the person's notes are read back
//   "dint/<attachment>"  document intent {r: resource, f: file name, z: size}: recorded before
//                        attachDocument; found later, the person's documents are read back
//   "doc/<attachment>"   the Tracker document id a Kombo CV attachment became, or "refused: why"
//   "pc/<resource id>"   JSON array of contact tokens (contact_plan.hpp) the person has in Tracker
//                        as far as the sync knows: a detail already there costs no request
// Data protection (sync/data_protection.hpp): "per/" and "nam/" keys are the host's keyed hashes
// ("per/e:h1.<43>"), never readable e-mails, phones or names, when the host offers identity_hash;
// "pend/", "quar/", "pc/", "cint/", "dint/" and refused "doc/" values are stored sealed
// (ATS_STATE_PUT_SECRET). "dp/sealed" marks a state whose older plain values were sealed once.
// Every completed application is committed in ONE atomic batch (app + link + per + ver, intent and
// pending removed), so a crash leaves either the intent or the finished record, never half.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ats_plugin.hpp"
#include "kombo/kombo_application.hpp"

namespace ats::tracker_workable {

struct AppRecord {
    std::string link_id;
    std::string resource_id;
    std::string opportunity_id;
    std::string status;             // Tracker status name the sync last wrote (or found and adopted)
    std::string outcome;            // Workable outcome when `status` was last decided
    std::string stage;              // Workable stage name when `status` was last decided
    std::string remote_updated_at;  // Kombo's remote_updated_at last processed
    std::string workable_id;        // Workable's application id (Kombo remote_id)
    bool documents_pending = false; // a CV of this application still has to be attached (retried)
};

std::string encode_app_record(const AppRecord &r);
AppRecord decode_app_record(std::string_view json);

// An application that is not (yet) in Tracker, as kept under "pend/" or "quar/". The combined
// applications.stream reports these so a Workable application is never silently missing.
struct PendingRecord {
    KomboApplication app;
    std::string reason;         // why it is not in Tracker ("job not mapped: ...", "error: ...")
    std::string kind;           // "unmapped_job" | "error" | "invalid" (refused input)
    int failures = 0;           // consecutive runs that failed with an error (0 for unmapped jobs)
    std::string last_failed_at; // ISO 8601 UTC of the last failure ("" if none)
    int64_t parked_at_ms = 0;   // host clock when first parked (retention); 0 = unknown (older form)
};
std::string encode_pending(const PendingRecord &r);
// Also reads the older form (the bare application JSON). Throws std::exception when unreadable.
PendingRecord decode_pending(std::string_view json);

namespace state_keys {
inline const std::string checkpoint = "cp";
// The newest `lastupdated` Tracker reported for a resource (ISO 8601 UTC through the tenant zone):
// the identity refresh asks for resources updated since it - Tracker's clock, never the host's.
inline const std::string index_watermark = "idx/tracker_watermark";
inline const std::string resource_count = "idx/resources"; // resources seen by the last full read
inline std::string app(const std::string &kombo_id) { return "app/" + kombo_id; }
inline std::string link(const std::string &link_id) { return "link/" + link_id; }
inline std::string person(const std::string &identity_key) { return "per/" + identity_key; }
inline std::string name(const std::string &name_key) { return "nam/" + name_key; }
inline std::string verified(const std::string &resource_id) { return "ver/" + resource_id; }
inline std::string pending(const std::string &kombo_id) { return "pend/" + kombo_id; }
inline std::string intent(const std::string &kombo_id) { return "int/" + kombo_id; }
inline std::string quarantined(const std::string &kombo_id) { return "quar/" + kombo_id; }
inline std::string status_intent(const std::string &kombo_id) { return "sint/" + kombo_id; }
inline std::string contact_intent(const std::string &resource_id) { return "cint/" + resource_id; }
inline std::string document_intent(const std::string &attachment_id) { return "dint/" + attachment_id; }
inline std::string document(const std::string &attachment_id) { return "doc/" + attachment_id; }
inline std::string person_contacts(const std::string &resource_id) { return "pc/" + resource_id; }
inline const std::string pending_prefix = "pend/";
inline const std::string quarantined_prefix = "quar/";
} // namespace state_keys

class SyncState {
public:
    explicit SyncState(ats::sdk::Host host) : host_(host) {}

    std::optional<int64_t> checkpoint() const;
    std::optional<AppRecord> app(const std::string &kombo_id) const;
    // Kombo and Workable ids of a Tracker link we created, or nullopt.
    std::optional<std::pair<std::string, std::string>> link_origin(const std::string &link_id) const;

    // All keys with a prefix (value included); the callback must not touch the store.
    void scan(const std::string &prefix,
              const std::function<void(std::string_view key, std::string_view value)> &fn) const;

    void apply(const ats::sdk::Host::Batch &b) const { host_.state_apply(b); }

private:
    ats::sdk::Host host_;
};

} // namespace ats::tracker_workable
