#include "faults.hpp"

#include <algorithm>
#include <stdexcept>

namespace ats::sandbox {

namespace {
const char *const kKinds[] = {"429", "500", "502", "503", "reset", "stall", "truncated", "malformed", "overlap"};

bool known_kind(const std::string &k) { return std::find(std::begin(kKinds), std::end(kKinds), k) != std::end(kKinds); }
} // namespace

void FaultEngine::configure(const json::object &config) {
    std::map<std::string, std::map<std::string, Rule>> rules;
    for (const auto &service : config) {
        std::string service_name(service.key());
        if (service_name != "tracker" && service_name != "kombo")
            throw std::invalid_argument("faults: unknown service '" + service_name + "' (expected tracker or kombo)");
        if (!service.value().is_object())
            throw std::invalid_argument("faults." + service_name + ": expected an object of endpoint rules");
        for (const auto &endpoint : service.value().as_object()) {
            std::string where = "faults." + service_name + "." + std::string(endpoint.key());
            if (!endpoint.value().is_object()) throw std::invalid_argument(where + ": expected an object");
            const auto &r = endpoint.value().as_object();
            Rule rule;
            rule.latency_ms = static_cast<int>(int_or(r, "latency_ms", 0));
            if (const json::value *rate = field(r, "rate")) {
                if (!rate->is_number()) throw std::invalid_argument(where + ".rate: expected a number between 0 and 1");
                rule.rate = rate->to_number<double>();
                if (rule.rate < 0 || rule.rate > 1)
                    throw std::invalid_argument(where + ".rate: expected a number between 0 and 1");
            }
            if (const json::array *kinds = array_at(r, "kinds"))
                for (const auto &k : *kinds) {
                    std::string kind = k.is_string()  ? std::string(k.as_string())
                                       : k.is_int64() ? std::to_string(k.as_int64())
                                                      : "";
                    if (!known_kind(kind)) throw std::invalid_argument(where + ".kinds: unknown kind '" + kind + "'");
                    rule.kinds.push_back(kind);
                }
            if (rule.rate > 0 && rule.kinds.empty()) throw std::invalid_argument(where + ": rate set but no kinds");
            rule.seed = static_cast<std::uint64_t>(int_or(r, "seed", 1));
            rule.max = int_or(r, "max", -1);
            rule.stall_ms = static_cast<int>(int_or(r, "stall_ms", 30000));
            if (const json::object *budget = object_at(r, "budget")) {
                rule.budget_requests = int_or(*budget, "requests", 0);
                rule.budget_window_ms = int_or(*budget, "window_ms", 0);
                if (rule.budget_requests <= 0 || rule.budget_window_ms <= 0)
                    throw std::invalid_argument(where + ".budget: requests and window_ms must be positive");
            }
            rule.rng.seed(rule.seed);
            rules[service_name][std::string(endpoint.key())] = std::move(rule);
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    rules_ = std::move(rules);
    config_ = config;
    injected_.clear();
}

json::object FaultEngine::describe() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return config_;
}

json::object FaultEngine::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    json::object out;
    for (const auto &kv : injected_) out[kv.first] = kv.second;
    return out;
}

FaultDecision FaultEngine::decide(const std::string &service, const std::string &endpoint, bool pageable,
                                  std::int64_t now_ms) {
    FaultDecision d;
    std::lock_guard<std::mutex> lock(mutex_);
    auto sit = rules_.find(service);
    if (sit == rules_.end()) return d;
    auto rit = sit->second.find(endpoint);
    if (rit == sit->second.end()) rit = sit->second.find("*");
    if (rit == sit->second.end()) return d;
    Rule &rule = rit->second;
    d.latency_ms = rule.latency_ms;
    d.stall_ms = rule.stall_ms;
    // A real budget: fixed windows of window_ms, at most `requests` per window, 429 beyond.
    if (rule.budget_requests > 0) {
        if (now_ms - rule.window_start >= rule.budget_window_ms) {
            rule.window_start = now_ms;
            rule.window_used = 0;
        }
        std::int64_t reset_ms = rule.window_start + rule.budget_window_ms - now_ms;
        d.limit = rule.budget_requests;
        d.reset_seconds = std::max<std::int64_t>(1, (reset_ms + 999) / 1000);
        if (rule.window_used >= rule.budget_requests) {
            d.kind = "429";
            d.remaining = 0;
            ++injected_[service + " " + endpoint + " budget"];
            return d;
        }
        ++rule.window_used;
        d.remaining = rule.budget_requests - rule.window_used;
    }
    if (rule.rate <= 0 || rule.kinds.empty()) return d;
    double draw = static_cast<double>(rule.rng() % 1000000) / 1000000.0;
    std::uint64_t which = rule.rng();
    if (draw >= rule.rate || (rule.max >= 0 && rule.injected >= rule.max)) return d;
    std::vector<std::string> eligible;
    for (const auto &k : rule.kinds)
        if (k != "overlap" || pageable) eligible.push_back(k);
    if (eligible.empty()) return d;
    d.kind = eligible[which % eligible.size()];
    ++rule.injected;
    ++injected_[service + " " + endpoint + " " + d.kind];
    if (d.kind == "429" && d.limit == 0) {
        d.limit = 100;
        d.remaining = 0;
        d.reset_seconds = 1;
    }
    return d;
}

} // namespace ats::sandbox
