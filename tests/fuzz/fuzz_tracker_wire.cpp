// Tracker answers as they come off the wire: the widget envelope (WireClient::call: JSON, body
// status, recordId), then every row of `results` through the row parsers and the mapper into
// unified records, and the whole answer as getSettings. The input is the HTTP 200 body the host
// hands the plugin. Expected failures are ats::sdk::Error; anything else is a finding.
#include "ats/tracker/auth.hpp"
#include "ats/tracker/mapper.hpp"
#include "ats/tracker/rows.hpp"
#include "ats/tracker/settings.hpp"
#include "ats/tracker/wire.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

struct Answer {
    const uint8_t *body;
    size_t size;
};

// A host whose every HTTP request gets the fuzz input as a 200 answer; no state, no clock.
ats_host_services_t fake_services(Answer *answer) {
    ats_host_services_t s{};
    s.struct_size = sizeof s;
    s.version = {ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR};
    s.host_data = answer;
    s.log = [](void *, const ats_call_t *, int32_t, const char *, size_t) {};
    s.http_request = [](void *h, const ats_call_t *, const ats_http_request_t *, ats_http_response_fn fn, void *user,
                        ats_error_t *) -> int32_t {
        auto *a = static_cast<Answer *>(h);
        ats_http_response_t r{};
        r.struct_size = sizeof r;
        r.status = 200;
        r.body = a->body;
        r.body_len = a->size;
        r.attempts = 1;
        fn(user, &r);
        return ATS_OK;
    };
    s.state_get = [](void *, const char *, size_t, ats_state_value_fn, void *, ats_error_t *) -> int32_t {
        return ATS_ERR_NOT_FOUND;
    };
    s.state_apply = [](void *, const ats_state_op_t *, size_t, ats_error_t *) -> int32_t { return ATS_OK; };
    s.state_scan = [](void *, const char *, size_t, ats_state_value_fn, void *, ats_error_t *) -> int32_t {
        return ATS_OK;
    };
    s.lock_acquire = [](void *, const char *, int64_t, ats_lock_t **out, ats_error_t *) -> int32_t {
        static int token;
        *out = reinterpret_cast<ats_lock_t *>(&token);
        return ATS_OK;
    };
    s.lock_release = [](void *, ats_lock_t *) {};
    s.now_unix_ms = [](void *) -> int64_t { return 1'790'000'000'000; };
    s.max_concurrency = [](void *) -> int32_t { return 1; };
    return s;
}

void map_rows(const boost::json::object &answer, const ats::tracker::Settings *settings) {
    static const ats::tracker::RecordMapper mapper(ats::shared::TimeZone("Europe/London"), {});
    const boost::json::value *results = answer.if_contains("results");
    if (!results || !results->is_array()) return;
    for (const auto &v : results->get_array()) {
        if (!v.is_object()) continue;
        const auto &row = v.get_object();
        auto resource = ats::tracker::parse_resource_row(row);
        auto link = ats::tracker::parse_link_row(row);
        auto job = ats::tracker::parse_opportunity_row(row);
        mapper.candidate(resource, settings);
        mapper.application(link);
        auto j = mapper.job(job, settings);
        mapper.add_enhanced(j, job, {{link.status, 1}});
        mapper.note(row, "candidate_id", "1");
        mapper.attachment(row, "application_id", "2");
        mapper.custom_fields(row, settings);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Answer answer{data, size};
    ats_host_services_t services = fake_services(&answer);
    ats::sdk::Host host(&services);
    ats::tracker::AuthOptions auth_options;
    auth_options.api_key = "fuzz-key";
    ats::tracker::Authenticator auth(host, auth_options, "https://tracker.invalid", 1000);
    ats::tracker::WireClient wire(host, "https://tracker.invalid", auth, 1000);
    ats::tracker::RequestContext ctx;
    ctx.idempotent = true;
    try {
        boost::json::object answer_object = wire.call("getRecords", {}, ctx);
        std::optional<ats::tracker::Settings> settings;
        try {
            settings = ats::tracker::Settings::parse(answer_object);
        } catch (const ats::sdk::Error &) {}
        map_rows(answer_object, settings ? &*settings : nullptr);
    } catch (const ats::sdk::Error &) {}
    return 0;
}
