// settings.hpp - Tracker's per-database picklists from getSettings, cached per instance.
//
// Status and custom field ids differ between Tracker databases and are never hard-coded: names
// from the tenant's configuration (e.g. "Declined") are resolved here (getSettings). The first
// lookup costs one getSettings request; later lookups cost none. A name that is not found causes
// at most one reload per minute (a status added in Tracker meanwhile), then a clear error.
#pragma once

#include "ats/tracker/wire.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ats::tracker {

struct NamedId {
    int64_t id = 0;
    std::string name;
};

struct CustomFieldDef {
    int64_t id = 0;
    std::string association; // "Resource", "Opportunity", ... (getSettings customFields.Association)
    std::string name;
    std::string type;    // "Text", "List", ...
    int64_t list_id = 0; // for List fields: customFieldLists[].Id
};

struct Settings {
    std::vector<NamedId> link_statuses; // opportunityResourceStatuses (A4)
    std::vector<NamedId> opportunity_statuses;
    std::vector<NamedId> resource_statuses;
    std::vector<CustomFieldDef> custom_fields;
    std::vector<std::pair<int64_t, std::vector<NamedId>>> custom_field_lists; // list id -> items

    // Case-insensitive name lookups; nullopt when absent.
    std::optional<NamedId> link_status(std::string_view name_or_id) const;
    std::optional<std::string> link_status_name(int64_t id) const;
    std::optional<CustomFieldDef> custom_field(std::string_view association, std::string_view name) const;
    std::optional<CustomFieldDef> custom_field_by_id(int64_t id) const;
    const std::vector<NamedId> *list_items(int64_t list_id) const;

    static Settings parse(const boost::json::object &answer);
};

class SettingsCache {
public:
    explicit SettingsCache(const WireClient &wire) : wire_(wire) {}

    // The cached settings, loading them on first use (1 request).
    std::shared_ptr<const Settings> get(const ats_call_t *call);
    // Reloads (1 request) when the last load is older than a minute, else returns the cache.
    // Used after a lookup by name failed.
    std::shared_ptr<const Settings> reload_if_stale(const ats_call_t *call, int64_t now_ms);

    // The status id for a status NAME (or a decimal id that exists); throws
    // ats::sdk::Error(INVALID_ARGUMENT) naming `what` and the known names when it is absent.
    NamedId require_link_status(std::string_view name_or_id, std::string_view what, const ats_call_t *call,
                                int64_t now_ms);

private:
    std::shared_ptr<const Settings> load(const ats_call_t *call);

    const WireClient &wire_;
    std::mutex mutex_;
    std::shared_ptr<const Settings> settings_;
    int64_t loaded_at_ms_ = 0;
};

} // namespace ats::tracker
