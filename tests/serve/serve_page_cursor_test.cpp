// serve_page_cursor_test.cpp - the page cursor codec alone: what it encodes comes back, and
// anything it did not issue for the same query is refused.
#define BOOST_TEST_MODULE serve_page_cursor
#include <boost/test/unit_test.hpp>

#include "page_cursor.hpp"

using ats::serve::CursorCodec;
using ats::serve::PageCursor;

BOOST_AUTO_TEST_CASE(positions_and_offsets_round_trip) {
    CursorCodec codec("k1");
    auto scope = CursorCodec::scope_of("t", "jobs.stream", "{}");
    auto p = codec.decode(scope, codec.encode(scope, PageCursor{std::string(R"({"v":1,"w":"x"})"), 0}));
    BOOST_REQUIRE(p);
    BOOST_TEST(*p->position == R"({"v":1,"w":"x"})");
    auto o = codec.decode(scope, codec.encode(scope, PageCursor{std::nullopt, 300}));
    BOOST_REQUIRE(o);
    BOOST_TEST(!o->position);
    BOOST_TEST(o->offset == 300u);
}

BOOST_AUTO_TEST_CASE(anything_not_issued_for_the_query_is_refused) {
    CursorCodec codec("k1");
    auto scope = CursorCodec::scope_of("t", "jobs.stream", R"({"updated_after":"2026-01-01T00:00:00Z"})");
    std::string token = codec.encode(scope, PageCursor{std::nullopt, 100});
    BOOST_TEST(codec.decode(scope, token).has_value());
    // Another query, another tenant, another key (a restarted service).
    BOOST_TEST(!codec.decode(CursorCodec::scope_of("t", "jobs.stream", "{}"), token));
    BOOST_TEST(
        !codec.decode(CursorCodec::scope_of("u", "jobs.stream", R"({"updated_after":"2026-01-01T00:00:00Z"})"), token));
    BOOST_TEST(!CursorCodec("k2").decode(scope, token));
    // Every single-character edit, truncation and garbage.
    for (size_t i = 0; i < token.size(); ++i) {
        std::string edited = token;
        edited[i] = edited[i] == 'A' ? 'B' : 'A';
        BOOST_TEST(!codec.decode(scope, edited), "edit at " << i);
    }
    BOOST_TEST(!codec.decode(scope, token.substr(0, token.size() - 1)));
    BOOST_TEST(!codec.decode(scope, "100"));
    BOOST_TEST(!codec.decode(scope, ""));
    BOOST_TEST(!codec.decode(scope, "."));
}
