// person_grouping.hpp - which applications of a batch are one person, and which Tracker resource
// that person is (README "Who is the same person").
//
// A pure function of the applicants' identity keys and the identity index: no I/O, no clock, the
// same input gives the same output (groups and conflicts in input order).
#pragma once

#include <cstddef>
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
    std::string application_id; // the application (first member of its group) the conflict is about
    // "email_and_phone_name_different_people": the e-mail finds Tracker person A, the phone person B
    //                                          (linked to A: the e-mail wins)
    // "phone_shared_by_different_emails":      a phone is shared with an applicant or a Tracker person
    //                                          whose e-mails contradict (not merged)
    // "email_shared_by_different_people":      one e-mail, different names AND different phones
    //                                          (not merged)
    std::string kind;
    std::string detail;                    // human-readable: the keys and applications involved
    std::vector<std::string> resource_ids; // Tracker resources involved, when any
};

struct PersonGroup {
    std::vector<size_t> members; // indexes into the input, ascending
    std::string resource_id;     // "" = a new person
    char match_kind = 0;         // kind of the key that matched the resource: 'k', 'w', 'e', 'p'; 0 = new
};

struct Grouping {
    std::vector<PersonGroup> groups; // every input index in exactly one group; ordered by first member
    std::vector<IdentityConflict> conflicts;
};

// The rules (README "Who is the same person" has them as a table with examples):
//  1. Applicants are one person when they share a "k:"/"w:" key or an e-mail key - except that two
//     applicants with one e-mail but different names AND different phones stay apart (reported).
//  2. ...or when they share a phone key and their e-mails do not contradict (either side has none,
//     or they share one), judged for the whole group built so far. When a phone is shared by
//     groups with contradicting e-mails, none of them is merged, nor is an applicant without an
//     e-mail who has that phone (ambiguous); reported.
//  3. A group is matched to a Tracker resource by its k/w keys first, then its e-mails, then its
//     phones; a phone match only when the resource's e-mails (IdentityIndex::emails_of) do not
//     contradict the group's. E-mail -> A but phone -> B links to A and is reported.
//  4. Groups the rules kept apart never share a resource: the one matched by the stronger key
//     (k/w, then phone, then e-mail), then the one with more keys pointing at the resource, then
//     the first in input order keeps it; the others become new people (reported). Groups matched
//     to one resource and not kept apart are one group.
//  5. Names never merge anything.
Grouping group_by_person(const std::vector<ApplicantIdentity> &apps, const IdentityIndex &index);

} // namespace ats::tracker_workable
