// http_service.hpp - one tenant's HTTP policy on top of the shared ats::net::HttpClient:
// egress allow-list, default timeout, retries with exponential backoff and jitter, honouring
// Retry-After and Kombo's ratelimit-reset, capped in attempts and total wait.
//
// Retried: idempotent requests on 429/500/502/503/504 and on any transport error; any request
// (idempotent or not) on a 429 (the upstream refused it before doing anything) and on a transport
// error that certainly never reached the server (TransportError::sent == false: DNS, connect, TLS
// handshake).
// At most policy.max_concurrency requests of one tenant are in flight at once; further callers
// wait (cancellably) for a slot, never during a backoff.
// Before each attempt a request waits (cancellably) for a token of the rate controller of its
// tenant and upstream host (rate_controller.hpp), which every answer then teaches.
#pragma once

#include "manifest.hpp"
#include "rate_controller.hpp"

#include "http_client.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ats::host {

class EgressAllowList {
public:
    // Entries: "host" (any port), "host:port", "*.domain" (subdomains of domain, any port),
    // "[v6]" / "[v6]:port". Host names compare case-insensitively. Empty list: nothing allowed.
    explicit EgressAllowList(const std::vector<std::string> &entries);
    bool allows(const std::string &host, unsigned short port) const;

private:
    struct Rule {
        std::string host;
        bool wildcard = false;
        int port = -1; // -1: any
    };
    std::vector<Rule> rules_;
};

struct HttpOutcome {
    net::HttpResponse response;
    int attempts = 0;
};

class TenantHttp {
public:
    using CancelledFn = std::function<bool()>;
    using LogFn = std::function<void(int level, const std::string &msg)>;

    // `rates`: the process's controllers (shared by every TenantHttp of the tenant); null = own ones.
    TenantHttp(std::shared_ptr<net::HttpClient> client, HostPolicy policy,
               std::shared_ptr<RateControllers> rates = nullptr, std::string tenant_id = {});

    // Throws HostError(operation, ATS_ERR_FORBIDDEN | ATS_ERR_INVALID_ARGUMENT | ATS_ERR_TRANSIENT |
    // ATS_ERR_CANCELLED) naming the method and URL (without query string); TRANSIENT also when the
    // request waited policy.rate.max_queue_ms for its turn.
    // timeout 0 = policy's. `cls` decides the request's place in the rate controller's queue.
    HttpOutcome send(net::HttpRequest request, bool idempotent, const CancelledFn &cancelled, const LogFn &log,
                     CallClass cls = CallClass::interactive);
    // This tenant's rate controllers, one per upstream host it has called.
    std::vector<RateControllers::Entry> rate_controllers() const { return rates_->snapshot(tenant_id_); }

    uint64_t total_attempts() const { return total_attempts_.load(); } // every request sent, retries included

    // What this tenant's upstream traffic looked like (for the server's /metrics).
    struct UpstreamStats {
        std::map<int, uint64_t> responses; // by HTTP status; 0 = no response (transport error)
        uint64_t retries = 0;              // attempts after the first
        uint64_t rate_limit_waits = 0;     // retries after a 429
        int64_t retry_wait_ms = 0;         // total time spent waiting between attempts
        int64_t pace_wait_ms = 0;          // total time requests waited for a rate-controller token
    };
    UpstreamStats upstream_stats() const;
    int max_in_flight_seen() const { return max_seen_.load(); } // high-water mark of concurrent requests
    const HostPolicy &policy() const { return policy_; }

    // Seconds to wait from Retry-After (delta seconds or HTTP date) or ratelimit-reset; -1 when
    // neither is usable. `now_unix_s` resolves HTTP dates.
    static int64_t server_wait_ms(const net::HttpResponse &r, int64_t now_unix_s);

private:
    std::shared_ptr<net::HttpClient> client_;
    HostPolicy policy_;
    EgressAllowList allow_;
    std::shared_ptr<RateControllers> rates_;
    std::string tenant_id_;
    std::atomic<uint64_t> total_attempts_{0};
    mutable std::mutex stats_mu_;
    UpstreamStats stats_;
    std::mutex slots_mu_;
    std::condition_variable slots_cv_;
    int in_flight_ = 0;
    std::atomic<int> max_seen_{0};
    bool acquire_slot(const CancelledFn &cancelled); // false when cancelled while waiting
    void release_slot();
};

} // namespace ats::host
