#pragma once
// The parts of /_sandbox/expected that follow from a person's Workable candidate records rather
// than from identity: contact details, CVs, source, whether the person can be synced at all, and
// the Tracker status the default stage rule gives an application.
#include "world.hpp"

#include <string>
#include <vector>

namespace ats::sandbox {

// Whether any of these applications' candidates has a non-blank first or last name.
bool has_name(World &world, const std::vector<const json::object *> &applications);

// Adds emails, phones, documents, refused_documents and workable_source to `entry` from the
// person's synced applications (Kombo order). `truth_person` may be null (unknown person).
void add_contact_expectations(World &world, const json::object *truth_person,
                              const std::vector<const json::object *> &applications, json::object &entry);

// Default stage rule: HIRED -> Accepted, DECLINED -> Declined, else the current stage's name when
// it equals a Tracker opportunity-resource status ignoring case (Tracker's spelling), else Applied.
std::string status_by_stage(World &world, const json::object &application);

// The application's current stage name, or "" when it has none.
std::string stage_name(World &world, const json::object &application);

} // namespace ats::sandbox
