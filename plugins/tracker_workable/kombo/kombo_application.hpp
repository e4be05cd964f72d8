// kombo_application.hpp - the parts of a Kombo ATS application (GET /ats/applications) that the
// Workable -> Tracker sync uses, and the parser of one page of the applications list.
//
// Field names follow kombo-openapi.json (components: ATS application). Nullable strings become ""
// so callers test emptiness instead of juggling optionals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ats::tracker_workable {

struct KomboApplication {
    std::string id;        // Kombo application id (stable; our state key)
    std::string remote_id; // Workable's application id
    std::string outcome;   // "PENDING" | "HIRED" | "DECLINED" | "" (null)
    std::string job_id;    // Kombo job id
    std::string job_remote_id;
    std::string job_name;
    std::string candidate_id; // Kombo candidate id: Workable keeps one candidate per job
    std::string candidate_remote_id;
    std::string first_name;
    std::string last_name;
    std::vector<std::string> emails;      // as typed, not normalised
    std::vector<std::string> phones;      // as typed, not normalised
    std::vector<std::string> phone_types; // parallel to phones: Kombo's type ("MOBILE", "WORK", ...) or ""
    std::string source;                   // candidate.source: string | null in Kombo's OpenAPI document
    std::string remote_created_at;
    std::string current_stage_id;
    std::string remote_updated_at;
    std::string remote_deleted_at; // non-empty: deleted in Workable (only with include_deleted=true)
    std::string current_stage_name;

    bool deleted() const { return !remote_deleted_at.empty(); }
};

struct KomboApplicationPage {
    std::vector<KomboApplication> results;
    std::string next; // cursor of the next page; "" ends the list
};

// Parses the body of one successful `GET /ats/applications` answer
// ({"status":"success","data":{"next":..,"results":[..]}}).
// Throws ats::sdk::Error: the Kombo error envelope becomes the ABI code chosen by its `code`
// (kombo_errors.hpp); a body that is not the success envelope is ATS_ERR_TRANSIENT (a truncated
// or malformed page is worth fetching again - the request is a GET). `what` names the request in
// error messages.
KomboApplicationPage parse_application_page(std::string_view body, int http_status, const std::string &what);

// Serialises/deserialises the fields above as compact JSON (the pending list keeps applications
// whose job is not mapped yet in durable state).
std::string application_to_json(const KomboApplication &a);
KomboApplication application_from_json(std::string_view json);

} // namespace ats::tracker_workable
