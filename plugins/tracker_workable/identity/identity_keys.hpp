// identity_keys.hpp - the keys that say "this is the same person" (README, "Who is the same
// person").
//
// A key is a short string with a one-letter kind prefix:
//   "e:<email>"  normalised email (trimmed, NFC, simple lower-case: ats::shared::normalize_email);
//                an address that is not well-formed UTF-8 gives NO key
//   "p:<E.164>"  a phone parsed by libphonenumber in the tenant's region (IdentityRules::phone_region,
//   "p:<E.164>;ext=<digits>"   ats::shared::parse_phone), with its extension when it has one (a
//                switchboard's extensions are different people; a number without an extension keeps
//                the plain form, so keys stored before extensions counted stay valid). NO key for a
//                number that does not parse or is not valid, for oversized input (more than 250
//                characters or 30 digits, refused before libphonenumber), for a placeholder
//                ("1234567890", one digit repeated: ParsedPhone::placeholder), for a fictional
//                range unless IdentityRules::fictional_numbers_are_identities, and for a number on
//                IdentityRules::phone_deny_list. No key means it can never match anything.
//   "k:<id>"     the Kombo candidate id. Workable keeps one candidate per job, so this key only
//                re-finds the person of the same application (e.g. after the candidate changed
//                their email), never merges two jobs' candidates by itself.
//   "w:<id>"     the Workable candidate id (Kombo remote_id), which the sync also writes into the
//                Tracker resource's "Workable Candidate ID" custom field. It is how a person with
//                neither email nor phone is found again after a crash: reading Tracker back finds
//                the resource by this field. Same one-candidate-per-job scope as "k:".
// Names are never keys: a name-only match is reported, never merged (name_key() serves reporting).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/identity_rules.hpp"

namespace ats::tracker_workable {

struct PersonIdentity {
    std::vector<std::string> keys; // de-duplicated, strongest kinds first (k, w, e, p)
    std::string name_key;          // "first last" case-folded and trimmed; "" when no name
};

// Keys of a person given by raw fields as typed, under the tenant's identity rules.
PersonIdentity identity_of(const std::vector<std::string> &emails, const std::vector<std::string> &phones,
                           const std::string &kombo_candidate_id, const std::string &first_name,
                           const std::string &last_name, const IdentityRules &rules,
                           const std::string &workable_candidate_id = "");

// The "e:" key of one address as typed, or nullopt when it is not an identity.
std::optional<std::string> email_key(std::string_view raw);

// The "p:" key of one number as typed, or nullopt when it is not an identity under `rules`.
std::optional<std::string> phone_key(std::string_view raw, const IdentityRules &rules);

// The stored form of a key under `rules.key_hasher`: "<kind>:" + hash of the whole key
// ("e:h1.<43 chars>"); the key itself when there is no hasher or it is already protected.
// identity_of() returns protected keys and a hashed name_key whenever rules.key_hasher is set.
std::string protected_key(const std::string &key, const IdentityRules &rules);
bool is_protected_key(std::string_view key);

// The kind letter of a key ('k', 'w', 'e' or 'p').
inline char key_kind(std::string_view key) { return key.empty() ? '?' : key[0]; }

// "first last" lower-cased with inner whitespace collapsed; "" when both are blank.
std::string name_key(const std::string &first_name, const std::string &last_name);

} // namespace ats::tracker_workable
