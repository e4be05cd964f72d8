#include "world.hpp"

#include <stdexcept>

namespace ats::sandbox {

namespace {
const char *const kTrackerTypes[] = {"R", "O", "OR", "D", "A"};
const char *const kKomboCollections[] = {"jobs", "candidates", "applications", "attachments"};
} // namespace

void World::reindex() {
  tracker_index_.clear();
  kombo_index_.clear();
  for (const char *type : kTrackerTypes) {
    auto &index = tracker_index_[type];
    auto &list = tracker_list(tracker_collection(type));
    for (std::size_t i = 0; i < list.size(); ++i)
      index[int_or(list[i].as_object(), "id", -1)] = i;
  }
  for (const char *collection : kKomboCollections) {
    auto &index = kombo_index_[collection];
    auto &list = kombo_list(collection);
    for (std::size_t i = 0; i < list.size(); ++i)
      index[str_of(list[i].as_object(), "id")] = i;
  }
}

json::object *World::tracker_record(const std::string &record_type, std::int64_t id) {
  const char *collection = tracker_collection(record_type);
  if (!collection)
    return nullptr;
  auto &index = tracker_index_[record_type];
  auto it = index.find(id);
  if (it == index.end())
    return nullptr;
  return &tracker_list(collection)[it->second].as_object();
}

json::object *World::kombo_record(const std::string &collection, const std::string &id) {
  auto &index = kombo_index_[collection];
  auto it = index.find(id);
  if (it == index.end())
    return nullptr;
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
  if (!collection)
    throw std::logic_error("unknown Tracker record type " + record_type);
  auto &list = tracker_list(collection);
  std::int64_t id = int_or(record, "id", -1);
  list.emplace_back(std::move(record));
  tracker_index_[record_type][id] = list.size() - 1;
  return list.back().as_object();
}

json::object &World::add_kombo(const std::string &collection, json::object record) {
  auto &list = kombo_list(collection.c_str());
  std::string id = str_of(record, "id");
  list.emplace_back(std::move(record));
  kombo_index_[collection][id] = list.size() - 1;
  return list.back().as_object();
}

} // namespace ats::sandbox
