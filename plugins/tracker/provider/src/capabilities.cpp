#include "ats/tracker/capabilities.hpp"

namespace ats::tracker {

std::vector<Capability> tracker_capabilities() {
    const char *reject_reason =
        "sets the tenant's configured declined status; Tracker cannot record a rejection reason (a note is "
        "added as an activity on the application)";
    return {
        {ATS_OP_CHECK, ATS_SUPPORTED, ""},
        {ATS_OP_PROBE, ATS_SUPPORTED, ""},
        {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATIONS_STREAM, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATES_STREAM, ATS_SUPPORTED, ""},
        {ATS_OP_JOBS_GET, ATS_SUPPORTED, ""},
        {ATS_OP_JOBS_GET_ENHANCED, ATS_SUPPORTED, ""},
        {ATS_OP_JOBS_GET_MANY, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATIONS_GET, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATES_GET, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATES_FIND, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATES_GET_RESUME, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATIONS_CREATE, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATIONS_MOVE_TO_STAGE, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATIONS_REJECT, ATS_LIMITED, reject_reason},
        {ATS_OP_APPLICATIONS_BULK_REJECT, ATS_LIMITED, reject_reason},
        {ATS_OP_REJECTION_REASONS_LIST, ATS_NOT_SUPPORTED,
         "Tracker has no rejection reasons: its Widget API (getSettings) offers no such list"},
        {ATS_OP_STAGES_LIST, ATS_LIMITED,
         "Tracker's application statuses are database-wide (getSettings opportunityResourceStatuses), not per "
         "job: every job has the same list and job_id only checks that the job exists"},
        {ATS_OP_APPLICATION_NOTES_ADD, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATION_NOTES_LIST, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATE_NOTES_ADD, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATE_NOTES_LIST, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATION_ATTACHMENTS_ADD, ATS_LIMITED,
         "Tracker has no cover-letter document type: COVER_LETTER is stored as a general document and listed as OTHER"},
        {ATS_OP_APPLICATION_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
        {ATS_OP_APPLICATION_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATE_ATTACHMENTS_ADD, ATS_LIMITED,
         "Tracker has no cover-letter document type: COVER_LETTER is stored as a general document and listed as OTHER"},
        {ATS_OP_CANDIDATE_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
        {ATS_OP_CANDIDATE_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
        {ATS_OP_CUSTOM_FIELDS_GET, ATS_LIMITED,
         "candidates and jobs only: Tracker defines no custom fields on applications (opportunity-resource links)"},
        {ATS_OP_CUSTOM_FIELDS_SET, ATS_LIMITED,
         "candidates and jobs only: Tracker defines no custom fields on applications (opportunity-resource links)"},
        {ATS_OP_SYNC, ATS_NOT_SUPPORTED, "tracker has nothing to synchronise"},
        {ATS_OP_FORGET, ATS_LIMITED,
         "a no-op: the tracker provider keeps no personal data in the host's state (Tracker itself is the system "
         "of record; erase people there)"},
    };
}

void set_capability(std::vector<Capability> &matrix, Capability c) {
    for (auto &e : matrix)
        if (e.operation == c.operation) {
            e = std::move(c);
            return;
        }
    matrix.push_back(std::move(c));
}

const Capability *find_capability(const std::vector<Capability> &matrix, const std::string &operation) {
    for (const auto &e : matrix)
        if (e.operation == operation) return &e;
    return nullptr;
}

DescriptorStorage::DescriptorStorage(DescriptorInfo info) : info_(std::move(info)) {
    caps_.reserve(info_.capabilities.size());
    for (const auto &c : info_.capabilities) caps_.push_back({c.operation.c_str(), c.support, c.reason.c_str()});
    descriptor_.struct_size = sizeof(ats_plugin_descriptor_t);
    descriptor_.provider = info_.provider.c_str();
    descriptor_.display_name = info_.display_name.c_str();
    descriptor_.plugin_version = info_.plugin_version.c_str();
    descriptor_.vendor = info_.vendor.c_str();
    descriptor_.description = info_.description.c_str();
    descriptor_.capabilities = caps_.data();
    descriptor_.capability_count = caps_.size();
    descriptor_.config_schema_json = info_.config_schema_json.c_str();
}

} // namespace ats::tracker
