#include "generator.hpp"

#include "attachments.hpp"
#include "tracker_settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace ats::sandbox {

namespace {

const char *const kFirstNames[] = {"Oliver",   "Amelia", "George", "Isla",    "Harry",   "Ava",    "Noah",
                                   "Mia",      "Jack",   "Sophia", "Leo",     "Grace",   "Arthur", "Lily",
                                   "Muhammad", "Freya",  "Oscar",  "Emily",   "Charlie", "Ella",   "Priya",
                                   "Tomasz",   "Aisha",  "Chen",   "Siobhan", "Mateo",   "Zofia",  "Kwame"};
const char *const kLastNames[] = {"Smith",   "Jones",  "Taylor",  "Brown",    "Williams", "Wilson",
                                  "Johnson", "Davies", "Patel",   "Robinson", "Wright",   "Thompson",
                                  "Evans",   "Walker", "White",   "Roberts",  "Green",    "Hall",
                                  "Nowak",   "Okafor", "O'Neill", "Kowalski", "Murphy",   "Khan"};
const char *const kJobTitles[] = {"Java Programmer",       "Senior Data Engineer", "Warehouse Operative",
                                  "Registered Nurse",      "Account Manager",      "HGV Class 1 Driver",
                                  "Payroll Administrator", "Site Manager",         "Customer Service Advisor",
                                  "Electrician",           "Quantity Surveyor",    "Marketing Executive",
                                  "Software Tester",       "Care Assistant",       "Project Coordinator"};
const char *const kDomains[] = {"example.com", "example.org", "example.net", "mail.example.co.uk"};
const char *const kSources[] = {"Workable Careers Page", "LinkedIn", "Indeed", "Referral"};
// Workable stages: some equal a Tracker status ignoring case ("Applied", "shortlisted", "Interview",
// "Offer"), some do not ("Sourced", "Phone Screen", "Assessment", "Hired"). "Hired" is last.
const char *const kStages[] = {"Sourced",    "Applied",   "shortlisted", "Phone Screen",
                               "Assessment", "Interview", "Offer",       "Hired"};
constexpr int kStageCount = 8;
// Kombo phone types as Workable reports them (the OpenAPI type is string|null).
const char *const kPrimaryPhoneTypes[] = {"MOBILE", "MOBILE", "MOBILE", "HOME", ""};
const char *const kRejections[] = {"Not enough experience", "Withdrew", "Position filled", "Salary expectations"};
const char *const kInvalidPhones[] = {"12345", "0770 090", "n/a", "+44 7700 9001", "000"};

template <typename T, std::size_t N>
const T &pick(Rng &rng, const T (&items)[N]) {
    return items[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(N) - 1))];
}

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string upper(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

EpochMs at(const char *iso) { return *parse_iso(iso); }

constexpr EpochMs kDay = 24LL * 3600 * 1000;

// Phone numbers: `kind` decides the country and the set of spellings; every spelling of one number
// is the same E.164 number when parsed with default region GB (that is what the sync must see).
struct PhoneNumber {
    std::string kind;   // gb_mobile, gb_landline, us, de, invalid, none
    std::string digits; // subscriber digits, meaning depends on kind
};

std::string spell(const PhoneNumber &p, int style) {
    const std::string &d = p.digits;
    // gb_drama: Ofcom's fictional mobile range 07700 900xxx, the textbook example of
    // one number written several ways: an identity like any mobile (plugins/shared/src/phone.cpp).
    if (p.kind == "gb_mobile" || p.kind == "gb_drama") { // d = "7400100123"
        std::string a = d.substr(0, 4), b = d.substr(4, 3), c = d.substr(7);
        switch (style % 7) {
        case 0: return "0" + a + " " + b + c;
        case 1: return "+44 " + a + " " + b + c;
        case 2: return "+44 (0)" + a + "-" + b + "-" + c;
        case 3: return "0044" + d;
        case 4: return "0" + d;
        case 5: return "+44" + d;
        default: return "(0" + a + ") " + b + " " + c;
        }
    }
    if (p.kind == "gb_landline") { // d = "2079460123"
        std::string a = d.substr(0, 2), b = d.substr(2, 4), c = d.substr(6);
        switch (style % 4) {
        case 0: return "0" + a + " " + b + " " + c;
        case 1: return "+44 " + a + " " + b + " " + c;
        case 2: return "+44 (0)" + a + " " + b + " " + c;
        default: return "0044 " + a + " " + b + " " + c;
        }
    }
    if (p.kind == "us") { // d = "2015550123"
        std::string a = d.substr(0, 3), b = d.substr(3, 3), c = d.substr(6);
        switch (style % 4) {
        case 0: return "+1 " + a + "-" + b + "-" + c;
        case 1: return "+1 (" + a + ") " + b + "-" + c;
        case 2: return "001 " + a + " " + b + " " + c;
        default: return "+1" + d;
        }
    }
    if (p.kind == "de") { // d = "3023125042"
        std::string a = d.substr(0, 2), b = d.substr(2);
        switch (style % 3) {
        case 0: return "+49 " + a + " " + b;
        case 1: return "0049 " + a + " " + b;
        default: return "+49 (0)" + a + " " + b;
        }
    }
    return d;
}

std::string e164(const PhoneNumber &p) {
    if (p.kind == "gb_mobile" || p.kind == "gb_landline" || p.kind == "gb_drama") return "+44" + p.digits;
    if (p.kind == "us") return "+1" + p.digits;
    if (p.kind == "de") return "+49" + p.digits;
    return "";
}

PhoneNumber person_phone(const json::object &person) {
    return PhoneNumber{str_of(person, "phone_kind"), str_of(person, "phone_digits")};
}

// Case variant of an email's local part; the domain stays lower-case because Kombo's OpenAPI
// pattern only admits lower-case domains.
std::string kombo_email_variant(Rng &rng, const std::string &canonical) {
    auto atpos = canonical.find('@');
    std::string local = canonical.substr(0, atpos), domain = canonical.substr(atpos);
    switch (rng.between(0, 3)) {
    case 0: return canonical;
    case 1: {
        std::string cap = local;
        bool next_upper = true;
        for (auto &c : cap) {
            if (next_upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            next_upper = (c == '.');
        }
        return cap + domain;
    }
    case 2: return upper(local) + domain;
    default: return canonical;
    }
}

// Tracker was typed by hand: spaces around and a different case (trimmed, case-insensitive match
// finds it, TRACKER-ASSUMPTION A11).
std::string tracker_email_variant(Rng &rng, const std::string &canonical) {
    switch (rng.between(0, 2)) {
    case 0: return " " + upper(canonical);
    case 1: return canonical + "  ";
    default: {
        auto atpos = canonical.find('@');
        return canonical.substr(0, atpos) + upper(canonical.substr(atpos));
    }
    }
}

void add_phone(json::array &out, const std::string &number, const std::string &type) {
    out.push_back(
        json::object{{"phone_number", number}, {"type", type.empty() ? json::value(nullptr) : json::value(type)}});
}

void add_email(json::array &out, const std::string &email, const char *type) {
    out.push_back(json::object{{"email_address", email}, {"type", type}});
}

std::string workable_shortcode(Rng &rng) {
    static const char alphabet[] = "0123456789ABCDEF";
    std::string s;
    for (int i = 0; i < 10; ++i) s += alphabet[rng.between(0, 15)];
    return s;
}

std::string stage_id(World &world, const std::string &name) {
    for (const auto &s : world.kombo_list("stages"))
        if (str_of(s.as_object(), "name") == name) return str_of(s.as_object(), "id");
    return "";
}

} // namespace

std::string kombo_id(Rng &rng) {
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    std::string id;
    for (int i = 0; i < 24; ++i) id += alphabet[rng.between(0, 57)];
    return id;
}

json::object make_person(Rng &rng, int index, int applications, int nameless_every) {
    std::string first = pick(rng, kFirstNames), last = pick(rng, kLastNames);
    json::object p;
    p["key"] = "person-" + std::to_string(index + 1);
    p["first_name"] = first;
    p["last_name"] = last;
    std::string local = lower(first) + "." + lower(last);
    local.erase(std::remove(local.begin(), local.end(), '\''), local.end());
    std::string email = local + std::to_string(index + 1) + "@" + pick(rng, kDomains);
    // Phone kind: mostly UK mobiles, some landlines, US, German and unusable numbers.
    std::int64_t roll = rng.between(0, 99);
    PhoneNumber phone;
    // Numbers are unique per person (the index is part of them) so that no two people share one.
    auto padded = [index](int width) {
        std::string n = std::to_string(index % 100000);
        return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(n.size()))), '0') + n;
    };
    if (roll < 50)
        phone = {"gb_mobile", "74001" + padded(5)};
    else if (roll < 62)
        phone = {"gb_landline", "2079" + padded(6)};
    else if (roll < 72)
        phone = {"us", "201555" + padded(4)};
    else if (roll < 80)
        phone = {"de", "30231" + padded(5)};
    else if (roll < 86 && index < 1000)
        phone = {"gb_drama", "7700900" + padded(3)};
    else if (roll < 93)
        phone = {"invalid", pick(rng, kInvalidPhones)};
    else
        phone = {"none", ""};
    bool phone_valid = !e164(phone).empty();
    // How this person's applications can be recognised as one person.
    std::string link_by;
    bool has_email = true;
    if (applications > 1) {
        link_by = (phone_valid && rng.chance(0.35)) ? "phone" : "email";
    } else {
        std::int64_t profile = rng.between(0, 99);
        if (profile < 70)
            link_by = "email";
        else if (profile < 85 && phone_valid)
            link_by = "phone", has_email = false;
        else
            link_by = "none", has_email = false;
    }
    p["email"] = has_email ? email : "";
    p["phone_kind"] = phone.kind;
    p["phone_digits"] = phone.digits;
    p["phone_e164"] = e164(phone);
    p["link_by"] = link_by;
    // Further contact details spread over the applications (the first has the primary ones, later
    // ones add these): a second email, a WORK mobile in a range of its own, a junk number.
    json::array valid_phones;
    if (phone_valid) valid_phones.push_back(json::value(e164(phone)));
    p["phone_type"] = phone.kind == "gb_landline" ? (rng.chance(0.5) ? "HOME" : "WORK") : pick(rng, kPrimaryPhoneTypes);
    p["email2"] = has_email && rng.chance(applications > 1 ? 0.5 : 0.15)
                      ? local + ".alt" + std::to_string(index + 1) + "@" + pick(rng, kDomains)
                      : "";
    if (rng.chance(0.3)) {
        PhoneNumber work{"gb_mobile", "74002" + padded(5)};
        p["phone2"] = spell(work, static_cast<int>(rng.between(0, 6)));
        valid_phones.push_back(json::value(e164(work)));
    } else {
        p["phone2"] = "";
    }
    p["junk_phone"] = rng.chance(0.1) ? pick(rng, kInvalidPhones) : "";
    p["valid_phones"] = std::move(valid_phones);
    // With --nameless-every N, one person in N has no name on any application (blank or null): not
    // syncable. Never the first two (they are the namesakes).
    p["nameless"] = nameless_every > 0 && index % nameless_every == nameless_every - 1 && index >= 2;
    p["tracker_resource_id"] = nullptr;
    p["applications"] = applications;
    return p;
}

std::string add_workable_application(World &world, Rng &rng, json::object &person, const json::object &job,
                                     EpochMs created_ms, const std::string &outcome) {
    std::string link_by = str_of(person, "link_by");
    std::string email = str_of(person, "email");
    PhoneNumber phone = person_phone(person);
    bool phone_valid = !e164(phone).empty();
    std::string app_email, app_phone;
    if (link_by == "email") {
        app_email = kombo_email_variant(rng, email);
        std::int64_t r = rng.between(0, 9);
        if (phone.kind != "none" && r < 6)
            app_phone = phone.kind == "invalid" ? phone.digits : spell(phone, static_cast<int>(rng.between(0, 6)));
        else if (r < 8 && phone_valid && phone.kind == "gb_landline")
            app_phone = spell(phone, 0) + " ext. " + std::to_string(rng.between(10, 99));
    } else if (link_by == "phone") {
        app_phone = spell(phone, static_cast<int>(rng.between(0, 6)));
        if (!email.empty() && rng.chance(0.5)) app_email = kombo_email_variant(rng, email);
    } else {
        // An unusable number, not an identity.
        if (phone.kind == "invalid") app_phone = phone.digits;
    }
    EpochMs updated_ms = created_ms + rng.between(0, 20) * kDay + rng.between(0, 86399) * 1000;
    // Which of the person's applications this is (1-based): later ones add further contact details,
    // a single application carries them all.
    const int number = static_cast<int>(int_or(person, "applications_made", 0)) + 1;
    person["applications_made"] = number;
    const bool adds_more = number > 1 || int_or(person, "applications", 1) <= 1;
    json::array emails, phones;
    if (!app_email.empty()) add_email(emails, app_email, "PRIVATE");
    // A second e-mail only beside the primary one: an application that carried ONLY an e-mail the
    // person's other records lack, linked to them by a shared phone alone, is by the identity rules
    // (a phone match must not contradict the e-mail) another person.
    if (adds_more && !app_email.empty() && !str_of(person, "email2").empty())
        add_email(emails, kombo_email_variant(rng, str_of(person, "email2")), "WORK");
    if (!app_phone.empty()) add_phone(phones, app_phone, phone.kind == "invalid" ? "" : str_of(person, "phone_type"));
    if (adds_more && !str_of(person, "phone2").empty()) add_phone(phones, str_of(person, "phone2"), "WORK");
    if (number == 1 && !str_of(person, "junk_phone").empty()) add_phone(phones, str_of(person, "junk_phone"), "");
    json::value first_name(str_of(person, "first_name")), last_name(str_of(person, "last_name"));
    if (truthy(person, "nameless")) {
        // Blank or null, differently on each application: there is no name to create a resource with.
        static const char *const blanks[] = {"", " ", nullptr};
        const char *b = blanks[number % 3];
        first_name = b ? json::value(b) : json::value(nullptr);
        last_name = number % 2 ? json::value(nullptr) : json::value("");
    }
    json::object candidate;
    std::string candidate_id = kombo_id(rng);
    candidate["id"] = candidate_id;
    candidate["remote_id"] = lower(workable_shortcode(rng)).substr(0, 6) + std::to_string(rng.between(100, 999));
    candidate["first_name"] = std::move(first_name);
    candidate["last_name"] = std::move(last_name);
    candidate["email_addresses"] = std::move(emails);
    candidate["phone_numbers"] = std::move(phones);
    candidate["source"] = rng.chance(0.15) ? json::value(nullptr) : json::value(pick(rng, kSources)); // string|null
    candidate["company"] = nullptr;
    candidate["title"] = nullptr;
    candidate["tags"] = json::array{};
    candidate["created_ms"] = created_ms;
    candidate["updated_ms"] = created_ms;
    candidate["changed_ms"] = created_ms;
    candidate["deleted_ms"] = nullptr;
    world.add_kombo("candidates", std::move(candidate));

    json::object app;
    std::string app_id = kombo_id(rng);
    app["id"] = app_id;
    app["remote_id"] = std::to_string(rng.between(1000000, 9999999));
    app["outcome"] = outcome;
    app["job_id"] = str_of(job, "id");
    app["candidate_id"] = candidate_id;
    // Hired applications sit in "Hired"; the others anywhere before it.
    std::string stage_name = outcome == "HIRED" ? "Hired" : kStages[rng.between(0, kStageCount - 2)];
    app["current_stage_id"] = stage_id(world, stage_name);
    if (outcome == "DECLINED") {
        app["rejection_reason_name"] = pick(rng, kRejections);
        app["rejected_ms"] = updated_ms;
    } else {
        app["rejection_reason_name"] = nullptr;
        app["rejected_ms"] = nullptr;
    }
    json::array offers;
    if (outcome == "HIRED")
        offers.push_back(json::object{
            {"id", kombo_id(rng)}, {"remote_id", std::to_string(rng.between(100, 999))}, {"status", "ACCEPTED"}});
    app["offers"] = std::move(offers);
    // Applications that reached an interview carry one; about half answered screening questions.
    json::array interviews;
    if (stage_name == "Interview" || stage_name == "Offer" || stage_name == "Hired") {
        EpochMs start = created_ms + rng.between(2, 10) * kDay + 10 * 3600 * 1000;
        interviews.push_back(json::object{
            {"id", kombo_id(rng)},
            {"remote_id", std::to_string(rng.between(10000, 99999))},
            {"title", "Interview with " + str_of(person, "first_name") + " " + str_of(person, "last_name")},
            {"starting_at", iso_utc(start)},
            {"ending_at", iso_utc(start + 3600 * 1000)},
            {"location", json::object{{"city", str_of(job, "city")},
                                      {"country", "GB"},
                                      {"raw", str_of(job, "city") + ", United Kingdom"},
                                      {"state", nullptr},
                                      {"street_1", nullptr},
                                      {"street_2", nullptr},
                                      {"zip_code", nullptr}}},
            {"canceled", false}});
    }
    app["interviews"] = std::move(interviews);
    json::array answers;
    if (rng.chance(0.5)) {
        answers.push_back(json::object{{"answer", json::object{{"choice", rng.chance(0.8) ? "Yes" : "No"}}},
                                       {"question", json::object{{"remote_id", "rtw"},
                                                                 {"title", "Do you have the right to work in the UK?"},
                                                                 {"type", "SINGLE_SELECT"}}}});
        answers.push_back(json::object{
            {"answer", json::object{{"content", std::to_string(rng.between(1, 8)) + " weeks"}}},
            {"question",
             json::object{{"remote_id", "notice"}, {"title", "What is your notice period?"}, {"type", "TEXT"}}}});
    }
    app["screening_question_answers"] = std::move(answers);
    app["created_ms"] = created_ms;
    app["updated_ms"] = updated_ms;
    app["changed_ms"] = updated_ms;
    app["deleted_ms"] = nullptr;
    world.add_kombo("applications", std::move(app));

    add_application_attachments(world, rng, person, app_id, candidate_id, created_ms, number);
    world.truth()["application_person"].as_object()[app_id] = str_of(person, "key");
    return app_id;
}

json::object generate_world(const GeneratorParams &params) {
    Rng rng(params.seed * 0x9E3779B97F4A7C15ULL + 17);
    World world;
    world.doc = json::object{
        {"params", json::object{{"seed", params.seed},
                                {"jobs", params.jobs},
                                {"applications", params.applications},
                                {"people", params.people},
                                {"tracker_people", params.tracker_people},
                                {"nameless_every", params.nameless_every}}},
        {"tracker",
         json::object{{"timezone", "Europe/London"},
                      {"next_ids", json::object{{"R", 10437}, {"O", 2311}, {"OR", 88015}, {"D", 5120}, {"A", 7703}}},
                      {"settings", default_tracker_settings()},
                      {"resources", json::array{}},
                      {"opportunities", json::array{}},
                      {"links", json::array{}},
                      {"documents", json::array{}},
                      {"activities", json::array{}},
                      {"oauth", json::object{}}}},
        {"kombo", json::object{{"jobs", json::array{}},
                               {"candidates", json::array{}},
                               {"applications", json::array{}},
                               {"attachments", json::array{}},
                               {"stages", json::array{}}}},
        {"truth",
         json::object{{"people", json::array{}}, {"application_person", json::object{}}, {"jobs", json::object{}}}},
        {"mutations", 0}};
    world.reindex();
    json::object &settings = world.tracker()["settings"].as_object();
    const std::int64_t job_field = *custom_field_id(settings, "Opportunity", kWorkableJobField);
    const EpochMs base = at("2026-01-05T09:00:00Z");

    for (int i = 0; i < kStageCount; ++i)
        world.kombo_list("stages").push_back(json::object{{"id", kombo_id(rng)},
                                                          {"remote_id", "stage-" + std::to_string(i + 1)},
                                                          {"name", kStages[i]},
                                                          {"index", i}});

    // Jobs: in Workable and in Tracker; linked by custom field, by identical title, or not at all.
    const char *const link_cycle[] = {"custom_field", "title", "unmapped", "custom_field", "custom_field"};
    std::vector<json::object> jobs;
    for (int j = 0; j < params.jobs; ++j) {
        std::string title = kJobTitles[j % 15];
        if (j >= 15) title += " " + std::to_string(j / 15 + 1);
        EpochMs created = base + j * 2 * kDay;
        json::object job{{"id", kombo_id(rng)},
                         {"remote_id", workable_shortcode(rng)},
                         {"name", title},
                         {"job_code", "WK-" + std::to_string(1000 + j)},
                         {"status", "OPEN"},
                         {"employment_type", j % 3 == 0 ? "CONTRACT" : "FULL_TIME"},
                         {"department", j % 2 ? "Operations" : "Technology"},
                         {"city", j % 2 ? "Manchester" : "London"},
                         {"created_ms", created},
                         {"updated_ms", created},
                         {"changed_ms", created},
                         {"deleted_ms", nullptr}};
        std::string link = link_cycle[j % 5];
        std::int64_t opp_id = world.next_tracker_id("O");
        json::array custom;
        std::string tracker_name = title;
        if (link == "custom_field") {
            tracker_name = "JOB-" + std::to_string(opp_id) + " " + title;
            custom.push_back(json::object{{"id", job_field}, {"value", str_of(job, "remote_id")}});
        } else if (link == "unmapped") {
            tracker_name = title + " (Agency)";
        }
        json::object opp{{"id", opp_id},
                         {"name", tracker_name},
                         {"company", j % 2 ? "Northwind Logistics" : "Contoso Health"},
                         {"clientid", j % 2 ? 601 : 577},
                         {"contactid", j % 2 ? 9012 : 9044},
                         {"status", "Open"},
                         {"state", "open"},
                         {"description", "Role: " + title},
                         {"location", j % 2 ? "Manchester" : "London"},
                         {"owners", json::array{118}},
                         {"customfields", std::move(custom)},
                         {"created_ms", created},
                         {"updated_ms", created}};
        world.add_tracker("O", std::move(opp));
        world.truth()["jobs"].as_object()[str_of(job, "id")] =
            json::object{{"tracker_opportunity_id", opp_id}, {"link", link}, {"title", title}};
        jobs.push_back(world.add_kombo("jobs", std::move(job)));
    }
    // Tracker-only opportunities.
    for (const char *title : {"Office Manager", "Finance Director"}) {
        std::int64_t opp_id = world.next_tracker_id("O");
        bool closed = std::string(title) == "Finance Director"; // a closed job for state filters
        world.add_tracker("O", json::object{{"id", opp_id},
                                            {"name", "JOB-" + std::to_string(opp_id) + " " + title},
                                            {"company", "Contoso Health"},
                                            {"clientid", 577},
                                            {"contactid", 9044},
                                            {"status", closed ? "Closed" : "Resume Sent"},
                                            {"state", closed ? "closed" : "open"},
                                            {"description", title},
                                            {"location", "Leeds"},
                                            {"owners", json::array{3}},
                                            {"customfields", json::array{}},
                                            {"created_ms", base},
                                            {"updated_ms", base + kDay}});
    }

    // People and how many applications each makes (one per job at most).
    int applications = std::max(0, params.applications);
    int people_used = std::min(std::max(0, params.people), applications);
    std::vector<int> per_person(static_cast<std::size_t>(people_used), 1);
    int remaining = applications - people_used;
    int max_per_person = std::max(1, params.jobs);
    while (remaining > 0 && people_used > 0) {
        std::vector<int> open;
        for (int i = 0; i < people_used; ++i)
            if (per_person[static_cast<std::size_t>(i)] < max_per_person) open.push_back(i);
        if (open.empty()) break;
        per_person[static_cast<std::size_t>(
            open[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(open.size()) - 1))])]++;
        --remaining;
    }
    auto &truth_people = world.truth()["people"].as_array();
    for (int i = 0; i < people_used; ++i) {
        json::object person = make_person(rng, i, per_person[static_cast<std::size_t>(i)], params.nameless_every);
        // Two different people with the same name: names alone must never merge people.
        if (i == 1 && people_used >= 6) {
            const auto &namesake = truth_people[0].as_object();
            person["first_name"] = namesake.at("first_name");
            person["last_name"] = namesake.at("last_name");
            if (!str_of(person, "email").empty()) {
                std::string email = str_of(person, "email");
                std::string local = lower(str_of(namesake, "first_name") + "." + str_of(namesake, "last_name"));
                local.erase(std::remove(local.begin(), local.end(), '\''), local.end());
                person["email"] = local + ".b" + std::to_string(i + 1) + email.substr(email.find('@'));
            }
        }
        truth_people.push_back(std::move(person));
    }

    // People already in Tracker: same person, contact details typed differently.
    const std::int64_t candidate_field = *custom_field_id(settings, "Resource", kWorkableCandidateField);
    (void)candidate_field; // filled in by a correct sync, never by the generator
    int in_tracker = 0;
    for (auto &pv : truth_people) {
        if (in_tracker >= params.tracker_people) break;
        auto &person = pv.as_object();
        if (str_of(person, "link_by") == "none" || truthy(person, "nameless")) continue;
        PhoneNumber phone = person_phone(person);
        std::int64_t rid = world.next_tracker_id("R");
        EpochMs created = base - rng.between(30, 400) * kDay;
        std::string email = str_of(person, "email");
        json::object r{{"id", rid},
                       {"firstname", str_of(person, "first_name")},
                       {"lastname", str_of(person, "last_name")},
                       {"email", email.empty() ? "" : tracker_email_variant(rng, email)},
                       {"mobiletelephone", ""},
                       {"worktelephone", ""},
                       {"hometelephone", ""},
                       {"jobtitle", "Consultant"},
                       {"companyname", "Previous Employer Ltd"},
                       {"source", "LinkedIn"},
                       {"linkedin", ""},
                       {"status", "Active"},
                       {"customfields", json::array{}},
                       {"created_ms", created},
                       {"updated_ms", created + kDay}};
        if (!e164(phone).empty())
            r[phone.kind == "gb_landline" ? "worktelephone" : "mobiletelephone"] =
                spell(phone, static_cast<int>(rng.between(0, 6)));
        world.add_tracker("R", std::move(r));
        person["tracker_resource_id"] = rid;
        ++in_tracker;
    }
    // Tracker-only people, one of them sharing a Workable person's name but no contact detail.
    for (int n = 0; n < 3; ++n) {
        std::int64_t rid = world.next_tracker_id("R");
        std::string first = n == 0 && !truth_people.empty() ? str_of(truth_people[0].as_object(), "first_name")
                                                            : pick(rng, kFirstNames);
        std::string last =
            n == 0 && !truth_people.empty() ? str_of(truth_people[0].as_object(), "last_name") : pick(rng, kLastNames);
        world.add_tracker("R", json::object{{"id", rid},
                                            {"firstname", first},
                                            {"lastname", last},
                                            {"email", lower(first) + ".tracker" + std::to_string(n) + "@example.net"},
                                            // A range no generated person uses (their mobiles are 74001/74002
                                            // xxxxx and 7700 900xxx): disjoint for any world size.
                                            {"mobiletelephone", "+44 7409 " + std::to_string(100000 + n)},
                                            {"worktelephone", ""},
                                            {"hometelephone", ""},
                                            {"jobtitle", "Analyst"},
                                            {"companyname", "Fabrikam"},
                                            {"source", "Website"},
                                            {"linkedin", ""},
                                            {"status", "Active"},
                                            {"customfields", json::array{}},
                                            {"created_ms", base - 90 * kDay},
                                            {"updated_ms", base - 80 * kDay}});
    }

    // Applications: each person applies to distinct jobs; outcomes HIRED / DECLINED / PENDING.
    std::vector<std::string> app_ids;
    for (auto &pv : truth_people) {
        auto &person = pv.as_object();
        int count = static_cast<int>(int_or(person, "applications", 1));
        std::set<std::size_t> used_jobs;
        for (int k = 0; k < count && !jobs.empty(); ++k) {
            std::size_t j;
            do j = static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(jobs.size()) - 1));
            while (used_jobs.count(j) && used_jobs.size() < jobs.size());
            used_jobs.insert(j);
            std::int64_t roll = rng.between(0, 99);
            std::string outcome = roll < 60 ? "PENDING" : roll < 82 ? "DECLINED" : "HIRED";
            EpochMs created =
                int_or(jobs[j], "created_ms", base) + rng.between(1, 240) * kDay + rng.between(0, 86399) * 1000;
            app_ids.push_back(add_workable_application(world, rng, person, jobs[j], created, outcome));
        }
    }
    // Kombo lists records in the order they appeared, not person by person.
    for (const char *collection : {"applications", "candidates", "attachments"}) {
        auto &list = world.kombo_list(collection);
        std::stable_sort(list.begin(), list.end(), [](const json::value &a, const json::value &b) {
            return int_or(a.as_object(), "created_ms", 0) < int_or(b.as_object(), "created_ms", 0);
        });
    }
    world.reindex();
    // Some applications were deleted in Workable.
    int deletions = applications >= 10 ? std::max(1, applications / 20) : 0;
    for (int d = 0; d < deletions && !app_ids.empty(); ++d) {
        json::object *app = world.kombo_record(
            "applications",
            app_ids[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(app_ids.size()) - 1))]);
        if (!app || !app->at("deleted_ms").is_null()) continue;
        EpochMs when = int_or(*app, "updated_ms", base) + kDay;
        (*app)["deleted_ms"] = when;
        (*app)["changed_ms"] = when;
        if (json::object *cand = world.kombo_record("candidates", str_of(*app, "candidate_id"))) {
            (*cand)["deleted_ms"] = when;
            (*cand)["changed_ms"] = when;
        }
    }
    // One person already in Tracker was already put on a mapped job by hand: a correct sync reuses
    // that link (expected.existing_link_id) instead of creating a second one.
    {
        const auto &owners = world.truth()["application_person"].as_object();
        const auto &job_truth = world.truth()["jobs"].as_object();
        const std::int64_t applied_id = *settings_id_by_name(settings, "opportunityResourceStatuses", "Applied");
        for (const auto &av : world.kombo_list("applications")) {
            const auto &app = av.as_object();
            if (!app.at("deleted_ms").is_null()) continue;
            auto owner = owners.find(str_of(app, "id"));
            if (owner == owners.end()) continue;
            const json::object *person = nullptr;
            for (const auto &pv : truth_people)
                if (str_of(pv.as_object(), "key") == owner->value().as_string()) person = &pv.as_object();
            auto job = job_truth.find(str_of(app, "job_id"));
            if (!person || person->at("tracker_resource_id").is_null() || job == job_truth.end() ||
                str_of(job->value().as_object(), "link") != "custom_field")
                continue;
            std::int64_t lid = world.next_tracker_id("OR");
            EpochMs when = int_or(app, "created_ms", base) - kDay;
            world.add_tracker("OR",
                              json::object{{"id", lid},
                                           {"opportunityid", job->value().as_object().at("tracker_opportunity_id")},
                                           {"resourceid", person->at("tracker_resource_id")},
                                           {"list", "long"},
                                           {"statusid", applied_id},
                                           {"source", "LinkedIn"},
                                           {"created_ms", when},
                                           {"updated_ms", when}});
            break;
        }
    }
    // Tracker-native applications of Tracker-only people (the hybrid's "combined set").
    const std::int64_t applied = *settings_id_by_name(settings, "opportunityResourceStatuses", "Applied");
    const std::int64_t shortlisted = *settings_id_by_name(settings, "opportunityResourceStatuses", "Shortlisted");
    auto &resources = world.tracker_list("resources");
    auto &opps = world.tracker_list("opportunities");
    for (std::size_t n = 0; n < 3 && n < resources.size(); ++n) {
        const auto &r = resources[resources.size() - 1 - n].as_object();
        const auto &o = opps[(n * 2) % opps.size()].as_object();
        std::int64_t lid = world.next_tracker_id("OR");
        world.add_tracker("OR", json::object{{"id", lid},
                                             {"opportunityid", o.at("id")},
                                             {"resourceid", r.at("id")},
                                             {"list", n % 2 ? "short" : "long"},
                                             {"statusid", n % 2 ? shortlisted : applied},
                                             {"source", "Website"},
                                             {"created_ms", base + static_cast<std::int64_t>(n) * kDay},
                                             {"updated_ms", base + static_cast<std::int64_t>(n + 1) * kDay}});
    }
    return std::move(world.doc);
}

} // namespace ats::sandbox
