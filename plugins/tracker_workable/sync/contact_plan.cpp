#include "sync/contact_plan.hpp"

#include "ats/shared/ascii.hpp"
#include "identity/identity_keys.hpp"

namespace ats::tracker_workable {

namespace {
std::string digits_of(const std::string &s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d.push_back(c);
    return d;
}

std::string key_of_kind(const PersonIdentity &id, char kind) {
    for (const auto &k : id.keys)
        if (key_kind(k) == kind) return k;
    return {};
}

// Tokens of the details listed in our earlier notes ("E-mail: x" / "Phone...: y" lines).
void tokens_from_note(const std::string &note, const IdentityRules &rules, std::set<std::string> &out) {
    size_t start = 0;
    while (start <= note.size()) {
        size_t end = note.find('\n', start);
        if (end == std::string::npos) end = note.size();
        std::string line = note.substr(start, end - start);
        size_t colon = line.find(": ");
        if (colon != std::string::npos) {
            std::string label = line.substr(0, colon), value = line.substr(colon + 2);
            if (ats::shared::ascii_istarts_with(label, "E-mail")) {
                if (auto t = email_token(value); !t.empty()) out.insert(t);
            } else if (ats::shared::ascii_istarts_with(label, "Phone")) {
                if (auto t = phone_token(value, rules); !t.empty()) out.insert(t);
            }
        }
        start = end + 1;
    }
}

std::string upper(const std::string &s) {
    std::string u;
    for (char c : s) u.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    return u;
}
} // namespace

std::string email_token(const std::string &email) {
    IdentityRules none;
    PersonIdentity id = identity_of({email}, {}, "", "", "", none);
    if (auto k = key_of_kind(id, 'e'); !k.empty()) return k;
    std::string t = ats::shared::ascii_lower(email);
    return t.empty() ? std::string() : "E:" + t; // not an identity (invalid), still a detail
}

std::string phone_token(const std::string &phone, const IdentityRules &rules) {
    IdentityRules lenient = rules; // a placeholder is no identity, but it is still one detail
    lenient.fictional_numbers_are_identities = true;
    lenient.phone_deny_list.clear();
    lenient.key_hasher = nullptr; // tokens compare details; they are kept sealed ("pc/"), not as keys
    PersonIdentity id = identity_of({}, {phone}, "", "", "", lenient);
    if (auto k = key_of_kind(id, 'p'); !k.empty()) return k;
    std::string d = digits_of(phone);
    if (!d.empty()) return "d:" + d;
    return phone.empty() ? std::string() : "t:" + phone;
}

std::string phone_for_tracker(const std::string &phone, const IdentityRules &rules) {
    std::string t = phone_token(phone, rules);
    if (t.rfind("p:", 0) != 0) return phone;
    std::string e164 = t.substr(2);
    if (size_t ext = e164.find(";ext="); ext != std::string::npos)
        e164 = e164.substr(0, ext) + " ext. " + e164.substr(ext + 5);
    return e164;
}

ContactPlan plan_contacts(const PersonContacts &workable, const TrackerContacts &tracker, const IdentityRules &rules) {
    ContactPlan plan;
    plan.tokens = tracker.tokens;
    if (auto t = email_token(tracker.email); !t.empty()) plan.tokens.insert(t);
    for (const std::string *p : {&tracker.cellphone, &tracker.workphone, &tracker.homephone})
        if (auto t = phone_token(*p, rules); !t.empty()) plan.tokens.insert(t);
    for (const auto &n : tracker.note_texts) tokens_from_note(n, rules, plan.tokens);

    bool email_free = tracker.email.empty();
    for (const auto &e : workable.emails) {
        std::string t = email_token(e);
        if (t.empty() || !plan.tokens.insert(t).second) continue;
        if (email_free) {
            plan.fields.email = e;
            email_free = false;
        } else {
            plan.note_lines.push_back("E-mail: " + e);
        }
    }

    struct Slot {
        const char *type;
        bool free;
        std::string *target;
    };
    Slot slots[] = {{"MOBILE", tracker.cellphone.empty(), &plan.fields.cellphone},
                    {"WORK", tracker.workphone.empty(), &plan.fields.workphone},
                    {"HOME", tracker.homephone.empty(), &plan.fields.homephone}};
    auto slot_for_type = [&](const std::string &type) -> Slot * {
        std::string u = upper(type);
        if (u == "CELL" || u == "CELLPHONE") u = "MOBILE";
        for (auto &s : slots)
            if (u == s.type) return &s;
        return nullptr;
    };
    for (const auto &p : workable.phones) {
        std::string t = phone_token(p.text, rules);
        if (t.empty() || !plan.tokens.insert(t).second) continue;
        std::string value = phone_for_tracker(p.text, rules);
        Slot *s = slot_for_type(p.type);
        if (!s || !s->free) {
            s = nullptr;
            for (auto &c : slots)
                if (c.free) {
                    s = &c;
                    break;
                }
        }
        if (s) {
            *s->target = value;
            s->free = false;
        } else {
            plan.note_lines.push_back("Phone" + (p.type.empty() ? std::string() : " (" + upper(p.type) + ")") + ": " +
                                      value);
        }
    }
    return plan;
}

std::string contact_note_text(const std::vector<std::string> &lines) {
    std::string text = "Contact details from Workable that have no field of their own in Tracker:";
    for (const auto &l : lines) text += "\n" + l;
    return text;
}

} // namespace ats::tracker_workable
