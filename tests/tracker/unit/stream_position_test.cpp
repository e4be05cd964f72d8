// The Tracker stream position (plugins/tracker/provider stream_position.hpp): what resuming
// skips, what it sends Tracker, and which positions it refuses.
#include <boost/test/unit_test.hpp>

#include "ats/tracker/client.hpp"
#include "ats/tracker/stream_position.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

using ats::tracker::StreamPosition;
namespace bj = boost::json;

BOOST_AUTO_TEST_SUITE(tracker_stream_position)

BOOST_AUTO_TEST_CASE(a_position_skips_only_rows_already_delivered) {
    StreamPosition p("O");
    BOOST_TEST(!p.resume_from());
    p.advance("2026-01-05 09:00:00", 7);
    p.advance("2026-01-05 09:00:01", 3);
    p.advance("2026-01-05 09:00:01", 9);
    auto back = StreamPosition::from_args(bj::object{{"resume_after", p.text()}}, "jobs.stream", "O");
    BOOST_REQUIRE(back);
    auto from = back->resume_from();
    BOOST_REQUIRE(from);
    BOOST_TEST(from->local_watermark == "2026-01-05 09:00:01"); // sent as updatedafter (inclusive)
    BOOST_TEST(from->already_seen == 2u);                       // rows of that second to skip
    BOOST_TEST(back->delivered("2026-01-05 09:00:01", 3));
    BOOST_TEST(back->delivered("2026-01-05 09:00:01", 9));
    BOOST_TEST(!back->delivered("2026-01-05 09:00:01", 4)); // same second, not delivered yet
    BOOST_TEST(!back->delivered("2026-01-05 09:00:02", 3)); // delivered, then changed: comes again
    BOOST_TEST(back->delivered("2026-01-05 09:00:00", 7));
}

BOOST_AUTO_TEST_CASE(malformed_or_foreign_positions_are_invalid_arguments_naming_resume_after) {
    StreamPosition jobs("O");
    jobs.advance("2026-01-05 09:00:00", 7);
    for (const bj::value &bad : {bj::value(jobs.text()), bj::value("{}"), bj::value("nope"), bj::value(5),
                                 bj::value(R"({"v":1,"k":"R","j":0,"w":"2026-01-05","ids":[1]})"),
                                 bj::value(R"({"v":1,"k":"R","j":0,"w":"2026-01-05 09:00:00","ids":[-1]})"),
                                 bj::value(R"({"v":2,"k":"R","j":0,"w":"","ids":[]})")}) {
        try {
            StreamPosition::from_args(bj::object{{"resume_after", bad}}, "candidates.stream", "R");
            BOOST_ERROR("accepted " << bj::serialize(bad));
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
            BOOST_TEST(std::string(e.what()).find("resume_after") != std::string::npos, e.what());
        }
    }
    BOOST_TEST(!StreamPosition::from_args(bj::object{}, "candidates.stream", "R"));
}

BOOST_AUTO_TEST_SUITE_END()
