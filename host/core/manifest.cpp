#include "manifest.hpp"

#include "host_error.hpp"
#include "json_schema.hpp"
#include "plugin_registry.hpp"
#include "redactor.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace json = boost::json;
namespace fs = boost::filesystem;

namespace ats::host {
namespace {

[[noreturn]] void fail(const std::string &msg) { throw HostError(ErrorKind::manifest, ATS_ERR_INVALID_ARGUMENT, msg); }

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path + ": cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Parses JSON; on error names the line and column.
json::value parse_with_position(const std::string &text, const std::string &path) {
    json::stream_parser p;
    boost::system::error_code ec;
    size_t used = p.write_some(text.data(), text.size(), ec);
    if (!ec) p.finish(ec);
    if (ec) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < used && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else
                ++col;
        }
        fail(path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + ec.message());
    }
    return p.release();
}

const json::value &manifest_schema() {
    static const json::value schema = json::parse(tenant_manifest_schema_json());
    return schema;
}

std::string join_violations(const std::string &path, const std::vector<SchemaViolation> &vs) {
    std::string out;
    for (const auto &v : vs) out += (out.empty() ? "" : "; ") + path + ": " + v.path + ": " + v.message;
    return out;
}

bool is_secret_ref(const json::value &v) { return v.is_object() && v.get_object().contains("$secret"); }

std::string dotted(const std::vector<std::string> &keys) {
    std::string s = "provider_config";
    for (const auto &k : keys) s += "." + k;
    return s;
}

// Replaces every secret reference under `v` by its value.
void resolve_refs(json::value &v, const std::string &where, const TenantManifest &m, Redactor &redactor) {
    if (v.is_array()) {
        auto &a = v.get_array();
        for (size_t i = 0; i < a.size(); ++i) resolve_refs(a[i], where + "[" + std::to_string(i) + "]", m, redactor);
        return;
    }
    if (!v.is_object()) return;
    auto &o = v.get_object();
    if (!o.contains("$secret")) {
        for (auto &[k, child] : o) resolve_refs(child, where + "." + std::string(k), m, redactor);
        return;
    }
    const json::value &ref = o.at("$secret");
    if (o.size() != 1 || !ref.is_object() || ref.get_object().size() != 1)
        fail(m.path + ": " + where +
             ": a secret reference must be exactly {\"$secret\": {\"env\": NAME}} or {\"$secret\": {\"file\": PATH}}");
    const auto &r = ref.get_object();
    std::string value;
    if (auto *env = r.if_contains("env"); env && env->is_string()) {
        std::string name(env->get_string());
        const char *val = std::getenv(name.c_str());
        if (!val) fail(m.path + ": " + where + ": secret environment variable " + name + " is not set");
        value = val;
    } else if (auto *file = r.if_contains("file"); file && file->is_string()) {
        fs::path p(std::string(file->get_string()));
        if (p.is_relative()) p = fs::path(m.path).parent_path() / p;
        std::ifstream in(p.string(), std::ios::binary);
        if (!in) fail(m.path + ": " + where + ": secret file " + p.string() + " cannot be read");
        std::ostringstream ss;
        ss << in.rdbuf();
        value = ss.str();
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    } else {
        fail(m.path + ": " + where + ": a secret reference needs a string \"env\" or \"file\"");
    }
    if (value.empty()) fail(m.path + ": " + where + ": the secret resolves to an empty value");
    redactor.add(value);
    v = json::string(value);
}

// An integer key the schema already bounded; a number that still does not convert exactly (a
// schema without a maximum, 1e300) is this file's error, never an internal one.
int64_t integer_key(const json::object &o, std::string_view key, const std::string &path, const std::string &where) {
    boost::system::error_code ec;
    int64_t n = o.at(key).to_number<int64_t>(ec);
    if (ec) fail(path + ": " + where + std::string(key) + ": must be an integer within range");
    return n;
}

} // namespace

std::string resolve_secret_ref(const TenantManifest &manifest, const std::string &where, const json::value &ref,
                               Redactor &redactor) {
    if (!is_secret_ref(ref))
        fail(manifest.path + ": " + where +
             ": must be a secret reference {\"$secret\": {\"env\": NAME}} or {\"$secret\": {\"file\": PATH}}");
    json::value v = ref;
    resolve_refs(v, where, manifest, redactor);
    return std::string(v.get_string());
}

const TenantManifest *ManifestSet::find(const std::string &tenant_id) const {
    for (const auto &t : tenants)
        if (t.tenant_id == tenant_id) return &t;
    return nullptr;
}

TenantManifest load_manifest(const std::string &path) { return parse_manifest(read_file(path), path); }

TenantManifest parse_manifest(const std::string &text, const std::string &path) {
    json::value doc = parse_with_position(text, path);
    if (!doc.is_object()) fail(path + ": a tenant manifest must be a JSON object");
    // provider_config is validated later against the plugin schema; keep it raw (no defaults).
    json::value raw_config = doc.get_object().contains("provider_config") ? doc.at("provider_config") : json::value();
    auto violations = validate_and_apply_defaults(manifest_schema(), doc, "");
    if (!violations.empty()) fail(join_violations(path, violations));
    const auto &o = doc.get_object();
    TenantManifest m;
    m.path = path;
    m.tenant_id = std::string(o.at("tenant_id").get_string());
    m.provider = std::string(o.at("provider").get_string());
    if (auto *d = o.if_contains("display_name")) m.display_name = std::string(d->get_string());
    m.provider_config = raw_config.get_object();
    const auto &h = o.at("host").get_object();
    for (const auto &e : h.at("egress_allow").get_array()) m.host.egress_allow.emplace_back(e.get_string());
    m.host.max_concurrency = static_cast<int>(integer_key(h, "max_concurrency", path, "host."));
    m.host.http_timeout_ms = integer_key(h, "http_timeout_ms", path, "host.");
    if (auto *iso = h.if_contains("isolation"))
        m.host.isolation = std::string(iso->get_string()); // enum: checked by the schema
    const auto &r = h.at("retry").get_object();
    m.host.retry.max_attempts = static_cast<int>(integer_key(r, "max_attempts", path, "host.retry."));
    m.host.retry.max_wait_ms = integer_key(r, "max_wait_ms", path, "host.retry.");
    m.host.retry.base_delay_ms = integer_key(r, "base_delay_ms", path, "host.retry.");
    if (auto *k = h.if_contains("state_key")) m.host.state_key = *k;
    if (auto *p = h.if_contains("previous_state_keys"))
        for (const auto &k : p->get_array()) m.host.previous_state_keys.push_back(k);
    const auto &rl = h.at("rate_limit").get_object();
    m.host.rate.enabled = rl.at("enabled").as_bool();
    auto rate = [&](const char *key) { return rl.contains(key) ? rl.at(key).to_number<double>() : 0.0; };
    m.host.rate.ceiling_per_second = rate("ceiling_per_second");
    m.host.rate.floor_per_second = rate("floor_per_second");
    m.host.rate.fixed_per_second = rate("fixed_per_second");
    m.host.rate.interactive_share = rl.at("interactive_share").to_number<double>();
    m.host.rate.max_queue_ms = rl.at("max_queue_ms").to_number<int64_t>();
    if (m.host.rate.ceiling_per_second > 0 && m.host.rate.floor_per_second > m.host.rate.ceiling_per_second)
        fail(path + ": host.rate_limit: floor_per_second (" + std::to_string(m.host.rate.floor_per_second) +
             ") is above ceiling_per_second (" + std::to_string(m.host.rate.ceiling_per_second) + ")");
    if (m.host.rate.fixed_per_second > 0 && (rl.contains("ceiling_per_second") || rl.contains("floor_per_second")))
        fail(path + ": host.rate_limit: fixed_per_second excludes ceiling_per_second and floor_per_second");
    if (auto *s = o.if_contains("sync")) {
        const auto &so = s->get_object();
        if (so.contains("interval_seconds"))
            m.sync_interval_seconds = integer_key(so, "interval_seconds", path, "sync.");
        if (so.contains("full_every_seconds"))
            m.sync_full_every_seconds = integer_key(so, "full_every_seconds", path, "sync.");
        if (so.contains("history_runs")) m.sync_history_runs = integer_key(so, "history_runs", path, "sync.");
    }
    return m;
}

ManifestSet load_manifests(const std::string &dir) {
    ManifestSet set;
    boost::system::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        set.problems.push_back({dir, dir + ": manifests folder does not exist"});
        return set;
    }
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        auto ends = [&](const std::string &suffix) {
            return name.size() >= suffix.size() &&
                   name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends(".json") && !ends(".schema.json") && fs::is_regular_file(it->status()))
            files.push_back((fs::path(dir) / name).string());
    }
    std::sort(files.begin(), files.end());
    std::vector<TenantManifest> loaded;
    for (const auto &f : files) {
        try {
            loaded.push_back(load_manifest(f));
        } catch (const HostError &e) {
            set.problems.push_back({f, e.what()});
        } catch (const std::exception &e) {
            // A defect of ours on a strange file still costs only that file, and names it.
            set.problems.push_back({f, f + ": cannot be read as a manifest (" + e.what() + ")"});
        }
    }
    std::map<std::string, std::vector<std::string>> by_id;
    for (const auto &m : loaded) by_id[m.tenant_id].push_back(m.path);
    for (auto &m : loaded) {
        const auto &paths = by_id[m.tenant_id];
        if (paths.size() == 1) {
            set.tenants.push_back(std::move(m));
            continue;
        }
        std::string all;
        for (const auto &p : paths) all += (all.empty() ? "" : " and ") + p;
        set.problems.push_back(
            {m.path, m.path + ": tenant_id '" + m.tenant_id + "' is declared by " + all + "; neither is used"});
    }
    std::sort(set.tenants.begin(), set.tenants.end(),
              [](const auto &a, const auto &b) { return a.tenant_id < b.tenant_id; });
    return set;
}

std::string resolve_provider_config(const TenantManifest &m, const LoadedPlugin &plugin, Redactor &redactor) {
    json::value cfg = m.provider_config;
    // 1. fields the plugin marks secret must be references
    for (const auto &keys : secret_property_paths(plugin.config_schema())) {
        const json::value *v = &cfg;
        for (const auto &k : keys) {
            v = v->is_object() ? v->get_object().if_contains(k) : nullptr;
            if (!v) break;
        }
        if (v && !is_secret_ref(*v))
            fail(m.path + ": " + dotted(keys) + " is a secret of provider '" + plugin.provider() +
                 "' and must be a reference {\"$secret\": {\"env\": NAME}} or {\"$secret\": {\"file\": PATH}}, "
                 "never an inline value");
    }
    // 2. resolve every reference (registering the values for redaction)
    resolve_refs(cfg, "provider_config", m, redactor);
    // 3. the plugin's schema, with defaults
    auto violations = validate_and_apply_defaults(plugin.config_schema(), cfg, "provider_config");
    if (!violations.empty()) fail(redactor.redact(join_violations(m.path, violations)));
    return json::serialize(cfg);
}

} // namespace ats::host
