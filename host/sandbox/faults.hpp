#pragma once
// Fault injection, configured through POST /_sandbox/faults:
//   {"tracker": {"*": RULE, "getRecords": RULE, ...}, "kombo": {"*": RULE, "/ats/applications": RULE, ...}}
//   RULE = {"latency_ms": N, "rate": 0..1, "kinds": ["429","500","502","503","reset","stall",
//           "truncated","malformed","overlap"], "seed": N, "max": N (stop after N faults),
//           "stall_ms": N (default 30000), "budget": {"requests": N, "window_ms": N}}
// Endpoint names are the counter labels: a Tracker method name ("getRecords", "oauth2/token") or a
// Kombo path template without /v1 ("/ats/applications", "/ats/candidates/{id}/attachments").
// A specific endpoint rule replaces the "*" rule of its service. Draws are deterministic: each rule
// has its own generator seeded by "seed", consumed once per request that reaches the rule.
#include "json_util.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace ats::sandbox {

struct FaultDecision {
    int latency_ms = 0;
    std::string kind; // "" for none, else one of the kinds
    int stall_ms = 30000;
    // Set when kind == "429": rate-limit headers to send.
    std::int64_t limit = 0, remaining = 0, reset_seconds = 1;
};

class FaultEngine {
public:
    // Replaces the configuration; throws std::invalid_argument naming the offending field.
    void configure(const json::object &config);
    json::object describe() const;
    json::object stats() const;
    // `pageable` tells whether "overlap" applies (Tracker getRecords); other kinds always apply.
    FaultDecision decide(const std::string &service, const std::string &endpoint, bool pageable, std::int64_t now_ms);

private:
    struct Rule {
        int latency_ms = 0;
        double rate = 0;
        std::vector<std::string> kinds;
        std::uint64_t seed = 1;
        std::int64_t max = -1;
        int stall_ms = 30000;
        std::int64_t budget_requests = 0, budget_window_ms = 0;
        // state
        std::mt19937_64 rng;
        std::int64_t injected = 0;
        std::int64_t window_start = 0, window_used = 0;
    };
    mutable std::mutex mutex_;
    json::object config_;
    std::map<std::string, std::map<std::string, Rule>> rules_;
    std::map<std::string, std::int64_t> injected_; // "service endpoint kind" -> count
};

} // namespace ats::sandbox
