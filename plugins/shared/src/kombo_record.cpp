#include "ats/shared/kombo_record.hpp"

#include <regex>

namespace ats::shared::kombo {

namespace bj = boost::json;

namespace {

// One look-up: emplace leaves a present key alone (every streamed record passes here ~30 times).
void put_default(bj::object &o, std::string_view key, bj::value fallback) { o.emplace(key, std::move(fallback)); }

void nulls(bj::object &o, std::initializer_list<const char *> keys) {
    for (const char *k : keys) put_default(o, k, nullptr);
}

void lists(bj::object &o, std::initializer_list<const char *> keys) {
    for (const char *k : keys) {
        auto it = o.find(k);
        if (it == o.end() || it->value().is_null()) o[k] = bj::array{};
    }
}

std::string text(const bj::object &o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end()) return {};
    if (it->value().is_string()) return std::string(it->value().get_string());
    if (it->value().is_int64()) return std::to_string(it->value().get_int64());
    return {};
}

bj::value text_or_null(const std::string &s) { return s.empty() ? bj::value(nullptr) : bj::value(s); }

// Emails inside a candidate: Kombo's pattern on email_address, a type on each (nullable).
void complete_emails(bj::object &o) {
    auto it = o.find("email_addresses");
    if (it == o.end() || !it->value().is_array()) return;
    for (auto &e : it->value().get_array()) {
        if (!e.is_object()) continue;
        bj::object &m = e.get_object();
        put_default(m, "type", nullptr);
        auto addr = m.find("email_address");
        if (addr == m.end() || !addr->value().is_string()) continue;
        std::string raw(addr->value().get_string());
        bj::value fixed = email_address_or_null(raw);
        if (fixed.is_null() || fixed.get_string() != raw) m["raw_email_address"] = raw;
        m["email_address"] = std::move(fixed);
    }
}

} // namespace

bj::value email_address_or_null(std::string_view raw) {
    // Kombo's OpenAPI pattern for email_address, verbatim (ECMAScript syntax, as ajv and zod run it).
    static const std::regex pattern(R"(^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+\-]@([\da-z][\da-z\-]*\.)+[a-z]{2,}$)");
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    size_t b = 0, e = raw.size();
    while (b < e && is_space(raw[b])) ++b;
    while (e > b && is_space(raw[e - 1])) --e;
    std::string s(raw.substr(b, e - b));
    auto at = s.rfind('@');
    if (at == std::string::npos) return nullptr;
    for (size_t i = at + 1; i < s.size(); ++i)
        if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] - 'A' + 'a');
    if (!std::regex_match(s, pattern)) return nullptr;
    return bj::value(s);
}

void split_full_name(const std::string &full, std::string &first, std::string &last) {
    auto sp = full.rfind(' ');
    first = sp == std::string::npos ? full : full.substr(0, sp);
    last = sp == std::string::npos ? "" : full.substr(sp + 1);
}

std::string attachment_type(std::string_view t) {
    if (t == "CV" || t == "RESUME") return "CV";
    if (t == "COVER_LETTER") return "COVER_LETTER";
    return "OTHER";
}

void complete_job(bj::object &j) {
    j.reserve(j.size() + 32); // the keys below: one rehash at most, not one per growth step
    nulls(j, {"job_code",          "description",        "confidential",     "weekly_hours",  "category",
              "department",        "post_url",           "experience_level", "salary_amount", "salary_amount_from",
              "salary_amount_to",  "salary_currency",    "remote_url",       "opened_at",     "closed_at",
              "remote_created_at", "remote_updated_at",  "contact_id",       "remote_data",   "remote_deleted_at",
              "employment_type",   "remote_work_status", "salary_period",    "visibility",    "location"});
    put_default(j, "custom_fields", bj::object{});
    lists(j, {"integration_fields", "stages", "screening_questions", "job_postings", "hiring_team"});
    if (auto it = j.find("stages"); it != j.end())
        for (auto &s : it->value().get_array())
            if (s.is_object()) complete_stage(s.get_object());
}

void complete_application(bj::object &a) {
    if (auto it = a.find("current_stage"); it != a.end() && it->value().is_object()) {
        bj::object &st = it->value().get_object();
        put_default(st, "remote_id", st.contains("id") ? st["id"] : bj::value(nullptr));
        nulls(st, {"name", "index"});
        put_default(a, "current_stage_id", st["id"]);
    } else {
        put_default(a, "current_stage", nullptr);
        put_default(a, "current_stage_id", nullptr);
    }
    if (!a.contains("job")) {
        std::string id = text(a, "job_id");
        a["job"] = id.empty() ? bj::value(nullptr)
                              : bj::value(bj::object{{"id", id},
                                                     {"remote_id", id},
                                                     {"name", a.contains("job_name") ? a["job_name"] : nullptr}});
    }
    if (!a.contains("candidate")) {
        std::string id = text(a, "candidate_id");
        if (id.empty()) {
            a["candidate"] = nullptr;
        } else {
            std::string first, last;
            split_full_name(text(a, "candidate_name"), first, last);
            a["candidate"] = bj::object{{"id", id},
                                        {"remote_id", id},
                                        {"first_name", text_or_null(first)},
                                        {"last_name", text_or_null(last)},
                                        {"source", nullptr},
                                        {"remote_url", nullptr},
                                        {"tags", bj::array{}}};
        }
    } else if (a["candidate"].is_object()) {
        bj::object &c = a["candidate"].get_object();
        nulls(c, {"first_name", "last_name", "source", "remote_url"});
        lists(c, {"tags"});
        complete_emails(c);
    }
    nulls(a, {"outcome", "rejection_reason_name", "rejected_at", "job_id", "candidate_id", "remote_url",
              "remote_deleted_at", "remote_created_at", "remote_updated_at", "remote_data"});
    put_default(a, "custom_fields", bj::object{});
    lists(a, {"integration_fields", "interviews", "offers"});
}

void complete_candidate(bj::object &c) {
    nulls(c, {"first_name", "last_name", "company", "title", "confidential", "source", "remote_url",
              "remote_created_at", "remote_updated_at", "remote_data", "remote_deleted_at", "location"});
    put_default(c, "custom_fields", bj::object{});
    lists(c, {"integration_fields", "applications", "tags", "email_addresses", "phone_numbers", "social_media"});
    complete_emails(c);
}

void complete_attachment(bj::object &a) {
    if (auto it = a.find("type"); it != a.end() && it->value().is_string())
        it->value() = attachment_type(std::string(it->value().get_string()));
    else
        a["type"] = "OTHER";
    nulls(a, {"remote_created_at", "remote_updated_at"});
    // Kombo answers a download URL. The host's own download route is relative to the tenant's
    // API root (/v1/tenants/{t}/); serve makes it absolute in its Kombo-shaped answers.
    if (!a.contains("data_url")) {
        std::string id = text(a, "id"), app = text(a, "application_id"), cand = text(a, "candidate_id");
        a["data_url"] = !app.empty()    ? "applications/" + app + "/attachments/" + id
                        : !cand.empty() ? "candidates/" + cand + "/attachments/" + id
                                        : std::string();
    }
}

void complete_stage(bj::object &s) {
    put_default(s, "remote_id", s.contains("id") ? s["id"] : bj::value(nullptr));
    nulls(s, {"name", "index", "remote_data", "remote_deleted_at"});
    put_default(s, "changed_at", unknown_time);
}

void complete_rejection_reason(bj::object &r) {
    put_default(r, "remote_id", r.contains("id") ? r["id"] : bj::value(""));
    nulls(r, {"name", "remote_data", "remote_deleted_at"});
    put_default(r, "changed_at", unknown_time);
}

} // namespace ats::shared::kombo
