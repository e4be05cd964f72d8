#include "token_store.hpp"

#include "crypto.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ats::serve {
namespace json = boost::json;

namespace {

std::string read_file(const std::string &path, const std::string &what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(what + ": cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string checked_hash(const json::value &v, const std::string &path, const std::string &field) {
    if (!v.is_string()) throw std::runtime_error(path + ": " + field + " must be a string (sha256 hex)");
    std::string h(v.as_string());
    bool ok = h.size() == 64;
    for (char &c : h) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!std::isxdigit(static_cast<unsigned char>(c))) ok = false;
    }
    // A plain token pasted here instead of its hash would be a secret at rest: refuse it.
    if (!ok)
        throw std::runtime_error(path + ": " + field +
                                 " is not a 64-digit SHA-256 hex hash "
                                 "(store `ats-host hash-token` output, never the token)");
    return h;
}

} // namespace

std::shared_ptr<const TokenStore> TokenStore::load(const std::string &path) {
    auto store = std::make_shared<TokenStore>();
    json::value doc;
    try {
        doc = json::parse(read_file(path, "tokens file"));
    } catch (const std::system_error &e) {
        throw std::runtime_error(path + ": not valid JSON: " + e.what());
    }
    if (!doc.is_object()) throw std::runtime_error(path + ": the tokens file must be a JSON object");
    const auto &root = doc.as_object();
    for (const auto &kv : root) {
        if (kv.key() != "admin" && kv.key() != "tenants" && kv.key() != "kombo_webhook_secrets")
            throw std::runtime_error(path + ": unknown key \"" + std::string(kv.key()) + "\"");
    }
    if (auto *admin = root.if_contains("admin")) {
        store->by_hash_[checked_hash(*admin, path, "admin")].admin = true;
    }
    if (auto *tenants = root.if_contains("tenants")) {
        if (!tenants->is_object()) throw std::runtime_error(path + ": tenants must be an object");
        for (const auto &kv : tenants->as_object()) {
            std::string tenant(kv.key());
            std::string field = "tenants." + tenant;
            if (!kv.value().is_array()) throw std::runtime_error(path + ": " + field + " must be an array of hashes");
            size_t i = 0;
            for (const auto &h : kv.value().as_array())
                store->by_hash_[checked_hash(h, path, field + "[" + std::to_string(i++) + "]")].tenants.insert(tenant);
        }
    }
    if (auto *secrets = root.if_contains("kombo_webhook_secrets")) {
        if (!secrets->is_object()) throw std::runtime_error(path + ": kombo_webhook_secrets must be an object");
        for (const auto &kv : secrets->as_object()) {
            std::string field = "kombo_webhook_secrets." + std::string(kv.key());
            const auto *ref = kv.value().if_object();
            if (!ref) throw std::runtime_error(path + ": " + field + " must be {\"env\": NAME} or {\"file\": PATH}");
            std::string secret;
            if (auto *env = ref->if_contains("env"); env && env->is_string()) {
                const char *v = std::getenv(std::string(env->as_string()).c_str());
                if (!v || !*v)
                    throw std::runtime_error(path + ": " + field + ": environment variable " +
                                             std::string(env->as_string()) + " is not set");
                secret = v;
            } else if (auto *file = ref->if_contains("file"); file && file->is_string()) {
                secret = read_file(std::string(file->as_string()), field);
                while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
            } else {
                // Inline secrets are refused: the file names where the secret lives, never the secret.
                throw std::runtime_error(path + ": " + field + " must be {\"env\": NAME} or {\"file\": PATH}");
            }
            if (secret.empty()) throw std::runtime_error(path + ": " + field + ": the secret is empty");
            store->webhook_secrets_[std::string(kv.key())] = secret;
        }
    }
    return store;
}

std::optional<Principal> TokenStore::authenticate(const std::string &token) const {
    if (token.empty()) return std::nullopt;
    auto it = by_hash_.find(sha256_hex(token));
    if (it == by_hash_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> TokenStore::kombo_webhook_secret(const std::string &tenant) const {
    auto it = webhook_secrets_.find(tenant);
    if (it == webhook_secrets_.end()) return std::nullopt;
    return it->second;
}

} // namespace ats::serve
