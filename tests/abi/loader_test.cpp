// The plugin loader against the test plugins: version negotiation, screening, duplicates,
// C and clang-built plugins, lifetime and hot reload. Every bad case must leave the good
// providers working.
#define BOOST_TEST_MODULE plugin_loader
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "host_environment.hpp"
#include "host_error.hpp"
#include "plugin_registry.hpp"
#include "tenant.hpp"
#include "test_plugin_dir.hpp"
#include "paths.hpp"
#include "plugins/test_extension.h"

#include "ats_project_version.h"

#include <cstdlib>

using namespace ats;
using host::PluginRegistry;

namespace {

struct Env {
    test::TempDir tmp{"ats-abi"};
    std::shared_ptr<host::HostEnvironment> env;
    Env() {
        host::HostEnvironment::Options o;
        o.data_dir = tmp / "var";
        o.log_file = tmp / "host.log";
        o.log_level = 0;
        env = std::make_shared<host::HostEnvironment>(o);
        ::setenv("ATS_ABI_TEST_KEY", "abi-test-key-123", 1);
    }
    host::TenantManifest manifest(const std::string &provider, const std::string &tenant = "t1") {
        host::TenantManifest m;
        m.path = tmp / "manifests/t1.json";
        m.tenant_id = tenant;
        m.provider = provider;
        if (provider == "test_good" || provider == "test_old_minor" || provider == "test_clang")
            m.provider_config = {{"api_key", {{"$secret", {{"env", "ATS_ABI_TEST_KEY"}}}}}};
        return m;
    }
    std::string dir(const std::vector<std::string> &names) { return test::make_plugin_dir(tmp / "plugins", names); }
};

const host::RejectedPlugin *rejected(const PluginRegistry &r, const std::string &file_part) {
    for (const auto &x : r.rejected())
        if (x.path.find(file_part) != std::string::npos) return &x;
    return nullptr;
}

using ats::test::contains;

// Runs an operation, collecting records.
host::InvokeResult run(host::Tenant &t, const std::string &op, const std::string &args, std::vector<std::string> &out,
                       long stop_after = -1) {
    host::InvokeSink sink;
    sink.on_record = [&](std::string_view r) {
        out.emplace_back(r);
        return stop_after < 0 || static_cast<long>(out.size()) < stop_after;
    };
    return t.invoke(op, args, sink);
}

} // namespace

BOOST_AUTO_TEST_CASE(good_plugin_is_loaded_with_its_descriptor) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good"}));
    BOOST_REQUIRE_EQUAL(reg->plugins().size(), 1u);
    BOOST_TEST(reg->rejected().empty());
    auto p = reg->find("test_good");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->display_name() == "Test ATS (test_good)");
    BOOST_TEST(p->plugin_version() == "1.0.0");
    BOOST_TEST(p->abi_version().major == 1u);
    BOOST_TEST(p->abi_version().minor == 4u);
    BOOST_TEST(p->has_get_extension());
    BOOST_TEST(p->capability("candidates.find").support == ATS_LIMITED);
    BOOST_TEST(p->capability("candidates.find").reason == "matches on email only");
    BOOST_TEST(p->capability("applications.reject").support == ATS_NOT_SUPPORTED);
    BOOST_TEST(p->capability("stages.list").support == ATS_NOT_SUPPORTED);
    BOOST_TEST(p->config_schema().as_object().contains("properties"));
}

BOOST_AUTO_TEST_CASE(another_major_is_refused_naming_both_versions_and_the_file) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good", "other_major"}));
    auto *r = rejected(*reg, "libatstest_other_major.so");
    BOOST_REQUIRE(r);
    BOOST_TEST(contains(r->reason, "ABI 2.0"));
    BOOST_TEST(contains(r->reason, "ABI 1.4"));
    BOOST_TEST(r->path.find("libatstest_other_major.so") != std::string::npos);
    BOOST_TEST(reg->find("test_good"));
    BOOST_CHECK_EXCEPTION(PluginRegistry::load_one(test::test_plugin_path("other_major")), std::runtime_error,
                          [](const std::runtime_error &x) {
                              return contains(x.what(), "libatstest_other_major.so") && contains(x.what(), "2.0");
                          });
}

BOOST_AUTO_TEST_CASE(a_newer_minor_plugin_works_and_its_unknown_operations_are_ignored) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"newer_minor"}));
    auto p = reg->find("test_newer_minor");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->abi_version().minor == 5u);
    BOOST_TEST(p->entry().struct_size > sizeof(ats_plugin_entry_t)); // the trailing 1.5 field
    BOOST_REQUIRE_EQUAL(p->warnings().size(), 1u);
    BOOST_TEST(contains(p->warnings()[0], "future.operation"));
    BOOST_TEST(p->capability("future.operation").support == ATS_NOT_SUPPORTED);
    auto t = host::Tenant::open(e.env, p, e.manifest("test_newer_minor"));
    std::vector<std::string> out;
    BOOST_TEST(run(*t, "check", "{}", out).status == ATS_OK);
    BOOST_REQUIRE_EQUAL(out.size(), 1u);
    BOOST_TEST(contains(out[0], "\"abi\":\"1.5\""));
}

BOOST_AUTO_TEST_CASE(an_older_minor_plugin_works_without_the_newer_fields) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"old_minor"}));
    auto p = reg->find("test_old_minor");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->abi_version().minor == 0u);
    BOOST_TEST(p->entry().struct_size < sizeof(ats_plugin_entry_t));
    BOOST_TEST(!p->has_get_extension()); // the host must not read past the 1.0 layout
    auto t = host::Tenant::open(e.env, p, e.manifest("test_old_minor"));
    std::vector<std::string> out;
    BOOST_TEST(run(*t, "jobs.stream", "{}", out).status == ATS_OK);
    BOOST_TEST(out.size() == 5u); // job_count's default, applied by the host
}

// Growth rule 3 (ats_plugin.h): an interface is found by its id through get_extension, and only
// by that exact id; a plugin with the 1.0 layout has no get_extension to ask.
BOOST_AUTO_TEST_CASE(an_extension_is_found_by_its_id_and_only_by_it) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good", "old_minor", "c"}));
    auto good = reg->find("test_good");
    BOOST_REQUIRE(good);
    const auto *ext =
        static_cast<const ats_test_greeting_extension_t *>(good->extension(ATS_TEST_GREETING_EXTENSION_ID));
    BOOST_REQUIRE(ext);
    BOOST_REQUIRE(ATS_HAS_FIELD(ext, ats_test_greeting_extension_t, greeting));
    BOOST_TEST(std::string(ext->greeting()) == "hello from test_good");
    BOOST_TEST(good->extension(ATS_TEST_GREETING_EXTENSION_ID) == ext); // static: the same every time
    BOOST_TEST(!good->extension("ats-tests.greeting/2"));               // another version is another id
    BOOST_TEST(!good->extension("ats-tests.unknown/1"));
    BOOST_TEST(!good->extension(nullptr));
    auto old = reg->find("test_old_minor");
    BOOST_REQUIRE(old);
    BOOST_TEST(!old->extension(ATS_TEST_GREETING_EXTENSION_ID)); // 1.0 layout: never read past invoke
    auto c = reg->find("test_c");
    BOOST_REQUIRE(c);
    BOOST_TEST(!c->extension(ATS_TEST_GREETING_EXTENSION_ID)); // serves no extension
}

// One version source: the bundled providers report the project's version and vendor, the ones
// the host reports as its own (CMake project(VERSION) -> ats_project_version.h).
BOOST_AUTO_TEST_CASE(bundled_providers_report_the_project_version_and_vendor) {
    auto reg = PluginRegistry::scan(test::plugins_dir());
    for (const char *provider : {"tracker", "tracker_workable"}) {
        auto p = reg->find(provider);
        BOOST_REQUIRE_MESSAGE(p, provider << " not built into " << test::plugins_dir());
        BOOST_TEST(p->plugin_version() == ATS_PROJECT_VERSION, provider);
        BOOST_TEST(p->vendor() == ATS_PROJECT_VENDOR, provider);
    }
    BOOST_TEST(host::HostIdentity{}.version == ATS_PROJECT_VERSION);
}

BOOST_AUTO_TEST_CASE(a_library_without_the_entry_symbol_is_reported) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good", "no_entry"}));
    auto *r = rejected(*reg, "libatstest_no_entry.so");
    BOOST_REQUIRE(r);
    BOOST_TEST(contains(r->reason, "ats_plugin_entry"));
    BOOST_TEST(reg->find("test_good"));
}

BOOST_AUTO_TEST_CASE(two_files_claiming_one_provider_are_both_refused_naming_both) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good", "dup_a", "dup_b"}));
    BOOST_TEST(!reg->find("test_dup"));
    auto *a = rejected(*reg, "libatstest_dup_a.so");
    auto *b = rejected(*reg, "libatstest_dup_b.so");
    BOOST_REQUIRE(a);
    BOOST_REQUIRE(b);
    for (auto *r : {a, b}) {
        BOOST_TEST(contains(r->reason, "libatstest_dup_a.so"));
        BOOST_TEST(contains(r->reason, "libatstest_dup_b.so"));
        BOOST_TEST(contains(r->reason, "test_dup"));
    }
    BOOST_TEST(reg->find("test_good"));
}

BOOST_AUTO_TEST_CASE(every_bad_plugin_together_leaves_the_good_ones_serving) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"good", "c", "clang", "old_minor", "newer_minor", "other_major", "no_entry",
                                           "dup_a", "dup_b", "throws", "create_fails", "c_nostop"}));
    BOOST_TEST(reg->rejected().size() == 4u); // other_major, no_entry, dup_a, dup_b
    for (const auto *name : {"test_good", "test_c", "test_clang", "test_old_minor", "test_newer_minor"}) {
        auto p = reg->find(name);
        BOOST_REQUIRE_MESSAGE(p, name);
        auto t = host::Tenant::open(e.env, p, e.manifest(name));
        std::vector<std::string> out;
        BOOST_TEST(run(*t, "check", "{}", out).status == ATS_OK, name);
        BOOST_TEST(out.size() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(a_plain_c_plugin_serves_a_stream) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"c"}));
    auto p = reg->find("test_c");
    BOOST_REQUIRE(p);
    auto t = host::Tenant::open(e.env, p, e.manifest("test_c"));
    std::vector<std::string> out;
    BOOST_TEST(run(*t, "jobs.stream", "{}", out).status == ATS_OK);
    BOOST_TEST(out.size() == 10u);
    BOOST_TEST(out[3] == R"({"id":"c-3","name":"C job 3"})");
}

BOOST_AUTO_TEST_CASE(a_plugin_built_with_clang_works_in_a_gcc_host) {
    Env e;
    auto reg = PluginRegistry::scan(e.dir({"clang"}));
    auto p = reg->find("test_clang");
    BOOST_REQUIRE(p);
    auto t = host::Tenant::open(e.env, p, e.manifest("test_clang"));
    std::vector<std::string> out;
    BOOST_TEST(run(*t, "jobs.stream", "{}", out).status == ATS_OK);
    BOOST_TEST(out.size() == 5u);
    // an exception thrown inside the clang-built code is caught there, never crosses
    out.clear();
    auto r = run(*t, "jobs.get", R"({"job_id":"job-99"})", out);
    BOOST_TEST(r.status == ATS_ERR_NOT_FOUND);
    BOOST_TEST(contains(r.message, "job-99"));
}

BOOST_AUTO_TEST_CASE(the_library_stays_loaded_while_a_tenant_lives) {
    Env e;
    std::shared_ptr<host::Tenant> t;
    {
        auto reg = PluginRegistry::scan(e.dir({"good"}));
        t = host::Tenant::open(e.env, reg->find("test_good"), e.manifest("test_good"));
    }                                                 // registry gone: only the tenant holds the plugin now
    boost::filesystem::remove_all(e.tmp / "plugins"); // even the file is gone
    std::vector<std::string> out;
    BOOST_TEST(run(*t, "jobs.stream", "{}", out).status == ATS_OK);
    BOOST_TEST(out.size() == 5u);
    BOOST_TEST(t->plugin().use_count() == 1);
}

BOOST_AUTO_TEST_CASE(catalog_reload_reuses_unchanged_plugins_and_swaps_in_changes) {
    Env e;
    std::string dir = e.dir({"good"});
    host::PluginCatalog catalog(dir);
    auto first = catalog.current();
    auto good_before = first->find("test_good");
    BOOST_REQUIRE(good_before);
    auto tenant = host::Tenant::open(e.env, good_before, e.manifest("test_good"));

    test::make_plugin_dir(dir, {"c"});
    auto second = catalog.reload();
    BOOST_TEST(second != first);
    BOOST_TEST(second->find("test_good") == good_before); // unchanged file: same loaded image
    BOOST_TEST(second->find("test_c"));
    BOOST_TEST(catalog.current() == second);

    boost::filesystem::remove(dir + "/libatstest_good.so");
    auto third = catalog.reload();
    BOOST_TEST(!third->find("test_good"));
    BOOST_TEST(third->find("test_c") == second->find("test_c"));
    // the old tenant still runs on the image it was created with
    std::vector<std::string> out;
    BOOST_TEST(run(*tenant, "jobs.stream", "{}", out).status == ATS_OK);
    BOOST_TEST(out.size() == 5u);
}

BOOST_AUTO_TEST_CASE(screening_rejects_bad_descriptors_init_failures_and_unresolved_symbols) {
    Env e;
    auto reg = PluginRegistry::scan(
        e.dir({"good", "init_fails", "bad_enum", "bad_schema", "unknown_op", "null_function", "unresolved"}));
    struct Expect {
        const char *file, *reason;
    };
    for (const auto &x :
         {Expect{"init_fails", "init() failed with status 8: init: the licence file is missing"},
          Expect{"bad_enum", "provider enum 'Bad-Enum' does not match [a-z][a-z0-9_]*"},
          Expect{"bad_schema", "oneOf: keyword not supported"},
          Expect{"unknown_op", "unknown operation 'jobs.teleport'"}, Expect{"null_function", "NULL function pointer"},
          Expect{"unresolved", "ats_test_function_nobody_defines"}}) {
        auto *r = rejected(*reg, std::string("libatstest_") + x.file + ".so");
        BOOST_REQUIRE_MESSAGE(r, x.file);
        BOOST_TEST(contains(r->reason, x.reason), x.file << ": " << r->reason);
    }
    BOOST_TEST(reg->plugins().size() == 1u);
    BOOST_TEST(reg->find("test_good"));
}

BOOST_AUTO_TEST_CASE(a_missing_plugins_folder_is_reported_not_fatal) {
    auto reg = PluginRegistry::scan("/nonexistent/ats/plugins");
    BOOST_TEST(reg->plugins().empty());
    BOOST_REQUIRE_EQUAL(reg->rejected().size(), 1u);
    BOOST_TEST(contains(reg->rejected()[0].reason, "does not exist"));
}
