// Calling plugins through a Tenant: failures inside plugins (create fails, exceptions), streams
// stopped by the host (honoured, or ignored by a misbehaving plugin), cancellation, operations
// the matrix refuses, bad arguments. After each failure the host keeps serving.
#define BOOST_TEST_MODULE plugin_invoke
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "host_environment.hpp"
#include "host_error.hpp"
#include "plugin_registry.hpp"
#include "lock_manager.hpp"
#include "tenant.hpp"
#include "test_plugin_dir.hpp"

#include "ats_plugin.hpp"

#include <fstream>
#include <thread>
#include <sstream>

using namespace ats;

namespace {

struct Fixture {
    test::TempDir tmp{"ats-invoke"};
    std::shared_ptr<host::HostEnvironment> env;
    std::shared_ptr<const host::PluginRegistry> reg;
    Fixture() {
        host::HostEnvironment::Options o;
        o.data_dir = tmp / "var";
        o.log_file = tmp / "host.log";
        o.log_level = 0;
        env = std::make_shared<host::HostEnvironment>(o);
        ::setenv("ATS_INVOKE_TEST_KEY", "invoke-secret-4711", 1);
        reg = host::PluginRegistry::scan(
            test::make_plugin_dir(tmp / "plugins", {"good", "c", "c_nostop", "throws", "create_fails"}));
    }
    std::shared_ptr<host::Tenant> open(const std::string &provider, boost::json::object cfg = {}) {
        host::TenantManifest m;
        m.path = tmp / "manifests/x.json";
        m.tenant_id = "x";
        m.provider = provider;
        m.provider_config = std::move(cfg);
        if (provider == "test_good") m.provider_config["api_key"] = {{"$secret", {{"env", "ATS_INVOKE_TEST_KEY"}}}};
        return host::Tenant::open(env, reg->find(provider), m);
    }
    std::string log() const {
        std::ifstream in(tmp / "host.log");
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

using ats::test::contains;

} // namespace

BOOST_FIXTURE_TEST_SUITE(invoke, Fixture)

BOOST_AUTO_TEST_CASE(create_failure_is_a_plugin_error_with_code_and_message) {
    try {
        open("test_create_fails");
        BOOST_FAIL("create should fail");
    } catch (const host::HostError &e) {
        BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(host::ErrorKind::plugin));
        BOOST_TEST(e.status() == ATS_ERR_UNAUTHORIZED);
        BOOST_TEST(contains(e.what(), "test_create_fails"));
        BOOST_TEST(contains(e.what(), "refuses every tenant"));
        BOOST_TEST(contains(e.what(), "unauthorized"));
    }
    // the host goes on serving another provider
    auto t = open("test_c");
    BOOST_TEST(t->invoke("check", "{}", {[](std::string_view) { return true; }, {}, {}}).status == ATS_OK);
}

BOOST_AUTO_TEST_CASE(exceptions_inside_operations_become_internal_errors) {
    auto t = open("test_throws");
    std::vector<std::string> out;
    host::InvokeSink sink{[&](std::string_view r) {
                              out.emplace_back(r);
                              return true;
                          },
                          {},
                          {}};
    auto r = t->invoke("jobs.stream", "{}", sink);
    BOOST_TEST(r.status == ATS_ERR_INTERNAL);
    BOOST_TEST(contains(r.message, "blew up after one record"));
    BOOST_TEST(out.size() == 1u);                // delivered before the failure: stays delivered
    auto r2 = t->invoke("jobs.get", "{}", sink); // throws an int
    BOOST_TEST(r2.status == ATS_ERR_INTERNAL);
    BOOST_TEST(contains(r2.message, "unknown exception"));
    // same instance, next call fine
    BOOST_TEST(t->invoke("check", "{}", sink).status == ATS_OK);
}

BOOST_AUTO_TEST_CASE(the_host_stops_a_stream_and_the_plugin_honours_it) {
    auto t = open("test_good", {{"job_count", 1000}});
    long seen = 0;
    host::InvokeSink sink{[&](std::string_view) { return ++seen < 3; }, {}, {}};
    auto r = t->invoke("jobs.stream", "{}", sink);
    BOOST_TEST(r.status == ATS_OK);
    BOOST_TEST(seen == 3);
    BOOST_TEST(r.records == 3u);
    BOOST_TEST(r.stopped);
    BOOST_TEST(r.ignored_after_stop == 0u);
    BOOST_TEST(contains(log(), "stopped by the consumer after 3 records"));
}

BOOST_AUTO_TEST_CASE(a_plugin_ignoring_stop_is_contained) {
    auto t = open("test_c_nostop");
    long seen = 0;
    host::InvokeSink sink{[&](std::string_view) { return ++seen < 3; }, {}, {}};
    auto r = t->invoke("jobs.stream", "{}", sink);
    BOOST_TEST(r.status == ATS_OK);
    BOOST_TEST(seen == 3);                  // the consumer never saw more than it asked for
    BOOST_TEST(r.ignored_after_stop == 7u); // 10 sent, 3 consumed
    BOOST_TEST(contains(log(), "ignored STOP"));
    // the C plugin that does honour STOP sends no extra record
    auto good = open("test_c");
    seen = 0;
    auto r2 = good->invoke("jobs.stream", "{}", sink);
    BOOST_TEST(r2.ignored_after_stop == 0u);
}

BOOST_AUTO_TEST_CASE(cancellation_reaches_the_plugin) {
    auto t = open("test_good", {{"job_count", 1000}});
    long seen = 0;
    host::InvokeSink sink{[&](std::string_view) {
                              ++seen;
                              return true;
                          },
                          {},
                          {}};
    host::CallOptions co;
    co.cancelled = [&] { return seen >= 4; };
    auto r = t->invoke("jobs.stream", "{}", sink, co);
    BOOST_TEST(r.status == ATS_ERR_CANCELLED);
    BOOST_TEST(seen == 4);
}

// The retryable rule (ats_status_retryable), applied by the SDK's and the host's one fill_error:
// a bug is final, a cancelled call and a lock someone else holds pass.
BOOST_AUTO_TEST_CASE(retryable_follows_the_one_rule_on_both_sides) {
    host::InvokeSink sink{[](std::string_view) { return true; }, {}, {}};
    auto thrown = open("test_throws")->invoke("jobs.stream", "{}", sink);
    BOOST_TEST(thrown.status == ATS_ERR_INTERNAL);
    BOOST_TEST(!thrown.retryable);

    auto t = open("test_good", {{"job_count", 1000}});
    long seen = 0;
    host::InvokeSink counting{[&](std::string_view) {
                                  ++seen;
                                  return true;
                              },
                              {},
                              {}};
    host::CallOptions co;
    co.cancelled = [&] { return seen >= 2; };
    auto cancelled = t->invoke("jobs.stream", "{}", counting, co);
    BOOST_TEST(cancelled.status == ATS_ERR_CANCELLED);
    BOOST_TEST(cancelled.retryable);

    // The host's lock service: held by someone else is a CONFLICT that passes once released.
    auto held = env->locks().acquire("x", "sync", 0);
    auto conflict = t->invoke("sync", "{}", sink);
    BOOST_TEST(conflict.status == ATS_ERR_CONFLICT);
    BOOST_TEST(contains(conflict.message, "held by"));
    BOOST_TEST(conflict.retryable);
    held.reset();
    BOOST_TEST(t->invoke("sync", "{}", sink).status == ATS_OK);

    // The rule itself, as both sides apply it.
    for (int32_t code : {ATS_ERR_TRANSIENT, ATS_ERR_RATE_LIMITED, ATS_ERR_CANCELLED}) {
        BOOST_TEST(ats::sdk::Error(code, "m").retryable(), code);
        ats_error_t e{};
        ats::sdk::fill_error(&e, code, "m");
        BOOST_TEST(e.retryable == 1, code);
    }
    for (int32_t code : {ATS_ERR_INTERNAL, ATS_ERR_INVALID_ARGUMENT, ATS_ERR_NOT_FOUND, ATS_ERR_UNAUTHORIZED,
                         ATS_ERR_CONFLICT, ATS_ERR_UPSTREAM, ATS_ERR_FORBIDDEN, ATS_ERR_NOT_SUPPORTED}) {
        BOOST_TEST(!ats::sdk::Error(code, "m").retryable(), code);
        BOOST_TEST(ats::sdk::Error(code, "m", true).retryable(), code); // the callee knows it passes
    }
    ats_error_t old_callee{}; // written before the rule: a TRANSIENT with retryable 0
    old_callee.code = ATS_ERR_TRANSIENT;
    BOOST_TEST(ats::sdk::is_retryable(old_callee, ATS_ERR_TRANSIENT));
}

BOOST_AUTO_TEST_CASE(operations_outside_the_matrix_are_refused_with_the_reason) {
    auto t = open("test_good");
    host::InvokeSink sink{[](std::string_view) { return true; }, {}, {}};
    auto r = t->invoke("applications.reject", R"({"application_id":"a"})", sink);
    BOOST_TEST(r.status == ATS_ERR_NOT_SUPPORTED);
    BOOST_TEST(contains(r.message, "the test ATS has no rejection"));
    auto r2 = t->invoke("no.such.operation", "{}", sink);
    BOOST_TEST(r2.status == ATS_ERR_NOT_SUPPORTED);
}

BOOST_AUTO_TEST_CASE(arguments_must_be_a_json_object) {
    auto t = open("test_good");
    host::InvokeSink sink{[](std::string_view) { return true; }, {}, {}};
    BOOST_TEST(t->invoke("jobs.stream", "[1,2]", sink).status == ATS_ERR_INVALID_ARGUMENT);
    BOOST_TEST(t->invoke("jobs.stream", "{bad", sink).status == ATS_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(blob_results_need_a_blob_sink) {
    auto t = open("test_good");
    host::InvokeSink no_blob{[](std::string_view) { return true; }, {}, {}};
    auto r = t->invoke("candidates.get_resume", R"({"candidate_id":"c1"})", no_blob);
    BOOST_TEST(r.status == ATS_ERR_INVALID_ARGUMENT);
    std::string meta, data;
    host::InvokeSink with_blob{[](std::string_view) { return true; },
                               [&](std::string_view m, std::string_view d) {
                                   meta = m;
                                   data = d;
                                   return true;
                               },
                               {}};
    BOOST_TEST(t->invoke("candidates.get_resume", R"({"candidate_id":"c1"})", with_blob).status == ATS_OK);
    BOOST_TEST(data == "%PDF-1.4 resume of c1");
    BOOST_TEST(contains(meta, "resume.pdf"));
}

BOOST_AUTO_TEST_CASE(the_plugin_receives_defaults_and_resolved_secrets_but_logs_are_redacted) {
    auto t = open("test_good", {{"mode", {{"flavour", "fancy"}}}});
    std::string rec;
    host::InvokeSink sink{[&](std::string_view r) {
                              rec = r;
                              return true;
                          },
                          {},
                          {}};
    BOOST_TEST(t->invoke("check", "{}", sink).status == ATS_OK);
    BOOST_TEST(contains(rec, "\"page_size\":50"));
    BOOST_TEST(contains(rec, "\"flavour\":\"fancy\""));
    std::string l = log();
    BOOST_TEST(contains(l, "with key [REDACTED]"));
    BOOST_TEST(!contains(l, "invoke-secret-4711"));
}

BOOST_AUTO_TEST_CASE(concurrent_invokes_on_one_instance) {
    auto t = open("test_good", {{"job_count", 200}});
    std::atomic<long> total{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
        ts.emplace_back([&] {
            host::InvokeSink sink{[&](std::string_view) {
                                      ++total;
                                      return true;
                                  },
                                  {},
                                  {}};
            t->invoke("jobs.stream", "{}", sink);
        });
    for (auto &th : ts) th.join();
    BOOST_TEST(total.load() == 800);
}

BOOST_AUTO_TEST_SUITE_END()
