#include "kombo/kombo_client.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>

#include "ats/shared/json.hpp"
#include "ats/shared/url_encoding.hpp"
#include "kombo/kombo_errors.hpp"
#include "kombo/kombo_results.hpp"

namespace ats::tracker_workable {

namespace {
constexpr int kMalformedRetries = 3; // attempts for a 200 whose body does not parse
} // namespace

KomboClient::KomboClient(ats::sdk::Host host, KomboConfig config) : host_(host), cfg_(std::move(config)) {
    while (!cfg_.base_url.empty() && cfg_.base_url.back() == '/') cfg_.base_url.pop_back();
    if (cfg_.page_size < 1 || cfg_.page_size > kKomboMaxPageSize) cfg_.page_size = kKomboMaxPageSize;
}

std::string KomboClient::applications_url(const KomboApplicationFilter &f, const std::string &cursor) const {
    std::string url = cfg_.base_url + "/ats/applications?page_size=" + std::to_string(cfg_.page_size);
    if (!f.updated_after.empty()) url += "&updated_after=" + ats::shared::percent_encode(f.updated_after);
    url += std::string("&include_deleted=") + (f.include_deleted ? "true" : "false");
    if (!f.job_ids.empty()) {
        std::string list;
        for (const auto &id : f.job_ids) list += (list.empty() ? "" : ",") + id;
        url += "&job_ids=" + ats::shared::percent_encode(list);
    }
    if (!cursor.empty()) url += "&cursor=" + ats::shared::percent_encode(cursor);
    return url;
}

ats::sdk::HttpResponse KomboClient::get(const std::string &url, const ats::sdk::Call *call, bool kombo_auth,
                                        std::vector<std::pair<std::string, std::string>> extra_headers) {
    ats::sdk::HttpRequest req;
    req.method = "GET"; // the only method this client sends: Workable is read-only through it
    req.url = url;
    if (kombo_auth) {
        req.headers = {{"Authorization", "Bearer " + cfg_.api_key},
                       {"X-Integration-Id", cfg_.integration_id},
                       {"Accept", "application/json"}};
        req.secret_headers = {"Authorization"};
    }
    for (auto &h : extra_headers) req.headers.push_back(std::move(h));
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

namespace {

namespace json = boost::json;

using ats::shared::json::string_or_empty;

// "bytes 0-99/1234" -> 1234; "bytes 0-99/*" or unreadable -> -1.
int64_t content_range_total(const std::string &v) {
    auto slash = v.rfind('/');
    if (slash == std::string::npos) return -1;
    try {
        size_t n = 0;
        long long t = std::stoll(v.substr(slash + 1), &n);
        return n == v.size() - slash - 1 && t >= 0 ? t : -1;
    } catch (...) {
        return -1;
    }
}

int64_t content_length(const ats::sdk::HttpResponse &r) {
    std::string v = r.header("Content-Length");
    if (v.empty()) return -1;
    try {
        size_t n = 0;
        long long t = std::stoll(v, &n);
        return n == v.size() && t >= 0 ? t : -1;
    } catch (...) {
        return -1;
    }
}

} // namespace

std::string url_origin(const std::string &url) {
    auto sep = url.find("://");
    if (sep == std::string::npos) return {};
    std::string scheme = url.substr(0, sep);
    for (auto &c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https") return {};
    size_t start = sep + 3;
    size_t end = url.find_first_of("/?#", start);
    std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1); // userinfo
    for (auto &c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (authority.empty()) return {};
    // A port is present when the text after the last ':' is all digits and not inside [IPv6].
    auto colon = authority.rfind(':');
    bool has_port = colon != std::string::npos && authority.find(']', colon) == std::string::npos &&
                    colon + 1 < authority.size() &&
                    authority.find_first_not_of("0123456789", colon + 1) == std::string::npos;
    if (!has_port) authority += scheme == "https" ? ":443" : ":80";
    return scheme + "://" + authority;
}

std::vector<KomboAttachment> parse_attachment_list(std::string_view body, int http_status, const std::string &what) {
    json::value doc;
    const json::array &results = kombo_success_data(body, http_status, what, doc).at("results").get_array();
    return parse_kombo_results<KomboAttachment>(results, what, "an attachment", [](const json::object &o) {
        KomboAttachment a;
        a.id = string_or_empty(o, "id");
        a.remote_id = string_or_empty(o, "remote_id");
        a.type = string_or_empty(o, "type");
        a.data_url = string_or_empty(o, "data_url");
        a.file_name = string_or_empty(o, "file_name");
        a.content_type = string_or_empty(o, "content_type");
        a.remote_updated_at = string_or_empty(o, "remote_updated_at");
        return a;
    });
}

std::vector<KomboAttachment> KomboClient::attachments(const std::string &path, const std::string &what,
                                                      const ats::sdk::Call *call) {
    if (call) call->throw_if_cancelled();
    const std::string url = cfg_.base_url + path;
    for (int attempt = 1;; ++attempt) {
        auto resp = get(url, call);
        try {
            return parse_attachment_list(resp.body, resp.status, what);
        } catch (const ats::sdk::Error &e) {
            if (resp.status != 200 || !e.retryable() || attempt >= kMalformedRetries) throw;
            host_.warn(std::string(e.what()) + " - fetching it again", call ? call->raw() : nullptr);
        }
    }
}

std::vector<KomboAttachment> KomboClient::application_attachments(const std::string &application_id,
                                                                  const ats::sdk::Call *call) {
    return attachments("/ats/applications/" + ats::shared::percent_encode(application_id) + "/attachments",
                       "GET /ats/applications/" + application_id + "/attachments", call);
}

std::vector<KomboAttachment> KomboClient::candidate_attachments(const std::string &candidate_id,
                                                                const ats::sdk::Call *call) {
    return attachments("/ats/candidates/" + ats::shared::percent_encode(candidate_id) + "/attachments",
                       "GET /ats/candidates/" + candidate_id + "/attachments", call);
}

std::string KomboClient::download_attachment(const KomboAttachment &a, int64_t max_bytes, const ats::sdk::Call *call) {
    // Messages name the attachment, never data_url (a pre-signed URL carries its signature).
    const std::string what = "attachment " + a.id + (a.file_name.empty() ? "" : " (" + a.file_name + ")");
    if (max_bytes <= 0)
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, "Kombo " + what + ": max_bytes must be positive");
    const std::string origin = url_origin(a.data_url);
    if (origin.empty())
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": data_url is not an absolute http(s) URL");
    // The API key goes to the Kombo API's own origin only.
    const bool kombo_auth = origin == url_origin(cfg_.base_url);
    auto too_big = [&](int64_t size, const char *how) {
        return ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, "Kombo " + what + ": " + std::to_string(size) + " bytes (" +
                                                             how + ") exceed the limit of " +
                                                             std::to_string(max_bytes) +
                                                             " bytes (cvs.max_bytes); not downloaded");
    };
    // The first request asks for at most kFirstChunk bytes: most CVs arrive whole, and a file over
    // the limit is refused from its Content-Range having transferred (and held in memory) at most
    // that much, not max_bytes. A larger allowed file costs one more request for the rest.
    constexpr int64_t kFirstChunk = 1 << 20;
    auto fetch = [&](bool ranged, int64_t from = 0, int64_t to = -1) {
        if (call) call->throw_if_cancelled();
        std::vector<std::pair<std::string, std::string>> extra{{"Accept", "*/*"}};
        if (to < 0) to = std::min<int64_t>(max_bytes, kFirstChunk - 1);
        if (ranged) extra.emplace_back("Range", "bytes=" + std::to_string(from) + "-" + std::to_string(to));
        try {
            auto r = get(a.data_url, call, kombo_auth, std::move(extra));
            bytes_downloaded_ += static_cast<int64_t>(r.body.size());
            return r;
        } catch (const ats::sdk::Error &e) { // egress refused, timeout, reset, cancelled
            throw ats::sdk::Error(e.code(), "Kombo " + what + ": download failed: " + e.what(), e.retryable());
        }
    };
    ats::sdk::HttpResponse resp = fetch(true);
    if (resp.status == 416) resp = fetch(false); // an empty file cannot satisfy bytes=0-N: ask plainly
    const int64_t size = static_cast<int64_t>(resp.body.size());
    if (resp.status == 206) {
        const int64_t total = content_range_total(resp.header("Content-Range"));
        if (total > max_bytes) throw too_big(total, "Content-Range");
        if (size > max_bytes) throw too_big(size, "body");
        // "bytes A-B/total": a body shorter than B-A+1 is a broken transfer, not a first chunk.
        long long first = -1, last = -1;
        std::sscanf(resp.header("Content-Range").c_str(), "bytes %lld-%lld/", &first, &last);
        const bool whole_chunk = first == 0 && last >= 0 && size == last + 1;
        if (total > size && whole_chunk && last + 1 < total) { // allowed, larger than the first chunk: the rest
            ats::sdk::HttpResponse rest = fetch(true, size, total - 1);
            if (rest.status != 206 || content_range_total(rest.header("Content-Range")) != total)
                throw ats::sdk::Error(ATS_ERR_TRANSIENT,
                                      "Kombo " + what + ": the file changed between two range requests", true);
            resp.body += rest.body;
            return std::move(resp.body);
        }
        if (total >= 0 && size != total)
            throw ats::sdk::Error(ATS_ERR_TRANSIENT,
                                  "Kombo " + what + ": incomplete download (" + std::to_string(size) + " of " +
                                      std::to_string(total) + " bytes)",
                                  true);
        return std::move(resp.body);
    }
    if (resp.status == 200) {
        const int64_t declared = content_length(resp);
        if (declared > max_bytes) throw too_big(declared, "Content-Length");
        if (size > max_bytes) throw too_big(size, "body");
        return std::move(resp.body);
    }
    // An error: Kombo's envelope when the data_url is Kombo's own, otherwise the HTTP status decides.
    std::string code, message;
    boost::system::error_code ec;
    json::value doc = json::parse(resp.body, ec);
    if (!ec && doc.is_object())
        if (auto e = doc.get_object().find("error"); e != doc.get_object().end() && e->value().is_object()) {
            code = string_or_empty(e->value().get_object(), "code");
            message = string_or_empty(e->value().get_object(), "message");
        }
    if (code.empty() && (resp.status == 403 || resp.status == 410))
        message = "the pre-signed data_url may have expired; list the attachments again";
    throw kombo_error(code, message, resp.status, "GET " + what);
}

} // namespace ats::tracker_workable
