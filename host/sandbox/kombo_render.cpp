// Kombo objects with every key of the OpenAPI response schemas present (nullable ones as null).
#include "kombo_emulator.hpp"

namespace ats::sandbox {

namespace {
json::value iso_or_null(const json::object &o, const char *key) {
    auto ms = int_of(o, key);
    return ms ? json::value(iso_utc(*ms)) : json::value(nullptr);
}

json::value stage_of(World &world, const std::string &stage_id) {
    for (const auto &s : world.kombo_list("stages"))
        if (str_of(s.as_object(), "id") == stage_id)
            return json::object{{"id", stage_id},
                                {"remote_id", s.as_object().at("remote_id")},
                                {"name", s.as_object().at("name")},
                                {"index", s.as_object().at("index")}};
    return nullptr;
}

json::value job_ref(World &world, const std::string &job_id) {
    if (json::object *job = world.kombo_record("jobs", job_id))
        return json::object{{"id", job_id}, {"remote_id", str_of(*job, "remote_id")}, {"name", str_of(*job, "name")}};
    return nullptr;
}

std::string workable_url(const std::string &kind, const std::string &remote_id) {
    return "https://sandbox.workable.example.com/" + kind + "/" + remote_id;
}
} // namespace

json::object render_kombo_application(World &world, const json::object &app) {
    std::string candidate_id = str_of(app, "candidate_id");
    json::value candidate = nullptr;
    if (json::object *c = world.kombo_record("candidates", candidate_id))
        candidate = json::object{{"id", candidate_id},
                                 {"remote_id", str_of(*c, "remote_id")},
                                 {"first_name", c->at("first_name")},
                                 {"last_name", c->at("last_name")},
                                 {"email_addresses", c->at("email_addresses")},
                                 {"phone_numbers", c->at("phone_numbers")},
                                 {"social_media", json::array{}},
                                 {"source", c->at("source")},
                                 {"remote_url", workable_url("candidates", str_of(*c, "remote_id"))},
                                 {"tags", c->at("tags")}};
    std::string stage_id = str_of(app, "current_stage_id");
    return json::object{{"id", app.at("id")},
                        {"remote_id", app.at("remote_id")},
                        {"outcome", app.at("outcome")},
                        {"rejection_reason_name", app.at("rejection_reason_name")},
                        {"rejected_at", iso_or_null(app, "rejected_ms")},
                        {"current_stage_id", stage_id.empty() ? json::value(nullptr) : json::value(stage_id)},
                        {"job_id", app.at("job_id")},
                        {"candidate_id", app.at("candidate_id")},
                        {"screening_question_answers", app.count("screening_question_answers")
                                                           ? app.at("screening_question_answers")
                                                           : json::array{}},
                        {"custom_fields", json::object{}},
                        {"integration_fields", json::array{}},
                        {"remote_url", workable_url("applications", str_of(app, "remote_id"))},
                        {"changed_at", iso_utc(int_or(app, "changed_ms", 0))},
                        {"remote_deleted_at", iso_or_null(app, "deleted_ms")},
                        {"remote_created_at", iso_or_null(app, "created_ms")},
                        {"remote_updated_at", iso_or_null(app, "updated_ms")},
                        {"remote_data", nullptr},
                        {"candidate", std::move(candidate)},
                        {"current_stage", stage_of(world, stage_id)},
                        {"job", job_ref(world, str_of(app, "job_id"))},
                        {"interviews", app.at("interviews")},
                        {"offers", app.at("offers")}};
}

json::object render_kombo_candidate(World &world, const json::object &c) {
    json::array applications;
    std::string id = str_of(c, "id");
    for (const json::object *ap : world.kombo_by("applications", "candidate_id", id)) {
        const auto &app = *ap;
        applications.push_back(json::object{{"id", app.at("id")},
                                            {"remote_id", app.at("remote_id")},
                                            {"outcome", app.at("outcome")},
                                            {"rejection_reason_name", app.at("rejection_reason_name")},
                                            {"rejected_at", iso_or_null(app, "rejected_ms")},
                                            {"remote_url", workable_url("applications", str_of(app, "remote_id"))},
                                            {"changed_at", iso_utc(int_or(app, "changed_ms", 0))},
                                            {"remote_created_at", iso_or_null(app, "created_ms")},
                                            {"remote_updated_at", iso_or_null(app, "updated_ms")},
                                            {"current_stage", stage_of(world, str_of(app, "current_stage_id"))},
                                            {"job", job_ref(world, str_of(app, "job_id"))}});
    }
    return json::object{{"id", id},
                        {"remote_id", str_of(c, "remote_id")},
                        {"first_name", c.at("first_name")},
                        {"last_name", c.at("last_name")},
                        {"company", c.at("company")},
                        {"title", c.at("title")},
                        {"confidential", false},
                        {"source", c.at("source")},
                        {"phone_numbers", c.at("phone_numbers")},
                        {"email_addresses", c.at("email_addresses")},
                        {"social_media", json::array{}},
                        {"location", nullptr},
                        {"custom_fields", json::object{}},
                        {"integration_fields", json::array{}},
                        {"remote_url", workable_url("candidates", str_of(c, "remote_id"))},
                        {"remote_created_at", iso_or_null(c, "created_ms")},
                        {"remote_updated_at", iso_or_null(c, "updated_ms")},
                        {"remote_data", nullptr},
                        {"changed_at", iso_utc(int_or(c, "changed_ms", 0))},
                        {"remote_deleted_at", iso_or_null(c, "deleted_ms")},
                        {"applications", std::move(applications)},
                        {"tags", c.at("tags")}};
}

json::object render_kombo_job(World &world, const json::object &job) {
    json::array stages;
    for (const auto &s : world.kombo_list("stages"))
        stages.push_back(json::object{{"id", s.as_object().at("id")},
                                      {"remote_id", s.as_object().at("remote_id")},
                                      {"name", s.as_object().at("name")},
                                      {"remote_data", nullptr},
                                      {"index", s.as_object().at("index")}});
    std::string city = str_of(job, "city");
    std::string remote_id = str_of(job, "remote_id");
    return json::object{
        {"id", job.at("id")},
        {"remote_id", remote_id},
        {"name", job.at("name")},
        {"job_code", job.at("job_code")},
        {"description", "<p>" + str_of(job, "name") + " in " + city + "</p>"},
        {"confidential", false},
        {"weekly_hours", nullptr},
        {"employment_type", job.at("employment_type")},
        {"status", job.at("status")},
        {"visibility", "PUBLIC"},
        {"category", nullptr},
        {"department", job.at("department")},
        {"post_url", "https://apply.workable.example.com/sandbox/j/" + remote_id},
        {"experience_level", nullptr},
        {"remote_work_status", nullptr},
        {"salary_amount", nullptr},
        {"salary_amount_from", nullptr},
        {"salary_amount_to", nullptr},
        {"salary_currency", nullptr},
        {"salary_period", nullptr},
        {"location", json::object{{"city", city},
                                  {"country", "GB"},
                                  {"raw", city + ", United Kingdom"},
                                  {"state", nullptr},
                                  {"street_1", nullptr},
                                  {"street_2", nullptr},
                                  {"zip_code", nullptr}}},
        {"custom_fields", json::object{}},
        {"integration_fields", json::array{}},
        {"remote_url", workable_url("jobs", remote_id)},
        {"opened_at", iso_or_null(job, "created_ms")},
        {"closed_at", nullptr},
        {"remote_created_at", iso_or_null(job, "created_ms")},
        {"remote_updated_at", iso_or_null(job, "updated_ms")},
        {"contact_id", nullptr},
        {"remote_data", nullptr},
        {"changed_at", iso_utc(int_or(job, "changed_ms", 0))},
        {"remote_deleted_at", iso_or_null(job, "deleted_ms")},
        {"stages", std::move(stages)},
        {"screening_questions", json::array{}},
        {"job_postings", json::array{json::object{{"id", str_of(job, "id").substr(0, 20) + "Post"},
                                                  {"remote_id", remote_id + "-posting"},
                                                  {"title", job.at("name")},
                                                  {"description_html", "<p>" + str_of(job, "name") + "</p>"},
                                                  {"status", "ACTIVE"},
                                                  {"visibility", "PUBLIC"},
                                                  {"url", "https://apply.workable.example.com/sandbox/j/" + remote_id},
                                                  {"remote_data", nullptr}}}},
        {"hiring_team",
         json::array{json::object{{"id", str_of(job, "id").substr(0, 20) + "Team"},
                                  {"remote_id", "user-118"},
                                  {"first_name", "Rachel"},
                                  {"last_name", "Recruiter"},
                                  {"email", "rachel@sandbox.example.com"},
                                  {"hiring_team_roles", json::array{"RECRUITER"}},
                                  {"job_roles", json::array{json::object{{"remote_id", "recruiter"},
                                                                         {"remote_label", "Recruiter"},
                                                                         {"scope", "JOB"},
                                                                         {"unified_type", "RECRUITER"}}}}}}}};
}

json::object render_kombo_attachment(const std::string &base_url, const json::object &a, bool candidate_view) {
    json::object out{{"type", a.at("type")},
                     {"id", a.at("id")},
                     {"remote_id", a.at("remote_id")},
                     {"data_url", base_url + "/files/" + str_of(a, "id")},
                     {"file_name", a.at("file_name")},
                     {"content_type", a.at("content_type")},
                     {"remote_created_at", iso_or_null(a, "created_ms")},
                     {"remote_updated_at", iso_or_null(a, "created_ms")}};
    if (candidate_view) {
        out["application_id"] = a.at("application_id");
        out["candidate_id"] = a.at("candidate_id");
    }
    return out;
}

} // namespace ats::sandbox
