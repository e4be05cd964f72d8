// host.worker_stream: the framing between the host and an ats-plugin-worker process, seen through
// the host library (Runtime, Tenant::invoke) with the faulty test plugins
// (tests/abi/plugins/faulty_plugin.c). A stream's results travel in batches of many results and
// the call runs on the worker thread that read it: these tests cut a batch with a STOP, with a
// plugin that ignores STOP and with a crash, and hold the reading thread with a call that never
// returns. They assert behaviour only; every time bound is many times what the behaviour needs.
#define BOOST_TEST_MODULE host_worker_stream
#include <boost/test/unit_test.hpp>

#include "runtime.hpp"

#include "temp_dir.hpp"
#include "test_plugin_dir.hpp"

#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

using namespace ats;

namespace {

struct Fixture {
    test::TempDir dir{"ats-worker-stream"};
    std::unique_ptr<host::Runtime> rt;
    // One tenant per plugin variant, each in its own worker process.
    explicit Fixture(const std::vector<std::string> &variants, const std::string &isolation = "process") {
        test::make_plugin_dir(dir / "plugins", variants);
        boost::filesystem::create_directories(dir / "manifests");
        for (const auto &v : variants)
            std::ofstream(dir / "manifests" + "/" + v + ".json")
                << R"({"tenant_id":")" << v << R"(","provider":"test_)" << v
                << R"(","provider_config":{},"host":{"isolation":")" << isolation << R"("}})";
        host::Runtime::Options o;
        o.plugins_dir = dir / "plugins";
        o.manifests_dir = dir / "manifests";
        o.environment.data_dir = dir / "var";
        o.environment.log_level = ATS_LOG_ERROR;
        o.environment.log_file = dir / "host.log";
        rt = std::make_unique<host::Runtime>(o);
    }
};

// The records a stream delivered, stopping after `stop_after` (0 = take all).
struct Collected {
    std::vector<std::string> records;
    host::InvokeResult result;
};
Collected stream(host::Tenant &t, int count, size_t stop_after = 0) {
    Collected c;
    host::InvokeSink sink;
    sink.on_record = [&](std::string_view r) {
        c.records.emplace_back(r);
        return stop_after == 0 || c.records.size() < stop_after;
    };
    c.result = t.invoke(ATS_OP_JOBS_STREAM, "{\"count\":" + std::to_string(count) + "}", sink);
    return c;
}

// True when `records` are exactly job-0, job-1, ... in order (nothing lost, doubled or reordered).
bool in_order_from_zero(const std::vector<std::string> &records) {
    for (size_t i = 0; i < records.size(); ++i)
        if (records[i].find("\"id\":\"job-" + std::to_string(i) + "\"") == std::string::npos) return false;
    return true;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_stop_in_the_middle_of_a_batch_delivers_exactly_the_records_taken_and_the_next_call_is_clean) {
    Fixture f({"faulty"});
    auto t = f.rt->open_tenant("faulty");
    // 1,500 records of about 100 bytes end inside the third batch of 64 KiB.
    auto first = stream(*t, 10000, 1500);
    BOOST_TEST(first.result.status == ATS_OK);
    BOOST_TEST(first.result.stopped);
    BOOST_TEST(first.records.size() == 1500u);
    BOOST_TEST(in_order_from_zero(first.records));
    BOOST_TEST(first.result.ignored_after_stop == 0u);
    // Results of the first call still in flight when it stopped never reach the next one.
    auto second = stream(*t, 3000);
    BOOST_TEST(second.result.status == ATS_OK);
    BOOST_TEST(second.records.size() == 3000u);
    BOOST_TEST(in_order_from_zero(second.records));
}

BOOST_AUTO_TEST_CASE(a_plugin_that_ignores_stop_in_the_middle_of_a_batch_delivers_nothing_more_and_is_counted) {
    Fixture f({"ignores_stop"});
    auto t = f.rt->open_tenant("ignores_stop");
    auto c = stream(*t, 10000, 1500);
    BOOST_TEST(c.result.status == ATS_OK);
    BOOST_TEST(c.records.size() == 1500u);
    BOOST_TEST(in_order_from_zero(c.records));
    // Every record the plugin sent after it was told STOP is counted, none delivered.
    BOOST_TEST(c.result.ignored_after_stop > 0u);
    BOOST_TEST(c.result.ignored_after_stop <= 10000u - 1500u - 1u);
}

BOOST_AUTO_TEST_CASE(a_crash_in_the_middle_of_a_batch_fails_that_call_keeping_the_records_already_delivered) {
    Fixture f({"segv_in_stream", "faulty"});
    auto crashing = f.rt->open_tenant("segv_in_stream");
    auto other = f.rt->open_tenant("faulty");
    // The plugin crashes after 2,500 records: every full batch before it reached the host.
    auto c = stream(*crashing, 10000);
    BOOST_TEST(c.result.status != ATS_OK);
    BOOST_TEST(c.result.failure == "plugin_crashed");
    BOOST_TEST(c.result.message.find("SIGSEGV") != std::string::npos, c.result.message);
    BOOST_TEST(c.records.size() >= 1000u);
    BOOST_TEST(c.records.size() <= 2500u);
    BOOST_TEST(in_order_from_zero(c.records));
    // The restarted worker serves the tenant again; the other tenant saw nothing.
    auto again = stream(*crashing, 100);
    BOOST_TEST(again.result.status == ATS_OK, again.result.message);
    BOOST_TEST(again.records.size() == 100u);
    auto fine = stream(*other, 5000);
    BOOST_TEST(fine.result.status == ATS_OK);
    BOOST_TEST(fine.records.size() == 5000u);
}

BOOST_AUTO_TEST_CASE(a_call_that_never_returns_does_not_keep_the_worker_from_serving_other_calls) {
    Fixture f({"hang_in_invoke"});
    auto t = f.rt->open_tenant("hang_in_invoke");
    // jobs.get never returns and never looks at is_cancelled; it runs on the worker thread that
    // read it, which must hand the reading over, or nothing else of this tenant is answered.
    auto hung = std::async(std::launch::async, [&] {
        host::InvokeSink sink;
        sink.on_record = [](std::string_view) { return true; };
        host::CallOptions o;
        o.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        return t->invoke(ATS_OP_JOBS_GET, R"({"job_id":"1"})", sink, o);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // the hung call has started
    auto c = stream(*t, 20000);
    BOOST_TEST(c.result.status == ATS_OK, c.result.message);
    BOOST_TEST(c.records.size() == 20000u);
    BOOST_TEST(in_order_from_zero(c.records));
    BOOST_TEST((hung.wait_for(std::chrono::seconds(0)) == std::future_status::timeout)); // still hung
    hung.get();                                                                          // killed at its deadline
}

// ABI 1.4: the plugin sees how many results its caller takes (ats_call_t.max_results), in the
// host's process and in a worker alike, 0 when the caller takes all; a plain C plugin reads it
// after ATS_HAS_FIELD.
BOOST_AUTO_TEST_CASE(the_plugin_sees_the_callers_result_limit_in_either_isolation) {
    for (std::string isolation : {"in_process", "process"}) {
        Fixture f({"faulty"}, isolation);
        auto t = f.rt->open_tenant("faulty");
        for (uint64_t limit : {0u, 1u, 250u}) {
            std::vector<std::string> got;
            host::InvokeSink sink;
            sink.on_record = [&](std::string_view r) {
                got.emplace_back(r);
                return true;
            };
            host::CallOptions o;
            o.max_results = limit;
            auto r = t->invoke(ATS_OP_JOBS_GET, R"({"job_id":"7","report_call":1})", sink, o);
            BOOST_TEST(r.status == ATS_OK, isolation << ": " << r.message);
            BOOST_REQUIRE_EQUAL(got.size(), 1u);
            BOOST_TEST(got[0] == R"({"id":"7","max_results":)" + std::to_string(limit) + "}", isolation);
        }
    }
}
