// What protects a tenant's state at rest: AES-256-GCM sealing (bound to its row), the sealed
// column of the store, the tenant keys (generated key file, configured key, rotation, the identity
// hash key kept sealed and stable) and the private data directory.
#define BOOST_TEST_MODULE state_protection
#include <boost/test/unit_test.hpp>

#include "host_environment.hpp"
#include "host_error.hpp"
#include "manifest.hpp"
#include "private_files.hpp"
#include "state_crypto.hpp"
#include "state_store.hpp"
#include "file_text.hpp"
#include "temp_dir.hpp"
#include "tenant_keys.hpp"

#include "ats_plugin.h"

#include <boost/filesystem.hpp>
#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace ats;

namespace {

host::TenantManifest manifest(const std::string &tenant, const std::string &dir) {
    host::TenantManifest m;
    m.tenant_id = tenant;
    m.provider = "p";
    m.path = dir + "/" + tenant + ".json";
    return m;
}

boost::json::value file_ref(const std::string &path) {
    return boost::json::object{{"$secret", boost::json::object{{"file", path}}}};
}

void write(const std::string &path, const std::string &text) { std::ofstream(path, std::ios::binary) << text; }

mode_t mode_of(const std::string &p) {
    struct stat st {};
    BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_sealed_value_opens_only_with_its_key_and_in_its_row) {
    auto k1 = host::sealing_key_from_material("0123456789abcdef0123456789abcdef");
    auto k2 = host::sealing_key_from_material("another key material, long enough");
    std::string sealed = host::seal(k1, host::row_aad("t", "tok"), "refresh-token-value");
    BOOST_TEST(sealed.find("refresh-token-value") == std::string::npos);
    BOOST_TEST(host::open_sealed({k1}, host::row_aad("t", "tok"), sealed) == "refresh-token-value");
    BOOST_TEST(host::open_sealed({k2, k1}, host::row_aad("t", "tok"), sealed) == "refresh-token-value");
    BOOST_CHECK_THROW(host::open_sealed({k2}, host::row_aad("t", "tok"), sealed), std::runtime_error);
    BOOST_CHECK_THROW(host::open_sealed({k1}, host::row_aad("t", "other"), sealed), std::runtime_error);
    BOOST_CHECK_THROW(host::open_sealed({k1}, host::row_aad("u", "tok"), sealed), std::runtime_error);
    try {
        host::open_sealed({k2}, host::row_aad("t", "tok"), sealed);
    } catch (const std::exception &e) {
        BOOST_TEST(std::string(e.what()).find("0123456789abcdef") == std::string::npos); // no key material
    }
    BOOST_CHECK_THROW(host::sealing_key_from_material("short"), std::invalid_argument);
    // Identity hashes: deterministic, keyed, printable, fixed length.
    BOOST_TEST(host::identity_hash_text("k", "e:ann@x.org") == host::identity_hash_text("k", "e:ann@x.org"));
    BOOST_TEST(host::identity_hash_text("k", "e:ann@x.org") != host::identity_hash_text("k2", "e:ann@x.org"));
    BOOST_TEST(host::identity_hash_text("k", "e:ann@x.org").size() == 46u);
}

BOOST_AUTO_TEST_CASE(base64_decodes_what_it_encodes_in_both_alphabets) {
    const std::string bytes = "user:t\xfb\xff~";
    BOOST_TEST(*host::base64_decode(host::base64_encode(bytes), false, true) == bytes);
    BOOST_TEST(*host::base64_decode(host::base64url_encode(bytes), true, true) == bytes);
    BOOST_TEST(!host::base64_decode("ab+/", true, false));        // not the URL-safe alphabet
    BOOST_TEST(!host::base64_decode("YQ==", true, false));        // the URL-safe form has no padding
    BOOST_TEST(*host::base64_decode("YQ==", false, true) == "a"); // padding ends standard text
    BOOST_TEST(!host::base64_decode("YR", true, true));           // bits set past the last byte
    BOOST_TEST(*host::base64_decode("YR", true, false) == "a");   // accepted when not exact
    BOOST_TEST(!host::base64_decode("YWJjZ", true, true));        // a dangling character
}

BOOST_AUTO_TEST_CASE(tenant_keys_are_generated_private_stable_and_rotate) {
    test::TempDir tmp;
    host::HostEnvironment::Options o;
    o.data_dir = tmp / "var";
    o.log_file = tmp / "host.log";
    std::string identity;
    {
        host::HostEnvironment env(o);
        auto keys = host::load_tenant_keys(manifest("acme", tmp.str()), env);
        identity = keys.identity_key;
        BOOST_TEST(identity.size() == 32u);
        BOOST_TEST(mode_of(o.data_dir) == 0700u);
        BOOST_TEST(mode_of(o.data_dir + "/state.sqlite") == 0600u);
        BOOST_TEST(mode_of(o.data_dir + "/keys") == 0700u);
        BOOST_TEST(mode_of(o.data_dir + "/keys/acme.key") == 0600u);
        BOOST_TEST(mode_of(o.log_file) == 0600u);
        // A sealed row under the generated key.
        env.state().apply(
            "acme", {{false, "tok", host::seal(keys.sealing[0], host::row_aad("acme", "tok"), "secret-1"), true}});
        BOOST_TEST(ats::test::read_file(o.data_dir + "/state.sqlite").find("secret-1") == std::string::npos);
        BOOST_TEST(ats::test::read_file(o.data_dir + "/state.sqlite-wal").find("secret-1") == std::string::npos);
    }
    // Reopened: the same keys. Another tenant: another identity key.
    {
        host::HostEnvironment env(o);
        BOOST_TEST(host::load_tenant_keys(manifest("acme", tmp.str()), env).identity_key == identity);
        BOOST_TEST(host::load_tenant_keys(manifest("other", tmp.str()), env).identity_key != identity);
    }
    // Rotation: the generated key becomes the previous one of a configured key.
    write(tmp / "new.key", "a configured state key of 32 chars\n");
    auto m = manifest("acme", tmp.str());
    m.host.state_key = file_ref(tmp / "new.key");
    m.host.previous_state_keys = {file_ref(o.data_dir + "/keys/acme.key")};
    {
        host::HostEnvironment env(o);
        auto keys = host::load_tenant_keys(m, env);
        BOOST_TEST(keys.identity_key == identity); // hashes stay valid across a rotation
        BOOST_TEST(keys.resealed == 1u);
        std::string v;
        bool sealed = false;
        BOOST_REQUIRE(env.state().get("acme", "tok", v, &sealed));
        BOOST_TEST(sealed);
        auto only_new = host::sealing_key_from_material("a configured state key of 32 chars");
        BOOST_TEST(host::open_sealed({only_new}, host::row_aad("acme", "tok"), v) == "secret-1");
    }
    // The new key alone opens everything; the old key alone (a copied state file with the old
    // key file) opens nothing.
    m.host.previous_state_keys.clear();
    {
        host::HostEnvironment env(o);
        BOOST_TEST(host::load_tenant_keys(m, env).identity_key == identity);
    }
    auto old_only = manifest("acme", tmp.str());
    old_only.host.state_key = file_ref(tmp / "elsewhere.key");
    write(tmp / "elsewhere.key", "some key that never sealed anything here");
    {
        host::HostEnvironment env(o);
        try {
            host::load_tenant_keys(old_only, env);
            BOOST_FAIL("a state sealed under another key opened");
        } catch (const host::HostError &e) {
            BOOST_TEST(e.status() == ATS_ERR_CONFLICT);
            BOOST_TEST(std::string(e.what()).find("never sealed") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_data_dir_or_state_file_others_can_read_is_refused_unless_allowed) {
    test::TempDir tmp;
    std::string dir = tmp / "shared";
    boost::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0755);
    try {
        host::ensure_private_dir(dir, false);
        BOOST_FAIL("a 0755 data dir was accepted");
    } catch (const host::HostError &e) {
        std::string m = e.what();
        BOOST_TEST(m.find(dir) != std::string::npos);
        BOOST_TEST(m.find("chmod 700") != std::string::npos);
        BOOST_TEST(m.find("--allow-shared-data-dir") != std::string::npos);
    }
    BOOST_CHECK_NO_THROW(host::ensure_private_dir(dir, true));
    ::chmod(dir.c_str(), 0700);
    write(dir + "/state.sqlite", "");
    ::chmod((dir + "/state.sqlite").c_str(), 0640);
    BOOST_CHECK_THROW(host::ensure_private_file(dir + "/state.sqlite", false), host::HostError);
    BOOST_CHECK_NO_THROW(host::ensure_private_file(dir + "/state.sqlite", true));
    host::ensure_private_file(dir + "/new.sqlite", false);
    BOOST_TEST(mode_of(dir + "/new.sqlite") == 0600u);
}
