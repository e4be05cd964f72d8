// token_store.hpp - who may call the service: API tokens stored only as SHA-256 hashes.
//
// Tokens file (JSON):
//   {"admin": "<sha256 hex>",
//    "tenants": {"<tenant>": ["<sha256 hex>", ...]},
//    "kombo_webhook_secrets": {"<tenant>": {"env": "VAR"} | {"file": "/path"}}}   (optional)
// A token's hash is printed by `ats-host hash-token` (token on stdin). The file never holds a
// token, so reading it does not let anyone call the service.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace ats::serve {

struct Principal {
    bool admin = false;
    std::set<std::string> tenants; // tenants whose routes this token may call
    bool may_access(const std::string &tenant) const { return admin || tenants.count(tenant) > 0; }
};

class TokenStore {
public:
    // Throws std::runtime_error naming the file and the field at fault.
    static std::shared_ptr<const TokenStore> load(const std::string &path);

    // The principal of a bearer token, or nullopt for an unknown token.
    std::optional<Principal> authenticate(const std::string &token) const;

    // The resolved Kombo webhook signing secret of a tenant, or nullopt when none is configured.
    std::optional<std::string> kombo_webhook_secret(const std::string &tenant) const;

private:
    std::map<std::string, Principal> by_hash_;
    std::map<std::string, std::string> webhook_secrets_;
};

} // namespace ats::serve
