#include "serve_app.hpp"

#include "api_error.hpp"
#include "console_page.hpp"
#include "ats_plugin.h"
#include "crypto.hpp"
#include "event_log.hpp"
#include "host_environment.hpp"
#include "lock_manager.hpp"
#include "metrics.hpp"
#include "provider_json.hpp"
#include "record_sinks.hpp"
#include "operation_support.hpp"
#include "operations.hpp"
#include "readiness.hpp"
#include "serve_state.hpp"
#include "sync_history.hpp"
#include "sync_scheduler.hpp"
#include "token_store.hpp"
#include "webhook.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <map>
#include <set>

namespace ats::serve {
namespace json = boost::json;

namespace {

std::string prometheus_label(const std::string &v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n')
            out += "\\n";
        else
            out.push_back(c);
    }
    return out;
}

// Which instance holds which tenant's leases, read from the state at scrape time (rendered apart
// from Metrics: a lease that ended must disappear, not stay at its last value). Label values are
// bounded: tenants of the manifests, the provider's lock names, the instances sharing the state.
std::string lease_metrics(const ats::host::TenantSet &tenants) {
    std::string out =
        "# HELP ats_lease_held Leases held now (by any instance sharing the state): tenant, lock, holder\n"
        "# TYPE ats_lease_held gauge\n";
    std::string expiry =
        "# HELP ats_lease_expires_in_seconds Time left on a held lease before another instance may take it\n"
        "# TYPE ats_lease_expires_in_seconds gauge\n";
    std::string me;
    for (const auto &[id, tenant] : tenants.tenants) {
        auto &env = tenant->environment();
        std::vector<ats::host::LeaseInfo> leases;
        try {
            leases = env.state().leases_active();
            if (me.empty()) me = env.locks().holder();
        } catch (const std::exception &) {
            continue; // the state is unreachable: /readyz reports it; the scrape still answers
        }
        const int64_t now = env.now_unix_ms();
        for (const auto &l : leases) {
            if (l.tenant != id) continue;
            std::string labels = "{tenant=\"" + prometheus_label(id) + "\",lock=\"" + prometheus_label(l.name) +
                                 "\",holder=\"" + prometheus_label(l.holder) + "\"}";
            out += "ats_lease_held" + labels + " 1\n";
            expiry += "ats_lease_expires_in_seconds" + labels + " " +
                      std::to_string(std::max<int64_t>(0, l.expires_unix_ms - now) / 1000.0) + "\n";
        }
    }
    out += expiry;
    if (!me.empty())
        out += "# HELP ats_instance_info This instance, as lease holders name it\n# TYPE ats_instance_info gauge\n"
               "ats_instance_info{instance=\"" +
               prometheus_label(me) + "\"} 1\n";
    return out;
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The tenant's runs, newest first: the durable history plus the runs this process knows that it
// does not hold yet (running ones), at most `last`.
std::vector<json::object> merged_runs(ats::host::Tenant &tenant, const std::vector<SyncRun> &in_memory, size_t last) {
    std::vector<json::object> out = tenant.sync_history().last(last);
    std::set<std::string> known;
    for (const auto &r : out)
        if (const auto *id = r.if_contains("id"); id && id->is_string()) known.insert(std::string(id->get_string()));
    for (const auto &r : in_memory)
        if (!known.count(r.id)) out.push_back(r.to_json());
    // Run ids start with the start time in ms (SyncHistory::new_run_id): newest first by id.
    auto id_of = [](const json::object &r) {
        const auto *v = r.if_contains("id");
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const json::object &a, const json::object &b) { return id_of(a) > id_of(b); });
    if (out.size() > last) out.resize(last);
    return out;
}
// The tenant's capabilities: its provider as host::provider_json renders it, and the tenant.
json::object capabilities_json(const ats::host::Tenant &tenant) {
    json::object o = ats::host::provider_json(*tenant.plugin());
    o["tenant_id"] = tenant.id();
    return o;
}
} // namespace

ats::host::CallOptions call_options(const HttpRequest &req, ResponseWriter &w) {
    ats::host::CallOptions options;
    options.request_id = req.request_id;
    options.cancelled = [&w] { return w.cancelled(); };
    return options;
}

ServeApp::ServeApp(ServeState &state, SyncScheduler &syncs, Readiness &readiness, Metrics &metrics, EventLog &log,
                   std::string openapi_json)
    : state_(state), syncs_(syncs), readiness_(readiness), metrics_(metrics), log_(log),
      openapi_json_(std::move(openapi_json)) {
    metrics_.describe("ats_http_requests_total", "HTTP requests answered, by route pattern, method and status",
                      "counter");
    metrics_.describe("ats_http_request_duration_seconds", "HTTP request latency by route pattern", "histogram");
    metrics_.describe("ats_provider_calls_total", "Provider operation calls by provider, operation and outcome",
                      "counter");
    metrics_.describe("ats_provider_call_duration_seconds", "Provider operation latency", "histogram");
    metrics_.describe("ats_sync_runs_total", "Sync runs by tenant, trigger and final status", "counter");
    metrics_.describe("ats_sync_duration_seconds", "Sync run duration by tenant", "histogram");
    metrics_.describe("ats_serve_open_connections", "Open client connections", "gauge");
    metrics_.describe("ats_serve_rejected_requests_total", "Requests refused before routing (limits, malformed)",
                      "counter");
    metrics_.describe("ats_serve_reloads_total", "Configuration reloads by outcome", "counter");
    metrics_.describe("ats_serve_config_generation", "Configuration generation now serving", "gauge");
    metrics_.describe("ats_upstream_requests_total",
                      "Upstream HTTP attempts by tenant, provider and response status (retries included)", "counter");
    metrics_.describe("ats_upstream_retries_total", "Upstream attempts after the first (host retry policy)", "counter");
    metrics_.describe("ats_upstream_rate_limit_waits_total", "Upstream retries that waited out an HTTP 429", "counter");
    metrics_.describe("ats_upstream_retry_wait_seconds_total", "Time spent waiting between upstream attempts",
                      "counter");
    metrics_.describe("ats_plugin_worker_crashes_total",
                      "Plugin worker processes that died (crash) by tenant and provider", "counter");
    metrics_.describe("ats_plugin_worker_timeouts_total",
                      "Plugin worker processes killed because a call overran its deadline", "counter");
    metrics_.describe("ats_plugin_worker_restarts_total", "Plugin worker processes started after the first", "counter");
    metrics_.describe("ats_plugin_worker_crash_loop",
                      "1 while a tenant's plugin worker is in a crash loop (3+ crashes in a row)", "gauge");
    metrics_.describe("ats_upstream_pace_wait_seconds_total",
                      "Time upstream requests waited for their rate controller's token", "counter");
    metrics_.describe(
        "ats_upstream_rate_per_second",
        "The rate the host paces requests to this upstream at (learned or configured; 0 = not known yet, not pacing)",
        "gauge");
    metrics_.describe("ats_upstream_rate_queue",
                      "Requests waiting for a token of this upstream's rate controller, by class (interactive = serve "
                      "calls, background = sync)",
                      "gauge");
    metrics_.describe("ats_upstream_429_received_total", "Upstream answers 429 (rate limited)", "counter");
    metrics_.describe(
        "ats_upstream_429_avoided_total",
        "Upstream requests the rate controller held back until a token was free instead of sending them at once",
        "counter");
    metrics_.describe("ats_webhooks_total", "Kombo webhooks received, by outcome", "counter");
    metrics_.set("ats_serve_config_generation", {}, 1);
    add_service_routes();
    add_operation_routes();
    add_kombo_routes();
}

Principal ServeApp::authenticate(const HttpRequest &req) const {
    std::string auth = req.header("authorization");
    if (auth.empty()) throw ApiError(401, "unauthenticated", "missing Authorization: Bearer token");
    // The scheme is case-insensitive (RFC 9110 11.1): "bearer", "BEARER" are "Bearer".
    size_t space = auth.find(' ');
    std::string scheme = auth.substr(0, space);
    for (char &c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t token_at = space == std::string::npos ? std::string::npos : auth.find_first_not_of(' ', space);
    if (scheme != "bearer" || token_at == std::string::npos)
        throw ApiError(401, "unauthenticated", "the Authorization header must be \"Bearer <token>\"");
    auto principal = state_.tokens()->authenticate(auth.substr(token_at));
    if (!principal) throw ApiError(401, "invalid_token", "the bearer token is not valid");
    return *principal;
}

void ServeApp::require_admin(const HttpRequest &req) const {
    if (!authenticate(req).admin) throw ApiError(403, "forbidden", "this route needs the admin token");
}

std::shared_ptr<ats::host::Tenant> ServeApp::tenant_for(const HttpRequest &req, const PathParams &params) const {
    const std::string &tenant = params.at("tenant");
    auto principal = authenticate(req);
    // Refuse before looking the tenant up, so a token cannot learn which other tenants exist.
    if (!principal.may_access(tenant))
        throw ApiError(403, "forbidden", "this token may not access tenant \"" + tenant + "\"");
    auto runtime = state_.tenants()->find(tenant);
    if (!runtime) throw ApiError(404, "tenant_not_found", "no tenant \"" + tenant + "\" is configured");
    return runtime;
}

void ServeApp::add_service_routes() {
    router_.add("GET", "/healthz", [this](const HttpRequest &, const PathParams &, ResponseWriter &w) {
        if (shutting_down_)
            w.send(503, "application/json", "{\"status\":\"shutting_down\"}\n");
        else
            w.send(200, "application/json", "{\"status\":\"ok\"}\n");
    });
    router_.add("GET", "/readyz", [this](const HttpRequest &, const PathParams &, ResponseWriter &w) {
        auto report = readiness_.report();
        bool ready = report["ready"].as_bool() && !shutting_down_;
        report["ready"] = ready;
        w.send(ready ? 200 : 503, "application/json", json::serialize(report) + "\n");
    });
    router_.add("GET", "/openapi.json", [this](const HttpRequest &, const PathParams &, ResponseWriter &w) {
        w.send(200, "application/json", openapi_json_);
    });
    router_.add("GET", "/metrics", [this](const HttpRequest &req, const PathParams &, ResponseWriter &w) {
        require_admin(req);
        // Upstream totals live in each tenant's instance; read them at scrape time. They restart
        // from zero when a reload creates new instances (a counter reset, which Prometheus expects).
        auto tenants = state_.tenants();
        for (const auto &[id, runtime] : tenants->tenants) {
            const std::string &provider = runtime->plugin()->provider();
            auto up = runtime->upstream_stats();
            for (const auto &[status, count] : up.responses)
                metrics_.set("ats_upstream_requests_total",
                             {{"tenant", id},
                              {"provider", provider},
                              {"status", status ? std::to_string(status) : "transport_error"}},
                             static_cast<double>(count));
            Labels labels{{"tenant", id}, {"provider", provider}};
            metrics_.set("ats_upstream_retries_total", labels, static_cast<double>(up.retries));
            metrics_.set("ats_upstream_rate_limit_waits_total", labels, static_cast<double>(up.rate_limit_waits));
            metrics_.set("ats_upstream_retry_wait_seconds_total", labels,
                         static_cast<double>(up.retry_wait_ms) / 1000.0);
            auto iso = runtime->isolation_status();
            if (iso.isolated) {
                metrics_.set("ats_plugin_worker_crashes_total", labels, static_cast<double>(iso.crashes));
                metrics_.set("ats_plugin_worker_timeouts_total", labels, static_cast<double>(iso.timeouts));
                metrics_.set("ats_plugin_worker_restarts_total", labels,
                             static_cast<double>(iso.starts ? iso.starts - 1 : 0));
                metrics_.set("ats_plugin_worker_crash_loop", labels, iso.crash_loop ? 1.0 : 0.0);
            }
            metrics_.set("ats_upstream_pace_wait_seconds_total", labels, static_cast<double>(up.pace_wait_ms) / 1000.0);
            for (const auto &e : runtime->rate_controllers()) {
                const auto &p = e.snapshot;
                Labels pl{{"tenant", id}, {"provider", provider}, {"upstream", e.upstream}};
                metrics_.set("ats_upstream_rate_per_second", pl, p.rate_per_second);
                // Instances sharing the account's rate (PostgreSQL state), and this one's part of it.
                metrics_.set("ats_upstream_rate_instances", pl, p.instances);
                metrics_.set("ats_upstream_rate_share", pl, p.share);
                metrics_.set("ats_upstream_429_received_total", pl, static_cast<double>(p.received_429));
                metrics_.set("ats_upstream_429_avoided_total", pl, static_cast<double>(p.paced));
                auto queue = [&](const char *cls, int n) {
                    Labels ql = pl;
                    ql.emplace_back("class", cls);
                    metrics_.set("ats_upstream_rate_queue", ql, n);
                };
                queue("interactive", p.queued_interactive);
                queue("background", p.queued - p.queued_interactive);
            }
        }
        w.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render() + lease_metrics(*tenants));
    });
    router_.add("GET", "/v1/providers", [this](const HttpRequest &req, const PathParams &, ResponseWriter &w) {
        authenticate(req);
        json::array providers;
        for (const auto &plugin : state_.tenants()->registry->plugins())
            providers.push_back(ats::host::provider_json(*plugin));
        json::object body{{"providers", std::move(providers)}};
        w.send(200, "application/json", json::serialize(body) + "\n");
    });
    router_.add("GET", "/console", [this](const HttpRequest &req, const PathParams &, ResponseWriter &w) {
        // A browser sends the token as the Basic password after the 401 below; programs may send
        // it as a Bearer token. Either way the principal decides what the page shows.
        const std::string auth = req.header("authorization");
        std::string token = basic_auth_password(auth);
        if (token.empty() && auth.size() > 7) {
            std::string scheme = auth.substr(0, 7);
            for (char &c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (scheme == "bearer ") token = auth.substr(7);
        }
        std::optional<Principal> principal;
        if (!token.empty()) principal = state_.tokens()->authenticate(token);
        if (!principal) {
            w.send(
                401, "text/html; charset=utf-8",
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ats-host console</title></head>"
                "<body><p>The console needs the admin token or a tenant token, given as the "
                "password.</p></body></html>\n",
                {{"WWW-Authenticate", "Basic realm=\"ats-host console\", charset=\"UTF-8\""},
                 {"Cache-Control", "no-store"}});
            return;
        }
        auto tenants = state_.tenants();
        std::map<std::string, json::object> checks;
        auto report = readiness_.report();
        if (const auto *ts = report.if_contains("tenants"); ts && ts->is_array())
            for (const auto &t : ts->get_array())
                if (t.is_object()) checks[std::string(t.at("tenant_id").as_string())] = t.get_object();
        ConsoleView view;
        view.generated_at = utc_now_iso8601();
        if (principal->admin)
            view.viewer = "admin token";
        else {
            view.viewer = "tenant token (";
            for (const auto &t : principal->tenants) view.viewer += (view.viewer.back() == '(' ? "" : ", ") + t;
            view.viewer += ")";
        }
        for (const auto &[id, runtime] : tenants->tenants) {
            if (!principal->may_access(id)) continue;
            ConsoleTenant t;
            t.tenant_id = id;
            t.provider = runtime->plugin()->provider();
            t.plugin_version = runtime->plugin()->plugin_version();
            t.readiness = "not checked yet";
            if (auto c = checks.find(id); c != checks.end()) {
                const auto *check = c->second.if_contains("check");
                if (check && check->is_object()) {
                    t.ready = check->at("ok").as_bool();
                    t.readiness = t.ready ? "ready (checked " + std::string(check->at("at").as_string()) + ")"
                                          : "check failed: " + (check->at("error").is_string()
                                                                    ? std::string(check->at("error").as_string())
                                                                    : std::string("?"));
                }
            }
            t.runs = merged_runs(*runtime, syncs_.runs(id), 10);
            t.capabilities = capabilities_json(*runtime);
            view.tenants.push_back(std::move(t));
        }
        w.send(200, "text/html; charset=utf-8", render_console(view),
               {{"Cache-Control", "no-store"},
                {"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"},
                {"X-Content-Type-Options", "nosniff"}});
    });
    router_.add("GET", "/v1/tenants", [this](const HttpRequest &req, const PathParams &, ResponseWriter &w) {
        auto principal = authenticate(req);
        json::array tenants;
        for (const auto &[id, runtime] : state_.tenants()->tenants) {
            if (!principal.may_access(id)) continue;
            tenants.push_back(json::object{{"tenant_id", id}, {"provider", runtime->plugin()->provider()}});
        }
        w.send(200, "application/json", json::serialize(json::object{{"tenants", std::move(tenants)}}) + "\n");
    });
    router_.add("GET", "/v1/tenants/{tenant}/capabilities",
                [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                    auto runtime = tenant_for(req, params);
                    w.send(200, "application/json", json::serialize(capabilities_json(*runtime)) + "\n",
                           {{"X-Ats-Provider", runtime->plugin()->provider()}});
                });
    router_.add(
        "POST", "/v1/tenants/{tenant}/sync",
        [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
            auto runtime = tenant_for(req, params);
            require_supported(*runtime, ATS_OP_SYNC);
            bool full = false, retry_quarantined = false, dry_run = false;
            if (!req.body.empty()) {
                boost::system::error_code ec;
                auto body = json::parse(req.body, ec);
                if (ec || !body.is_object())
                    throw ApiError(400, "invalid_json",
                                   "the request body must be a JSON object like {\"full\": false}");
                for (auto [name, into] : {std::pair<const char *, bool *>{"full", &full},
                                          {"retry_quarantined", &retry_quarantined},
                                          {"dry_run", &dry_run}})
                    if (auto *f = body.as_object().if_contains(name)) {
                        if (!f->is_bool())
                            throw ApiError(400, "invalid_argument", std::string("\"") + name + "\" must be a boolean");
                        *into = f->as_bool();
                    }
            }
            if (dry_run) { // the plan, answered at once: nothing is written, so no run is recorded
                if (auto refusal = ats::host::dry_run_not_supported(runtime->plugin()->provider(),
                                                                    runtime->plugin()->abi_version().minor))
                    throw ApiError(501, "not_supported", std::move(*refusal));
                SingleRecord plan;
                json::object args{{"full", full}, {"dry_run", true}};
                if (retry_quarantined) args["retry_quarantined"] = true;
                SyncRun run; // for the history: a dry run is a run too
                run.started_ms = wall_ms();
                run.id = ats::host::SyncHistory::new_run_id(run.started_ms);
                run.started_at = utc_now_iso8601();
                auto outcome = runtime->invoke(ATS_OP_SYNC, json::serialize(args), plan.sink(), call_options(req, w));
                run.tenant_id = runtime->id();
                run.provider = runtime->plugin()->provider();
                run.trigger = "api";
                run.request_id = req.request_id;
                run.full = full;
                run.retry_quarantined = retry_quarantined;
                run.dry_run = true;
                run.finished_ms = wall_ms();
                run.finished_at = utc_now_iso8601();
                run.status = outcome.status == ATS_OK && !plan.record.empty() ? "succeeded" : "failed";
                if (outcome.status != ATS_OK) {
                    run.error_code = code_for_abi(outcome.status);
                    run.error_message = outcome.message;
                } else if (plan.record.empty()) {
                    run.error_code = "invalid_provider_output";
                    run.error_message = "sync dry run returned no plan";
                } else {
                    boost::system::error_code pec;
                    run.summary = json::parse(plan.record, pec);
                    if (pec) run.summary = nullptr;
                }
                record_in_history(*runtime, run, log_);
                throw_if_failed(outcome, "sync dry run");
                if (plan.record.empty())
                    throw ApiError(502, "invalid_provider_output", "sync dry run returned no plan");
                w.send(200, "application/json", plan.record + "\n",
                       {{"X-Ats-Provider", runtime->plugin()->provider()}});
                return;
            }
            auto [started, run] = syncs_.trigger(runtime, "api", full, req.request_id, retry_quarantined);
            if (started != SyncScheduler::Start::started) {
                if (run.error_code == "shutting_down")
                    throw ApiError(503, "shutting_down", "the service is shutting down");
                throw ApiError(409, "sync_running",
                               "sync run " + run.id + " of tenant \"" + run.tenant_id + "\" is still running");
            }
            w.send(202, "application/json", json::serialize(json::object{{"run", run.to_json()}}) + "\n");
        });
    router_.add("GET", "/v1/tenants/{tenant}/sync",
                [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                    auto runtime = tenant_for(req, params);
                    size_t last = 20;
                    if (req.has_query("last")) {
                        const std::string v = req.query_param("last");
                        char *end = nullptr;
                        long n = std::strtol(v.c_str(), &end, 10);
                        if (v.empty() || *end != '\0' || n < 1 || n > 10000)
                            throw ApiError(400, "invalid_argument",
                                           "query parameter \"last\" must be an integer from 1 to 10000");
                        last = static_cast<size_t>(n);
                    }
                    json::array runs;
                    for (auto &run : merged_runs(*runtime, syncs_.runs(runtime->id()), last))
                        runs.push_back(std::move(run));
                    w.send(200, "application/json",
                           json::serialize(
                               json::object{{"runs", std::move(runs)}, {"schedule", syncs_.schedule_json(runtime)}}) +
                               "\n");
                });
    router_.add("GET", "/v1/tenants/{tenant}/sync/{run}",
                [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
                    auto runtime = tenant_for(req, params);
                    const std::string &id = params.at("run");
                    // The durable history first: a run is written there before this process marks
                    // it finished in memory, so between the two the history already tells the end.
                    std::optional<json::object> run = runtime->sync_history().find(id);
                    if (!run)
                        for (const auto &r : syncs_.runs(runtime->id()))
                            if (r.id == id && r.status == "running") run = r.to_json();
                    if (!run)
                        throw ApiError(404, "run_not_found",
                                       "tenant \"" + runtime->id() + "\" has no sync run \"" + id + "\"");
                    w.send(200, "application/json", json::serialize(json::object{{"run", std::move(*run)}}) + "\n");
                });
    router_.add(
        "POST", "/v1/tenants/{tenant}/webhooks/kombo",
        [this](const HttpRequest &req, const PathParams &params, ResponseWriter &w) {
            const std::string &tenant = params.at("tenant");
            auto secret = state_.tokens()->kombo_webhook_secret(tenant);
            auto runtime = state_.tenants()->find(tenant);
            const std::string timestamp = req.header(kKomboTimestampHeader);
            // Every unauthenticated failure - unknown tenant, no secret, bad or missing signature,
            // stale timestamp - gets the same status and body, and the HMAC is computed either way,
            // so probing learns nothing about which tenants exist. The log says which it was.
            std::string reason;
            bool signature_ok =
                verify_kombo_signature(secret ? *secret : std::string("no secret configured"),
                                       signed_payload(timestamp, req.body), req.header("x-kombo-signature"));
            auto sent_at = parse_webhook_timestamp(timestamp);
            int64_t now =
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count();
            if (!secret || !runtime)
                reason = "not_configured";
            else if (!signature_ok)
                reason = "bad_signature";
            else if (!sent_at || *sent_at < now - webhook_tolerance_seconds_ ||
                     *sent_at > now + webhook_tolerance_seconds_)
                reason = "stale_timestamp";
            if (!reason.empty()) {
                metrics_.add("ats_webhooks_total", {{"outcome", reason}});
                log_.event("webhook_rejected",
                           {{"tenant", tenant}, {"request_id", req.request_id}, {"reason", reason}});
                throw ApiError(401, "invalid_signature",
                               "the webhook is not authenticated: X-Kombo-Signature must sign "
                               "X-Kombo-Timestamp \".\" body, within the allowed clock tolerance");
            }
            KomboWebhook hook;
            try {
                hook = parse_kombo_webhook(req.body);
            } catch (const std::invalid_argument &e) {
                metrics_.add("ats_webhooks_total", {{"outcome", "malformed"}});
                throw ApiError(400, "invalid_webhook", e.what());
            }
            if (hook.id.empty()) {
                metrics_.add("ats_webhooks_total", {{"outcome", "malformed"}});
                throw ApiError(400, "invalid_webhook",
                               "webhook field \"id\" must be a non-empty string (it identifies the event)");
            }
            if (!remember_webhook_event(*runtime, hook.id, now,
                                        now - 2 * static_cast<int64_t>(webhook_tolerance_seconds_) - 60)) {
                metrics_.add("ats_webhooks_total", {{"outcome", "replayed"}});
                log_.event("webhook_rejected",
                           {{"tenant", tenant}, {"request_id", req.request_id}, {"reason", "replayed"}});
                throw ApiError(409, "webhook_replayed", "webhook event \"" + hook.id + "\" was already received");
            }
            json::object answer{{"received", true}, {"type", hook.type}};
            if (!hook.triggers_sync) {
                metrics_.add("ats_webhooks_total", {{"outcome", "ignored"}});
                answer["sync"] = nullptr;
                answer["reason"] = hook.ignore_reason;
            } else if (auto refusal = not_supported(*runtime, ATS_OP_SYNC)) {
                metrics_.add("ats_webhooks_total", {{"outcome", "ignored"}});
                answer["sync"] = nullptr;
                answer["reason"] = *refusal;
            } else {
                auto [started, run] = syncs_.trigger(runtime, "webhook", false, req.request_id);
                metrics_.add("ats_webhooks_total",
                             {{"outcome", started == SyncScheduler::Start::started ? "sync_started" : "sync_running"}});
                answer["sync"] = run.to_json();
                answer["reason"] =
                    started == SyncScheduler::Start::started ? "sync started" : "a sync is already running";
            }
            w.send(200, "application/json", json::serialize(answer) + "\n");
        });
    router_.add("POST", "/v1/admin/reload", [this](const HttpRequest &req, const PathParams &, ResponseWriter &w) {
        require_admin(req);
        auto result = state_.reload("admin route (request " + req.request_id + ")");
        if (!result.ok)
            throw ApiError(422, "reload_failed",
                           "reload failed, the previous configuration keeps serving: " + result.message);
        w.send(200, "application/json",
               json::serialize(
                   json::object{{"reloaded", true}, {"generation", result.generation}, {"message", result.message}}) +
                   "\n");
    });
}

void ServeApp::dispatch(HttpRequest &req, ResponseWriter &w) {
    auto match = router_.match(req.method, req.path);
    try {
        if (match.kind == RouteMatch::not_found)
            throw ApiError(404, "route_not_found", "no route " + req.method + " " + req.path);
        if (match.kind == RouteMatch::method_not_allowed) {
            std::string allow;
            for (const auto &m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
            w.send(405, "application/json",
                   error_body("method_not_allowed", req.method + " is not allowed on " + match.pattern, req.request_id),
                   {{"Allow", allow}});
        } else {
            (*match.handler)(req, match.params, w);
        }
    } catch (const ApiError &e) {
        if (!w.started()) {
            HeaderList extra;
            if (e.status() == 401) extra.emplace_back("WWW-Authenticate", "Bearer");
            w.send(e.status(), "application/json", error_body(e.code(), e.what(), req.request_id), extra);
        } else { // a stream already under way (no-ops for a response already sent)
            w.write_chunk(error_body(e.code(), e.what(), req.request_id));
            w.end_stream();
        }
    } catch (const std::exception &e) {
        log_.event("handler_exception",
                   {{"request_id", req.request_id}, {"route", match.pattern}, {"error", e.what()}});
        if (!w.started()) w.send(500, "application/json", error_body("internal", "internal error", req.request_id));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received).count();
    std::string status = std::to_string(w.status());
    metrics_.add("ats_http_requests_total", {{"route", match.pattern}, {"method", req.method}, {"status", status}});
    metrics_.observe("ats_http_request_duration_seconds", {{"route", match.pattern}}, secs);
    // The path, not the target: query strings may carry e-mail addresses and phone numbers.
    json::object line{{"request_id", req.request_id}, {"method", req.method}, {"path", req.path},
                      {"route", match.pattern},       {"status", w.status()}, {"bytes", w.bytes_sent()},
                      {"duration_ms", secs * 1000.0}, {"remote", req.remote}};
    auto it = match.params.find("tenant");
    if (it != match.params.end()) line["tenant"] = it->second;
    if (w.cancelled()) line["cancelled"] = true;
    log_.access(std::move(line));
}

} // namespace ats::serve
