// Unit tests of the identity keys and the in-memory identity index (no network).
#define BOOST_TEST_MODULE tracker_workable_identity
#include <boost/test/unit_test.hpp>

#include <thread>

#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"

using namespace ats::tracker_workable;

namespace {
IdentityRules rules_in(const char *region) {
    IdentityRules r;
    r.phone_region = region;
    return r;
}
const IdentityRules GB = rules_in("GB");
const IdentityRules US = rules_in("US");

bool has(const PersonIdentity &id, const std::string &key) {
    return std::find(id.keys.begin(), id.keys.end(), key) != id.keys.end();
}
} // namespace

BOOST_AUTO_TEST_CASE(every_uk_phone_format_gives_one_key) {
    const char *formats[] = {"07400 100123",   "+44 7400 100123", "+44 (0)7400-100-123",
                             "00447400100123", "+447400100123",   "0044 7400 100 123"};
    for (const char *f : formats) {
        auto id = identity_of({}, {f}, "", "A", "B", GB);
        BOOST_TEST_CONTEXT(f) { BOOST_TEST(has(id, "p:+447400100123")); }
    }
}

BOOST_AUTO_TEST_CASE(region_decides_numbers_without_country_code) {
    auto us = identity_of({}, {"(201) 555-0234"}, "", "", "", US);
    BOOST_TEST(has(us, "p:+12015550234"));
    auto gb = identity_of({}, {"020 7947 0123"}, "", "", "", GB);
    BOOST_TEST(has(gb, "p:+442079470123"));
}

BOOST_AUTO_TEST_CASE(invalid_phone_gives_no_key) {
    auto id = identity_of({}, {"12345", "not a number", ""}, "", "Jo", "Bloggs", GB);
    for (const auto &k : id.keys) BOOST_TEST(key_kind(k) != 'p');
}

BOOST_AUTO_TEST_CASE(email_case_and_spaces_fold_to_one_key) {
    auto a = identity_of({"  Jane.Doe@Example.COM "}, {}, "", "", "", GB);
    auto b = identity_of({"jane.doe@example.com"}, {}, "", "", "", GB);
    BOOST_TEST(has(a, "e:jane.doe@example.com"));
    BOOST_TEST(a.keys == b.keys);
    auto blank = identity_of({"   ", "no-at-sign"}, {}, "", "", "", GB);
    BOOST_TEST(blank.keys.empty());
}

BOOST_AUTO_TEST_CASE(key_order_is_candidate_email_phone_and_deduplicated) {
    auto id = identity_of({"a@x.org", "A@X.org"}, {"07400 100123", "+447400100123"}, "cand1", "Ann", "Lee", GB);
    BOOST_REQUIRE_EQUAL(id.keys.size(), 3u);
    BOOST_TEST(id.keys[0] == "k:cand1");
    BOOST_TEST(id.keys[1] == "e:a@x.org");
    BOOST_TEST(id.keys[2] == "p:+447400100123");
}

BOOST_AUTO_TEST_CASE(name_key_is_normalised_but_never_an_identity_key) {
    BOOST_TEST(name_key("  Mary ", " O'Neil ") == "mary o'neil");
    BOOST_TEST(name_key("", "") == "");
    auto id = identity_of({}, {}, "", "Mary", "O'Neil", GB);
    BOOST_TEST(id.keys.empty());
    BOOST_TEST(id.name_key == "mary o'neil");
}

BOOST_AUTO_TEST_CASE(index_finds_first_known_key_and_reports_its_kind) {
    IdentityIndex ix;
    ix.add("p:+447400100123", "17");
    ix.add("e:a@x.org", "12");
    auto m = ix.find({"k:zz", "e:a@x.org", "p:+447400100123"});
    BOOST_REQUIRE(m);
    BOOST_TEST(m->resource_id == "12");
    BOOST_TEST(m->kind == 'e');
    auto p = ix.find({"e:other@x.org", "p:+447400100123"});
    BOOST_REQUIRE(p);
    BOOST_TEST(p->kind == 'p');
    BOOST_TEST(!ix.find({"e:nobody@x.org"}));
    BOOST_TEST(!ix.find({}));
}

BOOST_AUTO_TEST_CASE(duplicate_in_tracker_resolves_to_smallest_id_in_any_order) {
    IdentityIndex a, b;
    a.add("e:dup@x.org", "100");
    a.add("e:dup@x.org", "99");
    b.add("e:dup@x.org", "99");
    b.add("e:dup@x.org", "100");
    BOOST_TEST(a.find({"e:dup@x.org"})->resource_id == "99");
    BOOST_TEST(b.find({"e:dup@x.org"})->resource_id == "99");
    BOOST_TEST(resource_id_less("9", "10"));
    BOOST_TEST(!resource_id_less("10", "9"));
}

BOOST_AUTO_TEST_CASE(names_are_kept_for_reporting_only) {
    IdentityIndex ix;
    ix.add_name("ann lee", "5");
    ix.add_name("ann lee", "6");
    BOOST_TEST(*ix.find_name("ann lee") == "5");
    BOOST_TEST(!ix.find({"ann lee"}));
    BOOST_TEST(ix.size() == 0u);
}

BOOST_AUTO_TEST_CASE(index_is_safe_under_concurrent_writers) {
    IdentityIndex ix;
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t)
        ts.emplace_back([&ix, t] {
            for (int i = 0; i < 2000; ++i) ix.add("e:p" + std::to_string(i) + "@x.org", std::to_string(1000 + t));
        });
    for (auto &t : ts) t.join();
    BOOST_TEST(ix.size() == 2000u);
    BOOST_TEST(ix.find({"e:p7@x.org"})->resource_id == "1000");
}
