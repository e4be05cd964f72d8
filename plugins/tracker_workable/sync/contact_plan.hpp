// contact_plan.hpp - which of a person's Workable contact details go where in Tracker. Pure.
//
// Rules (plugin README, "Contact data"):
//   - every distinct e-mail and phone from all of the person's Workable candidate records lands
//     in Tracker exactly once;
//   - the first e-mail goes into `email` when Tracker's is empty; phones go into the mobile /
//     work / home fields by Kombo's phone type (MOBILE, WORK, HOME), then into any free field;
//   - a field Tracker already has (a recruiter typed it, or an earlier sync wrote it) is never
//     replaced: fill-only;
//   - what does not fit (a second e-mail, a fourth phone) goes into one labelled note
//     ("Workable contact details"), one line per detail, never silently dropped;
//   - a phone that parses is written in E.164 (with " ext. N"); one that does not parse is written
//     exactly as the applicant typed it (it is not an identity, but it is what they wrote).
// Details are compared by token (contact_token): normalised e-mail, E.164 phone, or the digits of
// a phone that does not parse, so "07700 900123" and "+44 7700 900123" are one detail.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "identity/identity_rules.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

struct ContactPhone {
    std::string text; // as typed (cleaned of control characters)
    std::string type; // Kombo's type, upper case ("MOBILE", "WORK", "HOME", ...), "" = none
};

struct PersonContacts {
    std::vector<std::string> emails; // as typed, in application order
    std::vector<ContactPhone> phones;
};

// What Tracker holds for the person today (empty for a person about to be created).
struct TrackerContacts {
    std::string email, cellphone, workphone, homephone;
    std::vector<std::string> note_texts; // bodies of notes with the contact-details subject
    std::set<std::string> tokens;        // details known to be there already (the sync's own record)
};

struct ContactPlan {
    PersonFieldUpdate fields;            // fill-only: fields empty in Tracker
    std::vector<std::string> note_lines; // details with no free field ("E-mail: x", "Phone (WORK): y")
    std::set<std::string> tokens;        // every token the person has in Tracker once this lands
    int64_t new_details() const {
        return static_cast<int64_t>(note_lines.size()) + !fields.email.empty() + !fields.cellphone.empty() +
               !fields.workphone.empty() + !fields.homephone.empty();
    }
};

// "e:<normalised e-mail>", "p:<E.164>" or "d:<digits>" / "t:<text>" for a phone that does not
// parse; "" for a value with nothing in it.
std::string email_token(const std::string &email);
std::string phone_token(const std::string &phone, const IdentityRules &rules);

// The value written for a phone: E.164 (" ext. N" appended) when it parses, else as typed.
std::string phone_for_tracker(const std::string &phone, const IdentityRules &rules);

ContactPlan plan_contacts(const PersonContacts &workable, const TrackerContacts &tracker, const IdentityRules &rules);

// The note body for new lines (one detail per line, under a heading naming the source).
std::string contact_note_text(const std::vector<std::string> &lines);

} // namespace ats::tracker_workable
