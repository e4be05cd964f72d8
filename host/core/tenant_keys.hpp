// tenant_keys.hpp - the keys that protect one tenant's state.
//
//   sealing keys   AES-256-GCM keys for the values plugins mark secret (ATS_STATE_PUT_SECRET).
//                  The current one comes from manifest host.state_key (a secret reference); the
//                  ones it replaced from host.previous_state_keys. Without host.state_key the host
//                  generates <data-dir>/keys/<tenant>.key (32 random bytes as hex, mode 0600, in a
//                  0700 folder) on first use and logs a warning: secrets are never stored in plain
//                  text, and a copied state.sqlite alone opens nothing.
//   identity key   the per-tenant HMAC-SHA-256 key of identity_hash: 32 random bytes generated on
//                  first use and kept in the state file's host_kv table SEALED under the current
//                  sealing key. It never changes (hashes must stay stable so the sync finds known
//                  people); a sealing-key rotation re-encrypts it like every other sealed value.
// Opening a tenant with previous keys configured re-encrypts, in one transaction, every value not
// sealed by the current key. No key material is ever logged or put into an error.
#pragma once

#include "state_crypto.hpp"

#include <string>
#include <vector>

namespace ats::host {

class HostEnvironment;
struct TenantManifest;

struct TenantKeys {
    std::vector<SealingKey> sealing; // [0] = current, then the previous ones
    std::string identity_key;        // 32 raw bytes
    size_t resealed = 0;             // values re-encrypted by this open (rotation)
};

// Throws HostError(manifest) for an unreadable/short key reference, HostError(usage) for an
// unsafe keys folder, HostError(operation, ATS_ERR_CONFLICT) when the state holds a key sealed
// by a key that is not configured (the message says so, without key material).
TenantKeys load_tenant_keys(const TenantManifest &manifest, HostEnvironment &env);

} // namespace ats::host
