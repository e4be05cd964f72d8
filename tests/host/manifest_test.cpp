// Tenant manifests and provider_config: the JSON-Schema subset validator, manifest structure,
// secrets (inline refused, env and file references, missing ones), unknown providers, bad JSON.
// Every message must name the file and the key, and never a secret's value.
#define BOOST_TEST_MODULE manifests
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "host_error.hpp"
#include "json_schema.hpp"
#include "manifest.hpp"
#include "pattern_matcher.hpp"
#include "plugin_registry.hpp"
#include "redactor.hpp"
#include "runtime.hpp"
#include "test_plugin_dir.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace ats;
namespace json = boost::json;

namespace {

using ats::test::contains;

void write(const std::string &path, const std::string &text) {
    boost::filesystem::create_directories(boost::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
}

std::string violations(const char *schema, json::value v) {
    std::string out;
    for (const auto &x : host::validate_and_apply_defaults(json::parse(schema), v, "provider_config"))
        out += x.path + ": " + x.message + "\n";
    return out;
}

struct Dirs {
    test::TempDir tmp{"ats-manifest"};
    std::string manifests = tmp / "manifests";
    std::shared_ptr<const host::LoadedPlugin> good;
    Dirs() { good = host::PluginRegistry::load_one(test::test_plugin_path("good")); }
    std::string resolve(const std::string &name, const std::string &text, host::Redactor &r) {
        write(manifests + "/" + name, text);
        return host::resolve_provider_config(host::load_manifest(manifests + "/" + name), *good, r);
    }
    std::string error_of(const std::string &name, const std::string &text) {
        host::Redactor r;
        try {
            resolve(name, text, r);
        } catch (const host::HostError &e) {
            return e.what();
        }
        return "";
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(validator_reports_each_keyword_with_the_path) {
    const char *schema = R"({"type":"object","additionalProperties":false,"required":["a"],"properties":{
        "a":{"type":"string","minLength":2,"maxLength":4,"pattern":"^x"},
        "n":{"type":"integer","minimum":1,"maximum":250},
        "e":{"enum":["p","q"]},
        "c":{"const":7},
        "l":{"type":"array","minItems":2,"items":{"type":"number"}},
        "o":{"type":"object","properties":{"deep":{"type":"boolean"}}}}})";
    BOOST_TEST(violations(schema, json::parse(R"({"a":"xy"})")).empty());
    auto v = violations(schema, json::parse(R"({"a":"y","n":251,"e":"r","c":8,"l":["s"],"o":{"deep":1},"zz":1})"));
    BOOST_TEST(contains(v, "provider_config.a: must be at least 2 characters long"));
    BOOST_TEST(contains(v, "provider_config.a: must match the pattern"));
    BOOST_TEST(contains(v, "provider_config.n: must be <= 250"));
    BOOST_TEST(contains(v, "provider_config.e: must be one of [\"p\",\"q\"]"));
    BOOST_TEST(contains(v, "provider_config.c: must be 7"));
    BOOST_TEST(contains(v, "provider_config.l: must have at least 2 items"));
    BOOST_TEST(contains(v, "provider_config.l[0]: must be of type number"));
    BOOST_TEST(contains(v, "provider_config.o.deep: must be of type boolean"));
    BOOST_TEST(contains(v, "provider_config.zz: is not a known key"));
    BOOST_TEST(contains(violations(schema, json::parse("{}")), "provider_config.a: is required"));
    BOOST_TEST(contains(violations(schema, json::parse(R"({"a":"x","n":0})")), "provider_config.n: must be >= 1"));
    BOOST_TEST(contains(violations(schema, json::parse(R"({"a":"xxxxx"})")), "at most 4 characters"));
    BOOST_TEST(contains(violations(schema, json::parse(R"({"a":"x","n":2.5})")), "must be of type integer"));
}

BOOST_AUTO_TEST_CASE(validator_applies_nested_defaults) {
    const char *schema = R"({"type":"object","properties":{
        "size":{"type":"integer","default":50},
        "kombo":{"type":"object","default":{},"properties":{"page":{"type":"integer","default":100,"maximum":250}}}}})";
    json::value v = json::object{};
    BOOST_TEST(host::validate_and_apply_defaults(json::parse(schema), v, "").empty());
    BOOST_TEST(json::serialize(v) == R"({"size":50,"kombo":{"page":100}})");
    json::value given = json::parse(R"({"size":1,"kombo":{"page":300}})");
    auto vs = host::validate_and_apply_defaults(json::parse(schema), given, "provider_config");
    BOOST_REQUIRE_EQUAL(vs.size(), 1u);
    BOOST_TEST(vs[0].path == "provider_config.kombo.page");
    BOOST_TEST(vs[0].message == "must be <= 250");
}

BOOST_AUTO_TEST_CASE(schema_subset_check_and_secret_paths) {
    BOOST_TEST(host::check_schema(json::parse(R"({"type":"object","oneOf":[]})")).size() == 1u);
    BOOST_TEST(host::check_schema(json::parse(R"({"type":"object","properties":{"a":{"minimum":"x"}}})")).size() == 1u);
    auto paths = host::secret_property_paths(
        json::parse(R"({"properties":{"a":{"x-secret":true},"b":{"properties":{"c":{"x-secret":true},"d":{}}}}})"));
    BOOST_REQUIRE_EQUAL(paths.size(), 2u);
    BOOST_TEST(paths[1] == (std::vector<std::string>{"b", "c"}));
}

BOOST_AUTO_TEST_CASE(a_valid_manifest_gets_host_defaults_and_a_resolved_config) {
    Dirs d;
    ::setenv("ATS_MT_KEY", "manifest-secret-value", 1);
    host::Redactor r;
    std::string cfg = d.resolve("acme.json", R"({"tenant_id":"acme","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_MT_KEY"}},"page_size":10},
        "host":{"egress_allow":["127.0.0.1"],"retry":{"max_attempts":2}}})",
                                r);
    auto v = json::parse(cfg);
    BOOST_TEST(v.at("api_key").as_string() == "manifest-secret-value");
    BOOST_TEST(v.at("page_size").as_int64() == 10);
    BOOST_TEST(v.at("job_count").as_int64() == 5);
    BOOST_TEST(r.redact("x manifest-secret-value y") == "x [REDACTED] y");
    auto m = host::load_manifest(d.manifests + "/acme.json");
    BOOST_TEST(m.host.max_concurrency == 8);
    BOOST_TEST(m.host.retry.max_attempts == 2);
    BOOST_TEST(m.host.retry.max_wait_ms == 30000);
    BOOST_TEST(m.host.egress_allow.size() == 1u);
}

BOOST_AUTO_TEST_CASE(file_secrets_are_relative_to_the_manifest) {
    Dirs d;
    write(d.manifests + "/secrets/acme.key", "file-secret-abc\n");
    host::Redactor r;
    std::string cfg = d.resolve("acme.json", R"({"tenant_id":"acme","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"file":"secrets/acme.key"}}}})",
                                r);
    BOOST_TEST(json::parse(cfg).at("api_key").as_string() == "file-secret-abc");
    std::string err = d.error_of("b.json", R"({"tenant_id":"b","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"file":"secrets/missing.key"}}}})");
    BOOST_TEST(contains(err, "b.json: provider_config.api_key: secret file"));
    BOOST_TEST(contains(err, "missing.key"));
}

BOOST_AUTO_TEST_CASE(an_inline_secret_is_refused_naming_file_and_key_but_not_the_value) {
    Dirs d;
    std::string err = d.error_of("inline.json", R"({"tenant_id":"inline","provider":"test_good",
        "provider_config":{"api_key":"inline-secret-zzz"}})");
    BOOST_TEST(contains(err, "inline.json: provider_config.api_key is a secret of provider 'test_good'"));
    BOOST_TEST(contains(err, "$secret"));
    BOOST_TEST(!contains(err, "inline-secret-zzz"));
}

BOOST_AUTO_TEST_CASE(a_missing_env_secret_names_the_variable) {
    Dirs d;
    ::unsetenv("ATS_MT_ABSENT");
    std::string err = d.error_of("e.json", R"({"tenant_id":"e","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_MT_ABSENT"}}}})");
    BOOST_TEST(contains(err, "e.json: provider_config.api_key: secret environment variable ATS_MT_ABSENT is not set"));
}

BOOST_AUTO_TEST_CASE(schema_violations_name_the_key) {
    Dirs d;
    ::setenv("ATS_MT_KEY", "manifest-secret-value", 1);
    std::string err = d.error_of("v.json", R"({"tenant_id":"v","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_MT_KEY"}},"page_size":251,"mode":{"flavour":"odd"},"typo":1}})");
    BOOST_TEST(contains(err, "v.json: provider_config.page_size: must be <= 250"));
    BOOST_TEST(contains(err, "v.json: provider_config.mode.flavour: must be one of"));
    BOOST_TEST(contains(err, "v.json: provider_config.typo: is not a known key"));
    std::string short_key = d.error_of("s.json", R"({"tenant_id":"s","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_MT_SHORT"}}}})");
    ::setenv("ATS_MT_SHORT", "abc", 1); // below minLength 4 -> message without the value
    short_key = d.error_of("s.json", R"({"tenant_id":"s","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_MT_SHORT"}}}})");
    BOOST_TEST(contains(short_key, "provider_config.api_key: must be at least 4 characters long"));
}

BOOST_AUTO_TEST_CASE(rate_limit_keys_load_with_defaults_and_contradictions_are_refused) {
    Dirs d;
    auto load = [&](const std::string &name, const std::string &rate_limit) {
        write(d.manifests + "/" + name, R"({"tenant_id":"r","provider":"test_good","provider_config":{},"host":{)" +
                                            (rate_limit.empty() ? std::string() : "\"rate_limit\":" + rate_limit) +
                                            "}}");
        return host::load_manifest(d.manifests + "/" + name);
    };
    auto m = load("default.json", "");
    BOOST_TEST(m.host.rate.enabled);
    BOOST_TEST(m.host.rate.ceiling_per_second == 0.0);
    BOOST_TEST(m.host.rate.interactive_share == 0.2);
    BOOST_TEST(m.host.rate.max_queue_ms == 120000);
    m = load("bounds.json", R"({"ceiling_per_second":50,"floor_per_second":2.5,"interactive_share":0.3})");
    BOOST_TEST(m.host.rate.ceiling_per_second == 50.0);
    BOOST_TEST(m.host.rate.floor_per_second == 2.5);
    BOOST_TEST(m.host.rate.interactive_share == 0.3);
    BOOST_TEST(load("off.json", R"({"enabled":false})").host.rate.enabled == false);
    auto error = [&](const std::string &name, const std::string &rate_limit) {
        try {
            load(name, rate_limit);
        } catch (const host::HostError &e) {
            return std::string(e.what());
        }
        return std::string();
    };
    BOOST_TEST(contains(error("inverted.json", R"({"ceiling_per_second":5,"floor_per_second":10})"),
                        "inverted.json: host.rate_limit: floor_per_second"));
    BOOST_TEST(contains(error("both.json", R"({"fixed_per_second":5,"ceiling_per_second":10})"),
                        "both.json: host.rate_limit: fixed_per_second excludes"));
    BOOST_TEST(
        contains(error("share.json", R"({"interactive_share":1.5})"), "share.json: host.rate_limit.interactive_share"));
    BOOST_TEST(
        contains(error("typo.json", R"({"ceiling":5})"), "typo.json: host.rate_limit.ceiling: is not a known key"));
}

BOOST_AUTO_TEST_CASE(manifest_structure_errors_name_file_and_key) {
    Dirs d;
    write(
        d.manifests + "/m.json",
        R"({"tenant_id":"bad id","provider":"Test","provider_config":{},"host":{"max_concurrency":0,"egres_allow":[]}})");
    try {
        host::load_manifest(d.manifests + "/m.json");
        BOOST_FAIL("expected a manifest error");
    } catch (const host::HostError &e) {
        std::string m = e.what();
        BOOST_TEST(contains(m, "m.json: tenant_id: must match the pattern"));
        BOOST_TEST(contains(m, "m.json: provider: must match the pattern"));
        BOOST_TEST(contains(m, "m.json: host.max_concurrency: must be >= 1"));
        BOOST_TEST(contains(m, "m.json: host.egres_allow: is not a known key"));
    }
    write(d.manifests + "/n.json", R"({"provider":"x","provider_config":{}})");
    BOOST_CHECK_EXCEPTION(host::load_manifest(d.manifests + "/n.json"), host::HostError, [](const host::HostError &e) {
        return contains(e.what(), "n.json: tenant_id: is required");
    });
}

BOOST_AUTO_TEST_CASE(bad_json_names_file_line_and_column) {
    Dirs d;
    write(d.manifests + "/broken.json",
          "{\n  \"tenant_id\": \"b\",\n  \"provider\": \"x\"\n  \"provider_config\": {}\n}\n");
    BOOST_CHECK_EXCEPTION(host::load_manifest(d.manifests + "/broken.json"), host::HostError,
                          [](const host::HostError &e) {
                              BOOST_TEST_MESSAGE(e.what());
                              return contains(e.what(), "broken.json:4:") && contains(e.what(), "invalid JSON");
                          });
}

BOOST_AUTO_TEST_CASE(the_folder_loads_good_files_despite_bad_ones_and_refuses_duplicate_ids) {
    Dirs d;
    write(d.manifests + "/a.json", R"({"tenant_id":"a","provider":"test_good","provider_config":{}})");
    write(d.manifests + "/b.json", R"({"tenant_id":"b","provider":"test_good","provider_config":{}})");
    write(d.manifests + "/b2.json", R"({"tenant_id":"b","provider":"test_c","provider_config":{}})");
    write(d.manifests + "/broken.json", "{");
    write(d.manifests + "/tenant-manifest.schema.json", R"({"type":"object"})"); // ignored
    write(d.manifests + "/README.md", "ignored");
    auto set = host::load_manifests(d.manifests);
    BOOST_REQUIRE_EQUAL(set.tenants.size(), 1u);
    BOOST_TEST(set.tenants[0].tenant_id == "a");
    BOOST_REQUIRE_EQUAL(set.problems.size(), 3u);
    std::string all;
    for (const auto &p : set.problems) all += p.message + "\n";
    BOOST_TEST(contains(all, "tenant_id 'b' is declared by"));
    BOOST_TEST(contains(all, "b.json and "));
    BOOST_TEST(contains(all, "broken.json:1:2: invalid JSON"));
}

BOOST_AUTO_TEST_CASE(patterns_match_as_in_ecmascript_over_inputs_of_any_length) {
    struct Case {
        const char *pattern, *text;
        bool match;
    };
    const Case cases[] = {
        {"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "acme-eu_1.prod", true},
        {"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "-acme", false},
        {"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "bad id", false},
        {"^[a-z][a-z0-9_]*$", "tracker_workable", true},
        {"^[a-z][a-z0-9_]*$", "Tracker", false},
        {R"(^(\*\.)?[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$)", "*.trackerrms.com:443", true},
        {R"(^(\*\.)?[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$)", "[::1]:8080", true},
        {R"(^(\*\.)?[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$)", "host:123456", false},
        {R"(^(\*\.)?[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$)", "a/b", false},
        {R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)", "2026-01-02T03:04:05.678Z", true},
        {R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)", "2026-01-02T03:04:05.Z", false},
        {"^https?://", "https://x", true},
        {"^https?://", "ftp://x", false},
        {"/", "team/abc", true}, // unanchored: anywhere in the text
        {"^[A-Za-z]{2}$", "GB", true},
        {"^[A-Za-z]{2}$", "GBR", false},
        {"^x", "", false},
        {"", "", true},
        {"a|", "zzz", true}, // the empty alternative matches
        {"^(?:ab)+$", "ababab", true},
        {"^(?:ab)+$", "ababa", false},
        {"^[^\\s]+$", "no-space", true},
        {"^[^\\s]+$", "a b", false},
        {"^.$", "\xC3\xA9", true}, // one code point, two bytes
        {"^\\w{3,}$", "ab", false},
        {"^a{2,3}$", "aaaa", false},
        {"^a{2,}$", "aaaa", true},
        {"^a{,2}$", "a{,2}", true}, // not a quantifier: literal braces (ECMAScript Annex B)
        {"^[]$", "", false},
        {"(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false}, // no exponential backtracking
    };
    for (const auto &c : cases)
        BOOST_TEST(host::Pattern(c.pattern).search(c.text) == c.match, c.pattern << " on '" << c.text << "'");
    // std::regex recursed once per character and overflowed the stack on values this long.
    std::string huge(1000000, 'a');
    BOOST_TEST(host::Pattern("^[a-z][a-z0-9_]*$").search(huge));
    BOOST_TEST(!host::Pattern("^(a|b)*c$").search(huge));
    for (const char *bad : {"(a", "a)", "*a", "a**", "(?=a)", "(a)\\1", "\\b", "[a", "[z-a]", "a{2000}", "\\"})
        BOOST_CHECK_THROW(host::Pattern{bad}, host::PatternError);
    BOOST_TEST(host::check_schema(json::parse(R"({"type":"string","pattern":"(?<=x)y"})")).size() == 1u);
}

// A value far past maxLength is refused by its length alone (the pattern is not run on it), and
// a long value with no maxLength is matched without recursion: one bad file is reported, the
// others still load.
BOOST_AUTO_TEST_CASE(very_long_values_are_refused_cleanly_naming_the_file) {
    Dirs d;
    write(d.manifests + "/ok.json", R"({"tenant_id":"ok","provider":"test_good","provider_config":{}})");
    write(d.manifests + "/long-id.json",
          R"({"tenant_id":")" + std::string(50000, 'a') + R"(","provider":"test_good","provider_config":{}})");
    write(d.manifests + "/long-egress.json", R"({"tenant_id":"e","provider":"test_good","provider_config":{},)"
                                             R"("host":{"egress_allow":[")" +
                                                 std::string(200000, 'a') + R"(!"]}})");
    auto set = host::load_manifests(d.manifests);
    BOOST_REQUIRE_EQUAL(set.tenants.size(), 1u);
    BOOST_TEST(set.tenants[0].tenant_id == "ok");
    BOOST_REQUIRE_EQUAL(set.problems.size(), 2u);
    std::string all;
    for (const auto &p : set.problems) all += p.message + "\n";
    BOOST_TEST(contains(all, "long-id.json: tenant_id: must be at most 64 characters long"));
    BOOST_TEST(!contains(all, "long-id.json: tenant_id: must match"));
    BOOST_TEST(contains(all, "long-egress.json: host.egress_allow[0]: must match the pattern"));
}

// Numbers beyond int64 (or beyond the key's range) are that file's error naming the key, never
// an internal error that stops every other tenant being listed.
BOOST_AUTO_TEST_CASE(numbers_out_of_range_name_the_file_and_key) {
    Dirs d;
    write(d.manifests + "/ok.json", R"({"tenant_id":"ok","provider":"test_good","provider_config":{}})");
    write(d.manifests + "/huge.json", R"({"tenant_id":"h","provider":"test_good","provider_config":{},)"
                                      R"("sync":{"interval_seconds":1e300}})");
    write(d.manifests + "/wide.json",
          R"({"tenant_id":"w","provider":"test_good","provider_config":{},)"
          R"("sync":{"full_every_seconds":18446744073709551615},"host":{"http_timeout_ms":-1e300}})");
    auto set = host::load_manifests(d.manifests);
    BOOST_REQUIRE_EQUAL(set.tenants.size(), 1u);
    BOOST_TEST(set.tenants[0].tenant_id == "ok");
    std::string all;
    for (const auto &p : set.problems) all += p.message + "\n";
    BOOST_TEST(contains(all, "huge.json: sync.interval_seconds: must be <= 31536000"), all);
    BOOST_TEST(contains(all, "wide.json: sync.full_every_seconds: must be <= 31536000"), all);
    BOOST_TEST(contains(all, "wide.json: host.http_timeout_ms: must be >= 100"), all);
}

BOOST_AUTO_TEST_CASE(an_unknown_provider_names_the_file_and_lists_the_available_ones) {
    Dirs d;
    write(d.manifests + "/u.json", R"({"tenant_id":"u","provider":"workday","provider_config":{}})");
    host::Runtime::Options o;
    o.plugins_dir = test::make_plugin_dir(d.tmp / "plugins", {"good", "c"});
    o.manifests_dir = d.manifests;
    o.environment.data_dir = d.tmp / "var";
    o.environment.log_file = d.tmp / "log";
    host::Runtime rt(o);
    try {
        rt.open_tenant("u");
        BOOST_FAIL("expected an unknown-provider error");
    } catch (const host::HostError &e) {
        BOOST_TEST(contains(e.what(), "u.json: provider 'workday'"));
        BOOST_TEST(contains(e.what(), "available providers: test_c, test_good"));
    }
    BOOST_CHECK_EXCEPTION(rt.open_tenant("nobody"), host::HostError, [](const host::HostError &e) {
        return contains(e.what(), "no tenant 'nobody'") && contains(e.what(), "u");
    });
}
