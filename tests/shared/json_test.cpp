#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/json.hpp"

#include <ats_plugin.hpp>

namespace sj = ats::shared::json;

namespace {
// Runs fn, expecting ats::sdk::Error with `code` whose message contains every fragment.
template <class Fn>
void expect_error(Fn &&fn, int32_t code, std::initializer_list<std::string> fragments) {
    try {
        fn();
        BOOST_FAIL("expected an ats::sdk::Error");
    } catch (const ats::sdk::Error &e) {
        BOOST_TEST(e.code() == code);
        for (const auto &f : fragments)
            BOOST_TEST(std::string(e.what()).find(f) != std::string::npos, e.what() << " lacks " << f);
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(shared_json)

BOOST_AUTO_TEST_CASE(typed_getters_return_values) {
    auto o = sj::parse_object(
        R"({"s":"x","i":42,"id_s":"7","id_i":8,"b":true,"a":["p","q"],"ids":[1,"2"],"o":{"k":1},"n":null})", "test");
    BOOST_TEST(sj::require_string(o, "s", "w") == "x");
    BOOST_TEST(sj::require_int(o, "i", "w") == 42);
    BOOST_TEST(sj::require_id(o, "id_s", "w") == "7");
    BOOST_TEST(sj::require_id(o, "id_i", "w") == "8");
    BOOST_TEST(sj::optional_bool(o, "b", false, "w") == true);
    BOOST_TEST(sj::optional_bool(o, "missing", true, "w") == true);
    BOOST_TEST((*sj::optional_string_array(o, "a", "w") == std::vector<std::string>{"p", "q"}));
    BOOST_TEST((sj::require_id_array(o, "ids", "w") == std::vector<std::string>{"1", "2"}));
    BOOST_TEST(sj::require_object(o, "o", "w").size() == 1u);
    BOOST_TEST(!sj::optional_string(o, "n", "w").has_value()); // null is absent
    BOOST_TEST(!sj::optional_int(o, "missing", "w").has_value());
    BOOST_TEST(sj::optional_object(o, "missing", "w") == nullptr);
}

BOOST_AUTO_TEST_CASE(errors_name_the_field_and_place) {
    auto o = sj::parse_object(R"({"s":5,"i":"x","ids":[1,{}],"n":null})", "args");
    expect_error([&] { sj::require_string(o, "s", "jobs.get arguments"); }, ATS_ERR_INVALID_ARGUMENT,
                 {"jobs.get arguments", "'s'", "must be a string"});
    expect_error([&] { sj::require_int(o, "i", "cfg"); }, ATS_ERR_INVALID_ARGUMENT, {"'i'", "integer"});
    expect_error([&] { sj::require_string(o, "absent", "cfg"); }, ATS_ERR_INVALID_ARGUMENT, {"'absent'", "required"});
    expect_error([&] { sj::require_string(o, "n", "cfg"); }, ATS_ERR_INVALID_ARGUMENT, {"'n'", "required"});
    expect_error([&] { sj::require_id_array(o, "ids", "cfg"); }, ATS_ERR_INVALID_ARGUMENT, {"'ids[1]'"});
    expect_error([&] { sj::optional_bool(o, "s", false, "cfg"); }, ATS_ERR_INVALID_ARGUMENT, {"'s'", "true or false"});
    expect_error([&] { sj::parse("{nope", "provider_config"); }, ATS_ERR_INVALID_ARGUMENT,
                 {"provider_config", "invalid JSON"});
    expect_error([&] { sj::parse_object("[1]", "arguments"); }, ATS_ERR_INVALID_ARGUMENT, {"arguments", "object"});
}

BOOST_AUTO_TEST_CASE(lenient_readers_for_upstream_rows) {
    auto o =
        sj::parse_object(R"({"PlacementId":12,"clientid":"34","name":"x","rate":1.5,"whole":3.0,"bad":"1a"})", "row");
    BOOST_TEST(sj::text_or(o, "placementid") == "12");
    BOOST_TEST(sj::int_or(o, "ClientId", -1) == 34);
    BOOST_TEST(sj::int_or(o, "bad", -1) == -1);
    BOOST_TEST(sj::int_or(o, "missing", -2) == -2);
    BOOST_TEST(sj::text_or(o, "whole") == "3");
    BOOST_TEST(sj::text_or(o, "rate") == "1.5");
    BOOST_TEST(sj::text_or(o, "missing", "fb") == "fb");
}

BOOST_AUTO_TEST_CASE(strict_typed_readers_take_only_their_type) {
    auto o = sj::parse_object(R"({"id":"a1","n":7,"Name":"x","job":{"id":"j"},"tags":["t"],"nil":null})", "row");
    BOOST_TEST(sj::string_or_empty(o, "id") == "a1");
    BOOST_TEST(sj::string_or_empty(o, "n") == "");    // a number is not a string here
    BOOST_TEST(sj::string_or_empty(o, "name") == ""); // exact keys only
    BOOST_TEST(sj::string_or_empty(o, "nil") == "");
    BOOST_TEST(sj::object_or_null(o, "job") != nullptr);
    BOOST_TEST(sj::object_or_null(o, "tags") == nullptr);
    BOOST_TEST(sj::array_or_null(o, "tags") != nullptr);
    BOOST_TEST(sj::array_or_null(o, "missing") == nullptr);
}

// Numbers an upstream may send that do not fit int64: the fallback (or their text), never an
// undefined conversion or a wrapped value (the sanitized build aborts on either).
BOOST_AUTO_TEST_CASE(lenient_readers_survive_numbers_out_of_range) {
    auto o = sj::parse_object(R"({"huge":1e300,"tiny":-1e300,"big":18446744073709551615,)"
                              R"("long":"99999999999999999999","neglong":"-99999999999999999999",)"
                              R"("max":"9223372036854775807","min":"-9223372036854775808",)"
                              R"("over":"9223372036854775808","minus":"-","edge":9.2233720368547758e18,)"
                              R"("negedge":-9.2233720368547758e18})",
                              "row");
    BOOST_TEST(sj::int_or(o, "huge", -1) == -1);
    BOOST_TEST(sj::int_or(o, "tiny", -1) == -1);
    BOOST_TEST(sj::int_or(o, "big", -1) == -1);
    BOOST_TEST(sj::int_or(o, "long", -1) == -1);
    BOOST_TEST(sj::int_or(o, "neglong", -1) == -1);
    BOOST_TEST(sj::int_or(o, "max", -1) == INT64_MAX);
    BOOST_TEST(sj::int_or(o, "min", -1) == INT64_MIN);
    BOOST_TEST(sj::int_or(o, "over", -1) == -1);
    BOOST_TEST(sj::int_or(o, "minus", -1) == -1);
    BOOST_TEST(sj::int_or(o, "edge", -1) == -1); // exactly 2^63
    BOOST_TEST(sj::int_or(o, "negedge", -1) == INT64_MIN);
    BOOST_TEST(sj::text_or(o, "huge") == "1.0000000000000001e+300");
    BOOST_TEST(sj::text_or(o, "edge") == "9.2233720368547758e+18");
}

BOOST_AUTO_TEST_SUITE_END()
