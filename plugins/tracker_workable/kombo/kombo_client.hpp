// kombo_client.hpp - a read-only client of Kombo's unified ATS API (Workable behind it).
//
// Workable stays read-only (the customer's recruiters own it): every request this client can make
// is a GET. There is no method that takes an HTTP verb; the one function that sends (get())
// hard-codes "GET", so a write cannot be expressed through this client at all.
//
// Requests go through the host's HTTP service with idempotent=1, so the host retries 429 (honouring
// Kombo's ratelimit-reset header), 500, 502, 503, 504 and connection failures per its policy
// (Kombo's documented rate limiting). A 200 with a malformed body is retried here (a few times), since
// the host only retries by status.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ats_plugin.hpp"
#include "kombo/kombo_application.hpp"

namespace ats::tracker_workable {

// The most results Kombo gives on one page (its page_size maximum), and the page size asked for.
inline constexpr int kKomboMaxPageSize = 250;

struct KomboConfig {
    std::string base_url;       // e.g. https://api.kombo.dev/v1 or http://127.0.0.1:18702/v1
    std::string api_key;        // resolved secret; never logged (Authorization is a secret header)
    std::string integration_id; // X-Integration-Id, e.g. workable:HWUTwvyx2wLoSUHphiWVrp28
    int page_size = kKomboMaxPageSize;
    int timeout_ms = 30000;
};

// One file of GET /ats/applications/{id}/attachments or /ats/candidates/{id}/attachments
// (kombo-openapi.json). Nullable strings are "".
struct KomboAttachment {
    std::string id, remote_id;
    std::string type;     // "CV" | "COVER_LETTER" | "OTHER"
    std::string data_url; // absolute, pre-signed per Kombo's docs (no API key needed)
    std::string file_name, content_type, remote_updated_at;
};

// Parses an attachments list answer ({"status":"success","data":{"results":[..]}}; not paged).
// Errors as parse_application_page: the Kombo error envelope by its code (kombo_errors.hpp), a 200
// that is not the success envelope is ATS_ERR_TRANSIENT (retryable). `what` names the request.
std::vector<KomboAttachment> parse_attachment_list(std::string_view body, int http_status, const std::string &what);

// Filters of GET /ats/applications. Every set filter is re-sent with each cursor (Kombo binds a
// cursor to the filters it was issued for).
struct KomboApplicationFilter {
    std::string updated_after;        // YYYY-MM-DDTHH:mm:ss.sssZ, "" = none
    bool include_deleted = true;      // deleted applications are reported by the sync
    std::vector<std::string> job_ids; // Kombo job ids (ORed)
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

    // GET /ats/applications/{id}/attachments and GET /ats/candidates/{id}/attachments. Cost: 1
    // request each (host retries as for pages; a malformed 200 is fetched again).
    std::vector<KomboAttachment> application_attachments(const std::string &application_id, const ats::sdk::Call *call);
    std::vector<KomboAttachment> candidate_attachments(const std::string &candidate_id, const ats::sdk::Call *call);

    // GET a.data_url (absolute; the host's egress allow-list applies) and answers the raw bytes.
    // The Kombo API key and integration id are sent only when data_url has the same scheme, host
    // and port as kombo.base_url (Kombo's data_url is pre-signed; the key never goes elsewhere).
    // The host buffers a whole response and cannot stop early, so the request asks for at most
    // max_bytes + 1 bytes (Range: bytes=0-<max_bytes>): a server that honours it never sends more
    // (206, Content-Range names the full size); one that ignores it answers 200 with everything.
    // Refuses with ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) naming the attachment id and the size
    // when Content-Length, Content-Range's total or the body exceeds max_bytes. Other failures:
    // HTTP status mapped as kombo_error() (403 of an expired pre-signed URL = UNAUTHORIZED: list
    // the attachments again for a fresh data_url).
    std::string download_attachment(const KomboAttachment &a, int64_t max_bytes, const ats::sdk::Call *call);

    // Bytes of attachment bodies received so far (refused ones included; for the summary/benchmark).
    int64_t bytes_downloaded() const { return bytes_downloaded_.load(); }

    // Number of HTTP requests handed to the host (for the sync summary).
    int64_t request_count() const { return requests_.load(); }

    // GET <base_url><path_and_query> (always GET, Kombo's credentials): the wire probe's raw read
    // (kombo_probe.hpp). Any HTTP status is returned; transport failures throw.
    ats::sdk::HttpResponse probe_get(const std::string &path_and_query, const ats::sdk::Call *call) {
        return get(cfg_.base_url + path_and_query, call);
    }

    // Builds the query URL of one applications page (public for the unit test).
    std::string applications_url(const KomboApplicationFilter &filter, const std::string &cursor) const;

private:
    // The only sender: always GET. `kombo_auth` false sends no Authorization/X-Integration-Id.
    ats::sdk::HttpResponse get(const std::string &url, const ats::sdk::Call *call, bool kombo_auth = true,
                               std::vector<std::pair<std::string, std::string>> extra_headers = {});
    std::vector<KomboAttachment> attachments(const std::string &path, const std::string &what,
                                             const ats::sdk::Call *call);

    ats::sdk::Host host_;
    KomboConfig cfg_;
    std::atomic<int64_t> requests_{0};
    std::atomic<int64_t> bytes_downloaded_{0};
};

// "https://Api.Kombo.dev:443/v1/x" -> "https://api.kombo.dev:443": scheme and host lower-cased,
// the default port made explicit; "" when the URL is not absolute http(s). Public for the test.
std::string url_origin(const std::string &url);

} // namespace ats::tracker_workable
