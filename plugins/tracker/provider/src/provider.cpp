// TrackerProvider: construction, dispatch, and the read operations.
#include "ats/tracker/provider.hpp"
#include "ats/tracker/stream_position.hpp"
#include "ats/shared/ascii.hpp"
#include "ats_project_version.h"

#include "ats/shared/json.hpp"
#include "ats/shared/kombo_record.hpp"
#include "ats/shared/timezone.hpp"

#include <map>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

int64_t tracker_id_arg(const bj::object &args, std::string_view field, std::string_view operation) {
    std::string where = std::string(operation) + " arguments";
    std::string text = sj::require_id(args, field, where);
    if (std::optional<int64_t> id = parse_record_id(text)) return *id;
    throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ": field '" + std::string(field) + "' ('" + text +
                                                        "') is not a Tracker id (a positive integer)");
}

const ats_plugin_descriptor_t &TrackerProvider::descriptor() {
    static const DescriptorStorage storage(DescriptorInfo{
        "tracker", "Tracker RMS", ATS_PROJECT_VERSION, ATS_PROJECT_VENDOR,
        "Tracker RMS through its Widget API: jobs (opportunities), candidates (resources), applications "
        "(opportunity-resource links), notes (activities), documents and custom fields, with the account's local "
        "timestamps converted through the tenant's IANA time zone.",
        tracker_capabilities(), tracker_config_schema_json()});
    return storage.get();
}

TrackerProvider::TrackerProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json)
    : TrackerProvider(host, std::move(tenant_id),
                      TrackerConfig::parse(sj::parse_object(config_json, "provider_config"))) {}

TrackerProvider::TrackerProvider(ats::sdk::Host host, std::string tenant_id, TrackerConfig config)
    : host_(host), tenant_id_(std::move(tenant_id)), config_(std::move(config)) {
    ats::shared::TimeZone zone(config_.timezone);
    client_ = std::make_unique<TrackerClient>(host_, config_.client, zone);
    MappingOptions m;
    m.statuses = config_.statuses;
    m.default_phone_region = config_.default_phone_region;
    mapper_ = std::make_unique<RecordMapper>(zone, m);
}

TrackerProvider::~TrackerProvider() = default;

const ats_plugin_descriptor_t &TrackerProvider::provider_descriptor() const { return descriptor(); }

void TrackerProvider::emit(ats::sdk::Sink &sink, const bj::value &v) { sink.record(bj::serialize(v)); }

void TrackerProvider::invoke(ats::sdk::Call &call, const std::string &operation, const std::string &args_json,
                             ats::sdk::Sink &sink) {
    // The one place this provider refuses an operation: its own matrix (the subclass's descriptor
    // for the hybrid), so a refusal always carries the matrix's reason.
    const ats_plugin_descriptor_t &d = provider_descriptor();
    const ats_capability_t *cap = ats::sdk::find_capability(d, operation);
    if (!cap || cap->support == ATS_NOT_SUPPORTED) ats::sdk::throw_not_supported(d, operation);
    bj::object args = sj::parse_object(args_json, operation + " arguments");
    try {
        if (handle_operation(call, operation, args, sink)) return;
        dispatch(call, operation, args, sink);
    } catch (const ats::sdk::Error &e) {
        // Name the operation in front of the Tracker method and record the message already names.
        std::string what = e.what();
        if (what.rfind(operation, 0) == 0) throw;
        throw ats::sdk::Error(e.code(), operation + ": " + what, e.retryable());
    }
}

bool TrackerProvider::handle_operation(ats::sdk::Call &, const std::string &, const bj::object &, ats::sdk::Sink &) {
    return false;
}

void TrackerProvider::extra_checks(ats::sdk::Call &) {}

void TrackerProvider::sync(ats::sdk::Call &, const bj::object &, ats::sdk::Sink &) {
    ats::sdk::throw_not_supported(provider_descriptor(), ATS_OP_SYNC);
}

namespace {
std::optional<UtcSeconds> updated_after_arg(const bj::object &args, const std::string &op) {
    auto v = sj::optional_string(args, "updated_after", op + " arguments");
    if (!v) return std::nullopt;
    return ats::shared::parse_utc_iso8601(*v, op + " argument 'updated_after'");
}

} // namespace

// check: one getSettings (not the cache: the point is to reach Tracker with these credentials),
// and the configured status names must exist in it. Cost: 1.
void TrackerProvider::op_check(ats::sdk::Call &call, const bj::object &, ats::sdk::Sink &sink) {
    extra_checks(call);
    RequestContext ctx{call.raw(), true, ""};
    Settings s = Settings::parse(client().call("getSettings", bj::object{}, ctx));
    for (const auto &[field, name] : {std::pair<const char *, std::string>{"declined", config_.statuses.declined},
                                      {"accepted", config_.statuses.accepted},
                                      {"new_application", config_.statuses.new_application}})
        if (!s.link_status(name)) {
            std::string known;
            for (const auto &st : s.link_statuses) known += (known.empty() ? "" : ", ") + st.name;
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  std::string("provider_config.statuses.") + field + " '" + name +
                                      "' is not a status of this Tracker database (known: " + known + ")");
        }
    emit(sink, bj::object{{"ok", true},
                          {"details", bj::object{{"base_url", config_.client.base_url},
                                                 {"auth_method", auth_method_name(config_.client.auth.method)},
                                                 {"timezone", config_.timezone},
                                                 {"application_statuses", s.link_statuses.size()},
                                                 {"custom_fields", s.custom_fields.size()}}}});
}

void TrackerProvider::extra_probe_findings(ats::sdk::Call &, std::vector<ProbeFinding> &, int64_t &) {}

// probe: every Tracker row of the wire-assumption table, read-only (wire_probe.hpp), then the
// subclass's; with write_probes also the probes that write, on the operator's scratch resource.
void TrackerProvider::op_probe(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    const bool writes = sj::optional_bool(args, "write_probes", false, "probe arguments");
    const auto scratch = sj::optional_string(args, "scratch_record", "probe arguments");
    if (writes && (!scratch || scratch->empty()))
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              "probe arguments: write_probes needs scratch_record (a Tracker resource id)");
    const uint64_t before = client().requests_sent();
    TrackerWireProbe probe(client(), call.raw());
    std::vector<ProbeFinding> findings = probe.run_all();
    if (writes) {
        int64_t id = 0;
        try {
            id = std::stoll(*scratch);
        } catch (const std::exception &) {
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  "probe arguments: scratch_record must be a Tracker resource id, not '" + *scratch +
                                      "'");
        }
        for (auto &f : probe.run_write_probes(id))
            for (auto &g : findings)
                if (g.id == f.id) g = f;
    }
    int64_t requests = static_cast<int64_t>(client().requests_sent() - before);
    extra_probe_findings(call, findings, requests);
    emit(sink, probe_report(tenant_id_, provider_descriptor().provider, findings, requests));
}

namespace {
// One row of a resumable stream: its record, then (for a consumer that keeps positions) the
// position just past the row, so that a stream resumed there skips it. False: the consumer stops.
template <class Row>
bool deliver(ats::sdk::Sink &sink, StreamPosition &pos, const Row &row, const bj::object &record) {
    bool more = sink.record(bj::serialize(record));
    if (sink.wants_position()) {
        pos.advance(row.last_updated, row.id);
        sink.position(pos.text());
    }
    return more;
}
} // namespace

// jobs.stream: getRecords O paged; `statuses` matches the unified status (OPEN, CLOSED, ...) or
// Tracker's own status name, case-insensitively. Cost: ceil((N+1)/page_size).
void TrackerProvider::op_jobs_stream(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    RecordFilter f;
    f.updated_after = updated_after_arg(args, ATS_OP_JOBS_STREAM);
    auto statuses = sj::optional_string_array(args, "statuses", std::string(ATS_OP_JOBS_STREAM) + " arguments");
    StreamPosition pos = StreamPosition::from_args(args, ATS_OP_JOBS_STREAM, "O").value_or(StreamPosition("O"));
    f.resume = pos.resume_from();
    f.consumer_limit = call.max_results(); // every row goes to the sink (or is skipped)
    client().for_each_opportunity(
        f,
        [&](const OpportunityRow &row) {
            call.throw_if_cancelled();
            if (pos.delivered(row.last_updated, row.id)) return true;
            if (statuses) {
                std::string unified = RecordMapper::job_status(row.status);
                bool keep = false;
                for (const auto &s : *statuses)
                    keep = keep || ats::shared::ascii_iequals(s, unified) || ats::shared::ascii_iequals(s, row.status);
                if (!keep) return true;
            }
            return deliver(sink, pos, row, mapper().job(row, nullptr));
        },
        call.raw());
}

void TrackerProvider::stream_applications(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::function<void(const std::string &)> position;
    if (sink.wants_position()) position = [&sink](const std::string &p) { sink.position(p); };
    stream_tracker_applications(
        call, args, [&](bj::object &&a) { return sink.record(bj::serialize(a)); }, position);
}

void TrackerProvider::stream_tracker_applications(ats::sdk::Call &call, const bj::object &args,
                                                  const std::function<bool(bj::object &&)> &emit_one,
                                                  const std::function<void(const std::string &)> &position) {
    std::string op = ATS_OP_APPLICATIONS_STREAM;
    LinkFilter f;
    f.updated_after = updated_after_arg(args, op);
    auto job_ids = sj::optional_id_array(args, "job_ids", op + " arguments");
    StreamPosition pos = StreamPosition::from_args(args, op, "OR").value_or(StreamPosition("OR"));
    bool go_on = true;
    uint64_t emitted = 0;
    // What the consumer still takes, for the listing about to start (job_ids: one per job).
    auto consumer_limit = [&]() -> std::optional<uint64_t> {
        auto limit = call.max_results();
        if (!limit || *limit == 0) return limit;
        return *limit > emitted ? *limit - emitted : 1;
    };
    auto each = [&](const LinkRow &row) {
        call.throw_if_cancelled();
        if (pos.delivered(row.last_updated, row.id)) return true;
        ++emitted;
        go_on = emit_one(mapper().application(row));
        if (position) {
            pos.advance(row.last_updated, row.id);
            position(pos.text());
        }
        return go_on;
    };
    if (!job_ids) {
        if (pos.part() != 0)
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  op + " argument 'resume_after': is a position of another stream");
        f.resume = pos.resume_from();
        f.consumer_limit = consumer_limit();
        client().for_each_link(f, each, call.raw()); // A2
        return;
    }
    // One listing per job, in the order given: the position says which one it is in.
    for (size_t i = 0; i < job_ids->size(); ++i) {
        if (i < pos.part()) continue;
        while (pos.part() < i) pos.next_part();
        f.opportunity_id = tracker_id_arg(bj::object{{"job_ids[]", (*job_ids)[i]}}, "job_ids[]", op);
        f.resume = pos.resume_from();
        f.consumer_limit = consumer_limit();
        client().for_each_link(f, each, call.raw()); // A2 opportunityid filter
        if (!go_on) return;
    }
}

bj::object TrackerProvider::read_application(ats::sdk::Call &call, int64_t link_id) {
    return mapper().application(client().get_link(link_id, call.raw()));
}

// candidates.stream: getRecords R paged. Cost: ceil((N+1)/page_size).
void TrackerProvider::op_candidates_stream(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    RecordFilter f;
    f.updated_after = updated_after_arg(args, ATS_OP_CANDIDATES_STREAM);
    StreamPosition pos = StreamPosition::from_args(args, ATS_OP_CANDIDATES_STREAM, "R").value_or(StreamPosition("R"));
    f.resume = pos.resume_from();
    f.consumer_limit = call.max_results(); // every row goes to the sink (or is skipped)
    client().for_each_resource(
        f,
        [&](const ResourceRow &row) {
            call.throw_if_cancelled();
            if (pos.delivered(row.last_updated, row.id)) return true;
            return deliver(sink, pos, row, mapper().candidate(row, nullptr));
        },
        call.raw());
}

// jobs.get: getIndividualRecord O. Cost: 1.
void TrackerProvider::op_jobs_get(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    int64_t id = tracker_id_arg(args, "job_id", ATS_OP_JOBS_GET);
    emit(sink, mapper().job(client().get_opportunity(id, call.raw()), nullptr));
}

// jobs.get_enhanced: getIndividualRecord O + getRecords OR of the job (counts by status).
// Cost: 1 + ceil((N+1)/page_size) for N applications.
void TrackerProvider::op_jobs_get_enhanced(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    int64_t id = tracker_id_arg(args, "job_id", ATS_OP_JOBS_GET_ENHANCED);
    OpportunityRow row = client().get_opportunity(id, call.raw());
    std::map<std::string, int64_t> counts;
    LinkFilter f;
    f.opportunity_id = id;
    client().for_each_link(
        f,
        [&](const LinkRow &l) {
            ++counts[l.status];
            return true;
        },
        call.raw());
    bj::object j = mapper().job(row, nullptr);
    mapper().add_enhanced(j, row, counts);
    emit(sink, j);
}

// jobs.get_many: getRecords O with recordids (A14). Cost: ceil(n/500).
void TrackerProvider::op_jobs_get_many(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_JOBS_GET_MANY;
    std::vector<std::string> ids = sj::require_id_array(args, "job_ids", op + " arguments");
    std::vector<int64_t> numeric;
    std::vector<std::string> order;
    for (size_t i = 0; i < ids.size(); ++i) {
        int64_t n = tracker_id_arg(bj::object{{"id", ids[i]}}, "id", op + " job_ids[" + std::to_string(i) + "]");
        if (std::find(numeric.begin(), numeric.end(), n) == numeric.end()) {
            numeric.push_back(n);
            order.push_back(std::to_string(n));
        }
    }
    std::map<std::string, bj::object> found;
    client().get_records_by_ids(
        "O", numeric,
        [&](const bj::object &row) {
            OpportunityRow o = parse_opportunity_row(row);
            found.emplace(std::to_string(o.id), mapper().job(o, nullptr));
            return true;
        },
        call.raw());
    bj::array results, missing;
    for (const auto &id : order) {
        auto it = found.find(id);
        if (it == found.end())
            missing.push_back(bj::value(id));
        else
            results.push_back(std::move(it->second));
    }
    emit(sink, bj::object{{"results", std::move(results)}, {"missing", std::move(missing)}});
}

// applications.get: getIndividualRecord OR (A2). Cost: 1.
void TrackerProvider::op_applications_get(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    emit(sink, read_application(call, tracker_id_arg(args, "application_id", ATS_OP_APPLICATIONS_GET)));
}

// candidates.get: getIndividualRecord R. Cost: 1.
void TrackerProvider::op_candidates_get(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    int64_t id = tracker_id_arg(args, "candidate_id", ATS_OP_CANDIDATES_GET);
    emit(sink, mapper().candidate(client().get_resource(id, call.raw()), nullptr));
}

// stages.list: the database-wide statuses (A4) - LIMITED, see the matrix. Cost: 1 (+1 with job_id).
void TrackerProvider::op_stages_list(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    if (sj::optional_string(args, "job_id", std::string(ATS_OP_STAGES_LIST) + " arguments"))
        client().get_opportunity(tracker_id_arg(args, "job_id", ATS_OP_STAGES_LIST), call.raw()); // NOT_FOUND if absent
    auto s = client().settings(call.raw());
    bj::array results;
    for (const auto &st : s->link_statuses) {
        // Database-wide and unordered (A4): no index, no time of change.
        bj::object stage{{"id", std::to_string(st.id)},
                         {"remote_id", std::to_string(st.id)},
                         {"name", st.name},
                         {"job_id", nullptr}};
        ats::shared::kombo::complete_stage(stage);
        results.push_back(std::move(stage));
    }
    emit(sink, bj::object{{"results", std::move(results)}});
}

} // namespace ats::tracker
