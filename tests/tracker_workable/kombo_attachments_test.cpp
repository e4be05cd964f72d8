// Unit tests of the Kombo attachments list parser and KomboClient's attachment download (size
// limit, Range, where the API key goes, GET only) against a scripted host HTTP service.
#define BOOST_TEST_MODULE tracker_workable_kombo_attachments
#include <boost/test/unit_test.hpp>

#include <deque>
#include <map>

#include "kombo/kombo_client.hpp"

using namespace ats::tracker_workable;

namespace {

// GET /ats/candidates/{id}/attachments example1 from kombo-openapi.json, as recorded there.
const char *kCandidateExample = R"({"status":"success","data":{"results":[{"id":"EYJjhMQT3LtVKXnTbnRT8s6U",
 "application_id":null,"candidate_id":"BTbkvY2w5ou3z3hdwuKcKzDh","type":"CV","remote_id":"GUzE666zfyjeoCJX6A8n7wh6",
 "data_url":"https://resources.kombo.dev/EYJjhMQT3LtVKXnTbnRT8s6U","file_name":"Frank Doe CV.pdf",
 "content_type":"application/pdf","remote_created_at":null,"remote_updated_at":null}]},
 "warnings":[{"message":"This is an example warning!"}]})";

// GET /ats/applications/{id}/attachments example1 from kombo-openapi.json.
const char *kApplicationExample =
    R"({"status":"success","data":{"results":[{"type":"CV","id":"EYJjhMQT3LtVKXnTbnRT8s6U",
 "remote_id":"GUzE666zfyjeoCJX6A8n7wh6","data_url":"https://resources.kombo.dev/7yZfKGzWigXxxRTygqAfHvyE",
 "file_name":"Frank Doe CV.pdf","content_type":"application/x-pdf","remote_created_at":null,
 "remote_updated_at":null}]},"warnings":[{"message":"This is an example warning!"}]})";

struct Seen {
    std::string method, url;
    std::map<std::string, std::string> headers;
};
struct Scripted {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct FakeHost {
    std::deque<Scripted> answers;
    std::vector<Seen> seen;
    ats_host_services_t services{};

    FakeHost() {
        services.struct_size = sizeof services;
        services.version = {ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR};
        services.host_data = this;
        services.log = [](void *, const ats_call_t *, int32_t, const char *, size_t) {};
        services.http_request = [](void *hd, const ats_call_t *, const ats_http_request_t *req, ats_http_response_fn fn,
                                   void *user, ats_error_t *) -> int32_t {
            auto *self = static_cast<FakeHost *>(hd);
            Seen s{req->method, req->url, {}};
            for (size_t i = 0; i < req->header_count; ++i) s.headers[req->headers[i].name] = req->headers[i].value;
            self->seen.push_back(std::move(s));
            BOOST_REQUIRE(!self->answers.empty());
            Scripted a = std::move(self->answers.front());
            self->answers.pop_front();
            std::vector<ats_http_header_t> hs;
            for (const auto &[k, v] : a.headers) hs.push_back({k.c_str(), v.c_str()});
            ats_http_response_t r{};
            r.struct_size = sizeof r;
            r.status = a.status;
            r.headers = hs.data();
            r.header_count = hs.size();
            r.body = reinterpret_cast<const uint8_t *>(a.body.data());
            r.body_len = a.body.size();
            r.attempts = 1;
            fn(user, &r);
            return ATS_OK;
        };
    }
    KomboClient client() {
        KomboConfig c;
        c.base_url = "https://api.kombo.dev/v1";
        c.api_key = "SECRET-KEY";
        c.integration_id = "workable:1";
        return KomboClient(ats::sdk::Host(&services), c);
    }
};

KomboAttachment cv(const std::string &url) {
    KomboAttachment a;
    a.id = "ATT1";
    a.type = "CV";
    a.data_url = url;
    a.file_name = "cv.pdf";
    return a;
}

int code_of(const std::function<void()> &f, std::string *message = nullptr) {
    try {
        f();
    } catch (const ats::sdk::Error &e) {
        if (message) *message = e.what();
        return e.code();
    }
    return 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(parses_kombo_openapi_examples) {
    auto c = parse_attachment_list(kCandidateExample, 200, "GET /ats/candidates/x/attachments");
    BOOST_REQUIRE_EQUAL(c.size(), 1u);
    BOOST_TEST(c[0].id == "EYJjhMQT3LtVKXnTbnRT8s6U");
    BOOST_TEST(c[0].remote_id == "GUzE666zfyjeoCJX6A8n7wh6");
    BOOST_TEST(c[0].type == "CV");
    BOOST_TEST(c[0].data_url == "https://resources.kombo.dev/EYJjhMQT3LtVKXnTbnRT8s6U");
    BOOST_TEST(c[0].file_name == "Frank Doe CV.pdf");
    BOOST_TEST(c[0].content_type == "application/pdf");
    BOOST_TEST(c[0].remote_updated_at == ""); // null
    auto a = parse_attachment_list(kApplicationExample, 200, "x");
    BOOST_REQUIRE_EQUAL(a.size(), 1u);
    BOOST_TEST(a[0].content_type == "application/x-pdf");
    BOOST_TEST(parse_attachment_list(R"({"status":"success","data":{"results":[]}})", 200, "x").empty());
}

BOOST_AUTO_TEST_CASE(attachment_list_errors_like_pages) {
    BOOST_TEST(code_of([] {
                   parse_attachment_list(
                       R"({"status":"error","error":{"code":"PLATFORM.INPUT_INVALID","message":"No candidate"}})", 404,
                       "x");
               }) == ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(code_of([] {
                   parse_attachment_list(R"({"status":"error","error":{"code":"PLATFORM.RATE_LIMIT_EXCEEDED"}})", 429,
                                         "x");
               }) == ATS_ERR_RATE_LIMITED);
    std::string full = kCandidateExample;
    BOOST_TEST(code_of([&] { parse_attachment_list(full.substr(0, full.size() / 2), 200, "x"); }) == ATS_ERR_TRANSIENT);
    BOOST_TEST(code_of([] { parse_attachment_list(R"({"status":"success","data":{}})", 200, "x"); }) ==
               ATS_ERR_TRANSIENT);
    BOOST_TEST(code_of([] { parse_attachment_list("<html>", 502, "x"); }) == ATS_ERR_TRANSIENT);
}

BOOST_AUTO_TEST_CASE(lists_are_gets_with_kombo_headers_and_malformed_200_is_fetched_again) {
    FakeHost h;
    auto k = h.client();
    h.answers.push_back({200, {}, "{\"status\":\"succ"});
    h.answers.push_back({200, {}, kApplicationExample});
    h.answers.push_back({200, {}, kCandidateExample});
    BOOST_TEST(k.application_attachments("APP 1", nullptr).size() == 1u);
    BOOST_TEST(k.candidate_attachments("C1", nullptr).size() == 1u);
    BOOST_REQUIRE_EQUAL(h.seen.size(), 3u);
    BOOST_TEST(h.seen[1].url == "https://api.kombo.dev/v1/ats/applications/APP%201/attachments");
    BOOST_TEST(h.seen[2].url == "https://api.kombo.dev/v1/ats/candidates/C1/attachments");
    for (const auto &s : h.seen) {
        BOOST_TEST(s.method == "GET");
        BOOST_TEST(s.headers.at("Authorization") == "Bearer SECRET-KEY");
        BOOST_TEST(s.headers.at("X-Integration-Id") == "workable:1");
    }
}

BOOST_AUTO_TEST_CASE(download_sends_no_key_to_another_host_and_asks_for_at_most_max_plus_one_bytes) {
    FakeHost h;
    auto k = h.client();
    h.answers.push_back({200, {{"Content-Length", "5"}}, "%PDF-"});
    BOOST_TEST(k.download_attachment(cv("https://resources.kombo.dev/ATT1?sig=x"), 100, nullptr) == "%PDF-");
    BOOST_REQUIRE_EQUAL(h.seen.size(), 1u);
    BOOST_TEST(h.seen[0].method == "GET");
    BOOST_TEST(h.seen[0].url == "https://resources.kombo.dev/ATT1?sig=x");
    BOOST_TEST(h.seen[0].headers.count("Authorization") == 0u);
    BOOST_TEST(h.seen[0].headers.count("X-Integration-Id") == 0u);
    BOOST_TEST(h.seen[0].headers.at("Range") == "bytes=0-100");
    BOOST_TEST(k.bytes_downloaded() == 5);
    // The Kombo API's own origin (another path, explicit default port) gets the key.
    h.answers.push_back({200, {}, "abc"});
    BOOST_TEST(k.download_attachment(cv("https://API.kombo.dev:443/files/ATT1"), 100, nullptr) == "abc");
    BOOST_TEST(h.seen[1].headers.at("Authorization") == "Bearer SECRET-KEY");
    // Same host, other port or scheme: no key.
    h.answers.push_back({200, {}, "abc"});
    k.download_attachment(cv("http://api.kombo.dev/files/ATT1"), 100, nullptr);
    BOOST_TEST(h.seen[2].headers.count("Authorization") == 0u);
}

BOOST_AUTO_TEST_CASE(download_refuses_what_exceeds_max_bytes) {
    FakeHost h;
    auto k = h.client();
    std::string msg;
    // A server that ignores Range: Content-Length decides.
    h.answers.push_back({200, {{"Content-Length", "2000"}}, std::string(2000, 'x')});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }, &msg) ==
               ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(msg.find("ATT1") != std::string::npos);
    BOOST_TEST(msg.find("2000 bytes") != std::string::npos);
    BOOST_TEST(msg.find("1000") != std::string::npos);
    BOOST_TEST(msg.find("files.example") == std::string::npos); // never the (pre-signed) URL
    // No Content-Length: the body decides.
    h.answers.push_back({200, {}, std::string(1001, 'x')});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }, &msg) ==
               ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(msg.find("1001 bytes") != std::string::npos);
    // A server that honours Range: only max+1 bytes came, Content-Range names the full size.
    h.answers.push_back({206, {{"Content-Range", "bytes 0-1000/5000000"}}, std::string(1001, 'x')});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }, &msg) ==
               ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(msg.find("5000000 bytes") != std::string::npos);
    // Exactly max_bytes is fine, whole file in one 206.
    h.answers.push_back({206, {{"Content-Range", "bytes 0-999/1000"}}, std::string(1000, 'y')});
    BOOST_TEST(k.download_attachment(cv("https://files.example/a"), 1000, nullptr).size() == 1000u);
    // A short 206 is an incomplete transfer (retryable).
    h.answers.push_back({206, {{"Content-Range", "bytes 0-999/1000"}}, std::string(10, 'y')});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }) ==
               ATS_ERR_TRANSIENT);
    BOOST_TEST(k.bytes_downloaded() == 2000 + 1001 + 1001 + 1000 + 10);
}

BOOST_AUTO_TEST_CASE(download_of_a_file_larger_than_the_first_chunk_takes_a_second_range) {
    FakeHost h;
    auto k = h.client();
    const int64_t chunk = 1 << 20, total = chunk + 500;
    h.answers.push_back({206,
                         {{"Content-Range", "bytes 0-" + std::to_string(chunk - 1) + "/" + std::to_string(total)}},
                         std::string(static_cast<size_t>(chunk), 'a')});
    h.answers.push_back({206,
                         {{"Content-Range", "bytes " + std::to_string(chunk) + "-" + std::to_string(total - 1) + "/" +
                                                std::to_string(total)}},
                         std::string(500, 'b')});
    std::string file = k.download_attachment(cv("https://files.example/a"), 10 * chunk, nullptr);
    BOOST_TEST(file.size() == static_cast<size_t>(total));
    BOOST_TEST(file.back() == 'b');
    BOOST_REQUIRE_EQUAL(h.seen.size(), 2u);
    BOOST_TEST(h.seen[0].headers.at("Range") == "bytes=0-" + std::to_string(chunk - 1));
    BOOST_TEST(h.seen[1].headers.at("Range") == "bytes=" + std::to_string(chunk) + "-" + std::to_string(total - 1));
    // Over the limit: refused after the first chunk alone.
    h.answers.push_back({206,
                         {{"Content-Range", "bytes 0-" + std::to_string(chunk - 1) + "/50000000"}},
                         std::string(static_cast<size_t>(chunk), 'a')});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 10 * chunk, nullptr); }) ==
               ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(h.seen.size() == 3u);
}

BOOST_AUTO_TEST_CASE(download_of_an_empty_file_and_http_errors) {
    FakeHost h;
    auto k = h.client();
    h.answers.push_back({416, {{"Content-Range", "bytes */0"}}, ""});
    h.answers.push_back({200, {{"Content-Length", "0"}}, ""});
    BOOST_TEST(k.download_attachment(cv("https://files.example/a"), 1000, nullptr).empty());
    BOOST_REQUIRE_EQUAL(h.seen.size(), 2u);
    BOOST_TEST(h.seen[1].headers.count("Range") == 0u);
    std::string msg;
    h.answers.push_back({403, {}, "<Error>AccessDenied</Error>"});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }, &msg) ==
               ATS_ERR_UNAUTHORIZED);
    BOOST_TEST(msg.find("expired") != std::string::npos);
    h.answers.push_back({404, {}, "no such file"});
    BOOST_TEST(code_of([&] { k.download_attachment(cv("https://files.example/a"), 1000, nullptr); }) ==
               ATS_ERR_NOT_FOUND);
    BOOST_TEST(code_of([&] { k.download_attachment(cv("/relative"), 1000, nullptr); }) == ATS_ERR_UPSTREAM);
}

BOOST_AUTO_TEST_CASE(origins) {
    BOOST_TEST(url_origin("https://Api.Kombo.dev/v1") == "https://api.kombo.dev:443");
    BOOST_TEST(url_origin("http://127.0.0.1:18702/files/x") == "http://127.0.0.1:18702");
    BOOST_TEST(url_origin("http://127.0.0.1/files/x") == "http://127.0.0.1:80");
    BOOST_TEST(url_origin("https://user@evil.example@api.kombo.dev/x") == "https://api.kombo.dev:443");
    BOOST_TEST(url_origin("https://api.kombo.dev.evil.example/x") != url_origin("https://api.kombo.dev/v1"));
    BOOST_TEST(url_origin("ftp://x/y") == "");
    BOOST_TEST(url_origin("no-scheme") == "");
}
