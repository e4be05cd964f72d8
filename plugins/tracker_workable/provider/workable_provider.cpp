#include "provider/workable_provider.hpp"
#include "ats/shared/ascii.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "ats_project_version.h"

#include "ats/shared/json.hpp"
#include "ats/shared/kombo_record.hpp"
#include "ats/shared/timezone.hpp"
#include "dry_run/dry_run.hpp"
#include "kombo/kombo_probe.hpp"
#include "provider/application_position.hpp"
#include "provider/tracker_port_client.hpp"
#include "sync/data_protection.hpp"
#include "sync/sync_engine.hpp"
#include "sync/status_rule.hpp"
#include "sync/sync_state.hpp"

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace ats::tracker_workable {

namespace {

ats::tracker::DescriptorStorage &storage() {
    static ats::tracker::DescriptorStorage s([] {
        ats::tracker::DescriptorInfo info;
        info.provider = "tracker_workable";
        info.display_name = "Tracker RMS + Workable (via Kombo)";
        info.plugin_version = ATS_PROJECT_VERSION;
        info.vendor = ATS_PROJECT_VENDOR;
        info.description =
            "Tracker RMS as the system of record, with Workable applications read through Kombo (read-only, GET "
            "only) and synced into Tracker exactly once: people matched by normalised email or E.164 phone, "
            "applications linked with statuses from outcomes, durable checkpoint and write intents. Every other "
            "operation is the tracker provider's.";
        info.capabilities = ats::tracker::tracker_capabilities();
        ats::tracker::set_capability(info.capabilities, {ATS_OP_APPLICATIONS_STREAM, ATS_SUPPORTED, ""});
        ats::tracker::set_capability(info.capabilities, {ATS_OP_SYNC, ATS_SUPPORTED, ""});
        ats::tracker::set_capability(info.capabilities, {ATS_OP_FORGET, ATS_SUPPORTED, ""});
        info.config_schema_json = workable_config_schema_json();
        return info;
    }());
    return s;
}

// --- the combined applications.stream: Workable applications not (yet) in Tracker -------------

// The filters of applications.stream applied to the pending side: remote_updated_at >=
// updated_after (an application whose update time is unknown is kept: never silently missing);
// job_ids match the Tracker opportunity the job maps to (when known) or the Kombo job id.
struct PendingFilter {
    std::optional<ats::shared::UtcSeconds> updated_after;
    std::optional<std::set<std::string>> job_ids;

    bool accepts(const KomboApplication &a, const std::string &opportunity) const {
        if (job_ids && !job_ids->count(a.job_id) && (opportunity.empty() || !job_ids->count(opportunity))) return false;
        if (updated_after && !a.remote_updated_at.empty()) {
            try {
                if (ats::shared::parse_utc_iso8601(a.remote_updated_at, "remote_updated_at") < *updated_after)
                    return false;
            } catch (const std::exception &) {}
        }
        return true;
    }
};

// The Tracker opportunity a Workable job maps to, as far as it is KNOWN without a Tracker request:
// the explicit table, then the job mapper's last snapshot ("jobs/snapshot", job_mapper.cpp) by
// custom field value and exact title, whatever its age.
class KnownJobs {
public:
    KnownJobs(ats::sdk::Host host, const JobMappingConfig &cfg) : cfg_(cfg) {
        std::string snap;
        if (!host.state_get("jobs/snapshot", snap)) return;
        boost::system::error_code ec;
        bj::value v = bj::parse(snap, ec);
        if (ec || !v.is_object()) return;
        auto load = [&](const char *name, std::map<std::string, std::string> &into) {
            if (const auto *m = v.get_object().if_contains(name); m && m->is_object())
                for (const auto &kv : m->get_object())
                    if (kv.value().is_string()) into[std::string(kv.key())] = std::string(kv.value().get_string());
        };
        load("field_map", by_field_);
        if (cfg_.by_title) load("title_map", by_title_);
    }
    std::string opportunity_for(const KomboApplication &a) const {
        for (const auto *m : {&cfg_.table, &by_field_})
            for (const auto *id : {&a.job_id, &a.job_remote_id})
                if (!id->empty())
                    if (auto it = m->find(*id); it != m->end() && !it->second.empty()) return it->second;
        if (!a.job_name.empty())
            if (auto it = by_title_.find(ats::shared::ascii_trim(a.job_name)); it != by_title_.end()) return it->second;
        return {};
    }

private:
    const JobMappingConfig &cfg_;
    std::map<std::string, std::string> by_field_, by_title_;
};

bj::value iso_or_null(const std::string &t) {
    if (t.empty()) return nullptr;
    try {
        return bj::value(ats::shared::format_utc_iso8601(ats::shared::parse_utc_iso8601(t, "timestamp")));
    } catch (const std::exception &) {
        return nullptr;
    }
}

bj::value text_or_null(const std::string &t) { return t.empty() ? bj::value(nullptr) : bj::value(t); }

// A pending/quarantined Workable application in the unified application shape
// (plugin_api/schema/application.schema.json): id = the Kombo application id (it has no Tracker
// id), job_id = the Tracker opportunity when the job's mapping is known, else the Kombo job id.
bj::object pending_application(const PendingRecord &p, const std::string &status, const std::string &opportunity,
                               int64_t now_ms) {
    const KomboApplication &a = p.app;
    bj::object o;
    o["id"] = a.id;
    o["remote_id"] = a.remote_id.empty() ? a.id : a.remote_id;
    o["outcome"] = (a.outcome == "PENDING" || a.outcome == "HIRED" || a.outcome == "DECLINED") ? bj::value(a.outcome)
                                                                                               : bj::value(nullptr);
    o["rejection_reason_name"] = nullptr;
    o["rejected_at"] = nullptr;
    o["current_stage"] = a.current_stage_id.empty()
                             ? bj::value(nullptr)
                             : bj::value(bj::object{{"id", a.current_stage_id},
                                                    {"remote_id", nullptr}, // not kept by the sync's Kombo reader
                                                    {"name", text_or_null(a.current_stage_name)},
                                                    {"index", nullptr}});
    std::string job = !opportunity.empty() ? opportunity : !a.job_id.empty() ? a.job_id : a.job_remote_id;
    o["job_id"] = job.empty() ? std::string("unknown") : job;
    o["job_name"] = text_or_null(a.job_name);
    std::string candidate = !a.candidate_id.empty() ? a.candidate_id : a.candidate_remote_id;
    o["candidate_id"] = candidate.empty() ? std::string("unknown") : candidate;
    o["candidate_name"] = text_or_null(ats::shared::ascii_trim(a.first_name + " " + a.last_name));
    o["source"] = text_or_null(a.source);
    o["remote_created_at"] = iso_or_null(a.remote_created_at);
    o["remote_updated_at"] = iso_or_null(a.remote_updated_at);
    o["remote_deleted_at"] = iso_or_null(a.remote_deleted_at);
    bj::value changed = iso_or_null(a.remote_updated_at);
    if (changed.is_null()) changed = iso_or_null(p.last_failed_at);
    if (changed.is_null())
        changed = ats::shared::format_utc_iso8601(ats::shared::UtcSeconds(std::chrono::seconds(now_ms / 1000)));
    o["changed_at"] = changed;
    o["custom_fields"] = bj::object{};
    bj::object ids{{"kombo", a.id}};
    if (!a.remote_id.empty()) ids["workable"] = a.remote_id;
    o["remote_ids"] = std::move(ids);
    bj::object job_ids;
    if (!a.job_id.empty()) job_ids["kombo"] = a.job_id;
    if (!a.job_remote_id.empty()) job_ids["workable"] = a.job_remote_id;
    if (!opportunity.empty()) job_ids["tracker"] = opportunity;
    o["job_remote_ids"] = std::move(job_ids);
    o["sync_status"] = status;
    o["sync_reason"] = p.reason;
    o["sync_reason_kind"] = p.kind.empty() ? std::string("error") : p.kind;
    if (p.failures > 0) o["sync_failures"] = p.failures;
    // Kombo's embedded job and candidate, as Kombo itself names them (the job is Kombo's, even when
    // job_id is the Tracker opportunity it maps to).
    std::string kombo_job = !a.job_id.empty() ? a.job_id : job;
    o["job"] = kombo_job.empty()
                   ? bj::value(nullptr)
                   : bj::value(bj::object{{"id", kombo_job},
                                          {"remote_id", a.job_remote_id.empty() ? kombo_job : a.job_remote_id},
                                          {"name", text_or_null(a.job_name)}});
    if (!candidate.empty()) {
        bj::array emails;
        for (const auto &e : a.emails) emails.push_back(bj::object{{"email_address", e}, {"type", nullptr}});
        o["candidate"] = bj::object{{"id", candidate},
                                    {"remote_id", a.candidate_remote_id.empty() ? candidate : a.candidate_remote_id},
                                    {"first_name", text_or_null(a.first_name)},
                                    {"last_name", text_or_null(a.last_name)},
                                    {"source", text_or_null(a.source)},
                                    {"remote_url", nullptr},
                                    {"tags", bj::array{}},
                                    {"email_addresses", std::move(emails)}};
    }
    ats::shared::kombo::complete_application(o);
    return o;
}

// kombo id -> reason, from the "pending" list of a sync summary (sync_summary.schema.json).
std::map<std::string, std::string> pending_reasons_of(const std::string &summary) {
    std::map<std::string, std::string> out;
    boost::system::error_code ec;
    bj::value v = bj::parse(summary, ec);
    if (ec || !v.is_object()) return out;
    if (const auto *list = v.get_object().if_contains("pending"); list && list->is_array())
        for (const auto &item : list->get_array())
            if (item.is_object()) {
                std::string id = sj::text_or(item.get_object(), "application_id");
                std::string reason = sj::text_or(item.get_object(), "reason");
                if (!id.empty() && !reason.empty()) out[id] = reason;
            }
    return out;
}

// The control record of a failed Workable side (ats_plugin.h, "Control records").
std::string workable_error_record(const ats::sdk::Error &e) {
    return bj::serialize(
        bj::object{{"_type", "error"},
                   {"source", "workable"},
                   {"code", ats_status_name(e.code())},
                   {"message", std::string("Workable applications not refreshed (the sync failed): ") + e.what()},
                   {"retryable", e.retryable()}});
}

} // namespace

const ats_plugin_descriptor_t &WorkableTrackerProvider::descriptor() { return storage().get(); }

WorkableTrackerProvider::WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json)
    : WorkableTrackerProvider(host, std::move(tenant_id),
                              hybrid_config_table().parse(sj::parse_object(config_json, "provider_config"))) {}

WorkableTrackerProvider::WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, HybridConfig config)
    : TrackerProvider(host, std::move(tenant_id), std::move(config.tracker)), sync_config_(std::move(config.sync)) {
    // Identity keys are kept as the host's keyed hashes (no readable e-mail, phone or name in the
    // state). A host without identity_hash keeps the readable keys it always had: said once.
    if (host.data_protection())
        sync_config_.identity.key_hasher = [host](std::string_view key) { return host.identity_hash(key); };
    else
        host.warn("the host offers no identity_hash (host services < 1.1): identity keys stay readable in the state");
    kombo_ = std::make_unique<KomboClient>(host, sync_config_.kombo);
}

std::string WorkableTrackerProvider::run_sync(ats::sdk::Call &call, const RunOptions &options,
                                              const ats::sdk::Sink *sink) {
    TrackerPortClient port(client(), call.raw());
    SyncEngine engine(host(), sync_config_, *kombo_, port, tenant_id());
    return engine.run(options, call, sink);
}

void WorkableTrackerProvider::extra_probe_findings(ats::sdk::Call &call,
                                                   std::vector<ats::tracker::ProbeFinding> &findings,
                                                   int64_t &requests) {
    const int64_t before = kombo_->request_count();
    for (auto &f : probe_kombo(*kombo_, call)) findings.push_back(std::move(f));
    requests += kombo_->request_count() - before;
}

void WorkableTrackerProvider::sync(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    RunOptions options;
    options.full = sj::optional_bool(args, "full", false, "sync arguments");
    options.retry_quarantined = sj::optional_bool(args, "retry_quarantined", false, "sync arguments");
    if (sj::optional_bool(args, "dry_run", false, "sync arguments")) {
        TrackerPortClient port(client(), call.raw());
        emit(sink, sj::parse(run_dry_sync(host(), sync_config_, *kombo_, port, tenant_id(), options, call, &sink),
                             "dry-run summary"));
        return;
    }
    emit(sink, sj::parse(run_sync(call, options, &sink), "sync summary"));
}

namespace {
// Streams the applications kept in "pend/" then "quar/" (never in Tracker yet) that pass the filter,
// after `from` when it is a position in this part.
void stream_pending(ats::sdk::Host host, const JobMappingConfig &mapping, ats::sdk::Call &call,
                    const PendingFilter &filter, const std::map<std::string, std::string> &reasons,
                    const std::optional<ApplicationPosition> &from, const std::string &warning, ats::sdk::Sink &sink) {
    KnownJobs jobs(host, mapping);
    const int64_t now_ms = host.now_unix_ms();
    bool go_on = true;
    const std::string *prefixes[] = {&state_keys::pending_prefix, &state_keys::quarantined_prefix};
    for (size_t index = 0; index < std::size(prefixes); ++index) {
        const std::string *prefix = prefixes[index];
        const bool resuming_here = from && from->pending_prefix && *from->pending_prefix == index;
        if (from && from->pending_prefix && *from->pending_prefix > index) continue; // delivered before
        const std::string status = *prefix == state_keys::pending_prefix ? "pending" : "quarantined";
        host.state_scan(*prefix, [&](std::string_view key, std::string_view value) {
            if (call.cancelled()) return false;
            // Keys come in byte order: everything up to the position's key was delivered before.
            if (resuming_here && key <= std::string_view(from->last_key)) return true;
            PendingRecord rec;
            try {
                rec = decode_pending(value);
            } catch (const std::exception &) {
                host.warn("applications.stream: unreadable state entry " + std::string(key) + " skipped", call.raw());
                return true;
            }
            if (rec.app.id.empty()) rec.app.id = std::string(key.substr(prefix->size()));
            const std::string opportunity = jobs.opportunity_for(rec.app);
            if (!filter.accepts(rec.app, opportunity)) return true;
            if (rec.reason.empty()) { // the older form: the engine kept the application only
                auto it = reasons.find(rec.app.id);
                if (it != reasons.end())
                    rec.reason = it->second;
                else if (opportunity.empty())
                    rec.reason = "job not mapped: Kombo job " + rec.app.job_id + " ('" + rec.app.job_name + "')";
                else
                    rec.reason = "not synced yet (the last sync recorded no reason)";
                if (rec.reason.rfind("job not mapped", 0) == 0) rec.kind = "unmapped_job";
            }
            go_on = sink.record(bj::serialize(pending_application(rec, status, opportunity, now_ms)));
            if (sink.wants_position()) {
                ApplicationPosition here;
                here.warning = warning;
                here.pending_prefix = index;
                here.last_key = std::string(key);
                sink.position(here.text());
            }
            return go_on;
        });
        if (!go_on) return;
    }
    call.throw_if_cancelled();
}
} // namespace

void WorkableTrackerProvider::stream_applications(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    const std::string op = ATS_OP_APPLICATIONS_STREAM;
    const bool strict = sj::optional_bool(args, "strict", false, op + " arguments");
    // This stream runs a sync, then streams Tracker's applications and the pending Workable ones
    // after them, reporting positions in both parts. A resumed stream does not sync again: the
    // first page did, and the rest of the listing continues from the state it left.
    const std::optional<ApplicationPosition> from = ApplicationPosition::from_args(args, op);
    PendingFilter filter;
    if (auto ua = sj::optional_string(args, "updated_after", op + " arguments"))
        filter.updated_after = ats::shared::parse_utc_iso8601(*ua, "applications.stream updated_after");
    if (auto ids = sj::optional_id_array(args, "job_ids", op + " arguments"))
        filter.job_ids = std::set<std::string>(ids->begin(), ids->end());

    std::map<std::string, std::string> reasons; // kombo id -> reason, from this run's summary
    std::string warning;                        // the listing's control record, if its sync failed
    if (from && !from->warning.empty()) {
        warning = from->warning;
        if (!sink.record(warning)) return;
    }
    if (!from) {
        try {
            std::string summary = run_sync(call, RunOptions{}, &sink);
            host().info("applications.stream: Workable sync done before streaming Tracker's applications", call.raw());
            host().debug(summary, call.raw());
            reasons = pending_reasons_of(summary);
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_CONFLICT) {
                // Another sync of this tenant holds the lock past lock_wait_ms: it is writing the same
                // applications; stream what Tracker has now rather than fail the reader.
                host().warn(std::string("applications.stream: streaming without syncing first: ") + e.what(),
                            call.raw());
            } else {
                if (strict || e.code() == ATS_ERR_CANCELLED) throw;
                // Kombo (or the sync) failed: Tracker's applications and the pending ones known from
                // state still stream; the failure travels as the control record (ats_plugin.h), sent
                // FIRST so a consumer that stops early (a page, --limit) still learns it; hosts put it
                // last on NDJSON.
                host().warn(std::string("applications.stream: the Workable side is unavailable, streaming Tracker's "
                                        "applications and the pending ones: ") +
                                e.what(),
                            call.raw());
                warning = workable_error_record(e);
                if (!sink.record(warning)) return;
            }
        }
    }
    // job_ids may name Kombo job ids (pending side only): Tracker's side gets the Tracker ids.
    bj::object tracker_args = args;
    tracker_args.erase("strict");
    tracker_args.erase("resume_after");
    if (from && !from->pending_prefix && !from->tracker_position.empty())
        tracker_args["resume_after"] = from->tracker_position;
    if (filter.job_ids) {
        bj::array tracker_ids;
        for (const auto &id : *filter.job_ids)
            if (!id.empty() && id.size() < 19 && id.find_first_not_of("0123456789") == std::string::npos)
                tracker_ids.push_back(bj::string(id));
        tracker_args["job_ids"] = std::move(tracker_ids);
    }
    SyncState state(host());
    bool stopped = false;
    std::function<void(const std::string &)> tracker_position;
    if (sink.wants_position())
        tracker_position = [&sink, &warning](const std::string &p) {
            ApplicationPosition here;
            here.warning = warning;
            here.tracker_position = p;
            sink.position(here.text());
        };
    if (!from || !from->pending_prefix)
        stream_tracker_applications(
            call, tracker_args,
            [&](bj::object &&app) {
                std::string id = sj::text_or(app, "id");
                if (auto origin = state.link_origin(id)) {
                    bj::value &ids = app["remote_ids"];
                    if (!ids.is_object()) ids = bj::object{};
                    ids.as_object()["kombo"] = origin->first;
                    if (!origin->second.empty()) ids.as_object()["workable"] = origin->second;
                    app["sync_status"] = "synced";
                }
                if (!sink.record(bj::serialize(app))) stopped = true;
                return !stopped;
            },
            tracker_position);
    if (!stopped) stream_pending(host(), sync_config_.jobs, call, filter, reasons, from, warning, sink);
}

bool WorkableTrackerProvider::handle_operation(ats::sdk::Call &call, const std::string &operation,
                                               const bj::object &args, ats::sdk::Sink &sink) {
    if (operation == ATS_OP_FORGET) {
        ForgetRequest req;
        int given = 0;
        for (auto [name, dest] : {std::pair<const char *, std::string *>{"email", &req.email},
                                  {"phone", &req.phone},
                                  {"workable_candidate_id", &req.workable_candidate_id},
                                  {"tracker_resource_id", &req.tracker_resource_id}}) {
            auto it = args.find(name);
            if (it == args.end()) continue;
            if (!it->value().is_string() || it->value().get_string().empty())
                throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                      std::string("forget: ") + name + " must be a non-empty string");
            *dest = std::string(it->value().get_string());
            ++given;
        }
        if (given != 1)
            throw ats::sdk::Error(
                ATS_ERR_INVALID_ARGUMENT,
                "forget: give exactly one of email, phone, workable_candidate_id, tracker_resource_id");
        ats::sdk::Lock lock = host().lock("workable-sync", sync_config_.lock_wait_ms); // not under a running sync
        call.throw_if_cancelled();
        ForgetCounts n = forget_person(host(), sync_config_, req);
        emit(sink, bj::object{{"removed", bj::object{{"identity_keys", n.identity_keys},
                                                     {"id_maps", n.id_maps},
                                                     {"pending", n.pending},
                                                     {"quarantined", n.quarantined},
                                                     {"intents", n.intents}}},
                              {"people", n.people},
                              {"total", n.total()}});
        return true;
    }
    return false;
}

// Kombo first (throws on a bad key or integration), then every configured status name against
// the account's (naming the unknown ones and the valid ones); the base's check of Tracker follows.
void WorkableTrackerProvider::extra_checks(ats::sdk::Call &call) {
    kombo_->check_api_key(&call);
    TrackerPortClient port(client(), call.raw());
    auto names = port.link_status_names();
    auto unknown = unknown_configured_statuses(sync_config_, names);
    if (!unknown.empty()) {
        std::string msg = "provider_config.workable: status names not in Tracker:";
        for (const auto &u : unknown) msg += " '" + u + "'";
        msg += "; valid statuses:";
        for (const auto &n : names) msg += " '" + n + "'";
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, msg);
    }
}

} // namespace ats::tracker_workable
