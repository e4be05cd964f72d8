#include "expected_person.hpp"

#include "attachments.hpp"
#include "phone_canon.hpp"
#include "text_util.hpp"

#include <set>

namespace ats::sandbox {

namespace {
json::value source_of(World &world, const json::object &app) {
    if (json::object *c = world.kombo_record("candidates", str_of(app, "candidate_id")))
        if (const json::value *s = field(*c, "source"); s && s->is_string() && !s->as_string().empty()) return *s;
    return nullptr;
}

std::string without_extension(const std::string &canonical) { return canonical.substr(0, canonical.find(';')); }
} // namespace

bool has_name(World &world, const std::vector<const json::object *> &applications) {
    for (const json::object *app : applications)
        if (json::object *c = world.kombo_record("candidates", str_of(*app, "candidate_id")))
            if (!lower_trimmed(str_of(*c, "first_name")).empty() || !lower_trimmed(str_of(*c, "last_name")).empty())
                return true;
    return false;
}

void add_contact_expectations(World &world, const json::object *truth_person,
                              const std::vector<const json::object *> &applications, json::object &entry) {
    // Numbers the generator made valid (they parse with libphonenumber, region GB); everything else
    // the person typed is kept but is no identity.
    std::set<std::string> valid;
    if (truth_person)
        if (const json::array *v = array_at(*truth_person, "valid_phones"))
            for (const auto &p : *v) valid.insert(std::string(p.as_string()));
    json::array emails, phones, documents, refused;
    std::set<std::string> seen_emails, seen_phones;
    json::value source = nullptr;
    for (const json::object *app : applications) {
        if (source.is_null()) source = source_of(world, *app);
        if (json::object *c = world.kombo_record("candidates", str_of(*app, "candidate_id"))) {
            if (const json::array *list = array_at(*c, "email_addresses"))
                for (const auto &e : *list) {
                    std::string typed = str_of(e.as_object(), "email_address");
                    if (!lower_trimmed(typed).empty() && seen_emails.insert(lower_trimmed(typed)).second)
                        emails.push_back(json::object{{"email_address", typed}, {"type", e.as_object().at("type")}});
                }
            if (const json::array *list = array_at(*c, "phone_numbers"))
                for (const auto &p : *list) {
                    std::string typed = str_of(p.as_object(), "phone_number");
                    if (digits_of(typed).empty() || !seen_phones.insert(phone_key(typed)).second) continue;
                    std::string canonical = canonical_phone(typed);
                    bool parses = !canonical.empty() && valid.count(without_extension(canonical));
                    const json::value *type = field(p.as_object(), "type");
                    phones.push_back(json::object{{"phone_number", typed},
                                                  {"type", type ? *type : json::value(nullptr)},
                                                  {"parses", parses},
                                                  {"e164", parses ? json::value(canonical) : json::value(nullptr)}});
                }
        }
        for (const json::object *a : world.kombo_by("attachments", "application_id", str_of(*app, "id"))) {
            std::size_t size =
                a->count("size") ? static_cast<std::size_t>(int_or(*a, "size", 0)) : attachment_bytes(*a).size();
            json::object doc{{"attachment_id", a->at("id")},
                             {"application_id", a->at("application_id")},
                             {"type", a->at("type")},
                             {"file_name", a->at("file_name")},
                             {"size", size},
                             {"content_type", a->at("content_type")}};
            std::string why = cv_refusal(str_of(*a, "type"), str_of(*a, "content_type"), size);
            if (why.empty()) {
                documents.push_back(std::move(doc));
            } else {
                doc["reason"] = why;
                refused.push_back(std::move(doc));
            }
        }
    }
    entry["emails"] = std::move(emails);
    entry["phones"] = std::move(phones);
    entry["documents"] = std::move(documents);
    entry["refused_documents"] = std::move(refused);
    entry["workable_source"] = std::move(source);
}

std::string stage_name(World &world, const json::object &application) {
    std::string id = str_of(application, "current_stage_id");
    for (const auto &s : world.kombo_list("stages"))
        if (str_of(s.as_object(), "id") == id) return str_of(s.as_object(), "name");
    return "";
}

std::string status_by_stage(World &world, const json::object &application) {
    std::string outcome = str_of(application, "outcome");
    if (outcome == "HIRED") return "Accepted";
    if (outcome == "DECLINED") return "Declined";
    std::string stage = lower_trimmed(stage_name(world, application));
    if (!stage.empty())
        if (const json::array *statuses =
                array_at(world.tracker()["settings"].as_object(), "opportunityResourceStatuses"))
            for (const auto &st : *statuses)
                if (lower_trimmed(str_of(st.as_object(), "Name")) == stage) return str_of(st.as_object(), "Name");
    return "Applied";
}

} // namespace ats::sandbox
