#include "webhook.hpp"

#include "crypto.hpp"
#include "host_environment.hpp"
#include "lock_manager.hpp"
#include "state_store.hpp"
#include "tenant.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace ats::serve {
namespace json = boost::json;

std::string signed_payload(const std::string &timestamp, const std::string &body) { return timestamp + "." + body; }

std::optional<int64_t> parse_webhook_timestamp(const std::string &header) {
    if (header.empty() || header.size() > 12) return std::nullopt;
    int64_t v = 0;
    for (char c : header) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool verify_kombo_signature(const std::string &secret, const std::string &body, const std::string &signature_header) {
    if (secret.empty() || signature_header.empty()) return false;
    std::string given = signature_header;
    if (given.rfind("sha256=", 0) == 0) given = given.substr(7);
    std::string digest = hmac_sha256_raw(secret, body);
    std::string hex = to_hex(digest);
    std::string given_lower = given;
    for (char &c : given_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Evaluate every candidate (no short-circuit) so timing does not reveal which format matched.
    bool ok = false;
    ok |= constant_time_equal(given_lower, hex);
    ok |= constant_time_equal(given, base64_encode(digest));
    ok |= constant_time_equal(given, base64url_encode(digest));
    return ok;
}

KomboWebhook parse_kombo_webhook(const std::string &body) {
    boost::system::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec) throw std::invalid_argument("webhook body is not valid JSON: " + ec.message());
    if (!doc.is_object()) throw std::invalid_argument("webhook body must be a JSON object");
    const auto &root = doc.as_object();
    KomboWebhook hook;
    auto *type = root.if_contains("type");
    if (!type || !type->is_string() || type->as_string().empty())
        throw std::invalid_argument("webhook field \"type\" must be a non-empty string");
    hook.type = std::string(type->as_string());
    if (auto *id = root.if_contains("id"); id && id->is_string()) hook.id = std::string(id->as_string());
    auto *data = root.if_contains("data");
    if (!data || !data->is_object()) throw std::invalid_argument("webhook field \"data\" must be an object");
    if (hook.type != "data-changed") {
        hook.ignore_reason = "webhook type \"" + hook.type + "\" does not trigger a sync";
        return hook;
    }
    const auto &d = data->as_object();
    auto *integration = d.if_contains("integration_id");
    if (!integration || !integration->is_string())
        throw std::invalid_argument("webhook field \"data.integration_id\" must be a string");
    hook.integration_id = std::string(integration->as_string());
    auto *models = d.if_contains("changed_models");
    if (!models || !models->is_array())
        throw std::invalid_argument("webhook field \"data.changed_models\" must be an array");
    size_t i = 0;
    for (const auto &m : models->as_array()) {
        const auto *obj = m.if_object();
        const json::value *name = obj ? obj->if_contains("name") : nullptr;
        if (!name || !name->is_string())
            throw std::invalid_argument("webhook field \"data.changed_models[" + std::to_string(i) +
                                        "].name\" must be a string");
        hook.changed_models.emplace_back(name->as_string());
        ++i;
    }
    for (const auto &name : hook.changed_models)
        if (name.rfind("ats_", 0) == 0) hook.triggers_sync = true;
    if (!hook.triggers_sync) hook.ignore_reason = "no ATS model changed";
    return hook;
}

bool remember_webhook_event(ats::host::Tenant &tenant, const std::string &event_id, int64_t now_unix,
                            int64_t forget_before_unix) {
    // The service's own rows, beside the tenant's: '#' cannot occur in a tenant id, so the
    // plugin (which sees only its tenant's rows) never meets them.
    const std::string owner = tenant.id() + "#serve";
    const std::string prefix = "webhook_event/";
    // Check-then-insert must not race with a concurrent redelivery, in this process (the
    // mutex) or in another instance sharing the state (the lock: a lease on a shared store).
    static std::mutex mu;
    std::lock_guard<std::mutex> lock(mu);
    auto held = tenant.environment().locks().acquire(owner, "webhook-events", 10000);
    auto &store = tenant.environment().state();
    std::string seen;
    if (store.get(owner, prefix + event_id, seen)) return false;
    std::vector<std::pair<int64_t, std::string>> kept;
    std::vector<ats::host::StateOp> ops;
    store.scan(owner, prefix, [&](const std::string &key, const std::string &value) {
        int64_t at = std::atoll(value.c_str());
        if (at < forget_before_unix)
            ops.push_back({true, key, ""});
        else
            kept.emplace_back(at, key);
        return true;
    });
    // Bounded: beyond kMaxWebhookEvents the oldest go first.
    constexpr size_t kMaxWebhookEvents = 10000;
    if (kept.size() >= kMaxWebhookEvents) {
        std::sort(kept.begin(), kept.end());
        for (size_t i = 0; i + kMaxWebhookEvents <= kept.size(); ++i) ops.push_back({true, kept[i].second, ""});
    }
    ops.push_back({false, prefix + event_id, std::to_string(now_unix)});
    store.apply(owner, ops);
    return true;
}

} // namespace ats::serve
