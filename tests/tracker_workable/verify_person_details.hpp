// verify_person_details.hpp - the opt-in parts of verify_against_expected(): does one person's
// Tracker resource hold every expected e-mail and phone exactly once (in its own fields or in a
// "Workable contact details" note), and every expected CV exactly once (refused ones never)?
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace ats::test::hybrid {

// What verify_against_expected() checks beyond people, links and outcome statuses. The features
// are new: a plugin that predates them fails these checks, so each is opt-in.
struct VerifyOptions {
    std::string pending_status = "Applied";
    bool contacts = true;          // expected emails/phones landed exactly once
    bool statuses_by_stage = true; // link statuses follow expected_status_by_stage, not expected_status
    bool documents = true;         // expected documents attached once (resume, same name and size), refused never
    bool unsyncable = true;        // people with syncable:false (no name anywhere) were not created; when off,
                                   // a blank-named resource holding only their applications is tolerated
};

// A field of a sandbox record as text: strings as they are, integer ids in decimal, "" otherwise.
inline std::string field_text(const boost::json::object &o, const char *k) {
    auto it = o.find(k);
    if (it == o.end()) return {};
    if (it->value().is_string()) return std::string(it->value().get_string());
    if (it->value().is_int64()) return std::to_string(it->value().get_int64());
    if (it->value().is_uint64()) return std::to_string(it->value().get_uint64());
    return {};
}

// The subject of the note that carries contact details with no field of their own.
inline constexpr const char *kContactNoteSubject = "Workable contact details";

// Problems of one expected person (an entry of /_sandbox/expected "people") whose resource is
// `resource_id`, judged on `state` (/_sandbox/state).
std::vector<std::string> verify_person_details(const boost::json::object &state, const boost::json::object &person,
                                               const std::string &resource_id, const VerifyOptions &options);

} // namespace ats::test::hybrid
