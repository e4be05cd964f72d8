#include "kombo/kombo_client.hpp"

#include <cstdio>
#include <ctime>

namespace ats::tracker_workable {

namespace {
constexpr int kMalformedRetries = 3; // attempts for a 200 whose body does not parse
} // namespace

std::string url_encode(const std::string &s) {
    static const char *hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size() * 3);
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string kombo_time(int64_t unix_ms) {
    std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
    return buf;
}

KomboClient::KomboClient(ats::sdk::Host host, KomboConfig config) : host_(host), cfg_(std::move(config)) {
    while (!cfg_.base_url.empty() && cfg_.base_url.back() == '/') cfg_.base_url.pop_back();
    if (cfg_.page_size < 1 || cfg_.page_size > 250) cfg_.page_size = 250;
}

std::string KomboClient::applications_url(const KomboApplicationFilter &f, const std::string &cursor) const {
    std::string url = cfg_.base_url + "/ats/applications?page_size=" + std::to_string(cfg_.page_size);
    if (!f.updated_after.empty()) url += "&updated_after=" + url_encode(f.updated_after);
    url += std::string("&include_deleted=") + (f.include_deleted ? "true" : "false");
    if (!f.job_ids.empty()) {
        std::string list;
        for (const auto &id : f.job_ids) list += (list.empty() ? "" : ",") + id;
        url += "&job_ids=" + url_encode(list);
    }
    if (!cursor.empty()) url += "&cursor=" + url_encode(cursor);
    return url;
}

ats::sdk::HttpResponse KomboClient::get(const std::string &url, const ats::sdk::Call *call) {
    ats::sdk::HttpRequest req;
    req.method = "GET";
    // Workable is read-only through this client: refuse anything else before it leaves the plugin.
    if (req.method != "GET")
        throw ats::sdk::Error(ATS_ERR_FORBIDDEN, "Kombo client: only GET requests are allowed");
    req.url = url;
    req.headers = {{"Authorization", "Bearer " + cfg_.api_key},
                   {"X-Integration-Id", cfg_.integration_id},
                   {"Accept", "application/json"}};
    req.secret_headers = {"Authorization"};
    req.idempotent = true;
    req.timeout_ms = cfg_.timeout_ms;
    ++requests_;
    return host_.http(req, call ? call->raw() : nullptr);
}

int KomboClient::for_each_application_page(const KomboApplicationFilter &filter,
                                           const std::function<bool(KomboApplicationPage &, int)> &fn,
                                           const ats::sdk::Call *call) {
    std::string cursor;
    int page_no = 0;
    for (;;) {
        if (call) call->throw_if_cancelled();
        ++page_no;
        const std::string what = "GET /ats/applications page " + std::to_string(page_no);
        const std::string url = applications_url(filter, cursor);
        KomboApplicationPage page;
        for (int attempt = 1;; ++attempt) {
            auto resp = get(url, call);
            try {
                page = parse_application_page(resp.body, resp.status, what);
                break;
            } catch (const ats::sdk::Error &e) {
                // Only a malformed 200 gets here retryable and un-retried by the host.
                if (resp.status != 200 || !e.retryable() || attempt >= kMalformedRetries) throw;
                host_.warn(std::string(e.what()) + " - fetching it again", call ? call->raw() : nullptr);
            }
        }
        std::string next = page.next;
        if (!fn(page, page_no)) return page_no;
        if (next.empty()) return page_no;
        if (next == cursor)
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": the next cursor repeats the current one");
        cursor = std::move(next);
    }
}

void KomboClient::check_api_key(const ats::sdk::Call *call) {
    auto resp = get(cfg_.base_url + "/check-api-key", call);
    if (resp.status != 200) {
        // Reuse the page parser's envelope handling for the error case.
        parse_application_page(resp.body, resp.status, "GET /check-api-key");
    }
}

} // namespace ats::tracker_workable
