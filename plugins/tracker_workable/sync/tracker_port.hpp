// tracker_port.hpp - the Tracker operations the Workable sync needs, as one narrow interface.
//
// The sync engine talks to Tracker only through this seam; tracker_port_client.cpp implements it
// on the shared Tracker client library (plugins/tracker/client), so every wire detail stays in that
// one adapter, so a change of Tracker's wire format touches one file. Tests of the
// engine still run against the real sandbox through the real client - this is not a mock seam.
//
// Error contract: failures throw ats::sdk::Error. For the three writes, ATS_ERR_TRANSIENT means
// "outcome unknown" (timeout, reset, 5xx after the request may have been applied): the caller must
// read back before trying again, or the write may happen twice.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ats::tracker_workable {

struct TrackerResourceRow {
    std::string id;
    std::string first_name, last_name;
    std::string email;
    std::vector<std::string> phones;             // cell, work, home as stored (any format), non-empty ones only
    std::string cellphone, workphone, homephone; // the same three fields by name ("" = empty)
    // Tracker's own lastupdated, converted to ISO 8601 UTC through the tenant zone ("" if absent).
    // Used as the identity watermark so that no comparison ever mixes the host's clock with
    // Tracker's (the same zone converts it back when it is sent as updatedafter).
    std::string last_updated_utc;
    std::vector<std::pair<std::string, std::string>> custom_fields; // (name, value)
};

struct TrackerOpportunityRow {
    std::string id;
    std::string name;
    std::vector<std::pair<std::string, std::string>> custom_fields; // (name, value)
};

struct TrackerLinkRow { // an application: opportunity-resource link (TRACKER-ASSUMPTION A1/A2)
    std::string id;
    std::string opportunity_id;
    std::string resource_id;
    std::string status; // status name
};

struct NewTrackerPerson {
    std::string first_name, last_name;
    std::string email;
    std::string cellphone, workphone, homephone; // "" = not given
    std::string source;
    // Resource custom fields by NAME (the adapter resolves ids through getSettings; a name the
    // database does not have is skipped).
    std::vector<std::pair<std::string, std::string>> custom_fields;
};

struct CreatedTrackerPerson {
    std::string resource_id;
    std::string link_id; // link on the opportunity it was assigned to (A1: createResource answers linkId)
    // True when Tracker refused the create because the person exists (createResource status 3)
    // and named the existing record: resource_id is that record, link_id is "" (nothing was
    // created). Clock-free recovery of a create whose answer was lost relies on this.
    bool already_existed = false;
};

// Contact fields of an existing resource to write (updateRecord R). Only non-empty members are
// sent; the caller has already decided they are empty in Tracker (fill-only rule).
struct PersonFieldUpdate {
    std::string email, cellphone, workphone, homephone;
    std::vector<std::pair<std::string, std::string>> custom_fields; // (name, value); unknown names skipped
    bool empty() const {
        return email.empty() && cellphone.empty() && workphone.empty() && homephone.empty() && custom_fields.empty();
    }
};

struct TrackerNoteRow { // an activity linked to a resource (A6)
    std::string id;
    std::string subject;
    std::string note;
};

struct TrackerDocumentRow { // a document linked to a resource (A5)
    std::string id;
    std::string file_name;
    std::string document_type; // "resume", "general", ...
    int64_t size = 0;          // bytes of the decoded file
};

class TrackerPort {
public:
    virtual ~TrackerPort() = default;

    // Every opportunity (paged to the end), with custom fields, for the job mapping.
    virtual void for_each_opportunity(const std::function<void(const TrackerOpportunityRow &)> &fn) = 0;
    // Every resource updated at/after `updated_after_utc` (ISO 8601 UTC; "" = all), paged to the end.
    virtual void for_each_resource(const std::string &updated_after_utc,
                                   const std::function<void(const TrackerResourceRow &)> &fn) = 0;
    // Every link in Tracker (A2, paged to the end).
    virtual void for_each_link(const std::function<void(const TrackerLinkRow &)> &fn) = 0;
    // Every link of one resource (A2 with filter resourceid).
    virtual std::vector<TrackerLinkRow> links_of_resource(const std::string &resource_id) = 0;
    // The links with these ids (A14 recordids, 500 per request); ids that do not exist are absent.
    virtual std::vector<TrackerLinkRow> links_by_ids(const std::vector<std::string> &link_ids) = 0;
    // One resource (getIndividualRecord R); throws NOT_FOUND when absent.
    virtual TrackerResourceRow get_person(const std::string &resource_id) = 0;
    // Resources whose name matches (getRecords R searchtext, A12: substring; the caller filters
    // exactly). Clock-free read-back of a person created by an interrupted run (custom field
    // candidate_id_field identifies it).
    virtual std::vector<TrackerResourceRow> find_people_by_name(const std::string &first_name,
                                                                const std::string &last_name) = 0;
    // Notes (activities) and documents of one resource (A6, A5), paged to the end.
    virtual std::vector<TrackerNoteRow> notes_of_person(const std::string &resource_id) = 0;
    virtual std::vector<TrackerDocumentRow> documents_of_person(const std::string &resource_id) = 0;
    // Every opportunity-resource status name the account has (getSettings, A4; cached).
    virtual std::vector<std::string> link_status_names() = 0;

    // Writes (non-idempotent creates: see the error contract above).
    // createResource with instructions.assigntoopportunity (A1): the person and the link at once.
    virtual CreatedTrackerPerson create_person_on_opportunity(const NewTrackerPerson &person,
                                                              const std::string &opportunity_id) = 0;
    // resourceApplication: answers the link id (A1).
    virtual std::string create_link(const std::string &resource_id, const std::string &opportunity_id,
                                    const std::string &source) = 0;
    // updateRecord OR opportunityresourcestatusid (A3), the status given by NAME (resolved via A4).
    // Idempotent: setting the same status twice is harmless.
    virtual void set_link_status(const std::string &link_id, const std::string &status_name) = 0;

    // updateRecord R with the non-empty fields of `update` (columns email, cellphone, workphone,
    // homephone; custom fields by name). Idempotent (same values twice is harmless).
    virtual void update_person(const std::string &resource_id, const PersonFieldUpdate &update) = 0;
    // createActivity linked to the resource (A6), type Note, plain text; answers the activity id.
    // Not idempotent: ATS_ERR_TRANSIENT means outcome unknown (read back notes_of_person).
    virtual std::string add_person_note(const std::string &resource_id, const std::string &subject,
                                        const std::string &text) = 0;
    // attachDocument to the resource with documentType "resume" (A5); `bytes` is the raw file
    // (the adapter base64-encodes it). Answers the document id. Not idempotent: ATS_ERR_TRANSIENT
    // means outcome unknown (read back documents_of_person).
    virtual std::string attach_resume(const std::string &resource_id, const std::string &file_name,
                                      const std::string &bytes) = 0;

    // Why the calling thread's next writes are made: the Workable application, the rule, and for a
    // status the status Tracker shows before it ("" when unknown). Only the dry run's port keeps
    // it (its plan explains each write); a port that really writes ignores it.
    virtual void explain(const std::string &application_id, const std::string &why, const std::string &from) {
        (void)application_id, (void)why, (void)from;
    }

    // Called before the first Tracker write of every batch that has writes to make (before their
    // write intents too): a port that can tell the upstream contradicts what the writes rely on
    // throws ats::sdk::Error naming it, and the run ends having written nothing.
    virtual void before_writes() {}

    // HTTP requests sent to Tracker so far (for the summary and the benchmark).
    virtual int64_t request_count() const = 0;
};

} // namespace ats::tracker_workable
