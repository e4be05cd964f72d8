// data_protection.hpp - what the hybrid provider does so the host's state holds as little
// personal data as it can, for as short as it can, and can forget a person on request.
//
//   protect_existing_state  a state written before identity keys were hashed: every readable
//                           "per/<key>" and "nam/<name>" is re-keyed to its keyed hash, and the
//                           values holding personal data ("pend/", "quar/", "pc/", "cint/",
//                           "dint/", "doc/") are re-stored sealed - all in ONE transaction, so a crash
//                           leaves the old state or the new one, never both halves. Deterministic
//                           hashing means re-keyed entries are exactly what the sync will look
//                           for: no person is created twice. Runs at the start of each sync and
//                           of forget; a no-op once done (marker "dp/sealed").
//   expire_parked           retention: pending / quarantined records first parked more than the
//                           configured days ago (host clock) are dropped.
//   forget_person           erasure of one person (see ForgetCounts for what is removed).
#pragma once

#include <cstdint>
#include <string>

#include "ats_plugin.hpp"
#include "sync/sync_config.hpp"

namespace ats::tracker_workable {

struct ProtectCounts {
    int64_t keys_hashed = 0, values_sealed = 0;
};
ProtectCounts protect_existing_state(const ats::sdk::Host &host, const IdentityRules &rules);

struct ExpiryCounts {
    int64_t pending = 0, quarantined = 0;
};
ExpiryCounts expire_parked(const ats::sdk::Host &host, const SyncConfig &cfg, int64_t now_ms);

// Exactly one field is set.
struct ForgetRequest {
    std::string email, phone, workable_candidate_id, tracker_resource_id;
};

// What forget removed (counts only: the result never names the person).
struct ForgetCounts {
    int64_t people = 0;        // Tracker resources whose records were removed
    int64_t identity_keys = 0; // "per/" and "nam/" entries
    int64_t id_maps = 0;       // "app/", "link/", "ver/", "pc/" entries
    int64_t pending = 0, quarantined = 0;
    int64_t intents = 0; // "int/", "sint/", "cint/", "dint/"
    int64_t total() const { return identity_keys + id_maps + pending + quarantined + intents; }
};

// Removes, in one transaction, every state entry about the person: identity keys pointing at
// their Tracker resource(s), the resource's id maps, the applications (synced, pending,
// quarantined) whose e-mail/phone/candidate matches, and the intents of those. Then forgets the
// identity watermark, so the next sync re-reads Tracker's people and finds them there again
// (Tracker stays the system of record; nothing is written upstream). Idempotent. Throws
// ats::sdk::Error(INVALID_ARGUMENT) for an e-mail/phone that is not an identity under the rules.
ForgetCounts forget_person(const ats::sdk::Host &host, const SyncConfig &cfg, const ForgetRequest &req);

} // namespace ats::tracker_workable
