// identity_index.hpp - identity key -> Tracker resource id, in memory, thread-safe.
//
// This is the one structure of the sync whose size grows with the data (one entry per email/phone
// of every known person); everything else is per page, so memory stays flat. It is filled from the
// durable person map (state keys "per/...") and from paged reads of Tracker's resources, and it
// is consulted before any Tracker lookup, so a known person costs no request.
//
// Why a paged read and not checkPerson for phones: checkPerson compares digits only
// (TRACKER-ASSUMPTION A11), so "+447700900123" (digits 447700900123) does not find a resource
// stored as "07700 900123" (digits 07700900123). Reading the resources and normalising their phones
// with libphonenumber here finds every format.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ats::tracker_workable {

class IdentityIndex {
public:
    struct Match {
        std::string resource_id;
        char kind; // 'k', 'e' or 'p': the kind of the key that matched
    };

    // The resource of the first key (in the given order) that is known, or nullopt.
    std::optional<Match> find(const std::vector<std::string> &keys) const;

    // Records key -> resource. When the key already points at another resource (Tracker itself
    // holds a duplicate person), the numerically smaller resource id wins so the choice does not
    // depend on paging order. Returns true when the stored value changed.
    bool add(const std::string &key, const std::string &resource_id);

    // Name index for reporting name-only matches: the first resource seen with that name.
    void add_name(const std::string &name_key, const std::string &resource_id);
    std::optional<std::string> find_name(const std::string &name_key) const;

    // Every "e:" key ever added for the resource (whichever resource the key now points at), in
    // the order added: person grouping uses it to tell whether a phone match would contradict the
    // resource's e-mails. Empty for an unknown resource or one without e-mails.
    std::vector<std::string> emails_of(const std::string &resource_id) const;

    size_t size() const;

private:
    mutable std::mutex mu_;
    std::unordered_map<std::string, std::string> keys_;
    std::unordered_map<std::string, std::string> names_;
    // resource id -> its e-mail keys, as pointers to the key strings owned by keys_ (nodes of an
    // unordered_map never move and keys are never erased): one pointer per e-mail, no second copy.
    std::unordered_map<std::string, std::vector<const std::string *>> emails_;
};

// True when resource id a sorts before b (numeric when both are digits, else lexicographic).
bool resource_id_less(const std::string &a, const std::string &b);

} // namespace ats::tracker_workable
