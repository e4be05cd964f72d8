// TrackerProvider: writing applications (create, move, reject, bulk reject).
#include "ats/tracker/provider.hpp"

#include "ats/shared/json.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

// applications.create: refuses a second application of one candidate to one job (look before you
// create: writes are not idempotent), then resourceApplication (A1) on the long list, then the stage
// (A3/A4) when one is given that differs from new_application, then reads the link back.
// The stage name is resolved BEFORE any write, so a wrong name writes nothing.
// Cost: 3 (getRecords OR, resourceApplication, getIndividualRecord OR), +1 updateRecord with a
// stage other than the configured new_application status, +1 getSettings when resolving a stage.
void TrackerProvider::op_applications_create(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_APPLICATIONS_CREATE;
    std::string where = op + " arguments";
    int64_t resource = tracker_id_arg(args, "candidate_id", op);
    int64_t opportunity = tracker_id_arg(args, "job_id", op);
    auto stage = sj::optional_string(args, "stage", where);
    std::string source = sj::optional_string(args, "source", where).value_or("");
    std::optional<NamedId> status;
    if (stage && !stage->empty()) status = client().link_status(*stage, where + " stage", call.raw());

    LinkFilter existing;
    existing.resource_id = resource;
    existing.opportunity_id = opportunity;
    int64_t existing_id = 0;
    client().for_each_link(
        existing,
        [&](const LinkRow &l) {
            if (l.resource_id == resource && l.opportunity_id == opportunity) existing_id = l.id;
            return existing_id == 0;
        },
        call.raw());
    if (existing_id)
        throw ats::sdk::Error(ATS_ERR_CONFLICT, "candidate " + std::to_string(resource) + " already has application " +
                                                    std::to_string(existing_id) + " on job " +
                                                    std::to_string(opportunity));

    int64_t link = client().create_link(resource, opportunity, "long", source, call.raw());
    if (status && !(status->name == config_.statuses.new_application))
        client().set_link_status(link, status->name, call.raw());
    emit(sink, read_application(call, link));
}

// applications.move_to_stage: updateRecord OR status id by name (A3, A4), then read back.
// Cost: 2 (+1 getSettings on first use).
void TrackerProvider::op_applications_move_to_stage(ats::sdk::Call &call, const bj::object &args,
                                                    ats::sdk::Sink &sink) {
    std::string op = ATS_OP_APPLICATIONS_MOVE_TO_STAGE;
    int64_t link = tracker_id_arg(args, "application_id", op);
    std::string stage = sj::require_nonempty_string(args, "stage", op + " arguments");
    client().set_link_status(link, stage, call.raw());
    emit(sink, read_application(call, link));
}

// Sets the configured declined status; a note becomes an activity on the application; a
// rejection reason cannot be stored and the result says so. Cost: 2 (+1 with a note, +1 getSettings).
bj::object TrackerProvider::reject_one(ats::sdk::Call &call, int64_t link, const bj::object &args) {
    std::string where = std::string(ATS_OP_APPLICATIONS_REJECT) + " arguments";
    auto reason = sj::optional_string(args, "rejection_reason_id", where);
    auto note = sj::optional_string(args, "note", where);
    client().set_link_status(link, config_.statuses.declined, call.raw());
    if (note && !note->empty()) {
        NewActivity a;
        a.link_record_type = "OR"; // A6
        a.link_record_id = link;
        a.subject = "Rejected";
        a.note = *note;
        a.when = UtcSeconds{
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(host_.now_unix_ms()))};
        client().create_activity(a, call.raw());
    }
    bj::object app = read_application(call, link);
    bj::array warnings;
    if (reason && !reason->empty())
        warnings.push_back(bj::value("rejection reason '" + *reason +
                                     "' was not recorded: Tracker cannot store rejection reasons; status set to '" +
                                     config_.statuses.declined + "'"));
    if (!warnings.empty()) app["warnings"] = std::move(warnings);
    return app;
}

void TrackerProvider::op_applications_reject(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    int64_t link = tracker_id_arg(args, "application_id", ATS_OP_APPLICATIONS_REJECT);
    emit(sink, reject_one(call, link, args));
}

// applications.bulk_reject: one result per id, in order; a failure of one is reported in its
// result, not as the error of the call (except cancellation). The rejections run on up to
// host.max_concurrency() threads (host services are thread-safe; the sink is only used on the
// invoking thread, after the workers are joined). Cost: per application as reject; getSettings
// once (the first lookup loads the cache before the workers start).
void TrackerProvider::op_applications_bulk_reject(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_APPLICATIONS_BULK_REJECT;
    std::vector<std::string> ids = sj::require_id_array(args, "application_ids", op + " arguments");
    // Validate the declined status once, up front: a configuration error fails the call, not each item.
    client().link_status(config_.statuses.declined, "provider_config.statuses.declined", call.raw());

    std::vector<bj::object> results(ids.size());
    std::atomic<size_t> next{0};
    std::atomic<bool> cancelled{false};
    auto work = [&] {
        for (size_t i = next.fetch_add(1); i < ids.size(); i = next.fetch_add(1)) {
            bj::object r{{"application_id", ids[i]}};
            if (call.cancelled()) {
                cancelled = true;
                return;
            }
            try {
                int64_t link = tracker_id_arg(bj::object{{"application_id", ids[i]}}, "application_id", op);
                r["ok"] = true;
                r["application"] = reject_one(call, link, args);
            } catch (const ats::sdk::Error &e) {
                if (e.code() == ATS_ERR_CANCELLED) {
                    cancelled = true;
                    return;
                }
                r.erase("application");
                r["ok"] = false;
                r["error"] = bj::object{{"code", e.code()}, {"message", e.what()}, {"retryable", e.retryable()}};
            } catch (const std::exception &e) {
                r.erase("application");
                r["ok"] = false;
                r["error"] = bj::object{{"code", ATS_ERR_INTERNAL},
                                        {"message", std::string("internal error: ") + e.what()},
                                        {"retryable", false}};
            }
            results[i] = std::move(r);
        }
    };
    size_t threads = std::min<size_t>(ids.size(), static_cast<size_t>(host_.max_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work(); // the invoking thread works too
    for (auto &t : pool) t.join();
    if (cancelled) throw ats::sdk::Error(ATS_ERR_CANCELLED, op + ": cancelled by the caller");
    bj::array out;
    for (auto &r : results) out.push_back(std::move(r));
    sink.progress("reject", static_cast<int64_t>(ids.size()), static_cast<int64_t>(ids.size()));
    emit(sink, bj::object{{"results", std::move(out)}});
}

} // namespace ats::tracker
