#include "http_service.hpp"

#include "host_error.hpp"

#include "ats_plugin.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>

namespace ats::host {
namespace {

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string where(const net::HttpRequest &r) {
    std::string u = r.url.substr(0, r.url.find('?'));
    return r.method + " " + u;
}

bool retryable_status(int s) { return s == 429 || s == 500 || s == 502 || s == 503 || s == 504; }

} // namespace

EgressAllowList::EgressAllowList(const std::vector<std::string> &entries) {
    for (const auto &e : entries) {
        Rule r;
        std::string s = e;
        if (!s.empty() && s.front() == '[') { // [v6](:port)?
            auto close = s.find(']');
            r.host = lower(s.substr(1, close - 1));
            if (close + 1 < s.size() && s[close + 1] == ':') r.port = std::stoi(s.substr(close + 2));
        } else {
            auto colon = s.rfind(':');
            if (colon != std::string::npos) {
                r.port = std::stoi(s.substr(colon + 1));
                s = s.substr(0, colon);
            }
            if (s.rfind("*.", 0) == 0) {
                r.wildcard = true;
                s = s.substr(1); // ".domain"
            }
            r.host = lower(s);
        }
        rules_.push_back(r);
    }
}

bool EgressAllowList::allows(const std::string &host, unsigned short port) const {
    std::string h = lower(host);
    for (const auto &r : rules_) {
        if (r.port >= 0 && r.port != port) continue;
        if (r.wildcard ? (h.size() > r.host.size() && h.compare(h.size() - r.host.size(), r.host.size(), r.host) == 0)
                       : h == r.host)
            return true;
    }
    return false;
}

TenantHttp::TenantHttp(std::shared_ptr<net::HttpClient> client, HostPolicy policy,
                       std::shared_ptr<RateControllers> rates, std::string tenant_id)
    : client_(std::move(client)), policy_(std::move(policy)), allow_(policy_.egress_allow),
      rates_(rates ? std::move(rates) : std::make_shared<RateControllers>()), tenant_id_(std::move(tenant_id)) {}

int64_t TenantHttp::server_wait_ms(const net::HttpResponse &r, int64_t now_unix_s) {
    auto digits = [](const std::string &s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    std::string ra = r.header("Retry-After");
    while (!ra.empty() && ra.back() == ' ') ra.pop_back();
    if (digits(ra)) return std::stoll(ra) * 1000;
    if (!ra.empty()) {
        std::tm tm{};
        if (strptime(ra.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) {
            int64_t at = static_cast<int64_t>(timegm(&tm));
            return std::max<int64_t>(0, (at - now_unix_s) * 1000);
        }
    }
    std::string reset = r.header("ratelimit-reset"); // Kombo: seconds until the window resets
    if (digits(reset)) return std::stoll(reset) * 1000;
    return -1;
}

bool TenantHttp::acquire_slot(const CancelledFn &cancelled) {
    std::unique_lock<std::mutex> lk(slots_mu_);
    const int limit = std::max(1, policy_.max_concurrency);
    while (in_flight_ >= limit) {
        if (cancelled && cancelled()) return false;
        slots_cv_.wait_for(lk, std::chrono::milliseconds(50));
    }
    ++in_flight_;
    int seen = max_seen_.load();
    while (in_flight_ > seen && !max_seen_.compare_exchange_weak(seen, in_flight_)) {}
    return true;
}

void TenantHttp::release_slot() {
    {
        std::lock_guard<std::mutex> lk(slots_mu_);
        --in_flight_;
    }
    slots_cv_.notify_one();
}

TenantHttp::UpstreamStats TenantHttp::upstream_stats() const {
    std::lock_guard<std::mutex> lock(stats_mu_);
    return stats_;
}

HttpOutcome TenantHttp::send(net::HttpRequest req, bool idempotent, const CancelledFn &cancelled, const LogFn &log,
                             CallClass cls) {
    net::UrlParts u;
    try {
        u = net::parse_http_url(req.url);
    } catch (const net::InvalidUrl &e) {
        throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, req.method + ": invalid URL: " + e.what());
    }
    if (!allow_.allows(u.host, u.port))
        throw HostError(ErrorKind::operation, ATS_ERR_FORBIDDEN,
                        where(req) + ": host " + u.host + ":" + std::to_string(u.port) +
                            " is not on this tenant's egress allow-list (manifest host.egress_allow)");
    if (req.timeout.count() <= 0) req.timeout = std::chrono::milliseconds(policy_.http_timeout_ms);

    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const int max_attempts = std::max(1, policy_.retry.max_attempts);
    int64_t waited_ms = 0;
    HttpOutcome out;
    const std::string upstream = u.host + ":" + std::to_string(u.port);
    auto pacer = rates_->get(tenant_id_, upstream, policy_.rate);
    // Waits for a token of the upstream's rate, then holds one of the tenant's max_concurrency
    // slots for the exchange only (not for backoffs); the answer teaches the rate controller.
    auto limited_send = [&](const net::HttpRequest &r) {
        int64_t paced_us = 0;
        rates_->share(tenant_id_, upstream, *pacer, cls); // other instances' view of the account
        switch (pacer->acquire(cls, cancelled, &paced_us)) {
        case RateController::Admit::go: break;
        case RateController::Admit::cancelled:
            throw HostError(ErrorKind::operation, ATS_ERR_CANCELLED,
                            where(r) + ": cancelled while waiting for the upstream's rate");
        case RateController::Admit::too_long:
            throw HostError(ErrorKind::operation, ATS_ERR_TRANSIENT,
                            where(r) + ": waited " + std::to_string(policy_.rate.max_queue_ms) +
                                " ms for the upstream's rate limit (host.rate_limit.max_queue_ms)");
        }
        if (paced_us > 0) {
            std::lock_guard<std::mutex> lock(stats_mu_);
            stats_.pace_wait_ms += paced_us / 1000;
        }
        if (!acquire_slot(cancelled))
            throw HostError(ErrorKind::operation, ATS_ERR_CANCELLED,
                            where(r) + ": cancelled while waiting for a request slot");
        struct Slot {
            TenantHttp *self;
            ~Slot() { self->release_slot(); }
        } slot{this};
        net::HttpResponse resp;
        try {
            resp = client_->send(r);
        } catch (...) {
            pacer->on_response(RateSignal{}); // no answer: nothing learned, waiters re-check
            throw;
        }
        pacer->on_response(RateSignal::read(
            resp.status, [&](const char *n) { return resp.header(n); }, std::time(nullptr)));
        rates_->share(tenant_id_, upstream, *pacer, cls); // a lowered rate reaches the others at once
        return resp;
    };
    for (int attempt = 1;; ++attempt) {
        if (cancelled && cancelled())
            throw HostError(ErrorKind::operation, ATS_ERR_CANCELLED, where(req) + ": cancelled");
        out.attempts = attempt;
        total_attempts_.fetch_add(1);
        std::string why;
        int64_t server_wait = -1;
        auto t0 = std::chrono::steady_clock::now();
        try {
            out.response = limited_send(req);
            {
                std::lock_guard<std::mutex> lock(stats_mu_);
                ++stats_.responses[out.response.status];
            }
            auto ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
            if (log)
                log(ATS_LOG_DEBUG, where(req) + " -> " + std::to_string(out.response.status) + " in " +
                                       std::to_string(ms) + " ms (attempt " + std::to_string(attempt) + ")");
            // A 429 is a refusal before any work (RFC 6585): repeating it cannot double a write.
            if ((idempotent && retryable_status(out.response.status)) || out.response.status == 429) {
                why = "HTTP " + std::to_string(out.response.status);
                server_wait = server_wait_ms(out.response, std::time(nullptr));
            } else {
                return out;
            }
        } catch (const net::TransportError &e) {
            {
                std::lock_guard<std::mutex> lock(stats_mu_);
                ++stats_.responses[0];
            }
            if (!(idempotent || !e.sent) || attempt >= max_attempts)
                throw HostError(ErrorKind::operation, ATS_ERR_TRANSIENT,
                                std::string(e.what()) + " (after " + std::to_string(attempt) + " attempt" +
                                    (attempt > 1 ? "s" : "") + ")");
            why = e.what();
        } catch (const net::InvalidUrl &e) {
            throw HostError(ErrorKind::operation, ATS_ERR_INVALID_ARGUMENT, req.method + ": invalid URL: " + e.what());
        }
        // here: a retryable failure
        if (attempt >= max_attempts) return out; // the last retryable response goes to the plugin
        int64_t backoff = policy_.retry.base_delay_ms << std::min(attempt - 1, 20);
        std::uniform_int_distribution<int64_t> jitter(backoff / 2, std::max<int64_t>(backoff / 2, backoff));
        int64_t wait = std::max<int64_t>(jitter(rng), server_wait);
        // A short Retry-After is whole seconds rounded up; when the rate controller knows the
        // refused window ends sooner, it holds every caller until then and the retry waits there.
        if (out.response.status == 429 && server_wait < 2000)
            if (int64_t hint = pacer->retry_hint_ms(RateController::steady_now_us()); hint >= 0)
                wait = std::min(wait, hint);
        if (waited_ms + wait > policy_.retry.max_wait_ms) {
            if (log)
                log(ATS_LOG_WARN, where(req) + ": " + why + "; not retrying: waiting " + std::to_string(wait) +
                                      " ms would exceed the retry budget of " +
                                      std::to_string(policy_.retry.max_wait_ms) + " ms");
            if (out.response.status) return out;
            throw HostError(ErrorKind::operation, ATS_ERR_TRANSIENT, why + " (retry budget exhausted)");
        }
        if (log)
            log(ATS_LOG_INFO, where(req) + ": " + why + "; retrying in " + std::to_string(wait) + " ms (attempt " +
                                  std::to_string(attempt + 1) + " of " + std::to_string(max_attempts) + ")");
        {
            std::lock_guard<std::mutex> lock(stats_mu_);
            ++stats_.retries;
            if (out.response.status == 429) ++stats_.rate_limit_waits;
            stats_.retry_wait_ms += wait;
        }
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
        while (std::chrono::steady_clock::now() < until) {
            if (cancelled && cancelled())
                throw HostError(ErrorKind::operation, ATS_ERR_CANCELLED,
                                where(req) + ": cancelled while waiting to retry");
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                until - std::chrono::steady_clock::now(), std::chrono::milliseconds(25)));
        }
        waited_ms += wait;
        out.response = {};
    }
}

} // namespace ats::host
