#include "provider/workable_provider.hpp"

#include "ats/shared/json.hpp"
#include "provider/tracker_port_client.hpp"
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
        info.plugin_version = "0.1.0";
        info.vendor = "ats-host";
        info.description =
            "Tracker RMS as the system of record, with Workable applications read through Kombo (read-only, GET "
            "only) and synced into Tracker exactly once: people matched by normalised email or E.164 phone, "
            "applications linked with statuses from outcomes, durable checkpoint and write intents. Every other "
            "operation is the tracker provider's.";
        info.capabilities = ats::tracker::tracker_capabilities();
        ats::tracker::set_capability(info.capabilities,
                                     {ATS_OP_APPLICATIONS_STREAM, ATS_SUPPORTED, ""});
        ats::tracker::set_capability(info.capabilities, {ATS_OP_SYNC, ATS_SUPPORTED, ""});
        info.config_schema_json = workable_config_schema_json();
        return info;
    }());
    return s;
}

SyncConfig defaults_from(const ats::tracker::TrackerConfig &t) {
    SyncConfig d;
    d.identity.phone_region = t.default_phone_region;
    d.statuses.hired = t.statuses.accepted;
    d.statuses.declined = t.statuses.declined;
    d.statuses.pending = t.statuses.new_application;
    d.statuses.initial = t.statuses.new_application;
    return d;
}

} // namespace

const ats_plugin_descriptor_t &WorkableTrackerProvider::descriptor() { return storage().get(); }

WorkableTrackerProvider::WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json)
    : WorkableTrackerProvider(host, std::move(tenant_id), sj::parse_object(config_json, "provider_config")) {}

WorkableTrackerProvider::WorkableTrackerProvider(ats::sdk::Host host, std::string tenant_id, bj::object config)
    : TrackerProvider(host, std::move(tenant_id), ats::tracker::TrackerConfig::parse(config)) {
    sync_config_ = parse_sync_config(sj::require_object(config, "workable", "provider_config"), defaults_from(this->config()));
    kombo_ = std::make_unique<KomboClient>(host, sync_config_.kombo);
}

std::string WorkableTrackerProvider::run_sync(ats::sdk::Call &call, const RunOptions &options, const ats::sdk::Sink *sink) {
    TrackerPortClient port(client(), call.raw());
    SyncEngine engine(host(), sync_config_, *kombo_, port, tenant_id());
    return engine.run(options, call, sink);
}

void WorkableTrackerProvider::sync(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    RunOptions options;
    options.full = sj::optional_bool(args, "full", false, "sync arguments");
    options.retry_quarantined = sj::optional_bool(args, "retry_quarantined", false, "sync arguments");
    emit(sink, sj::parse(run_sync(call, options, &sink), "sync summary"));
}

void WorkableTrackerProvider::stream_applications(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    try {
        std::string summary = run_sync(call, RunOptions{}, &sink);
        host().info("applications.stream: Workable sync done before streaming Tracker's applications", call.raw());
        host().debug(summary, call.raw());
    } catch (const ats::sdk::Error &e) {
        // Another sync of this tenant holds the lock past lock_wait_ms: it is writing the same
        // applications; stream what Tracker has now rather than fail the reader.
        if (e.code() != ATS_ERR_CONFLICT) throw;
        host().warn(std::string("applications.stream: streaming without syncing first: ") + e.what(), call.raw());
    }
    SyncState state(host());
    stream_tracker_applications(call, args, [&](bj::object &&app) {
        std::string id = sj::text_or(app, "id");
        if (auto origin = state.link_origin(id)) {
            bj::value &ids = app["remote_ids"];
            if (!ids.is_object()) ids = bj::object{};
            ids.as_object()["kombo"] = origin->first;
            if (!origin->second.empty()) ids.as_object()["workable"] = origin->second;
        }
        return sink.record(bj::serialize(app));
    });
}

bool WorkableTrackerProvider::invoke_extension(ats::sdk::Call &call, const std::string &operation, const bj::object &,
                                               ats::sdk::Sink &) {
    // check: Kombo first (throws on a bad key or integration), then every configured status name
    // against the account's (naming the unknown ones and the valid ones), then the base's check.
    if (operation == ATS_OP_CHECK) {
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
    return false;
}

} // namespace ats::tracker_workable
