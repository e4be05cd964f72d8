#pragma once
// The data model of both emulated services, kept as JSON records (so that the full state, a fixture
// file and the inspection endpoint are one and the same document) plus id indexes for lookups.
//
// Document layout (times are epoch milliseconds UTC in *_ms fields; emulators render them):
//   params:  {seed, jobs, applications, people, tracker_people, nameless_every}
//   tracker: {timezone, next_ids{R,O,OR,D,A}, settings{...getSettings picklists...},
//             resources[], opportunities[], links[] (record type OR, A1), documents[] (A5),
//             activities[] (A6), oauth{refresh_token, access_tokens{token: expires_ms}}}
//   kombo:   {jobs[], candidates[], applications[], attachments[{..., type, size, content_seed}], stages[]}
//   truth:   {people[{key, first_name, last_name, email, phone_kind, phone_digits, phone_e164, link_by,
//                     tracker_resource_id, email2, phone2, phone_type, junk_phone, valid_phones[] (the
//                     E.164 numbers that parse), nameless, applications, applications_made}],
//             application_person{application id: person key},
//             jobs{kombo job id: {tracker_opportunity_id, link: custom_field|title|unmapped}}}
//   mutations: number of mutations applied (seeds the next one)
#include "json_util.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ats::sandbox {

struct GeneratorParams {
    std::uint64_t seed = 1;
    int jobs = 5;
    int applications = 40;
    int people = 25;
    int tracker_people = 10;
    // Every Nth generated person has no name on any application (0: nobody). Opt-in because a plugin
    // that predates the "not syncable" rule creates them, which older e2e tests do not expect.
    int nameless_every = 0;
};

// Tracker record types the emulator stores (documented, and A1/A5/A6).
inline const char *tracker_collection(const std::string &record_type) {
    if (record_type == "R") return "resources";
    if (record_type == "O") return "opportunities";
    if (record_type == "OR") return "links";
    if (record_type == "D") return "documents";
    if (record_type == "A") return "activities";
    return nullptr;
}

class World {
public:
    json::object doc;

    // Bumped whenever the document may have changed (every request but a Tracker read; SandboxApp
    // does it under its lock, reindex() too): what is derived from `doc` and kept across requests
    // is valid only for the generation it was built in.
    std::uint64_t generation = 0;

    // getRecords' sort and filter keys of a whole Tracker collection, one per row in list order:
    // a full listing pages through every row once per page, and reading these fields from each
    // JSON record on every page was most of the sandbox's time. Built on first use in a generation.
    struct RowKeys {
        std::int64_t id;         // 0 when absent
        std::int64_t updated_ms; // 0 when absent (the sort key)
        std::int64_t created_ms; // 0 when absent
        std::int64_t changed_ms; // updated_ms, else created_ms (what updatedafter/before compare)
        static RowKeys of(const json::object &row);
        // The key a listing sorts by (ties broken by id).
        enum Sort { none = 0, updated = 1, created = 2 };
        std::int64_t sort_key(Sort s) const { return s == updated ? updated_ms : s == created ? created_ms : 0; }
    };
    const std::vector<RowKeys> &row_keys(const char *collection);
    // Positions of row_keys(collection) in listing order: by `sort`, ties by id; descending when
    // `desc`. Same lifetime as row_keys.
    const std::vector<std::uint32_t> &row_order(const char *collection, RowKeys::Sort sort, bool desc);

    // Rebuilds every index from `doc`; call after replacing `doc`.
    void reindex();

    json::object &tracker() { return doc["tracker"].as_object(); }
    json::object &kombo() { return doc["kombo"].as_object(); }
    json::object &truth() { return doc["truth"].as_object(); }
    json::array &tracker_list(const char *collection) { return tracker()[collection].as_array(); }
    json::array &kombo_list(const char *collection) { return kombo()[collection].as_array(); }

    // Tracker records by type letter and id; nullptr when absent.
    json::object *tracker_record(const std::string &record_type, std::int64_t id);
    // Kombo records by collection ("jobs", "candidates", "applications", "attachments") and id.
    json::object *kombo_record(const std::string &collection, const std::string &id);

    std::int64_t next_tracker_id(const std::string &record_type);
    // Appends and indexes; returns the stored record.
    json::object &add_tracker(const std::string &record_type, json::object record);
    json::object &add_kombo(const std::string &collection, json::object record);

    // Secondary indexes. Why: every Tracker write used to scan whole collections (a find_link, an
    // email lookup, the links of a resource), which made a 100,000-application sync take minutes.
    // They are kept by add_tracker/add_kombo and reindex(); contact keys of a resource change with
    // the record, so whoever edits a resource's email/phones/linkedin calls reindex_resource().
    //
    // The link (record type OR) of a resource on an opportunity; nullptr when none.
    json::object *link_between(std::int64_t opportunity_id, std::int64_t resource_id);
    // Links whose `field` ("opportunityid" or "resourceid") is `id`, in insertion order.
    std::vector<json::object *> links_by(const char *field, std::int64_t id);
    // Documents ("D") or activities ("A") attached to (link_type, link_id), in insertion order.
    std::vector<json::object *> attached_to(const std::string &record_type, const std::string &link_type,
                                            std::int64_t link_id);
    // Resource ids whose email (trimmed, case-insensitive), any phone (digits only) or linkedin
    // (trimmed, case-insensitive) equals the key (TRACKER-ASSUMPTION A11), ascending.
    std::set<std::int64_t> resources_by_email(const std::string &email);
    std::set<std::int64_t> resources_by_phone_digits(const std::string &digits);
    std::set<std::int64_t> resources_by_linkedin(const std::string &linkedin);
    void reindex_resource(std::int64_t id);
    // Kombo records of `collection` whose `field` (e.g. attachments.application_id,
    // applications.candidate_id) equals `value`, in list order.
    std::vector<json::object *> kombo_by(const std::string &collection, const std::string &field,
                                         const std::string &value);

private:
    void index_tracker_secondary(const std::string &record_type, const json::object &record, std::size_t position);
    void index_kombo_secondary(const std::string &collection, const json::object &record, std::size_t position);

    std::unordered_map<std::string, std::unordered_map<std::int64_t, std::size_t>> tracker_index_;
    std::unordered_map<std::string, std::unordered_map<std::string, std::size_t>> kombo_index_;
    // "opp:res" -> link position; "<field>:<id>" -> link positions; "<type>:<linktype>:<id>" -> positions
    std::unordered_map<std::string, std::size_t> link_pair_;
    std::unordered_map<std::string, std::vector<std::size_t>> tracker_multi_;
    // "e:<email>", "p:<digits>", "l:<linkedin>" -> resource ids; and each resource's current keys
    std::unordered_map<std::string, std::set<std::int64_t>> contact_index_;
    std::unordered_map<std::int64_t, std::vector<std::string>> contact_keys_of_;
    // "<collection>:<field>:<value>" -> positions
    std::unordered_map<std::string, std::vector<std::size_t>> kombo_multi_;
    struct Keys {
        std::uint64_t generation = ~std::uint64_t{0}; // built in this generation (never yet)
        std::vector<RowKeys> rows;
        std::vector<std::uint32_t> orders[6]; // [sort * 2 + desc], empty until asked for
    };
    std::unordered_map<std::string, Keys> row_keys_;
};

} // namespace ats::sandbox
