#include "world.hpp"

#include "text_util.hpp"

#include <algorithm>
#include <stdexcept>

namespace ats::sandbox {

namespace {
const char *const kTrackerTypes[] = {"R", "O", "OR", "D", "A"};
const char *const kKomboCollections[] = {"jobs", "candidates", "applications", "attachments"};
} // namespace

void World::reindex() {
    ++generation;
    tracker_index_.clear();
    kombo_index_.clear();
    link_pair_.clear();
    tracker_multi_.clear();
    contact_index_.clear();
    contact_keys_of_.clear();
    kombo_multi_.clear();
    for (const char *type : kTrackerTypes) {
        auto &index = tracker_index_[type];
        auto &list = tracker_list(tracker_collection(type));
        for (std::size_t i = 0; i < list.size(); ++i) {
            index[int_or(list[i].as_object(), "id", -1)] = i;
            index_tracker_secondary(type, list[i].as_object(), i);
        }
    }
    for (const char *collection : kKomboCollections) {
        auto &index = kombo_index_[collection];
        auto &list = kombo_list(collection);
        for (std::size_t i = 0; i < list.size(); ++i) {
            index[str_of(list[i].as_object(), "id")] = i;
            index_kombo_secondary(collection, list[i].as_object(), i);
        }
    }
}

namespace {
std::string pair_key(std::int64_t opportunity, std::int64_t resource) {
    return std::to_string(opportunity) + ":" + std::to_string(resource);
}
} // namespace

void World::index_tracker_secondary(const std::string &record_type, const json::object &record, std::size_t position) {
    if (record_type == "OR") {
        std::int64_t opp = int_or(record, "opportunityid", -1), res = int_or(record, "resourceid", -1);
        link_pair_.emplace(pair_key(opp, res), position); // the first link of a pair wins, as a scan would
        tracker_multi_["opportunityid:" + std::to_string(opp)].push_back(position);
        tracker_multi_["resourceid:" + std::to_string(res)].push_back(position);
    } else if (record_type == "D" || record_type == "A") {
        tracker_multi_[record_type + ":" + str_of(record, "linkrecordtype") + ":" + str_of(record, "linkrecordid")]
            .push_back(position);
    } else if (record_type == "R") {
        reindex_resource(int_or(record, "id", -1));
    }
}

void World::index_kombo_secondary(const std::string &collection, const json::object &record, std::size_t position) {
    static const std::pair<const char *, const char *> keyed[] = {
        {"attachments", "application_id"}, {"attachments", "candidate_id"}, {"applications", "candidate_id"}};
    for (const auto &k : keyed)
        if (collection == k.first)
            kombo_multi_[collection + ":" + k.second + ":" + str_of(record, k.second)].push_back(position);
}

json::object *World::link_between(std::int64_t opportunity_id, std::int64_t resource_id) {
    auto it = link_pair_.find(pair_key(opportunity_id, resource_id));
    return it == link_pair_.end() ? nullptr : &tracker_list("links")[it->second].as_object();
}

std::vector<json::object *> World::links_by(const char *field_name, std::int64_t id) {
    std::vector<json::object *> out;
    auto it = tracker_multi_.find(std::string(field_name) + ":" + std::to_string(id));
    if (it != tracker_multi_.end())
        for (std::size_t p : it->second) out.push_back(&tracker_list("links")[p].as_object());
    return out;
}

std::vector<json::object *> World::attached_to(const std::string &record_type, const std::string &link_type,
                                               std::int64_t link_id) {
    std::vector<json::object *> out;
    auto it = tracker_multi_.find(record_type + ":" + link_type + ":" + std::to_string(link_id));
    if (it != tracker_multi_.end())
        for (std::size_t p : it->second) out.push_back(&tracker_list(tracker_collection(record_type))[p].as_object());
    return out;
}

void World::reindex_resource(std::int64_t id) {
    for (const auto &key : contact_keys_of_[id]) {
        auto it = contact_index_.find(key);
        if (it != contact_index_.end()) it->second.erase(id);
    }
    std::vector<std::string> keys;
    if (json::object *r = tracker_record("R", id)) {
        if (std::string e = lower_trimmed(str_of(*r, "email")); !e.empty()) keys.push_back("e:" + e);
        if (std::string l = lower_trimmed(str_of(*r, "linkedin")); !l.empty()) keys.push_back("l:" + l);
        for (const char *f : {"mobiletelephone", "worktelephone", "hometelephone"})
            if (std::string d = digits_of(str_of(*r, f)); !d.empty()) keys.push_back("p:" + d);
    }
    for (const auto &key : keys) contact_index_[key].insert(id);
    contact_keys_of_[id] = std::move(keys);
}

namespace {
std::set<std::int64_t> lookup(const std::unordered_map<std::string, std::set<std::int64_t>> &index,
                              const std::string &key) {
    auto it = index.find(key);
    return it == index.end() ? std::set<std::int64_t>{} : it->second;
}
} // namespace

std::set<std::int64_t> World::resources_by_email(const std::string &email) {
    std::string key = lower_trimmed(email);
    return key.empty() ? std::set<std::int64_t>{} : lookup(contact_index_, "e:" + key);
}

std::set<std::int64_t> World::resources_by_phone_digits(const std::string &digits) {
    return digits.empty() ? std::set<std::int64_t>{} : lookup(contact_index_, "p:" + digits);
}

std::set<std::int64_t> World::resources_by_linkedin(const std::string &linkedin) {
    std::string key = lower_trimmed(linkedin);
    return key.empty() ? std::set<std::int64_t>{} : lookup(contact_index_, "l:" + key);
}

std::vector<json::object *> World::kombo_by(const std::string &collection, const std::string &field_name,
                                            const std::string &value) {
    std::vector<json::object *> out;
    auto it = kombo_multi_.find(collection + ":" + field_name + ":" + value);
    if (it != kombo_multi_.end())
        for (std::size_t p : it->second) out.push_back(&kombo_list(collection.c_str())[p].as_object());
    return out;
}

json::object *World::tracker_record(const std::string &record_type, std::int64_t id) {
    const char *collection = tracker_collection(record_type);
    if (!collection) return nullptr;
    auto &index = tracker_index_[record_type];
    auto it = index.find(id);
    if (it == index.end()) return nullptr;
    return &tracker_list(collection)[it->second].as_object();
}

json::object *World::kombo_record(const std::string &collection, const std::string &id) {
    auto &index = kombo_index_[collection];
    auto it = index.find(id);
    if (it == index.end()) return nullptr;
    return &kombo_list(collection.c_str())[it->second].as_object();
}

std::int64_t World::next_tracker_id(const std::string &record_type) {
    auto &ids = tracker()["next_ids"].as_object();
    std::int64_t id = int_or(ids, record_type.c_str(), 1);
    ids[record_type] = id + 1;
    return id;
}

json::object &World::add_tracker(const std::string &record_type, json::object record) {
    const char *collection = tracker_collection(record_type);
    if (!collection) throw std::logic_error("unknown Tracker record type " + record_type);
    auto &list = tracker_list(collection);
    std::int64_t id = int_or(record, "id", -1);
    list.emplace_back(std::move(record));
    tracker_index_[record_type][id] = list.size() - 1;
    index_tracker_secondary(record_type, list.back().as_object(), list.size() - 1);
    return list.back().as_object();
}

json::object &World::add_kombo(const std::string &collection, json::object record) {
    auto &list = kombo_list(collection.c_str());
    std::string id = str_of(record, "id");
    list.emplace_back(std::move(record));
    kombo_index_[collection][id] = list.size() - 1;
    index_kombo_secondary(collection, list.back().as_object(), list.size() - 1);
    return list.back().as_object();
}

World::RowKeys World::RowKeys::of(const json::object &row) {
    std::int64_t created = int_or(row, "created_ms", 0);
    std::optional<std::int64_t> updated = int_of(row, "updated_ms");
    return RowKeys{int_or(row, "id", 0), updated.value_or(0), created, updated.value_or(created)};
}

const std::vector<World::RowKeys> &World::row_keys(const char *collection) {
    Keys &k = row_keys_[collection];
    const json::array &list = tracker_list(collection);
    if (k.generation != generation || k.rows.size() != list.size()) {
        k.rows.clear();
        k.rows.reserve(list.size());
        for (const auto &v : list) k.rows.push_back(RowKeys::of(v.as_object()));
        for (auto &o : k.orders) o.clear();
        k.generation = generation;
    }
    return k.rows;
}

const std::vector<std::uint32_t> &World::row_order(const char *collection, RowKeys::Sort sort, bool desc) {
    const std::vector<RowKeys> &rows = row_keys(collection);
    std::vector<std::uint32_t> &order = row_keys_[collection].orders[sort * 2 + (desc ? 1 : 0)];
    if (order.size() != rows.size()) {
        order.resize(rows.size());
        for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            std::int64_t ka = rows[a].sort_key(sort), kb = rows[b].sort_key(sort);
            if (ka != kb) return desc ? ka > kb : ka < kb;
            return desc ? rows[a].id > rows[b].id : rows[a].id < rows[b].id;
        });
    }
    return order;
}

} // namespace ats::sandbox
