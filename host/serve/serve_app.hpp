// serve_app.hpp - the REST API of `ats-host serve`: authentication, tenant isolation, one route per
// ABI operation, sync and webhook routes, operations routes (/healthz, /readyz, /metrics,
// /openapi.json), admin routes, and the access log + request metrics around every request.
//
// Authorization rules (tests/serve prove them route by route):
//   - /healthz, /readyz, /openapi.json: no token.
//   - /v1/tenants/{tenant}/...: a bearer token of that tenant or the admin token; no token 401,
//     another tenant's token 403 (whether or not the tenant exists, so tokens cannot probe).
//   - /v1/tenants/{tenant}/webhooks/kombo: no bearer token; the Kombo HMAC signature instead.
//   - /v1/providers, /v1/tenants: any valid token (tenant tokens see their own tenants only).
//   - /metrics, /v1/admin/*: the admin token.
#pragma once

#include "http_exchange.hpp"
#include "page_cursor.hpp"
#include "router.hpp"
#include "tenant.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace ats::serve {

class EventLog;
class Metrics;
class Readiness;
class ServeState;
class SyncScheduler;
struct Principal;

// A provider call made for this request: its id, and cancelled when the client goes away.
ats::host::CallOptions call_options(const HttpRequest &req, ResponseWriter &w);

class ServeApp {
public:
    ServeApp(ServeState &state, SyncScheduler &syncs, Readiness &readiness, Metrics &metrics, EventLog &log,
             std::string openapi_json);
    // Entry point for every request (worker thread). Never throws.
    void dispatch(HttpRequest &req, ResponseWriter &w);
    // Set once the server shuts down: /healthz then answers 503.
    void set_shutting_down() { shutting_down_ = true; }
    // How far a webhook's signed timestamp may be from now (either way), in seconds.
    void set_webhook_tolerance_seconds(int seconds) { webhook_tolerance_seconds_ = seconds; }

private:
    void add_operation_routes();
    void add_kombo_routes(); // kombo_routes.cpp: Kombo-shaped /ats/... reads
    void add_service_routes();
    Principal authenticate(const HttpRequest &req) const;
    std::shared_ptr<ats::host::Tenant> tenant_for(const HttpRequest &req, const PathParams &params) const;
    void require_admin(const HttpRequest &req) const;

    ServeState &state_;
    SyncScheduler &syncs_;
    Readiness &readiness_;
    Metrics &metrics_;
    EventLog &log_;
    std::string openapi_json_;
    std::atomic<bool> shutting_down_{false};
    int webhook_tolerance_seconds_ = 300;
    Router router_;
};

} // namespace ats::serve
