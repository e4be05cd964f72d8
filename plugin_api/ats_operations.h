/*
 * ats_operations.h - the operations of the unified ATS API, by name.
 *
 * Each operation is invoked through ats_plugin_entry_t.invoke with a JSON object of arguments and
 * answers through the ats_sink_t. Record shapes (job, application, candidate, note, attachment,
 * stage, rejection_reason, custom_field, bulk_result, sync_summary) are JSON Schemas in
 * plugin_api/schema/; field names follow Kombo's unified ATS model wherever the two overlap.
 * Times are ISO 8601 UTC strings ("2026-03-29T00:30:00Z") in arguments and results alike.
 *
 * "stream" operations call sink.record once per record, in no promised order, without buffering
 * the stream; the consumer may stop them (ATS_SINK_STOP). Every other operation calls sink.record
 * exactly once with its result, except the *.get_resume / *.attachments.get operations, which
 * call sink.blob once.
 *
 * Names are frozen; new operations get new names. A provider lists every operation it knows in
 * its capability matrix. ATS_OPERATIONS at the end of this file lists every operation once with
 * the shape of its result; everything that enumerates operations (the host's list of known
 * operations, its capability listings, blob handling, the REST routes' result handling and the
 * OpenAPI document) is derived from that table.
 *
 * Plain C89 preprocessor and declarations only (abi.operations_c89): usable as it is from C.
 */
#ifndef ATS_OPERATIONS_H
#define ATS_OPERATIONS_H

/* {} -> {"ok":true,"details":{...}}. Tests the connection and the credentials upstream. */
#define ATS_OP_CHECK "check"

/* Every "-> stream of" operation below may also take (ABI 1.3) "resume_after": a position the
 * same operation reported through ats_sink_t.position for the same other arguments; the stream
 * then continues after it (ats_plugin.h, ats_sink_t.position). A plugin that does not resume an
 * operation answers it with ATS_ERR_INVALID_ARGUMENT naming "resume_after". */

/* {"updated_after"?: time, "statuses"?: [string]} -> stream of job */
#define ATS_OP_JOBS_STREAM "jobs.stream"
/* {"updated_after"?: time, "job_ids"?: [string], "strict"?: bool} -> stream of application.
 * Hybrid providers (tracker_workable) stream every application of both systems: the synced ones
 * once (sync_status "synced", remote_ids {tracker, kombo, workable}), then the Workable ones not
 * in Tracker yet (sync_status "pending" | "quarantined", sync_reason, sync_reason_kind,
 * remote_ids {kombo, workable}, job_remote_ids; id = the Kombo application id). updated_after
 * and job_ids filter both sides (pending: remote_updated_at >= updated_after; job_ids match the
 * Tracker opportunity the job maps to when known, or the Kombo job id). When the Workable side
 * fails (Kombo unavailable) the stream still yields Tracker's and the pending applications plus
 * one control record {"_type":"error","source":"workable",...} (ats_plugin.h, sink.record);
 * "strict": true makes that a failure of the call instead. */
#define ATS_OP_APPLICATIONS_STREAM "applications.stream"
/* {"updated_after"?: time} -> stream of candidate */
#define ATS_OP_CANDIDATES_STREAM "candidates.stream"

/* {"job_id": string} -> job */
#define ATS_OP_JOBS_GET "jobs.get"
/* {"job_id": string} -> job with description, client, location, custom_fields, application counts */
#define ATS_OP_JOBS_GET_ENHANCED "jobs.get_enhanced"
/* {"job_ids": [string]} -> {"results":[job], "missing":[string]} */
#define ATS_OP_JOBS_GET_MANY "jobs.get_many"

/* {"application_id": string} -> application */
#define ATS_OP_APPLICATIONS_GET "applications.get"
/* {"candidate_id": string} -> candidate */
#define ATS_OP_CANDIDATES_GET "candidates.get"
/* {"email"?: string, "phone"?: string, "first_name"?: string, "last_name"?: string}
 * -> {"results":[{"candidate": candidate, "matched_on": ["email"|"phone"|"name"]}]} */
#define ATS_OP_CANDIDATES_FIND "candidates.find"
/* {"candidate_id": string} -> blob (file_name, content_type) */
#define ATS_OP_CANDIDATES_GET_RESUME "candidates.get_resume"

/* {"candidate_id": string, "job_id": string, "stage"?: string, "source"?: string} -> application */
#define ATS_OP_APPLICATIONS_CREATE "applications.create"
/* {"application_id": string, "stage": string (a stage name or id)} -> application */
#define ATS_OP_APPLICATIONS_MOVE_TO_STAGE "applications.move_to_stage"
/* {"application_id": string, "rejection_reason_id"?: string, "note"?: string} -> application */
#define ATS_OP_APPLICATIONS_REJECT "applications.reject"
/* {"application_ids": [string], "rejection_reason_id"?: string, "note"?: string}
 * -> {"results":[bulk_result]} (one per id, in order; partial failure is not an error) */
#define ATS_OP_APPLICATIONS_BULK_REJECT "applications.bulk_reject"
/* {} -> {"results":[rejection_reason]} */
#define ATS_OP_REJECTION_REASONS_LIST "rejection_reasons.list"
/* {"job_id"?: string} -> {"results":[stage]} */
#define ATS_OP_STAGES_LIST "stages.list"

/* {"application_id": string, "content": string, "content_type"?: "text/plain"|"text/html"} -> note */
#define ATS_OP_APPLICATION_NOTES_ADD "applications.notes.add"
/* {"application_id": string} -> {"results":[note]} */
#define ATS_OP_APPLICATION_NOTES_LIST "applications.notes.list"
/* {"candidate_id": string, "content": string, "content_type"?: ...} -> note */
#define ATS_OP_CANDIDATE_NOTES_ADD "candidates.notes.add"
/* {"candidate_id": string} -> {"results":[note]} */
#define ATS_OP_CANDIDATE_NOTES_LIST "candidates.notes.list"

/* {"application_id": string, "file_name": string, "content_type"?: string,
 *  "data_base64": string, "type"?: "CV"|"COVER_LETTER"|"OTHER" ("RESUME", the old spelling, = "CV")} -> attachment */
#define ATS_OP_APPLICATION_ATTACHMENTS_ADD "applications.attachments.add"
/* {"application_id": string} -> {"results":[attachment]} */
#define ATS_OP_APPLICATION_ATTACHMENTS_LIST "applications.attachments.list"
/* {"application_id": string, "attachment_id": string} -> blob */
#define ATS_OP_APPLICATION_ATTACHMENTS_GET "applications.attachments.get"
/* {"candidate_id": string, "file_name": ..., "data_base64": ..., ...} -> attachment */
#define ATS_OP_CANDIDATE_ATTACHMENTS_ADD "candidates.attachments.add"
/* {"candidate_id": string} -> {"results":[attachment]} */
#define ATS_OP_CANDIDATE_ATTACHMENTS_LIST "candidates.attachments.list"
/* {"candidate_id": string, "attachment_id": string} -> blob */
#define ATS_OP_CANDIDATE_ATTACHMENTS_GET "candidates.attachments.get"

/* {"record_type": "candidate"|"job"|"application", "record_id": string}
 * -> {"results":[custom_field]} */
#define ATS_OP_CUSTOM_FIELDS_GET "custom_fields.get"
/* {"record_type": ..., "record_id": string, "values": {name: value}} -> {"results":[custom_field]} */
#define ATS_OP_CUSTOM_FIELDS_SET "custom_fields.set"

/* {"full"?: bool, "retry_quarantined"?: bool} -> sync_summary. Runs a provider's background
 * synchronisation once (the hybrid provider's Workable -> Tracker sync); reports progress through
 * sink.progress. full: ignore the checkpoint (a full reconciliation); retry_quarantined: also
 * retry the applications the provider quarantined after repeated failures. */
#define ATS_OP_SYNC "sync"
/* sync with {"dry_run": true}: reads everything a real sync reads and writes nothing upstream nor
 * to the provider's durable state; the sync_summary a real run would give plus "dry_run": true,
 * "plan": [plan item] (every write a real run would send, in decision order: {seq, action:
 * "create_person"|"create_link"|"set_status"|"fill_contacts"|"add_note"|"attach_cv", method (the
 * upstream call), application_id?, why?, and the target: resource_id, link_id, opportunity_id,
 * person, from/to, fields, subject/text, file_name/bytes; ids of records the run would create are
 * "new-person-N", "new-link-N"}) and "state_writes_withheld" (state keys not written). */

/* {"write_probes"?: bool, "scratch_record"?: string} -> probe_report. Checks, read-only, the
 * provider's assumptions about the upstream's undocumented wire behaviour against the live
 * account: {"tenant", "provider", "checks": [{"id" (e.g. "A7", "K2"), "system" ("tracker" |
 * "kombo"), "statement", "how" (what the probe sends and compares), "verdict": "confirmed" |
 * "contradicted" | "not_checkable", "evidence"?: {"request", "answer"} (contradicted: the request
 * sent and the part of the answer that disagrees), "why"?: string (not_checkable)}], "confirmed",
 * "contradicted", "not_checkable" (counts), "requests" (upstream requests sent)}. write_probes
 * (with scratch_record, a record id the operator names) also runs the probes that write; a
 * provider without them fails that call with ATS_ERR_NOT_SUPPORTED. `ats-host probe` exits 7 when
 * "contradicted" > 0. */
#define ATS_OP_PROBE "probe"

/* Erasure of one person from what the host keeps for this tenant (the plugin knows its state
 * layout, so the host asks it). Arguments: exactly one of
 *   {"email": string} | {"phone": string} | {"workable_candidate_id": string} |
 *   {"tracker_resource_id": string}
 * (an e-mail / phone as typed; the plugin normalises it as its sync does). Result (one record):
 *   {"removed": {"identity_keys": n, "id_maps": n, "pending": n, "quarantined": n, "intents": n},
 *    "people": n, "total": n, "note"?: string}
 * counts only - the result and every error never contain the personal data given. Idempotent:
 * a second call removes nothing and returns zeros. Upstream systems are never written (they are
 * the systems of record); the next sync finds the person there again as a person new to the
 * host. A provider that keeps no personal data answers zeros with a "note" saying so. Errors:
 * ATS_ERR_INVALID_ARGUMENT (none or several selectors, an e-mail/phone that is no identity),
 * ATS_ERR_CONFLICT (a sync of the tenant holds its lock too long). */
#define ATS_OP_FORGET "forget"

/* How an operation answers through its ats_sink_t (the rules at the top of this file). */
typedef enum ats_result_shape {
    ATS_RESULT_RECORD = 0, /* sink.record exactly once, with the result */
    ATS_RESULT_STREAM = 1, /* sink.record once per record; the consumer may stop it */
    ATS_RESULT_BLOB = 2    /* sink.blob exactly once, with the file */
} ats_result_shape_t;

/* Every operation, once: X(NAME, SHAPE) with NAME an ATS_OP_* string above and SHAPE an
 * ats_result_shape_t. Usage: define X, then expand the list, e.g.
 *     #define ROW(name, shape) {name, shape},
 *     static const struct { const char *name; ats_result_shape_t shape; } ops[] = {
 *         ATS_OPERATIONS(ROW)};
 * Adding an operation: its ATS_OP_* name and comment above, one line here, the providers that
 * implement it, and a REST route line if it gets one (host/serve/operation_routes.cpp). */
#define ATS_OPERATIONS(X)                                     \
    X(ATS_OP_CHECK, ATS_RESULT_RECORD)                        \
    X(ATS_OP_JOBS_STREAM, ATS_RESULT_STREAM)                  \
    X(ATS_OP_APPLICATIONS_STREAM, ATS_RESULT_STREAM)          \
    X(ATS_OP_CANDIDATES_STREAM, ATS_RESULT_STREAM)            \
    X(ATS_OP_JOBS_GET, ATS_RESULT_RECORD)                     \
    X(ATS_OP_JOBS_GET_ENHANCED, ATS_RESULT_RECORD)            \
    X(ATS_OP_JOBS_GET_MANY, ATS_RESULT_RECORD)                \
    X(ATS_OP_APPLICATIONS_GET, ATS_RESULT_RECORD)             \
    X(ATS_OP_CANDIDATES_GET, ATS_RESULT_RECORD)               \
    X(ATS_OP_CANDIDATES_FIND, ATS_RESULT_RECORD)              \
    X(ATS_OP_CANDIDATES_GET_RESUME, ATS_RESULT_BLOB)          \
    X(ATS_OP_APPLICATIONS_CREATE, ATS_RESULT_RECORD)          \
    X(ATS_OP_APPLICATIONS_MOVE_TO_STAGE, ATS_RESULT_RECORD)   \
    X(ATS_OP_APPLICATIONS_REJECT, ATS_RESULT_RECORD)          \
    X(ATS_OP_APPLICATIONS_BULK_REJECT, ATS_RESULT_RECORD)     \
    X(ATS_OP_REJECTION_REASONS_LIST, ATS_RESULT_RECORD)       \
    X(ATS_OP_STAGES_LIST, ATS_RESULT_RECORD)                  \
    X(ATS_OP_APPLICATION_NOTES_ADD, ATS_RESULT_RECORD)        \
    X(ATS_OP_APPLICATION_NOTES_LIST, ATS_RESULT_RECORD)       \
    X(ATS_OP_CANDIDATE_NOTES_ADD, ATS_RESULT_RECORD)          \
    X(ATS_OP_CANDIDATE_NOTES_LIST, ATS_RESULT_RECORD)         \
    X(ATS_OP_APPLICATION_ATTACHMENTS_ADD, ATS_RESULT_RECORD)  \
    X(ATS_OP_APPLICATION_ATTACHMENTS_LIST, ATS_RESULT_RECORD) \
    X(ATS_OP_APPLICATION_ATTACHMENTS_GET, ATS_RESULT_BLOB)    \
    X(ATS_OP_CANDIDATE_ATTACHMENTS_ADD, ATS_RESULT_RECORD)    \
    X(ATS_OP_CANDIDATE_ATTACHMENTS_LIST, ATS_RESULT_RECORD)   \
    X(ATS_OP_CANDIDATE_ATTACHMENTS_GET, ATS_RESULT_BLOB)      \
    X(ATS_OP_CUSTOM_FIELDS_GET, ATS_RESULT_RECORD)            \
    X(ATS_OP_CUSTOM_FIELDS_SET, ATS_RESULT_RECORD)            \
    X(ATS_OP_SYNC, ATS_RESULT_RECORD)                         \
    X(ATS_OP_PROBE, ATS_RESULT_RECORD)                        \
    X(ATS_OP_FORGET, ATS_RESULT_RECORD)

#endif /* ATS_OPERATIONS_H */
