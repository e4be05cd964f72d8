// provider.hpp - TrackerProvider: every operation of the unified API that Tracker can do.
//
// Used directly by plugins/tracker/plugin.cpp (ATS_EXPORT_PLUGIN(TrackerProvider), enum
// "tracker"), and as the base of the hybrid tracker_workable provider, which overrides the
// virtual hooks below (at least stream_applications and sync) and extends the descriptor and the
// config schema (capabilities.hpp, provider_config.hpp) without copying any Tracker code.
//
// Thread-safe: invoke() may run concurrently (the client, its caches and the mapper are).
#pragma once

#include "ats/tracker/capabilities.hpp"
#include "ats/tracker/client.hpp"
#include "ats/tracker/wire_probe.hpp"
#include "ats/tracker/mapper.hpp"
#include "ats/tracker/provider_config.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ats::tracker {

class TrackerProvider {
public:
    // The `tracker` descriptor: enum "tracker", tracker_capabilities(), tracker_config_schema_json().
    static const ats_plugin_descriptor_t &descriptor();

    // ATS_EXPORT_PLUGIN's constructor: parses provider_config (TrackerConfig::parse).
    TrackerProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json);
    virtual ~TrackerProvider();

    // Dispatches one operation (ats_operations.h). Unknown operations and those the matrix marks
    // NOT_SUPPORTED throw ATS_ERR_NOT_SUPPORTED with the matrix's reason.
    void invoke(ats::sdk::Call &call, const std::string &operation, const std::string &args_json, ats::sdk::Sink &sink);

protected:
    // For subclasses that parse a larger configuration themselves.
    TrackerProvider(ats::sdk::Host host, std::string tenant_id, TrackerConfig config);

    // The descriptor whose matrix governs this instance (subclasses return their own).
    virtual const ats_plugin_descriptor_t &provider_descriptor() const;

    // --- hooks a subclass overrides ---------------------------------------------------------
    // applications.stream: {"updated_after"?, "job_ids"?} -> one sink.record per application.
    // The base streams Tracker's links (stream_tracker_applications).
    virtual void stream_applications(ats::sdk::Call &call, const boost::json::object &args, ats::sdk::Sink &sink);
    // sync: the base throws NOT_SUPPORTED ("tracker has nothing to synchronise").
    virtual void sync(ats::sdk::Call &call, const boost::json::object &args, ats::sdk::Sink &sink);
    // An operation the subclass answers itself, asked before the base's own dispatch: one the base
    // does not implement, or a replacement of the base's (tracker_workable: forget). Returns true
    // when it answered (the base then does nothing), false to let the base dispatch it. The base
    // answers none.
    virtual bool handle_operation(ats::sdk::Call &call, const std::string &operation, const boost::json::object &args,
                                  ats::sdk::Sink &sink);
    // check: what the subclass adds (its own upstream, its configuration against the account),
    // run before the base checks Tracker; throws to fail the check. The base adds nothing.
    virtual void extra_checks(ats::sdk::Call &call);
    // probe: the findings of the upstreams a subclass adds (Kombo for tracker_workable), after
    // Tracker's, and the requests they cost. The base adds none.
    virtual void extra_probe_findings(ats::sdk::Call &call, std::vector<ProbeFinding> &findings, int64_t &requests);

    // --- building blocks for subclasses -------------------------------------------------------
    // Tracker's applications matching {"updated_after"?, "job_ids"?}, mapped to the unified
    // record, each passed to emit (return false to stop). Cost: ceil((N+1)/page) per job id
    // (opportunityid filter), or ceil((N+1)/page) in all without job_ids.
    // `position`, when set, receives the stream's position after each application (StreamPosition;
    // args may hold "resume_after").
    void stream_tracker_applications(ats::sdk::Call &call, const boost::json::object &args,
                                     const std::function<bool(boost::json::object &&)> &emit,
                                     const std::function<void(const std::string &)> &position = {});
    // One application by id, mapped. Cost: 1.
    boost::json::object read_application(ats::sdk::Call &call, int64_t link_id);

    ats::sdk::Host host() const { return host_; }
    const std::string &tenant_id() const { return tenant_id_; }
    const TrackerConfig &config() const { return config_; }
    TrackerClient &client() { return *client_; }
    const TrackerClient &client() const { return *client_; }
    const RecordMapper &mapper() const { return *mapper_; }

    // Emits one result document (non-stream operations).
    static void emit(ats::sdk::Sink &sink, const boost::json::value &v);

private:
    // One operation of this provider: Tracker's capability for it and the member that runs it
    // (none when not supported). Every operation of ATS_OPERATIONS has exactly one entry.
    struct Operation {
        Capability capability;
        std::function<void(TrackerProvider &, ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &)> run;
    };
    static const std::vector<Operation> &operations();
    friend std::vector<Capability> tracker_capabilities(); // the matrix is built from operations()

    // Runs the operation's entry of operations().
    void dispatch(ats::sdk::Call &call, const std::string &op, const boost::json::object &args, ats::sdk::Sink &sink);

    // One function per operation (provider.cpp and provider_*.cpp).
    void op_check(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_probe(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_jobs_stream(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_candidates_stream(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_jobs_get(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_jobs_get_enhanced(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_jobs_get_many(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_applications_get(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_candidates_get(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_candidates_find(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_candidates_get_resume(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_applications_create(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_applications_move_to_stage(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_applications_reject(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_applications_bulk_reject(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_stages_list(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_notes_add(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &, bool application);
    void op_notes_list(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &, bool application);
    void op_attachments_add(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &, bool application);
    void op_attachments_list(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &, bool application);
    void op_attachments_get(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &, bool application);
    void op_custom_fields_get(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_custom_fields_set(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);
    void op_forget(ats::sdk::Call &, const boost::json::object &, ats::sdk::Sink &);

    // Rejects one application (the declined status; a note becomes an activity). Cost: 2 (+1 with note).
    boost::json::object reject_one(ats::sdk::Call &call, int64_t link_id, const boost::json::object &args);

    ats::sdk::Host host_;
    std::string tenant_id_;
    TrackerConfig config_;
    std::unique_ptr<TrackerClient> client_;
    std::unique_ptr<RecordMapper> mapper_;
};

// Parses a record id argument ("812" or 812) as Tracker's integer id; INVALID_ARGUMENT naming it.
int64_t tracker_id_arg(const boost::json::object &args, std::string_view field, std::string_view operation);

} // namespace ats::tracker
