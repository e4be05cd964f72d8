#pragma once
// Targeted changes for e2e tests (POST /_sandbox/workable/application, /_sandbox/tracker/link_status,
// /_sandbox/tracker/resource_field, /_sandbox/tracker/document_field): one named record changed the way its owner would change it.
// /_sandbox/mutate (mutate.hpp) makes random changes; these make exactly the one a test needs.
// Each throws std::invalid_argument naming the offending field; returns what it changed.
#include "time_util.hpp"
#include "world.hpp"

namespace ats::sandbox {

// A Workable recruiter moves an application (Kombo):
//   {"application_id": "..", "stage": "<stage name>", "outcome": "PENDING|HIRED|DECLINED",
//    "first_name": .., "last_name": .., "source": ..|null,
//    "add_email": {"email_address", "type"}, "add_phone": {"phone_number", "type", "valid": bool},
//    "backdate_seconds": N}
// Stamps changed_at/remote_updated_at (and the candidate's, when it changed) with now - N seconds,
// so an incremental fetch whose checkpoint is after that instant misses the change.
json::object change_workable_application(World &world, EpochMs now, const json::object &request);

// A Tracker recruiter sets a link's status: {"link_id": N | "resource_id": N, "opportunity_id": N,
// "status": "<opportunityResourceStatuses name>"}; lastupdated = Tracker's now.
json::object set_tracker_link_status(World &world, EpochMs tracker_now, const json::object &request);

// A Tracker recruiter types into a resource: {"resource_id": N, "field": "email|mobiletelephone|
// worktelephone|hometelephone|firstname|lastname|jobtitle|companyname|source|linkedin" |
// "custom_field": "<Resource custom field name>", "value": ".."}; lastupdated = Tracker's now.
json::object set_tracker_resource_field(World &world, EpochMs tracker_now, const json::object &request);

// A Tracker document's stored metadata, verbatim (an upstream that sends odd or hostile header
// material): {"document_id": N, "field": "contenttype|filename", "value": ".."}.
json::object set_tracker_document_field(World &world, EpochMs tracker_now, const json::object &request);

} // namespace ats::sandbox
