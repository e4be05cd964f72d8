// plugins/shared config_table.hpp: one row per key gives the schema and the parser.
#include <boost/test/unit_test.hpp>

#include "ats/shared/config_table.hpp"
#include "config_table_check.hpp"

#include <ats_plugin.hpp>

namespace bj = boost::json;
using ats::test::mentions;
namespace cfg = ats::shared::config;
using cfg::Row;

namespace {
struct Inner {
    std::string name = "inner";
};
struct Toy {
    int count = 5;
    bool on = false;
    std::string mode = "fast";
    std::string token;
    std::vector<std::string> tags = {"a/b"};
    std::map<std::string, std::string> names;
    std::optional<std::string> alias; // absent: as mode
    Inner inner;
    std::string order; // what the rules saw, in order
};

cfg::Table<Inner> inner_table() {
    cfg::Table<Inner> t;
    t.section({"inner", "a part kept in its own struct", false, "try inner.name"});
    t.key(Row::text("inner.name", "a name").with_example("x").at_least(1), ATS_CONFIG_MEMBER(name));
    return t;
}

const cfg::Table<Toy> &toy_table() {
    static const cfg::Table<Toy> table = [] {
        cfg::Table<Toy> t;
        t.key(Row::integer("count", 1, 9, "how many"), ATS_CONFIG_MEMBER(count));
        t.key(Row::boolean("on", "switch"), ATS_CONFIG_MEMBER(on));
        t.key(Row::text("mode", "how").with_example("slow").one_of_values({"fast", "slow"}), ATS_CONFIG_MEMBER(mode));
        t.key(Row::text("token", "secret").with_example("t0k3n-value").must_be_given().as_secret().matching("^t"),
              ATS_CONFIG_MEMBER(token));
        t.section({"lists", "collections", false, ""});
        t.key(Row::list("lists.tags", "types").with_example(bj::array{"c/d"}).at_least(1).matching("/"),
              ATS_CONFIG_MEMBER(tags), [](std::vector<std::string> &v, const std::string &) {
                  for (auto &s : v)
                      for (auto &ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
              });
        t.key(Row::map("lists.names", "id -> name").with_example(bj::object{{"1", "one"}}), ATS_CONFIG_MEMBER(names));
        t.key(Row::text("alias", "defaults to mode").with_example("other"), ATS_CONFIG_MEMBER(alias));
        t.rule([](Toy &c, const cfg::Layout &) { c.order += "first;"; });
        t.include(inner_table(), ATS_CONFIG_MEMBER(inner));
        t.rule([](Toy &c, const cfg::Layout &l) {
            c.order += "second;";
            if (c.on && c.mode == "fast") cfg::bad(l.field("mode"), "must be slow when on");
        });
        return t;
    }();
    return table;
}

bj::object minimal() { return bj::object{{"token", "tk"}}; }
bj::object with(bj::object extra) {
    bj::object o = minimal();
    for (const auto &kv : extra) o[kv.key()] = kv.value();
    return o;
}
} // namespace

BOOST_AUTO_TEST_SUITE(shared_config_table)

BOOST_AUTO_TEST_CASE(the_schema_comes_from_the_rows) {
    bj::object s = toy_table().schema();
    BOOST_TEST(s.at("additionalProperties") == false);
    BOOST_TEST(s.at("required") == (bj::array{"token"}));
    const bj::object &p = s.at("properties").as_object();
    BOOST_TEST(
        p.at("count") ==
        (bj::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 9}, {"description", "how many"}, {"default", 5}}));
    BOOST_TEST(p.at("mode").at("enum") == (bj::array{"fast", "slow"}));
    BOOST_TEST(p.at("token").at("x-secret") == true);
    BOOST_TEST(!p.at("token").as_object().contains("default")); // required and secret: none published
    BOOST_TEST(!p.at("alias").as_object().contains("default")); // an empty optional has none
    BOOST_TEST(p.at("lists").at("properties").at("tags").at("items").at("pattern") == "/");
    BOOST_TEST(p.at("lists").at("properties").at("tags").at("default") == (bj::array{"a/b"}));
    BOOST_TEST(p.at("inner").at("description") == "a part kept in its own struct");
    BOOST_TEST(p.at("inner").at("properties").at("name").at("examples") == (bj::array{"x"}));
}

BOOST_AUTO_TEST_CASE(parsing_stores_checks_and_runs_rules_in_order) {
    Toy t = toy_table().parse(with(bj::object{
        {"count", 7}, {"lists", bj::object{{"tags", bj::array{"Text/Plain"}}}}, {"inner", bj::object{{"name", "n"}}}}));
    BOOST_TEST(t.count == 7);
    BOOST_TEST(t.mode == "fast");
    BOOST_TEST((t.tags == std::vector<std::string>{"text/plain"}));
    BOOST_TEST(t.inner.name == "n");
    BOOST_TEST(!t.alias);
    BOOST_TEST(t.order == "first;second;");
    BOOST_TEST(toy_table().parse(with(bj::object{{"alias", "a"}})).alias.value_or("") == "a");
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
    const auto &t = toy_table();
    using ats::test::config_error;
    BOOST_TEST(mentions(config_error(t, bj::object{}), "provider_config.token: is required"));
    BOOST_TEST(
        mentions(config_error(t, with({{"count", 0}})), "provider_config.count: must be between 1 and 9, not 0"));
    BOOST_TEST(mentions(config_error(t, with({{"count", 1.5}})), "provider_config.count: must be an integer"));
    BOOST_TEST(mentions(config_error(t, with({{"on", "yes"}})), "provider_config.on: must be true or false"));
    BOOST_TEST(mentions(config_error(t, with({{"mode", "warp"}})),
                        "provider_config.mode: must be one of fast, slow (got 'warp')"));
    std::string secret = config_error(t, bj::object{{"token", "Xsecret-value"}});
    BOOST_TEST(mentions(secret, "provider_config.token: is not in the expected form"));
    BOOST_TEST(!mentions(secret, "Xsecret-value"));
    BOOST_TEST(mentions(config_error(t, with({{"lists", bj::object{{"tags", bj::array{}}}}})),
                        "provider_config.lists.tags: must have at least 1 item"));
    BOOST_TEST(mentions(config_error(t, with({{"lists", bj::object{{"tags", bj::array{"a/b", "pdf"}}}}})),
                        "provider_config.lists.tags[1]: 'pdf' must match"));
    BOOST_TEST(mentions(config_error(t, with({{"lists", bj::object{{"names", bj::object{{"7", 7}}}}}})),
                        "provider_config.lists.names['7']: must be a string"));
    BOOST_TEST(mentions(config_error(t, with({{"lists", 3}})), "provider_config.lists: must be an object"));
    BOOST_TEST(mentions(config_error(t, with({{"inner", bj::object{{"nam", "x"}}}})),
                        "provider_config.inner.nam: unknown key (known: name); try inner.name"));
    BOOST_TEST(mentions(config_error(t, with({{"on", true}})), "provider_config.mode: must be slow when on"));
}

BOOST_AUTO_TEST_CASE(the_table_check_holds) {
    ats::test::check_schema_and_parser_agree(toy_table(), toy_table().schema_json(), minimal());
}

BOOST_AUTO_TEST_SUITE_END()
