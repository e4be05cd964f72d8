// TrackerProvider: finding candidates and reading their resume.
#include "ats/tracker/provider.hpp"
#include "ats/shared/ascii.hpp"

#include "ats/shared/base64.hpp"
#include "ats/shared/email.hpp"
#include "ats/shared/json.hpp"
#include "ats/shared/phone.hpp"

#include <map>
#include <set>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

using ats::shared::ascii_trim;

// candidates.find: {email?, phone?, first_name?, last_name?}, at least one.
//   email: checkPerson(email) (A11) -> the matched resource, verified by normalised e-mail.
//   phone: parsed with libphonenumber in the tenant's region (an invalid number matches nothing);
//          checkPerson compares digits only (A11), so it is asked with the number's usual digit
//          spellings (national, international, with "00") until one matches; the resource is
//          verified by comparing E.164 forms of its phones.
//   name:  getRecords R searchtext (A12) paged; exact, case-insensitive first/last name match.
// Every result says what it matched on; a match on name alone is reported as such (callers never
// merge on it). Cost: email 2; phone 2..4; name ceil((N+1)/page_size); at most 1 read per resource.
void TrackerProvider::op_candidates_find(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_CANDIDATES_FIND;
    std::string where = op + " arguments";
    std::string email = ascii_trim(sj::optional_string(args, "email", where).value_or(""));
    std::string phone = ascii_trim(sj::optional_string(args, "phone", where).value_or(""));
    std::string first = ascii_trim(sj::optional_string(args, "first_name", where).value_or(""));
    std::string last = ascii_trim(sj::optional_string(args, "last_name", where).value_or(""));
    if (email.empty() && phone.empty() && first.empty() && last.empty())
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              where + ": give at least one of email, phone, first_name, last_name");

    const std::string &region = config_.default_phone_region;
    std::string want_email = ats::shared::normalize_email(email);
    std::optional<std::string> want_phone =
        phone.empty() ? std::nullopt : ats::shared::normalize_phone_for_comparison(phone, region);

    std::map<int64_t, ResourceRow> rows; // resources found, read once each
    std::map<int64_t, std::set<std::string>> matched;
    auto remember = [&](const ResourceRow &r) { rows.emplace(r.id, r); };
    auto read = [&](int64_t id) -> const ResourceRow & {
        auto it = rows.find(id);
        if (it == rows.end()) it = rows.emplace(id, client().get_resource(id, call.raw())).first;
        return it->second;
    };
    auto email_matches = [&](const ResourceRow &r) {
        return !want_email.empty() && ats::shared::normalize_email(r.email) == want_email;
    };
    auto phone_matches = [&](const ResourceRow &r) {
        if (!want_phone) return false;
        for (const std::string *p : {&r.mobile_phone, &r.work_phone, &r.home_phone})
            if (!p->empty() && ats::shared::normalize_phone_for_comparison(*p, region) == want_phone) return true;
        return false;
    };
    auto name_matches = [&](const ResourceRow &r) {
        if (first.empty() && last.empty()) return false;
        return (first.empty() || ats::shared::ascii_lower(r.first_name) == ats::shared::ascii_lower(first)) &&
               (last.empty() || ats::shared::ascii_lower(r.last_name) == ats::shared::ascii_lower(last));
    };

    if (!want_email.empty())
        if (auto m = client().check_person(want_email, "", call.raw()); m && m->resource_id)
            if (email_matches(read(m->resource_id))) matched[m->resource_id].insert("email");
    if (want_phone)
        for (const std::string &digits : ats::shared::phone_digit_spellings(*want_phone, region)) {
            call.throw_if_cancelled();
            auto m = client().check_person("", digits, call.raw());
            if (m && m->resource_id && phone_matches(read(m->resource_id))) {
                matched[m->resource_id].insert("phone");
                break;
            }
        }
    if (!first.empty() || !last.empty()) {
        RecordFilter f;
        f.search_text = !first.empty() && !last.empty() ? first + " " + last : (!last.empty() ? last : first);
        client().for_each_resource(
            f,
            [&](const ResourceRow &r) {
                call.throw_if_cancelled();
                if (name_matches(r)) {
                    remember(r);
                    matched[r.id].insert("name");
                }
                return true;
            },
            call.raw());
    }
    // A resource found one way may match the other given details too: say so.
    for (auto &[id, how] : matched) {
        const ResourceRow &r = read(id);
        if (email_matches(r)) how.insert("email");
        if (phone_matches(r)) how.insert("phone");
        if (name_matches(r)) how.insert("name");
    }
    bj::array results;
    for (const auto &[id, how] : matched) {
        bj::array on;
        for (const char *k : {"email", "phone", "name"})
            if (how.count(k)) on.push_back(bj::value(k));
        results.push_back(
            bj::object{{"candidate", mapper().candidate(rows.at(id), nullptr)}, {"matched_on", std::move(on)}});
    }
    emit(sink, bj::object{{"results", std::move(results)}});
}

// candidates.get_resume: the candidate's documents (A5), the newest of type resume, downloaded.
// Cost: ceil((N+1)/page_size) + 1.
void TrackerProvider::op_candidates_get_resume(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_CANDIDATES_GET_RESUME;
    int64_t id = tracker_id_arg(args, "candidate_id", op);
    int64_t best = 0;
    std::string best_date;
    size_t documents = 0;
    client().for_each_document(
        "R", id,
        [&](const bj::object &d) {
            ++documents;
            if (RecordMapper::attachment_type(sj::text_or(d, "documenttype")) != "CV") return true;
            int64_t doc = sj::int_or(d, "id", 0);
            std::string date = sj::text_or(d, "dateadded");
            if (doc && (best == 0 || date > best_date || (date == best_date && doc > best))) {
                best = doc;
                best_date = date;
            }
            return true;
        },
        call.raw());
    if (best == 0) {
        if (documents == 0) client().get_resource(id, call.raw()); // NOT_FOUND when the candidate does not exist
        throw ats::sdk::Error(ATS_ERR_NOT_FOUND, op + ": candidate " + std::to_string(id) +
                                                     " has no resume document in Tracker (" +
                                                     std::to_string(documents) + " other documents)");
    }
    bj::object doc = client().get_document(best, call.raw());
    std::string bytes;
    try {
        bytes = ats::shared::base64_decode(sj::text_or(doc, "data"), "Tracker D " + std::to_string(best) + " data");
    } catch (const ats::sdk::Error &e) {
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, e.what()); // Tracker's fault, not the caller's
    }
    bj::object meta{{"file_name", sj::text_or(doc, "filename", "resume-" + std::to_string(best))},
                    {"content_type", sj::text_or(doc, "contenttype", "application/octet-stream")},
                    {"size", static_cast<int64_t>(bytes.size())},
                    {"attachment_id", std::to_string(best)}};
    sink.blob(bj::serialize(meta), bytes, op);
}

} // namespace ats::tracker
