#include "verify_person_details.hpp"

#include "phone_canon.hpp" // host/sandbox: the spellings the generator writes
#include "text_util.hpp"

#include <map>
#include <sstream>

namespace json = boost::json;
using ats::sandbox::canonical_phone;
using ats::sandbox::digits_of;
using ats::sandbox::lower_trimmed;

namespace ats::test::hybrid {

namespace {

std::string str(const json::object &o, const char *k) { return field_text(o, k); }

// Where a value may have landed: the resource's own fields, then each line of each contact note
// (whole line, and the part after its last ':' so "Work phone: 020 ..." counts).
struct Places {
    std::vector<std::string> email_fields, phone_fields;
    std::vector<std::vector<std::string>> note_lines; // per line: the candidate values
};

Places places_of(const json::object &state, const std::string &rid) {
    Places p;
    const auto &tracker = state.at("tracker").as_object();
    for (const auto &rv : tracker.at("resources").as_array()) {
        const auto &r = rv.as_object();
        if (str(r, "id") != rid) continue;
        p.email_fields.push_back(str(r, "email"));
        for (const char *f : {"mobiletelephone", "worktelephone", "hometelephone"}) p.phone_fields.push_back(str(r, f));
    }
    for (const auto &av : tracker.at("activities").as_array()) {
        const auto &a = av.as_object();
        if (str(a, "linkrecordtype") != "R" || str(a, "linkrecordid") != rid ||
            str(a, "subject") != kContactNoteSubject)
            continue;
        std::istringstream in(str(a, "note"));
        for (std::string line; std::getline(in, line);) {
            std::vector<std::string> values{line};
            if (auto colon = line.rfind(':'); colon != std::string::npos) values.push_back(line.substr(colon + 1));
            p.note_lines.push_back(std::move(values));
        }
    }
    return p;
}

bool same_email(const std::string &want, const std::string &got) {
    if (lower_trimmed(got) == want) return true;
    // In a note line the address may sit among words: compare token by token.
    std::string token;
    for (char c : got + " ") {
        if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '<' || c == '>') {
            if (!token.empty() && lower_trimmed(token) == want) return true;
            token.clear();
        } else {
            token += c;
        }
    }
    return false;
}

// Phones compare by number: the canonical form when the expected phone parses, else its digits.
bool same_phone(const json::object &want, const std::string &got) {
    if (digits_of(got).empty()) return false;
    if (want.at("parses").as_bool()) {
        std::string c = canonical_phone(got);
        return !c.empty() && c == canonical_phone(str(want, "phone_number"));
    }
    return digits_of(got) == digits_of(str(want, "phone_number"));
}

template <typename Match>
int count_in(const std::vector<std::string> &fields, const Places &p, Match match) {
    int n = 0;
    for (const auto &f : fields) n += match(f) ? 1 : 0;
    for (const auto &line : p.note_lines) {
        bool hit = false;
        for (const auto &v : line) hit = hit || match(v);
        n += hit ? 1 : 0;
    }
    return n;
}

} // namespace

std::vector<std::string> verify_person_details(const json::object &state, const json::object &person,
                                               const std::string &rid, const VerifyOptions &options) {
    std::vector<std::string> problems;
    const std::string who = "person " + str(person, "person") + " (resource " + rid + ")";
    if (options.contacts) {
        Places places = places_of(state, rid);
        for (const auto &ev : person.at("emails").as_array()) {
            std::string want = lower_trimmed(str(ev.as_object(), "email_address"));
            int n =
                count_in(places.email_fields, places, [&](const std::string &got) { return same_email(want, got); });
            if (n != 1)
                problems.push_back(who + ": e-mail " + str(ev.as_object(), "email_address") + " found " +
                                   std::to_string(n) + " times, expected exactly once (email field or a '" +
                                   kContactNoteSubject + "' note)");
        }
        for (const auto &pv : person.at("phones").as_array()) {
            int n = count_in(places.phone_fields, places,
                             [&](const std::string &got) { return same_phone(pv.as_object(), got); });
            if (n != 1)
                problems.push_back(who + ": phone " + str(pv.as_object(), "phone_number") + " found " +
                                   std::to_string(n) + " times, expected exactly once (phone fields or a '" +
                                   kContactNoteSubject + "' note)");
        }
    }
    if (options.documents) {
        // (file name, size) -> [resume documents, any documents] on the resource.
        std::map<std::pair<std::string, std::string>, std::pair<int, int>> have;
        for (const auto &dv : state.at("tracker").at("documents").as_array()) {
            const auto &d = dv.as_object();
            if (str(d, "linkrecordtype") != "R" || str(d, "linkrecordid") != rid) continue;
            auto &slot = have[{str(d, "filename"), str(d, "size")}];
            slot.first += str(d, "documenttype") == "resume" ? 1 : 0;
            slot.second += 1;
        }
        std::map<std::pair<std::string, std::string>, int> want;
        for (const auto &dv : person.at("documents").as_array())
            ++want[{str(dv.as_object(), "file_name"), str(dv.as_object(), "size")}];
        for (const auto &[key, n] : want)
            if (have[key].first != n)
                problems.push_back(who + ": CV '" + key.first + "' (" + key.second + " bytes) attached " +
                                   std::to_string(have[key].first) + " times as resume, expected " + std::to_string(n));
        for (const auto &dv : person.at("refused_documents").as_array()) {
            const auto &d = dv.as_object();
            if (int n = have[{str(d, "file_name"), str(d, "size")}].second; n > 0)
                problems.push_back(who + ": refused document '" + str(d, "file_name") + "' (" + str(d, "reason") +
                                   ") attached " + std::to_string(n) + " times");
        }
    }
    return problems;
}

} // namespace ats::test::hybrid
