#pragma once
// The Tracker database configuration the emulator answers from getSettings (documented, and
// TRACKER-ASSUMPTION A4). Ids are deliberately irregular so that no client can hard-code them.
#include "json_util.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ats::sandbox {

json::object default_tracker_settings();

// Looks a status up by name in settings[list] ({Id, Name} entries).
std::optional<std::int64_t> settings_id_by_name(const json::object &settings, const char *list,
                                                const std::string &name);
std::optional<std::string> settings_name_by_id(const json::object &settings, const char *list, std::int64_t id);
// Custom field id by Association ("Resource"/"Opportunity") and Name.
std::optional<std::int64_t> custom_field_id(const json::object &settings, const std::string &association,
                                            const std::string &name);

inline constexpr const char *kWorkableCandidateField = "Workable Candidate ID";
inline constexpr const char *kWorkableJobField = "Workable Job ID";

} // namespace ats::sandbox
