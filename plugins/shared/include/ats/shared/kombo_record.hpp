// kombo_record.hpp - the last step of every provider's record mapping: Kombo's item shapes.
//
// The unified records are Kombo ATS records (Kombo's OpenAPI item schemas of GET /ats/jobs,
// /ats/applications, /ats/candidates, .../attachments, /ats/application-stages,
// /ats/rejection-reasons) plus the project's own additions (remote_ids, warnings, sync_*, ...).
// A provider fills what its upstream knows; complete_*() then adds every field Kombo requires that
// the provider left out, with null (or [] for Kombo's non-nullable lists), so a Kombo client sees
// "unknown" rather than a missing key. It never overwrites a field the provider set.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace ats::shared::kombo {

// Kombo's e-mail pattern: no spaces, no leading or doubled dot, a lower-case domain. The address is
// trimmed and its domain lower-cased (case-insensitive by RFC 5321); null when it still does not
// match, since Kombo clients reject the whole record otherwise. The caller keeps the raw text.
boost::json::value email_address_or_null(std::string_view raw);

// "Ann van Berg" -> first "Ann van", last "Berg" (split at the last space; one word: first only).
void split_full_name(const std::string &full, std::string &first, std::string &last);

// Attachment types: Kombo's enum is CV | COVER_LETTER | OTHER. "RESUME" (the pre-Kombo spelling)
// is accepted as input and answered as CV.
std::string attachment_type(std::string_view unified_or_legacy);

void complete_job(boost::json::object &job);
// Derives current_stage_id, the embedded job {id, remote_id, name} (from job_id/job_name) and
// candidate {id, remote_id, first_name, last_name, ...} (from candidate_id/candidate_name) when the
// provider did not embed them; current_stage gets remote_id (= id) and index (null) when absent.
void complete_application(boost::json::object &application);
void complete_candidate(boost::json::object &candidate);
// data_url, when absent, becomes the host's download route relative to the tenant's API root
// ("applications/{application_id}/attachments/{id}" or "candidates/{candidate_id}/attachments/{id}").
void complete_attachment(boost::json::object &attachment);
// A stage answers both Kombo shapes it appears in: /ats/application-stages and jobs[].stages.
void complete_stage(boost::json::object &stage);
void complete_rejection_reason(boost::json::object &reason);

// When a provider cannot know a record's last change, Kombo's required changed_at gets this.
inline constexpr const char *unknown_time = "1970-01-01T00:00:00Z";

} // namespace ats::shared::kombo
