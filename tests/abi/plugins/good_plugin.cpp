// A well-behaved v1 test provider written with the C++ SDK. Serves a few operations from
// in-memory data: a stream (honouring STOP and cancellation), single records, a blob, and
// host-service round trips (HTTP, state, locks, logging) that the host tests drive, and the
// test-only extension of test_extension.h.
// Built several times: TEST_PROVIDER sets the enum (test_good, test_clang, test_old_minor).
#include "ats_plugin.hpp"
#include "test_extension.h"

#include <boost/json.hpp>

#include <chrono>
#include <thread>

#ifndef TEST_PROVIDER
#define TEST_PROVIDER "test_good"
#endif

namespace json = boost::json;
using ats::sdk::Error;

namespace {

const ats_capability_t kCaps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATES_GET_RESUME, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATES_FIND, ATS_LIMITED, "matches on email only"},
    {ATS_OP_APPLICATIONS_REJECT, ATS_NOT_SUPPORTED, "the test ATS has no rejection"},
    {ATS_OP_CUSTOM_FIELDS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CUSTOM_FIELDS_SET, ATS_SUPPORTED, ""},
    {ATS_OP_SYNC, ATS_SUPPORTED, ""},
};

const char kSchema[] = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["api_key"],
  "properties": {
    "api_key": {"type": "string", "x-secret": true, "minLength": 4, "description": "test credential"},
    "base_url": {"type": "string", "pattern": "^https?://"},
    "job_count": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 5},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 250, "default": 50},
    "mode": {"type": "object", "additionalProperties": false, "default": {},
             "properties": {"flavour": {"enum": ["plain", "fancy"], "default": "plain"}}}
  }
})";

const ats_plugin_descriptor_t kDescriptor = {sizeof(ats_plugin_descriptor_t),
                                             TEST_PROVIDER,
                                             "Test ATS (" TEST_PROVIDER ")",
                                             "1.0.0",
                                             "ats-host tests",
                                             "In-memory provider for the host's ABI tests.",
                                             kCaps,
                                             sizeof kCaps / sizeof kCaps[0],
                                             kSchema};

const char *greeting() { return "hello from " TEST_PROVIDER; }
const ats_test_greeting_extension_t kGreeting = {sizeof(ats_test_greeting_extension_t), &greeting};

std::string job_json(int i) {
    return json::serialize(json::object{{"id", "job-" + std::to_string(i)},
                                        {"name", "Job " + std::to_string(i)},
                                        {"status", "OPEN"},
                                        {"updated_at", "2026-01-01T00:00:00Z"}});
}

} // namespace

class TestProvider {
public:
    static const ats_plugin_descriptor_t &descriptor() { return kDescriptor; }
    // The test-only extension (test_extension.h); every other id has no interface here.
    static const void *extension(std::string_view id) noexcept {
        return id == ATS_TEST_GREETING_EXTENSION_ID ? &kGreeting : nullptr;
    }

    TestProvider(ats::sdk::Host host, std::string tenant, std::string config_json)
        : host_(host), tenant_(std::move(tenant)) {
        auto cfg = json::parse(config_json).as_object();
        api_key_ = std::string(cfg.at("api_key").as_string());
        if (auto *b = cfg.if_contains("base_url")) base_url_ = std::string(b->as_string());
        job_count_ = static_cast<int>(cfg.at("job_count").as_int64()); // present: the host applied defaults
        page_size_ = static_cast<int>(cfg.at("page_size").as_int64());
        flavour_ = std::string(cfg.at("mode").at("flavour").as_string());
    }

    void invoke(ats::sdk::Call &call, const std::string &op, const std::string &args_json, ats::sdk::Sink &sink) {
        auto args = json::parse(args_json).as_object();
        if (op == ATS_OP_CHECK) return check(call, sink);
        if (op == ATS_OP_JOBS_STREAM) {
            int delay_ms = args.contains("delay_ms") ? static_cast<int>(args.at("delay_ms").as_int64()) : 0;
            // {"partial_source": "x"}: one source of the stream failed; the control record comes
            // first (ats_plugin.h), hosts deliver it after the results.
            if (auto *src = args.if_contains("partial_source"))
                if (!sink.record(
                        json::serialize(json::object{{"_type", "error"},
                                                     {"source", *src},
                                                     {"code", "transient"},
                                                     {"message", "source unavailable (api key " + api_key_ + ")"},
                                                     {"retryable", true}})))
                    return;
            for (int i = 0; i < job_count_; ++i) {
                call.throw_if_cancelled();
                if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
                if (!sink.record(job_json(i))) {
                    host_.info("jobs.stream stopped by the consumer after " + std::to_string(i + 1) + " records",
                               call.raw());
                    return;
                }
            }
            return;
        }
        if (op == ATS_OP_JOBS_GET) {
            std::string id = args.contains("job_id") ? std::string(args.at("job_id").as_string()) : "";
            if (id.rfind("job-", 0) != 0 || std::stoi(id.substr(4)) >= job_count_)
                throw Error(ATS_ERR_NOT_FOUND, "jobs.get: job '" + id + "' not found");
            sink.record(job_json(std::stoi(id.substr(4))));
            return;
        }
        if (op == ATS_OP_CANDIDATES_GET_RESUME) {
            std::string data = "%PDF-1.4 resume of " + std::string(args.at("candidate_id").as_string());
            sink.blob(json::serialize(json::object{
                          {"file_name", "resume.pdf"}, {"content_type", "application/pdf"}, {"size", data.size()}}),
                      data, op);
            return;
        }
        if (op == ATS_OP_CANDIDATES_FIND) {
            sink.record(R"({"results":[]})");
            return;
        }
        if (op == ATS_OP_CUSTOM_FIELDS_SET) return set_fields(args, sink);
        if (op == ATS_OP_CUSTOM_FIELDS_GET) return get_fields(args, sink);
        if (op == ATS_OP_SYNC) return sync(call, args, sink);
        ats::sdk::throw_not_supported(kDescriptor, op);
    }

private:
    // Logs the credential on purpose: the host must redact it. Calls base_url/ping when configured.
    void check(ats::sdk::Call &call, ats::sdk::Sink &sink) {
        host_.info("check for tenant " + tenant_ + " with key " + api_key_, call.raw());
        json::object details{{"tenant", tenant_},
                             {"page_size", page_size_},
                             {"flavour", flavour_},
                             {"now_unix_ms", host_.now_unix_ms()},
                             {"max_concurrency", host_.max_concurrency()}};
        if (!base_url_.empty()) {
            ats::sdk::HttpRequest req;
            req.url = base_url_ + "/ping";
            req.headers = {{"Authorization", "Bearer " + api_key_}};
            req.idempotent = true;
            auto res = host_.http(req, call.raw());
            details["http_status"] = res.status;
            details["attempts"] = res.attempts;
            details["body"] = res.body;
            if (res.status == 401) throw Error(ATS_ERR_UNAUTHORIZED, "check: the test ATS rejected the api key");
            if (res.status >= 500) { // reachable but unhealthy: a failed check, not an error
                sink.record(json::serialize(json::object{{"ok", false}, {"details", details}}));
                return;
            }
        }
        sink.record(json::serialize(json::object{{"ok", true}, {"details", details}}));
    }

    // values: {name: string}; "__malformed__" adds an invalid op so the whole batch must fail.
    void set_fields(const json::object &args, ats::sdk::Sink &sink) {
        std::string rid(args.at("record_id").as_string());
        std::vector<std::string> keys, vals;
        for (const auto &[k, v] : args.at("values").as_object()) {
            keys.push_back("cf/" + rid + "/" + std::string(k));
            vals.push_back(json::serialize(v));
        }
        std::vector<ats_state_op_t> ops;
        for (size_t i = 0; i < keys.size(); ++i)
            ops.push_back({ATS_STATE_PUT, keys[i].data(), keys[i].size(),
                           reinterpret_cast<const uint8_t *>(vals[i].data()), vals[i].size()});
        if (args.contains("malformed_last_op")) ops.push_back({99, "x", 1, nullptr, 0});
        ats_error_t err{};
        const auto *s = host_.raw();
        if (s->state_apply(s->host_data, ops.data(), ops.size(), &err) != ATS_OK) ats::sdk::throw_error(err);
        get_fields(args, sink);
    }

    void get_fields(const json::object &args, ats::sdk::Sink &sink) {
        std::string rid(args.at("record_id").as_string());
        json::array results;
        host_.state_scan("cf/" + rid + "/", [&](std::string_view k, std::string_view v) {
            std::string name(k.substr(k.rfind('/') + 1));
            results.push_back(json::object{{"name", name}, {"value", json::parse(v)}});
            return true;
        });
        sink.record(json::serialize(json::object{{"results", results}}));
    }

    // Holds the tenant's "sync" lock while it counts its runs in state; args.hold_ms keeps the
    // lock (tests kill the process meanwhile).
    void sync(ats::sdk::Call &call, const json::object &args, ats::sdk::Sink &sink) {
        auto lock = host_.lock("sync", args.contains("wait_ms") ? args.at("wait_ms").as_int64() : 0);
        std::string count = "0";
        host_.state_get("sync/count", count);
        int n = std::stoi(count) + 1;
        int total = 4;
        for (int i = 1; i <= total; ++i) sink.progress("syncing", i, total);
        int64_t hold = args.contains("hold_ms") ? args.at("hold_ms").as_int64() : 0;
        for (int64_t waited = 0; waited < hold; waited += 20) {
            call.throw_if_cancelled();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        host_.state_put("sync/count", std::to_string(n));
        bool full = args.contains("full") && args.at("full").as_bool();
        bool retry_quarantined = args.contains("retry_quarantined") && args.at("retry_quarantined").as_bool();
        sink.record(
            json::serialize(json::object{{"runs", n}, {"full", full}, {"retry_quarantined", retry_quarantined}}));
    }

    ats::sdk::Host host_;
    std::string tenant_, api_key_, base_url_, flavour_;
    int job_count_ = 0, page_size_ = 0;
};

#ifdef TEST_OLD_MINOR_ENTRY
// ABI 1.0 layout: the entry ends after invoke (no get_extension). Hand-written, as a plugin built
// against the 1.0 headers would have it.
struct entry_v1_0 {
    uint32_t struct_size;
    ats_version_t abi_version;
    int32_t (*init)(const ats_host_info_t *, ats_error_t *);
    void (*deinit)(void);
    const ats_plugin_descriptor_t *(*get_descriptor)(void);
    int32_t (*create)(const ats_host_services_t *, const char *, const char *, size_t, ats_instance_t **,
                      ats_error_t *);
    void (*destroy)(ats_instance_t *);
    int32_t (*invoke)(ats_instance_t *, const ats_call_t *, const char *, const char *, size_t, const ats_sink_t *,
                      ats_error_t *);
};
using A = ats::sdk::Adapter<TestProvider>;
extern "C" ATS_PLUGIN_EXPORT const entry_v1_0 ats_plugin_entry;
extern "C" ATS_PLUGIN_EXPORT const entry_v1_0 ats_plugin_entry = {
    sizeof(entry_v1_0), {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR},
    &A::init,           &A::deinit,
    &A::get_descriptor, &A::create,
    &A::destroy,        &A::invoke};
#else
ATS_EXPORT_PLUGIN(TestProvider)
#endif
