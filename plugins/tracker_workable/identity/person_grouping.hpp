// person_grouping.hpp - which applications of a batch are one person, and which Tracker person.
// (Placeholder of the lead's tree: union by shared key; replaced by the identity rules branch.)
#pragma once

#include <string>
#include <vector>

#include "identity/identity_index.hpp"
#include "identity/identity_keys.hpp"

namespace ats::tracker_workable {

struct ApplicantIdentity {
    std::string application_id;
    PersonIdentity identity;
};
struct IdentityConflict {
    std::string application_id;
    std::string kind;
    std::string detail;
    std::vector<std::string> resource_ids;
};
struct PersonGroup {
    std::vector<size_t> members;
    std::string resource_id;
    char match_kind = 0;
};
struct Grouping {
    std::vector<PersonGroup> groups;
    std::vector<IdentityConflict> conflicts;
};
Grouping group_by_person(const std::vector<ApplicantIdentity> &apps, const IdentityIndex &index);

} // namespace ats::tracker_workable
