// serve_header_values_test.cpp - unit tests of the pure pieces behind the wire defenses: media
// type validation and Content-Disposition building (upstream header material), and the router's
// split-then-decode of the raw path.
#define BOOST_TEST_MODULE serve_header_values
#include <boost/test/unit_test.hpp>

#include "header_values.hpp"
#include "router.hpp"

using namespace ats::serve;

BOOST_AUTO_TEST_CASE(media_types_parse_or_fall_back_to_octet_stream) {
    for (const char *good : {"application/pdf", "text/plain; charset=utf-8", "text/plain;charset=\"utf-8\"",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                             "multipart/x; a=b; c=\"d\\\"e\"", "image/png;"})
        BOOST_TEST(media_type_or_octet_stream(good) == good);
    for (const char *bad : {"", "pdf", "text/", "/plain", "text/html\r\nSet-Cookie: x=1", "text/html\n",
                            "text/plain; charset", "text/plain; charset=\"unterminated", "text/pl ain",
                            "text/plain; a=b\x01", "t\xC3\xA9xt/plain", "text/plain; a=\"\r\n\""})
        BOOST_TEST(media_type_or_octet_stream(bad) == "application/octet-stream", bad);
    BOOST_TEST(media_type_or_octet_stream("text/" + std::string(300, 'a')) == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(file_names_are_escaped_for_content_disposition) {
    BOOST_TEST(attachment_disposition("cv.pdf") == "attachment; filename=\"cv.pdf\"");
    BOOST_TEST(attachment_disposition("") == "attachment; filename=\"download\"");
    BOOST_TEST(attachment_disposition("a\"b\r\nX: y/../z\\w") == "attachment; filename=\"a_b__X: y_.._z_w\"");
    BOOST_TEST(attachment_disposition("r\xC3\xA9sum\xC3\xA9 1.pdf") ==
               "attachment; filename=\"r__sum__ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf");
}

BOOST_AUTO_TEST_CASE(the_router_splits_the_raw_path_then_decodes_parameters) {
    Router router;
    RouteHandler none = [](const HttpRequest &, const PathParams &, ResponseWriter &) {};
    router.add("GET", "/v1/tenants/{tenant}/jobs/{job_id}", none);
    router.add("GET", "/metrics", none);
    auto m = router.match("GET", "/v1/tenants/alpha/jobs/a%2Fb");
    BOOST_TEST(m.kind == RouteMatch::found);
    BOOST_TEST(m.params["job_id"] == "a/b");
    BOOST_TEST(router.match("GET", "/v1/tenants/alpha%2Fjobs%2F2311").kind == RouteMatch::not_found);
    BOOST_TEST(router.match("GET", "/%6Detrics").kind == RouteMatch::not_found);
    BOOST_TEST(router.match("GET", "/v1/tenants/alpha/jobs/%zz").kind == RouteMatch::not_found);
    BOOST_TEST(router.match("GET", "/v1/tenants/alpha/jobs/%2").kind == RouteMatch::not_found);
    auto nul = router.match("GET", "/v1/tenants/alpha/jobs/a%00b");
    BOOST_TEST(nul.params["job_id"] == std::string("a\0b", 3));
}
