// Tracker Widget API read methods: getRecords (incl. OR/D/A listings and recordids, A2/A5/A6/A7/
// A14), getIndividualRecord, getSettings (A4) and checkPerson (A11); row shapes per A2/A5/A6/A12/A13.
#include "tracker_internal.hpp"

#include "text_util.hpp"
#include "tracker_settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace ats::sandbox::tracker {

namespace {
constexpr std::int64_t kMaxPage = 500; // A7
constexpr std::int64_t kDefaultPage = 100;

std::string local(TrackerContext &ctx, const json::object &o, const char *key) {
    auto ms = int_of(o, key);
    return ms ? ctx.zone.local_datetime(*ms) : "";
}

json::array named_custom_fields(TrackerContext &ctx, const json::object &record) {
    json::array out;
    const auto &settings = ctx.world.tracker()["settings"].as_object();
    if (const json::array *custom = array_at(record, "customfields"))
        for (const auto &cf : *custom) {
            std::int64_t id = int_or(cf.as_object(), "id", -1);
            std::string name;
            if (const json::array *defs = array_at(settings, "customFields"))
                for (const auto &d : *defs)
                    if (int_or(d.as_object(), "Id", -2) == id) name = str_of(d.as_object(), "Name");
            out.push_back(json::object{{"id", id}, {"name", name}, {"value", cf.as_object().at("value")}});
        }
    return out;
}

bool contains_ci(const std::string &haystack, const std::string &needle) {
    return lower_trim(haystack).find(lower_trim(needle)) != std::string::npos;
}

// Seconds precision: rows show seconds, so filters compare what the client can see (A8).
std::int64_t seconds_floor(std::int64_t ms) { return ms - ((ms % 1000) + 1000) % 1000; }
} // namespace

HttpResponse ok(json::object extra) {
    json::object body{{"status", 0}, {"message", "success"}};
    for (auto &kv : extra) body[kv.key()] = std::move(kv.value());
    HttpResponse r;
    r.body = json::serialize(body);
    return r;
}

HttpResponse error(int status, const std::string &message) {
    HttpResponse r;
    r.body = json::serialize(json::object{{"status", status}, {"message", message}});
    return r;
}

HttpResponse not_found(const std::string &record_type, std::int64_t id) {
    return error(99, "Record not found: recordtype " + record_type + " id " + std::to_string(id));
}

std::string lower_trim(const std::string &s) { return lower_trimmed(s); }

std::string digits_only(const std::string &s) { return digits_of(s); }

std::string full_name(const json::object &r) {
    std::string first = str_of(r, "firstname"), last = str_of(r, "lastname");
    return first.empty() ? last : last.empty() ? first : first + " " + last;
}

json::object render_resource(TrackerContext &ctx, const json::object &r, bool custom_fields) {
    json::object row{{"id", r.at("id")},
                     {"name", full_name(r)},
                     {"details", json::object{{"firstname", str_of(r, "firstname")},
                                              {"lastname", str_of(r, "lastname")},
                                              {"preferredname", str_of(r, "preferredname")},
                                              {"email", str_of(r, "email")},
                                              {"mobiletelephone", str_of(r, "mobiletelephone")},
                                              {"worktelephone", str_of(r, "worktelephone")},
                                              {"hometelephone", str_of(r, "hometelephone")},
                                              {"jobtitle", str_of(r, "jobtitle")},
                                              {"companyname", str_of(r, "companyname")},
                                              {"linkedin", str_of(r, "linkedin")},
                                              {"status", str_of(r, "status")},
                                              {"source", str_of(r, "source")}}},
                     {"datecreated", local(ctx, r, "created_ms")},
                     {"lastupdated", local(ctx, r, "updated_ms")}};
    if (custom_fields) row["customfields"] = named_custom_fields(ctx, r);
    return row;
}

json::object render_opportunity(TrackerContext &ctx, const json::object &o, bool custom_fields, bool individual) {
    json::object row{{"id", o.at("id")},
                     {"name", str_of(o, "name")},
                     {"company", str_of(o, "company")},
                     {"clientid", o.at("clientid")},
                     {"status", str_of(o, "status")},
                     {"dateopened", ctx.zone.local_date(int_or(o, "created_ms", 0))},
                     {"lastupdated", local(ctx, o, "updated_ms")},
                     {"details", json::array{}}};
    if (custom_fields || individual) row["customfields"] = named_custom_fields(ctx, o);
    if (individual) {
        row["clientname"] = str_of(o, "company");
        row["contactid"] = o.count("contactid") ? o.at("contactid") : json::value(nullptr);
        row["description"] = str_of(o, "description");
        row["location"] = str_of(o, "location");
        json::array owners;
        const auto &settings = ctx.world.tracker()["settings"].as_object();
        if (const json::array *ids = array_at(o, "owners"))
            for (const auto &id : *ids)
                owners.push_back(json::object{
                    {"UserId", id},
                    {"UserName", settings_name_by_id(settings, "users", int_of(&id).value_or(0)).value_or("")}});
        row["Owners"] = std::move(owners);
        // Placements: resources whose link on this opportunity is Accepted; documented casing kept.
        json::array placements;
        std::int64_t shortlisted = 0;
        auto accepted = settings_id_by_name(settings, "opportunityResourceStatuses", "Accepted");
        for (const json::object *lp : ctx.world.links_by("opportunityid", int_or(o, "id", -1))) {
            const auto &l = *lp;
            if (str_of(l, "list") == "short") ++shortlisted;
            if (accepted && int_or(l, "statusid", -1) == *accepted) {
                json::object *r = ctx.world.tracker_record("R", int_or(l, "resourceid", -1));
                placements.push_back(json::object{{"PlacementId", l.at("id")},
                                                  {"CandidateId", l.at("resourceid")},
                                                  {"CandidateName", r ? full_name(*r) : ""}});
            }
        }
        row["shortlisted"] = shortlisted;
        row["Placements"] = std::move(placements);
    }
    return row;
}

json::object render_link(TrackerContext &ctx, const json::object &l) {
    json::object *opp = ctx.world.tracker_record("O", int_or(l, "opportunityid", -1));
    json::object *res = ctx.world.tracker_record("R", int_or(l, "resourceid", -1));
    const auto &settings = ctx.world.tracker()["settings"].as_object();
    std::int64_t status_id = int_or(l, "statusid", -1);
    return json::object{
        {"id", l.at("id")},
        {"opportunityid", l.at("opportunityid")},
        {"opportunityname", opp ? str_of(*opp, "name") : ""},
        {"resourceid", l.at("resourceid")},
        {"resourcename", res ? full_name(*res) : ""},
        {"list", str_of(l, "list", "long")},
        {"statusid", status_id},
        {"status", settings_name_by_id(settings, "opportunityResourceStatuses", status_id).value_or("")},
        {"source", str_of(l, "source")},
        {"dateadded", local(ctx, l, "created_ms")},
        {"lastupdated", local(ctx, l, "updated_ms")}};
}

json::object render_document(TrackerContext &ctx, const json::object &d, bool with_data) {
    json::object row{{"id", d.at("id")},
                     {"filename", str_of(d, "filename")},
                     {"documenttype", str_of(d, "documenttype")},
                     {"contenttype", str_of(d, "contenttype")},
                     {"size", int_or(d, "size", 0)},
                     {"dateadded", local(ctx, d, "created_ms")},
                     {"linkrecordtype", str_of(d, "linkrecordtype")},
                     {"linkrecordid", d.at("linkrecordid")}};
    if (with_data) row["data"] = str_of(d, "data");
    return row;
}

json::object render_activity(TrackerContext &ctx, const json::object &a) {
    return json::object{{"id", a.at("id")},
                        {"subject", str_of(a, "subject")},
                        {"type", str_of(a, "type")},
                        {"date", str_of(a, "date")},
                        {"time", str_of(a, "time")},
                        {"note", str_of(a, "note")},
                        {"linkrecordtype", str_of(a, "linkrecordtype")},
                        {"linkrecordid", a.at("linkrecordid")},
                        {"datecreated", local(ctx, a, "created_ms")}};
}

json::object render(TrackerContext &ctx, const std::string &type, const json::object &record, bool, bool individual) {
    // A12/A13 list customfields as part of every R and O row, so rows always carry them
    // (`includecustomfields` is accepted and changes nothing).
    if (type == "R") return render_resource(ctx, record, true);
    if (type == "O") return render_opportunity(ctx, record, true, individual);
    if (type == "OR") return render_link(ctx, record);
    if (type == "D") return render_document(ctx, record, individual);
    return render_activity(ctx, record);
}

HttpResponse get_records(TrackerContext &ctx, const json::object &call) {
    const json::object empty;
    const json::object *ins = object_at(call, "instructions");
    if (!ins) ins = &empty;
    const std::string type = str_of(*ins, "recordtype");
    const char *collection = tracker_collection(type);
    if (!collection) return error(99, "Invalid recordtype '" + type + "'");
    if (auto id = int_of(*ins, "recordid")) {
        json::object *record = ctx.world.tracker_record(type, *id);
        if (!record) return not_found(type, *id);
        return ok(json::object{
            {"count", 1},
            {"results", json::array{render(ctx, type, *record, truthy(*ins, "includecustomfields"), false)}}});
    }
    std::int64_t numrecords = int_or(*ins, "numrecords", kDefaultPage);
    std::int64_t pagenum = int_or(*ins, "pagenum", 1);
    if (numrecords < 1 || numrecords > kMaxPage) return error(99, "numrecords must be between 1 and 500");
    if (pagenum < 1) return error(99, "pagenum must be 1 or more");
    std::set<std::int64_t> wanted;
    bool by_ids = false;
    if (field(*ins, "recordids")) { // A14
        by_ids = true;
        std::stringstream ids(str_of(*ins, "recordids"));
        std::string item;
        while (std::getline(ids, item, ',')) {
            json::value item_value(lower_trim(item));
            auto n = int_of(&item_value);
            if (!n) return error(99, "recordids must be a comma-separated list of integers");
            wanted.insert(*n);
        }
        if (wanted.size() > 500) return error(99, "recordids accepts at most 500 ids");
    }
    std::optional<EpochMs> after, before;
    if (std::string s = str_of(*ins, "updatedafter"); !s.empty()) {
        after = (ctx.filter_zone ? *ctx.filter_zone : ctx.zone).parse_local(s);
        if (!after) return error(99, "updatedafter must be \"YYYY-MM-DD HH:MM:SS\" (local time)");
    }
    if (std::string s = str_of(*ins, "updatedbefore"); !s.empty()) {
        before = (ctx.filter_zone ? *ctx.filter_zone : ctx.zone).parse_local(s);
        if (!before) return error(99, "updatedbefore must be \"YYYY-MM-DD HH:MM:SS\" (local time)");
    }
    const std::string state = lower_trim(str_of(*ins, "state"));
    const std::string search = str_of(*ins, "searchtext");
    auto opp_filter = int_of(*ins, "opportunityid");
    auto res_filter = int_of(*ins, "resourceid");
    const std::string link_type = str_of(*ins, "linkrecordtype");
    auto link_id = int_of(*ins, "linkrecordid");
    // The rows to look at: from an index when a filter names them (ids, a link's ends, the record a
    // document or activity is attached to), otherwise the whole collection.
    std::vector<const json::object *> pool;
    bool whole_collection = false;
    if (by_ids) {
        for (std::int64_t id : wanted)
            if (const json::object *r = ctx.world.tracker_record(type, id)) pool.push_back(r);
    } else if (type == "OR" && (res_filter || opp_filter)) {
        for (const json::object *r :
             ctx.world.links_by(res_filter ? "resourceid" : "opportunityid", res_filter ? *res_filter : *opp_filter))
            pool.push_back(r);
    } else if ((type == "D" || type == "A") && !link_type.empty() && link_id) {
        for (const json::object *r : ctx.world.attached_to(type, link_type, *link_id)) pool.push_back(r);
    } else {
        whole_collection = true;
    }
    std::string sortfield = lower_trim(str_of(*ins, "sortfield"));
    bool desc = lower_trim(str_of(*ins, "sortdir")) == "desc";
    if (!sortfield.empty() && sortfield != "id" && sortfield != "lastupdateddatetime" && sortfield != "lastupdated" &&
        sortfield != "datecreated" && sortfield != "dateadded" && sortfield != "name")
        return error(99, "Invalid sortfield '" + sortfield + "'");
    const World::RowKeys::Sort sort = sortfield == "lastupdateddatetime" || sortfield == "lastupdated"
                                          ? World::RowKeys::updated
                                      : sortfield == "datecreated" || sortfield == "dateadded" ? World::RowKeys::created
                                                                                               : World::RowKeys::none;
    // Whether a row passes the filters; fields other than its keys are read only when a filter
    // needs them (a full listing looks at every row once per page).
    auto passes = [&](const json::object &r, const World::RowKeys &k) {
        if (by_ids && !wanted.count(k.id)) return false;
        if (after || before) {
            std::int64_t updated = seconds_floor(k.changed_ms);
            if (after && updated < *after) return false;   // A8: lastupdated >= updatedafter
            if (before && updated > *before) return false; // sandbox choice: lastupdated <= updatedbefore
        }
        if (type == "O" && !state.empty() && state != lower_trim(str_of(r, "state"))) return false;
        if (!search.empty()) {
            if (type == "R" && !contains_ci(str_of(r, "firstname"), search) &&
                !contains_ci(str_of(r, "lastname"), search) && !contains_ci(full_name(r), search))
                return false;
            if (type == "O" && !contains_ci(str_of(r, "name"), search)) return false;
            if (type == "D" && !contains_ci(str_of(r, "filename"), search)) return false;
            if (type == "A" && !contains_ci(str_of(r, "subject"), search)) return false;
        }
        if (type == "OR" && opp_filter && int_or(r, "opportunityid", -1) != *opp_filter) return false;
        if (type == "OR" && res_filter && int_or(r, "resourceid", -1) != *res_filter) return false;
        if ((type == "D" || type == "A") && !link_type.empty() && str_of(r, "linkrecordtype") != link_type)
            return false;
        if ((type == "D" || type == "A") && link_id && int_or(r, "linkrecordid", -1) != *link_id) return false;
        return true;
    };
    std::size_t start = static_cast<std::size_t>((pagenum - 1) * numrecords);
    const std::size_t page_end = start + static_cast<std::size_t>(numrecords);
    // The listing's rows in order, up to this page's end.
    std::vector<const json::object *> rows;
    if (whole_collection && sortfield != "name") {
        // The world keeps each collection's order (World::row_order): a page walks it up to its
        // end, no sort per request.
        const json::array &list = ctx.world.tracker_list(collection);
        const auto &keys = ctx.world.row_keys(collection);
        for (std::uint32_t i : ctx.world.row_order(collection, sort, desc)) {
            if (rows.size() >= page_end) break;
            const json::object &r = list[i].as_object();
            if (passes(r, keys[i])) rows.push_back(&r);
        }
    } else {
        if (whole_collection)
            for (const auto &v : ctx.world.tracker_list(collection)) pool.push_back(&v.as_object());
        struct Keyed {
            std::string name;
            std::int64_t key, id;
            const json::object *row;
        };
        std::vector<Keyed> keyed;
        for (const json::object *r : pool) {
            World::RowKeys k = World::RowKeys::of(*r);
            if (!passes(*r, k)) continue;
            keyed.push_back(
                Keyed{sortfield == "name" ? (type == "R" ? full_name(*r) : str_of(*r, "name")) : std::string(),
                      k.sort_key(sort), k.id, r});
        }
        std::size_t n = std::min(keyed.size(), page_end);
        std::partial_sort(keyed.begin(), keyed.begin() + n, keyed.end(), [&](const Keyed &a, const Keyed &b) {
            if (a.name != b.name) return desc ? a.name > b.name : a.name < b.name;
            if (a.key != b.key) return desc ? a.key > b.key : a.key < b.key;
            return desc ? a.id > b.id : a.id < b.id;
        });
        for (std::size_t i = 0; i < n; ++i) rows.push_back(keyed[i].row);
    }
    std::size_t end = std::min(rows.size(), page_end);
    if (ctx.overlap_pages && pagenum > 1) {
        // Fault "overlap": this page repeats the tail of the previous one (seen on the real service);
        // it still reaches the normal end so nothing is skipped.
        start -= std::min<std::size_t>(start, static_cast<std::size_t>(std::max<std::int64_t>(1, numrecords / 4)));
    }
    json::array results;
    bool custom = truthy(*ins, "includecustomfields");
    for (std::size_t i = start; i < end; ++i) results.push_back(render(ctx, type, *rows[i], custom, false));
    std::int64_t count = static_cast<std::int64_t>(results.size());
    return ok(json::object{{"count", count}, {"results", std::move(results)}});
}

HttpResponse get_individual_record(TrackerContext &ctx, const json::object &call) {
    const json::object empty;
    const json::object *ins = object_at(call, "instructions");
    if (!ins) ins = &empty;
    const std::string type = str_of(*ins, "recordtype");
    if (!tracker_collection(type)) return error(99, "Invalid recordtype '" + type + "'");
    auto id = int_of(*ins, "recordid");
    if (!id) return error(99, "Object variable or With block variable not set.");
    json::object *record = ctx.world.tracker_record(type, *id);
    if (!record) return not_found(type, *id);
    return ok(json::object{{"count", 1}, {"results", json::array{render(ctx, type, *record, true, true)}}});
}

HttpResponse get_settings(TrackerContext &ctx, const json::object &) {
    return ok(ctx.world.tracker()["settings"].as_object());
}

HttpResponse check_person(TrackerContext &ctx, const json::object &call) {
    const json::object *details = object_at(call, "details");
    if (!details) return error(99, "Object variable or With block variable not set.");
    std::string email = lower_trim(str_of(*details, "email"));
    std::string phone = digits_only(str_of(*details, "phone"));
    std::string linkedin = lower_trim(str_of(*details, "linkedin"));
    if (email.empty() && phone.empty() && linkedin.empty())
        return error(99, "details must contain email, phone or linkedin");
    // Indexed (World::resources_by_*), same rules as a scan: ascending resource id.
    std::set<std::int64_t> ids = ctx.world.resources_by_email(email);
    for (std::int64_t id : ctx.world.resources_by_linkedin(linkedin)) ids.insert(id);
    for (std::int64_t id : ctx.world.resources_by_phone_digits(phone)) ids.insert(id);
    json::array matches;
    for (std::int64_t id : ids) matches.push_back(id);
    if (matches.empty()) return ok(json::object{{"count", 0}});
    json::object *first = ctx.world.tracker_record("R", int_of(&matches[0]).value_or(-1));
    json::object first_record{{"fullname", full_name(*first)},
                              {"jobtitle", str_of(*first, "jobtitle")},
                              {"company", str_of(*first, "companyname")},
                              {"phone", str_of(*first, "worktelephone")},
                              {"cell", str_of(*first, "mobiletelephone")},
                              {"email", str_of(*first, "email")},
                              {"linkedin", str_of(*first, "linkedin")}};
    std::int64_t count = static_cast<std::int64_t>(matches.size());
    return ok(json::object{{"count", count},
                           {"recordLink", ctx.base_url + "/record/R/" + std::to_string(int_or(*first, "id", 0))},
                           {"recordTypes", "R"},
                           {"recordId", first->at("id")}, // A11
                           {"firstRecord", std::move(first_record)}});
}

} // namespace ats::sandbox::tracker
