// TrackerProvider's operations, each named once: the capability Tracker offers and the member that
// runs it. The matrix in the descriptor (tracker_capabilities) and dispatch both come from here.
#include "ats/tracker/provider.hpp"

namespace ats::tracker {

namespace bj = boost::json;

namespace {

const char *const kRejectReason =
    "sets the tenant's configured declined status; Tracker cannot record a rejection reason (a note is "
    "added as an activity on the application)";
const char *const kCoverLetterReason =
    "Tracker has no cover-letter document type: COVER_LETTER is stored as a general document and listed as OTHER";
const char *const kCustomFieldsReason =
    "candidates and jobs only: Tracker defines no custom fields on applications (opportunity-resource links)";

} // namespace

const std::vector<TrackerProvider::Operation> &TrackerProvider::operations() {
    using P = TrackerProvider;
    using C = ats::sdk::Call;
    using A = bj::object;
    using S = ats::sdk::Sink;
    static const std::vector<Operation> table = {
        {{ATS_OP_CHECK, ATS_SUPPORTED, ""}, &P::op_check},
        {{ATS_OP_PROBE, ATS_SUPPORTED, ""}, &P::op_probe},
        {{ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""}, &P::op_jobs_stream},
        {{ATS_OP_APPLICATIONS_STREAM, ATS_SUPPORTED, ""}, &P::stream_applications},
        {{ATS_OP_CANDIDATES_STREAM, ATS_SUPPORTED, ""}, &P::op_candidates_stream},
        {{ATS_OP_JOBS_GET, ATS_SUPPORTED, ""}, &P::op_jobs_get},
        {{ATS_OP_JOBS_GET_ENHANCED, ATS_SUPPORTED, ""}, &P::op_jobs_get_enhanced},
        {{ATS_OP_JOBS_GET_MANY, ATS_SUPPORTED, ""}, &P::op_jobs_get_many},
        {{ATS_OP_APPLICATIONS_GET, ATS_SUPPORTED, ""}, &P::op_applications_get},
        {{ATS_OP_CANDIDATES_GET, ATS_SUPPORTED, ""}, &P::op_candidates_get},
        {{ATS_OP_CANDIDATES_FIND, ATS_SUPPORTED, ""}, &P::op_candidates_find},
        {{ATS_OP_CANDIDATES_GET_RESUME, ATS_SUPPORTED, ""}, &P::op_candidates_get_resume},
        {{ATS_OP_APPLICATIONS_CREATE, ATS_SUPPORTED, ""}, &P::op_applications_create},
        {{ATS_OP_APPLICATIONS_MOVE_TO_STAGE, ATS_SUPPORTED, ""}, &P::op_applications_move_to_stage},
        {{ATS_OP_APPLICATIONS_REJECT, ATS_LIMITED, kRejectReason}, &P::op_applications_reject},
        {{ATS_OP_APPLICATIONS_BULK_REJECT, ATS_LIMITED, kRejectReason}, &P::op_applications_bulk_reject},
        {{ATS_OP_REJECTION_REASONS_LIST, ATS_NOT_SUPPORTED,
          "Tracker has no rejection reasons: its Widget API (getSettings) offers no such list"},
         nullptr},
        {{ATS_OP_STAGES_LIST, ATS_LIMITED,
          "Tracker's application statuses are database-wide (getSettings opportunityResourceStatuses), not per "
          "job: every job has the same list and job_id only checks that the job exists"},
         &P::op_stages_list},
        {{ATS_OP_APPLICATION_NOTES_ADD, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_notes_add(c, a, s, true); }},
        {{ATS_OP_APPLICATION_NOTES_LIST, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_notes_list(c, a, s, true); }},
        {{ATS_OP_CANDIDATE_NOTES_ADD, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_notes_add(c, a, s, false); }},
        {{ATS_OP_CANDIDATE_NOTES_LIST, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_notes_list(c, a, s, false); }},
        {{ATS_OP_APPLICATION_ATTACHMENTS_ADD, ATS_LIMITED, kCoverLetterReason},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_add(c, a, s, true); }},
        {{ATS_OP_APPLICATION_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_list(c, a, s, true); }},
        {{ATS_OP_APPLICATION_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_get(c, a, s, true); }},
        {{ATS_OP_CANDIDATE_ATTACHMENTS_ADD, ATS_LIMITED, kCoverLetterReason},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_add(c, a, s, false); }},
        {{ATS_OP_CANDIDATE_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_list(c, a, s, false); }},
        {{ATS_OP_CANDIDATE_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
         [](P &p, C &c, const A &a, S &s) { p.op_attachments_get(c, a, s, false); }},
        {{ATS_OP_CUSTOM_FIELDS_GET, ATS_LIMITED, kCustomFieldsReason}, &P::op_custom_fields_get},
        {{ATS_OP_CUSTOM_FIELDS_SET, ATS_LIMITED, kCustomFieldsReason}, &P::op_custom_fields_set},
        // A subclass that synchronises overrides sync() and marks it supported in its matrix.
        {{ATS_OP_SYNC, ATS_NOT_SUPPORTED, "tracker has nothing to synchronise"}, &P::sync},
        {{ATS_OP_FORGET, ATS_LIMITED,
          "a no-op: the tracker provider keeps no personal data in the host's state (Tracker itself is the system "
          "of record; erase people there)"},
         &P::op_forget},
    };
    return table;
}

std::vector<Capability> tracker_capabilities() {
    std::vector<Capability> matrix;
    for (const auto &op : TrackerProvider::operations()) matrix.push_back(op.capability);
    return matrix;
}

void TrackerProvider::dispatch(ats::sdk::Call &call, const std::string &op, const bj::object &args,
                               ats::sdk::Sink &sink) {
    for (const auto &entry : operations())
        if (entry.capability.operation == op && entry.run) return entry.run(*this, call, args, sink);
    // invoke() already refused what the matrix does not support: a supported operation without a
    // handler is a provider bug, not a refusal.
    throw ats::sdk::Error(ATS_ERR_INTERNAL, op + " is listed as supported but has no handler in provider '" +
                                                std::string(provider_descriptor().provider) + "'");
}

// forget: nothing about people in this provider's state: zeros, and why.
void TrackerProvider::op_forget(ats::sdk::Call &, const bj::object &, ats::sdk::Sink &sink) {
    bj::object removed{{"identity_keys", 0}, {"id_maps", 0}, {"pending", 0}, {"quarantined", 0}, {"intents", 0}};
    emit(sink, bj::object{{"removed", removed},
                          {"people", 0},
                          {"total", 0},
                          {"note", "the tracker provider keeps no personal data in the host's state"}});
}

} // namespace ats::tracker
