#include "tracker_settings.hpp"

namespace ats::sandbox {

namespace {
json::array statuses(std::initializer_list<std::pair<std::int64_t, const char *>> items) {
    json::array out;
    for (const auto &item : items) out.push_back(json::object{{"Id", item.first}, {"Name", item.second}});
    return out;
}
} // namespace

json::object default_tracker_settings() {
    json::object s;
    s["opportunityStatuses"] =
        statuses({{61, "Open"}, {17, "Resume Sent"}, {240, "On Hold"}, {9, "Won"}, {132, "Closed"}});
    s["resourceStatuses"] = statuses({{403, "Active"}, {88, "Inactive"}, {1207, "Do Not Use"}});
    // TRACKER-ASSUMPTION A4: database-wide statuses of a resource on an opportunity.
    s["opportunityResourceStatuses"] = statuses({{314, "Applied"},
                                                 {27, "Shortlisted"},
                                                 {902, "Interview"},
                                                 {58, "Offer"},
                                                 {1441, "Accepted"},
                                                 {7, "Declined"},
                                                 {611, "Withdrawn"},
                                                 {2209, "Internal"}});
    s["placementStatuses"] = statuses({{5003, "Working"}, {5011, "Offer"}, {4998, "Complete"}});
    s["resourceSources"] =
        statuses({{73, "Workable"}, {12, "LinkedIn"}, {245, "Website"}, {31, "Referral"}, {1502, "Job Board"}});
    json::array fields;
    auto field = [&fields](const char *association, std::int64_t id, const char *name, const char *type,
                           std::int64_t list_id) {
        fields.push_back(json::object{
            {"Association", association}, {"Id", id}, {"Name", name}, {"Type", type}, {"ListId", list_id}});
    };
    field("Resource", 40117, kWorkableCandidateField, "Text", 0);
    field("Resource", 40118, "Notice Period", "Text", 0);
    field("Resource", 40120, "Workable Source", "Text", 0); // workable_source.custom_field of the hybrid
    field("Opportunity", 40231, kWorkableJobField, "Text", 0);
    field("Opportunity", 40232, "Salary Band", "List", 812);
    field("Resource", 40119, "Right To Work", "List", 813);
    s["customFields"] = std::move(fields);
    s["customFieldLists"] =
        json::array{json::object{{"Id", 812},
                                 {"Name", "Salary Bands"},
                                 {"Items", statuses({{9001, "Band A"}, {9002, "Band B"}, {9007, "Band C"}})}},
                    json::object{{"Id", 813},
                                 {"Name", "Right To Work"},
                                 {"Items", statuses({{9101, "Yes"}, {9102, "No"}, {9103, "Sponsorship"}})}}};
    s["users"] = json::array{
        json::object{
            {"Id", 3}, {"Name", "Sandbox Administrator"}, {"Email", "admin@sandbox.example.com"}, {"Active", true}},
        json::object{
            {"Id", 118}, {"Name", "Rachel Recruiter"}, {"Email", "rachel@sandbox.example.com"}, {"Active", true}},
        json::object{
            {"Id", 254}, {"Name", "Former Consultant"}, {"Email", "former@sandbox.example.com"}, {"Active", false}}};
    return s;
}

std::optional<std::int64_t> settings_id_by_name(const json::object &settings, const char *list,
                                                const std::string &name) {
    if (const json::array *items = array_at(settings, list))
        for (const auto &item : *items)
            if (str_of(item.as_object(), "Name") == name) return int_of(item.as_object(), "Id");
    return std::nullopt;
}

std::optional<std::string> settings_name_by_id(const json::object &settings, const char *list, std::int64_t id) {
    if (const json::array *items = array_at(settings, list))
        for (const auto &item : *items)
            if (int_or(item.as_object(), "Id", -1) == id) return str_of(item.as_object(), "Name");
    return std::nullopt;
}

std::optional<std::int64_t> custom_field_id(const json::object &settings, const std::string &association,
                                            const std::string &name) {
    if (const json::array *items = array_at(settings, "customFields"))
        for (const auto &item : *items)
            if (str_of(item.as_object(), "Association") == association && str_of(item.as_object(), "Name") == name)
                return int_of(item.as_object(), "Id");
    return std::nullopt;
}

} // namespace ats::sandbox
