// wire_assumptions.hpp - THE table of what the providers assume about upstream wire behaviour that
// public documentation does not state (Tracker's Widget API: A1-A16; Kombo as tracker_workable
// reads it: K1-K3). One row per assumption: its tag, the statement, how `probe` checks it on a
// live account (or why it cannot without writing), and whether ats-sandbox can be told to violate
// it (`ats-sandbox --violate TAG,...`, `POST /_sandbox/violations`).
//
// Everything else uses this table and nothing else: the probe (plugins/tracker/client/wire_probe,
// plugins/tracker_workable/kombo/kombo_probe) reports per row, the sandbox accepts exactly the
// violable tags, and plugins/tracker/client/WIRE_ASSUMPTIONS.md is checked against it by the test
// unit.wire_assumptions_doc (which prints the expected Markdown when they differ).
// Header-only and dependency-free so that the host's sandbox can include it too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ats::shared {

struct WireAssumption {
    std::string_view id;        // "A8", "K3"
    std::string_view system;    // "tracker" | "kombo"
    std::string_view statement; // what the code relies on
    std::string_view probe;     // how probe checks it read-only, or "not checkable read-only: <why>"
    bool read_only_checkable;   // false: the probe reports it "not_checkable" with `probe` as the reason
    bool sandbox_violable;      // ats-sandbox --violate <id> makes its emulator contradict it
};

inline constexpr WireAssumption kWireAssumptions[] = {
    {"A1", "tracker",
     "An application is an opportunity-resource link, record type `\"OR\"`. `resourceApplication` answers `recordId` = "
     "the link id. `createResource` with `instructions.assigntoopportunity` also answers `linkId` = the id of the link "
     "it created.",
     "not checkable read-only: both answers come from writes (`--write-probes` would need a scratch opportunity as "
     "well as a scratch person)",
     false, false},
    {"A2", "tracker",
     "`getRecords` with `recordtype:\"OR\"` lists links with the documented "
     "paging/sorting/`updatedafter`/`updatedbefore` instructions plus optional filters `opportunityid` and "
     "`resourceid`. Row: `{id, opportunityid, opportunityname, resourceid, resourcename, list:\"long\"|\"short\", "
     "statusid, status, source, dateadded, lastupdated}`. `getIndividualRecord` with `recordtype:\"OR\"` answers the "
     "same row in `results[0]`.",
     "`getRecords` OR `numrecords` 2: each row has `id`, `opportunityid`, `resourceid`, `statusid`, `status`, "
     "`lastupdated`; then `resourceid` = the first row's resource: every row answered has that resource (2 requests)",
     true, true},
    {"A3", "tracker",
     "`updateRecord` with `recordtype:\"OR\"` accepts column `opportunityresourcestatusid` (documented column name) "
     "with an integer id from A4.",
     "not checkable read-only: it is a write", false, false},
    {"A4", "tracker",
     "`getSettings` answers `opportunityResourceStatuses: [{Id, Name}]`: the database-wide statuses of a resource on "
     "an opportunity (e.g. Applied, Shortlisted, Interview, Offer, Accepted, Declined). There is no per-opportunity "
     "stage list.",
     "`getSettings`: `opportunityResourceStatuses` is a non-empty array of `{Id, Name}` (1 request)", true, true},
    {"A5", "tracker",
     "Documents: `getRecords` with `recordtype:\"D\"` and `linkrecordtype` + `linkrecordid` lists `{id, filename, "
     "documenttype, contenttype, size, dateadded}`; `getIndividualRecord` with `recordtype:\"D\"` answers the same "
     "plus `data` (base64). `attachDocument` answers `recordId` = the document id.",
     "`getRecords` D linked to the first resource: `results` is an array and each row has `id`, `filename`, "
     "`documenttype`, `size` (1 request; the upload is not checked)",
     true, false},
    {"A6", "tracker",
     "Activities: `getRecords` with `recordtype:\"A\"` and `linkrecordtype` + `linkrecordid` lists `{id, subject, "
     "type, date, time, note, linkrecordtype, linkrecordid, datecreated}`. `createActivity` accepts "
     "`linkRecordType:\"OR\"` to attach a note to an application and answers `recordId`.",
     "`getRecords` A linked to the first resource: `results` is an array and each row has `id`, `subject`, `note` (1 "
     "request; the create is not checked)",
     true, false},
    {"A7", "tracker",
     "`numrecords` is at most 500; a page with fewer rows than `numrecords` is the last. `pagenum` is 1-based.",
     "`getRecords` R pages 1 and 2 with `numrecords` 2: at most 2 rows each, no id on both, and page 1 is the first "
     "page (`pagenum` 0 is not asked) (2 requests)",
     true, false},
    {"A8", "tracker",
     "All timestamps (`lastupdated`, `datecreated`, `dateadded`, `updatedafter`) are `\"YYYY-MM-DD HH:MM:SS\"` in the "
     "account's local zone; `updatedafter` matches `lastupdated >= updatedafter`.",
     "the newest `lastupdated` (resources sorted by `lastupdateddatetime` desc), read in the tenant's zone, is not "
     "after this host's clock (+5 min; `probe` only: the sync's own check compares no clocks, a Tracker clock ahead is "
     "legitimate); `updatedafter` = that value answers that resource and one second later does not (3 requests). While "
     "the account's zone equals UTC (London in winter) a filter read in UTC cannot be told apart",
     true, true},
    {"A9", "tracker",
     "Errors: bad or missing credentials -> HTTP 200 body status 1 (\"user not found\"); an invalid or expired bearer "
     "token -> HTTP 401; a record id that does not exist -> body status 99 with a message starting `Record not found`.",
     "`getIndividualRecord` R of an id that cannot exist answers status 99 `Record not found...` (1 request; the "
     "credential errors are not provoked)",
     true, true},
    {"A10", "tracker", "Rate limiting: HTTP 429 with `Retry-After: <seconds>`.",
     "not checkable read-only: provoking a 429 means exhausting the account's rate limit", false, false},
    {"A11", "tracker",
     "`checkPerson` compares `details.email` trimmed and case-insensitively, and `details.phone` by its digits only "
     "against a resource's cell/work/home phone digits. A match adds `recordId` (the resource id) beside the "
     "documented `recordLink`, `recordTypes`, `firstRecord`; no match answers `count: 0`.",
     "`checkPerson` with the e-mail of a resource read on page 1, upper-cased and padded with spaces: answers that "
     "resource's id as `recordId` (1 request)",
     true, true},
    {"A12", "tracker",
     "Resource rows (`getRecords`/`getIndividualRecord` with `recordtype:\"R\"`): `{id, name, details{firstname, "
     "lastname, email, mobiletelephone, worktelephone, hometelephone, jobtitle, companyname, source}, "
     "customfields[{id, name, value}], datecreated, lastupdated}`. `searchtext` on R matches first, last or full name "
     "case-insensitively as a substring.",
     "`getRecords` R: each row has `id`, `details` with `firstname`/`lastname`/`email`, `customfields` as an array, "
     "`lastupdated` as `YYYY-MM-DD HH:MM:SS`; `searchtext` = part of a last name, lower-cased, answers that resource "
     "(2 requests)",
     true, true},
    {"A13", "tracker",
     "Opportunity rows: `{id, name, company, clientid, status, dateopened, lastupdated, customfields[...]}`; "
     "`getIndividualRecord` adds the documented `clientname, contactid, description, location, Owners, Placements, "
     "shortlisted`.",
     "`getRecords` O `numrecords` 2: each row has `id`, `name`, `customfields` as an array (1 request)", true, false},
    {"A14", "tracker",
     "`getRecords` accepts `recordids: \"1,2,3\"` (comma-separated, at most 500) to read several records of one type "
     "in one call.",
     "`getRecords` R `recordids` = two ids read on page 1: answers exactly those two (1 request)", true, true},
    {"A15", "tracker",
     "OAuth2: `POST /oAuth2/Token` (form-encoded `grant_type=refresh_token&refresh_token=..&client_id=EvoApi_1.0`) "
     "answers `{access_token, expires_in, refresh_token}`; the old refresh token stops working once a new one is "
     "issued.",
     "not checkable read-only: a refresh rotates the tenant's token; the probe only shows that the token it holds "
     "works (every other check)",
     false, false},
    {"A16", "tracker",
     "Body status 3 (\"record found and cannot be overwritten\") adds `recordId` = the existing record: for "
     "`createResource` the resource found (without `overwriteresource`), for `resourceApplication` the link that "
     "already joins the resource to the opportunity. An answer without it is still CONFLICT, with no id.",
     "not checkable read-only: only a refused create shows it; `--write-probes --scratch-record ID` sends "
     "`createResource` with the scratch person's own e-mail (refused, nothing created) and expects `recordId` = ID",
     false, true},
    {"K1", "kombo",
     "Kombo pages: `GET /ats/applications` answers `{status:\"success\", data:{results:[...], next}}`; `next` is an "
     "opaque cursor (null on the last page) and the pages a cursor walk yields never repeat an id.",
     "`GET /ats/applications?page_size=2&include_deleted=true`, then the `next` cursor: both pages have at most 2 "
     "results and no id on both (2 requests)",
     true, false},
    {"K2", "kombo",
     "Every filter may be re-sent with `cursor` (the client sends `updated_after` and `include_deleted` on every page) "
     "and is accepted.",
     "the second request of K1 re-sends `include_deleted=true` with the cursor: answered 200 (0 extra requests)", true,
     false},
    {"K3", "kombo",
     "`updated_after` is inclusive: an application changed exactly at that instant is answered (the checkpoint overlap "
     "relies on it only for safety, the pending list on it for exactness).",
     "`updated_after` = the `changed_at` of an application on page 1: that application is answered (1 request)", true,
     true},
};

inline constexpr std::size_t kWireAssumptionCount = sizeof kWireAssumptions / sizeof kWireAssumptions[0];

inline constexpr const WireAssumption *find_wire_assumption(std::string_view id) {
    for (const auto &a : kWireAssumptions)
        if (a.id == id) return &a;
    return nullptr;
}

// The Markdown table of WIRE_ASSUMPTIONS.md (between its "generated" markers), one row per entry.
inline std::string wire_assumptions_markdown(std::string_view system) {
    std::string out =
        "| tag | assumption | how `ats-host probe` checks it | `ats-sandbox --violate` |\n|---|---|---|---|\n";
    for (const auto &a : kWireAssumptions) {
        if (a.system != system) continue;
        out += "| " + std::string(a.id) + " | " + std::string(a.statement) + " | " + std::string(a.probe) + " | " +
               (a.sandbox_violable ? "yes" : "no") + " |\n";
    }
    return out;
}

} // namespace ats::shared
