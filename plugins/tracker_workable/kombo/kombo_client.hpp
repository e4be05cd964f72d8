// kombo_client.hpp - a read-only client of Kombo's unified ATS API (Workable behind it).
//
// Workable stays read-only (issue 5, item 5): every request this client can make is a GET. There
// is no method that takes an HTTP verb; the one function that sends (get()) hard-codes "GET" and
// checks it again before handing the request to the host, so a future edit cannot slip a write
// through without failing loudly.
//
// Requests go through the host's HTTP service with idempotent=1, so the host retries 429 (honouring
// Kombo's ratelimit-reset header), 500, 502, 503, 504 and connection failures per its policy
// (kombo-api.md, "Rate limiting"). A 200 with a malformed body is retried here (a few times), since
// the host only retries by status.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ats_plugin.hpp"
#include "kombo/kombo_application.hpp"

namespace ats::tracker_workable {

struct KomboConfig {
    std::string base_url;       // e.g. https://api.kombo.dev/v1 or http://127.0.0.1:18702/v1
    std::string api_key;        // resolved secret; never logged (Authorization is a secret header)
    std::string integration_id; // X-Integration-Id, e.g. workable:HWUTwvyx2wLoSUHphiWVrp28
    int page_size = 250;        // Kombo's maximum
    int timeout_ms = 30000;
};

// Filters of GET /ats/applications. Every set filter is re-sent with each cursor (kombo-api.md).
struct KomboApplicationFilter {
    std::string updated_after;         // YYYY-MM-DDTHH:mm:ss.sssZ, "" = none
    bool include_deleted = true;       // deleted applications are reported by the sync
    std::vector<std::string> job_ids;  // Kombo job ids (ORed)
};

class KomboClient {
public:
    KomboClient(ats::sdk::Host host, KomboConfig config);

    // Streams applications page by page: fn(page, page_number) is called once per page, in order;
    // only one page is in memory at a time. fn returns false to stop early. Returns the number of
    // pages fetched. `call` may be null (no cancellation).
    int for_each_application_page(const KomboApplicationFilter &filter,
                                  const std::function<bool(KomboApplicationPage &, int)> &fn,
                                  const ats::sdk::Call *call);

    // GET /check-api-key: throws on failure.
    void check_api_key(const ats::sdk::Call *call);

    // Number of HTTP requests handed to the host (for the sync summary).
    int64_t request_count() const { return requests_.load(); }

    // Builds the query URL of one applications page (public for the unit test).
    std::string applications_url(const KomboApplicationFilter &filter, const std::string &cursor) const;

private:
    ats::sdk::HttpResponse get(const std::string &url, const ats::sdk::Call *call);

    ats::sdk::Host host_;
    KomboConfig cfg_;
    std::atomic<int64_t> requests_{0};
};

// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
std::string url_encode(const std::string &s);

// Unix milliseconds -> Kombo's updated_after format "YYYY-MM-DDTHH:mm:ss.sssZ".
std::string kombo_time(int64_t unix_ms);

} // namespace ats::tracker_workable
