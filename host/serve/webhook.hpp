// webhook.hpp - Kombo's `data-changed` webhook: authenticity and shape.
//
// Kombo signs each delivery with an HMAC-SHA256 of the raw body under the endpoint's signing
// secret and sends it in `X-Kombo-Signature` (kombo-openapi.json, webhooks.data-changed). The
// reference material does not fix the digest's encoding, so the check accepts the three common
// ones - lower/upper hex, base64, base64url (optionally prefixed "sha256=") - each compared in
// constant time against the digest computed here. Nothing else about the body is trusted before
// the signature matched.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace ats::serve {

bool verify_kombo_signature(const std::string &secret, const std::string &body, const std::string &signature_header);

struct KomboWebhook {
    std::string id;
    std::string type;                       // "data-changed", ...
    std::string integration_id;
    std::vector<std::string> changed_models;
    bool triggers_sync = false;             // data-changed touching an ats_* model
    std::string ignore_reason;
};

// Throws std::invalid_argument naming the field at fault.
KomboWebhook parse_kombo_webhook(const std::string &body);

}  // namespace ats::serve
