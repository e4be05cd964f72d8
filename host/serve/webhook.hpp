// webhook.hpp - Kombo's `data-changed` webhook: authenticity and shape.
//
// Kombo signs each delivery with an HMAC-SHA256 under the endpoint's signing secret and sends it
// in `X-Kombo-Signature` (kombo-openapi.json, webhooks.data-changed). Kombo's documentation does
// not fix the digest's encoding, so the check accepts the three common ones - lower/upper hex,
// base64, base64url (optionally prefixed "sha256=") - each compared in constant time against the
// digest computed here. Nothing else about the body is trusted before the signature matched.
//
// ASSUMPTION (the one place it is made): Kombo's documented payload carries an event `id` but the
// reference names no timestamp header. A signature over the body alone can be replayed forever,
// so this service requires the smallest consistent extension: a header `X-Kombo-Timestamp`
// (Unix seconds) and the signature computed over "<timestamp>.<raw body>". Deliveries older or
// newer than the tolerance are refused, and the event `id` is remembered so a replay inside the
// tolerance is refused too. Should Kombo's real scheme differ, only signed_payload() and the
// header name change.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ats::host {
class Tenant;
}

namespace ats::serve {

inline constexpr const char *kKomboTimestampHeader = "x-kombo-timestamp";

// What the signature covers: "<timestamp>.<body>".
std::string signed_payload(const std::string &timestamp, const std::string &body);

bool verify_kombo_signature(const std::string &secret, const std::string &signed_payload,
                            const std::string &signature_header);

// The timestamp header as Unix seconds, or nullopt when it is not a plain decimal number.
std::optional<int64_t> parse_webhook_timestamp(const std::string &header);

struct KomboWebhook {
    std::string id;
    std::string type; // "data-changed", ...
    std::string integration_id;
    std::vector<std::string> changed_models;
    bool triggers_sync = false; // data-changed touching an ats_* model
    std::string ignore_reason;
};

// Throws std::invalid_argument naming the field at fault.
KomboWebhook parse_kombo_webhook(const std::string &body);

// Remembers a webhook event id in the tenant's durable state; false when it was already there
// (a replay). Ids first seen before `forget_before_unix` are dropped (their deliveries are past
// the timestamp tolerance anyway), and at most a bounded number are kept. Throws when the state
// cannot be read or written.
bool remember_webhook_event(ats::host::Tenant &tenant, const std::string &event_id, int64_t now_unix,
                            int64_t forget_before_unix);

} // namespace ats::serve
