// Unit tests of the hybrid provider's data protection against the in-memory FakeHost: migrating a
// state with readable identity keys (no duplicate person afterwards), forget, retention.
#define BOOST_TEST_MODULE tracker_workable_data_protection
#include <boost/test/unit_test.hpp>

#include "fakes/fake_host.hpp"
#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"
#include "sync/data_protection.hpp"
#include "sync/sync_state.hpp"

using namespace ats::tracker_workable;

namespace {

struct Fixture {
    ats::test::FakeHost fake;
    SyncConfig cfg;
    Fixture() {
        fake.enable_data_protection();
        ats::sdk::Host host = fake.host();
        cfg.identity.fictional_numbers_are_identities = true;
        cfg.identity.key_hasher = [host](std::string_view k) { return host.identity_hash(k); };
    }
    std::string pending(const std::string &id, const std::string &email, int64_t parked_at_ms) {
        PendingRecord r;
        r.app.id = id;
        r.app.first_name = "Ann";
        r.app.last_name = "Lee";
        r.app.emails = {email};
        r.kind = "unmapped_job";
        r.reason = "job not mapped";
        r.parked_at_ms = parked_at_ms;
        return encode_pending(r);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(readable_keys_are_rekeyed_in_place_and_found_again_without_a_duplicate, Fixture) {
    // A state as an older version wrote it.
    fake.put("per/e:ann@x.org", "10");
    fake.put("per/p:+447700900123", "10");
    fake.put("per/e:bob@x.org", "12");
    fake.put("per/" + protected_key("e:bob@x.org", cfg.identity), "11"); // Tracker duplicate: smaller id wins
    fake.put("nam/ann lee", "10");
    fake.put("pend/k1", pending("k1", "carl@x.org", 0));
    fake.put("pc/10", "[\"e:ann@x.org\"]");

    ProtectCounts n = protect_existing_state(fake.host(), cfg.identity);
    BOOST_TEST(n.keys_hashed == 4);
    BOOST_TEST(n.values_sealed == 2);
    for (const auto &[k, v] : fake.state()) {
        BOOST_TEST(k.find("@") == std::string::npos, k);
        BOOST_TEST(k.find("ann lee") == std::string::npos, k);
    }
    BOOST_TEST(fake.is_secret("pend/k1"));
    BOOST_TEST(fake.is_secret("pc/10"));
    BOOST_TEST(fake.count_prefix("per/") == 3u);

    // The keys the sync computes now find the people the old state knew: nobody is new.
    IdentityIndex index;
    fake.host().state_scan("per/", [&](std::string_view k, std::string_view v) {
        index.add(std::string(k.substr(4)), std::string(v));
        return true;
    });
    PersonIdentity ann = identity_of({" Ann@X.org "}, {}, "", "Ann", "Lee", cfg.identity);
    BOOST_REQUIRE(index.find(ann.keys));
    BOOST_TEST(index.find(ann.keys)->resource_id == "10");
    PersonIdentity phone_only = identity_of({}, {"07700 900123"}, "", "", "", cfg.identity);
    BOOST_TEST(index.find(phone_only.keys)->resource_id == "10");
    BOOST_TEST(index.find(identity_of({"bob@x.org"}, {}, "", "", "", cfg.identity).keys)->resource_id == "11");
    std::string name;
    BOOST_TEST(fake.host().state_get("nam/" + ann.name_key, name));
    BOOST_TEST(name == "10");

    // Done once: a second run changes nothing.
    ProtectCounts again = protect_existing_state(fake.host(), cfg.identity);
    BOOST_TEST(again.keys_hashed == 0);
    BOOST_TEST(again.values_sealed == 0);
}

BOOST_FIXTURE_TEST_CASE(forget_removes_keys_maps_pending_and_intents_of_one_person_only, Fixture) {
    PersonIdentity ann = identity_of({"ann@x.org"}, {"07700 900123"}, "c1", "Ann", "Lee", cfg.identity, "w1");
    ats::sdk::Host::Batch b;
    for (const auto &k : ann.keys) b.put("per/" + k, "10");
    b.put("per/" + identity_of({"bob@x.org"}, {}, "", "", "", cfg.identity).keys[0], "11");
    b.put("nam/" + ann.name_key, "10");
    AppRecord rec;
    rec.link_id = "L1";
    rec.resource_id = "10";
    b.put("app/k1", encode_app_record(rec));
    rec.link_id = "L2";
    rec.resource_id = "11";
    b.put("app/k2", encode_app_record(rec));
    b.put("link/L1", "{}").put("link/L2", "{}").put("ver/10", "").put("ver/11", "").put("sint/k1", "{}");
    b.put_secret("pc/10", "[]").put_secret("cint/10", "{}");
    b.put_secret("pend/k3", pending("k3", "ANN@x.org", 5)).put("int/k3", "{}");
    b.put_secret("pend/k4", pending("k4", "dan@x.org", 5));
    b.put("idx/tracker_watermark", "2026-01-01T00:00:00Z");
    fake.host().state_apply(b);

    ForgetRequest req;
    req.email = "Ann@X.org";
    ForgetCounts n = forget_person(fake.host(), cfg, req);
    BOOST_TEST(n.people == 1);
    BOOST_TEST(n.identity_keys == static_cast<int64_t>(ann.keys.size()) + 1);
    BOOST_TEST(n.id_maps == 4); // app/k1, link/L1, ver/10, pc/10
    BOOST_TEST(n.pending == 1);
    BOOST_TEST(n.intents == 3); // cint/10, int/k3, sint/k1
    auto s = fake.state();
    BOOST_TEST(s.count("app/k2") == 1u);
    BOOST_TEST(s.count("ver/11") == 1u);
    BOOST_TEST(s.count("pend/k4") == 1u);
    BOOST_TEST(s.count("app/k1") == 0u);
    BOOST_TEST(s.count("idx/tracker_watermark") == 0u); // the next sync re-reads Tracker's people
    BOOST_TEST(fake.count_prefix("per/") == 1u);

    BOOST_TEST(forget_person(fake.host(), cfg, req).total() == 0); // idempotent
    ForgetRequest bad;
    bad.email = "no-at-sign";
    BOOST_CHECK_THROW(forget_person(fake.host(), cfg, bad), ats::sdk::Error);
}

BOOST_FIXTURE_TEST_CASE(parked_records_expire_by_the_host_clock_from_their_first_parking, Fixture) {
    const int64_t day = 86400LL * 1000, now = 1'790'000'000'000;
    cfg.pending_retention_days = 30;
    cfg.quarantine_retention_days = 10;
    ats::sdk::Host::Batch b;
    b.put_secret("pend/old", pending("old", "a@x.org", now - 31 * day));
    b.put_secret("pend/young", pending("young", "b@x.org", now - 29 * day));
    b.put_secret("quar/q", pending("q", "c@x.org", now - 11 * day));
    b.put_secret("pend/undated", pending("undated", "d@x.org", 0));
    fake.host().state_apply(b);
    ExpiryCounts n = expire_parked(fake.host(), cfg, now);
    BOOST_TEST(n.pending == 1);
    BOOST_TEST(n.quarantined == 1);
    auto s = fake.state();
    BOOST_TEST(s.count("pend/old") == 0u);
    BOOST_TEST(s.count("quar/q") == 0u);
    BOOST_TEST(s.count("pend/young") == 1u);
    BOOST_REQUIRE(s.count("pend/undated") == 1u);
    BOOST_TEST(decode_pending(s.at("pend/undated")).parked_at_ms == now); // its clock starts now
    BOOST_TEST(fake.is_secret("pend/undated"));
}

BOOST_AUTO_TEST_CASE(on_a_host_without_data_protection_secrets_are_stored_plain_with_one_warning) {
    ats::test::FakeHost old; // host services as of 1.0: no identity_hash
    ats::sdk::Host host = old.host();
    BOOST_TEST(!host.data_protection());
    host.state_put_secret("tok", "v1");
    host.state_put_secret("tok2", "v2");
    BOOST_TEST(old.state().at("tok") == "v1");
    BOOST_TEST(!old.is_secret("tok"));
    size_t warnings = 0;
    for (const auto &l : old.log_lines()) warnings += l.find("plain text") != std::string::npos;
    BOOST_TEST(warnings <= 1u); // once per process (another test may have said it already)
    BOOST_CHECK_THROW(host.identity_hash("e:a@x.org"), ats::sdk::Error);
    // The sync keeps readable keys there: no hasher, nothing to migrate.
    IdentityRules rules;
    BOOST_TEST(protect_existing_state(host, rules).keys_hashed == 0);
}
