// Tracker Widget API write methods: createResource(+FromResume), resourceApplication (A1),
// updateRecord (A3), createActivity (A6), attachDocument (A5).
#include "tracker_internal.hpp"

#include "tracker_settings.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>

namespace ats::sandbox::tracker {

namespace {

std::string decode_base64(const std::string &in, bool &valid) {
    valid = true;
    for (char c : in)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '\n' ||
              c == '\r'))
            valid = false;
    std::string out(boost::beast::detail::base64::decoded_size(in.size()), '\0');
    auto used = boost::beast::detail::base64::decode(out.data(), in.data(), in.size());
    out.resize(used.first);
    return out;
}

std::string content_type_for(const std::string &filename) {
    auto dot = filename.rfind('.');
    std::string ext = dot == std::string::npos ? "" : lower_trim(filename.substr(dot + 1));
    if (ext == "pdf") return "application/pdf";
    if (ext == "doc") return "application/msword";
    if (ext == "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (ext == "txt") return "text/plain";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    return "application/octet-stream";
}

// Validates customfields[{id, value}] against getSettings for the association; "" when fine.
std::string apply_custom_fields(TrackerContext &ctx, const json::array *updates, const std::string &association,
                                json::object &record) {
    if (!updates) return "";
    const auto &settings = ctx.world.tracker()["settings"].as_object();
    json::array &stored = record["customfields"].is_array() ? record["customfields"].as_array()
                                                            : (record["customfields"] = json::array{}).as_array();
    for (const auto &u : *updates) {
        if (!u.is_object()) return "customfields entries must be objects {id, value}";
        auto id = int_of(u.as_object(), "id");
        bool known = false;
        if (id)
            if (const json::array *defs = array_at(settings, "customFields"))
                for (const auto &d : *defs)
                    if (int_or(d.as_object(), "Id", -1) == *id && str_of(d.as_object(), "Association") == association)
                        known = true;
        if (!known) return "Unknown " + association + " custom field id " + str_of(u.as_object(), "id");
        std::string value = str_of(u.as_object(), "value");
        auto it = std::find_if(stored.begin(), stored.end(),
                               [&](const json::value &s) { return int_or(s.as_object(), "id", -1) == *id; });
        if (it != stored.end())
            it->as_object()["value"] = value;
        else
            stored.push_back(json::object{{"id", *id}, {"value", value}});
    }
    return "";
}

std::int64_t status_for_list(TrackerContext &ctx, const std::string &list) {
    const auto &settings = ctx.world.tracker()["settings"].as_object();
    return settings_id_by_name(settings, "opportunityResourceStatuses", list == "short" ? "Shortlisted" : "Applied")
        .value_or(0);
}

json::object *find_link(TrackerContext &ctx, std::int64_t opportunity, std::int64_t resource) {
    return ctx.world.link_between(opportunity, resource);
}

json::object &add_link(TrackerContext &ctx, std::int64_t opportunity, std::int64_t resource, const std::string &list,
                       const std::string &source, const std::string &shortlisted_by) {
    std::int64_t id = ctx.world.next_tracker_id("OR");
    return ctx.world.add_tracker("OR", json::object{{"id", id},
                                                    {"opportunityid", opportunity},
                                                    {"resourceid", resource},
                                                    {"list", list},
                                                    {"statusid", status_for_list(ctx, list)},
                                                    {"source", source},
                                                    {"shortlistedby", shortlisted_by},
                                                    {"created_ms", ctx.now},
                                                    {"updated_ms", ctx.now}});
}

void touch(TrackerContext &ctx, const std::string &type, std::int64_t id) {
    if (json::object *r = ctx.world.tracker_record(type, id)) (*r)["updated_ms"] = ctx.now;
}

std::string list_of(const json::object &ins) {
    std::string list = lower_trim(str_of(ins, "assigntolist", "long"));
    return list == "short" ? "short" : "long";
}

json::object &add_document(TrackerContext &ctx, const std::string &type, std::int64_t record_id,
                           const std::string &filename, const std::string &document_type, const std::string &data,
                           std::size_t size, bool primary) {
    std::int64_t id = ctx.world.next_tracker_id("D");
    return ctx.world.add_tracker("D", json::object{{"id", id},
                                                   {"linkrecordtype", type},
                                                   {"linkrecordid", record_id},
                                                   {"filename", filename},
                                                   {"documenttype", document_type},
                                                   {"contenttype", content_type_for(filename)},
                                                   {"size", size},
                                                   {"primary", primary ? "y" : "n"},
                                                   {"data", data},
                                                   {"created_ms", ctx.now},
                                                   {"updated_ms", ctx.now}});
}

} // namespace

HttpResponse create_resource(TrackerContext &ctx, const json::object &call, bool from_resume) {
    const json::object empty;
    const json::object *ins = object_at(call, "instructions");
    if (!ins) ins = &empty;
    const json::object *res = object_at(call, "resource");
    if (!res) return error(99, "Object variable or With block variable not set.");
    std::string first = str_of(*res, "firstname"), last = str_of(*res, "lastname");
    if (first.empty() && last.empty()) {
        std::string full = str_of(*res, "fullname");
        auto space = full.rfind(' ');
        first = space == std::string::npos ? full : full.substr(0, space);
        last = space == std::string::npos ? "" : full.substr(space + 1);
    }
    if (first.empty() && last.empty()) return error(99, "resource.firstname/lastname (or fullname) is required");
    std::string file_data;
    std::size_t file_size = 0;
    const json::object *file = object_at(call, "file");
    if (from_resume) {
        if (!file || str_of(*file, "filename").empty()) return error(99, "file.filename and file.data are required");
        bool valid = true;
        file_size = decode_base64(str_of(*file, "data"), valid).size();
        if (!valid || file_size == 0) return error(99, "file.data is not valid base64");
    }
    // 0 or absent: no opportunity to assign to.
    const std::int64_t opportunity = int_of(*ins, "assigntoopportunity").value_or(0);
    if (opportunity != 0 && !ctx.world.tracker_record("O", opportunity)) return not_found("O", opportunity);
    // Sandbox choice (documented status 3, trigger not documented): a resource whose email equals an
    // existing one (trimmed, case-insensitive) is "found"; without overwriteresource it is refused.
    std::string email_key = lower_trim(str_of(*res, "email"));
    json::object *existing = nullptr;
    if (auto same = ctx.world.resources_by_email(email_key); !same.empty())
        existing = ctx.world.tracker_record("R", *same.begin());
    if (existing && !truthy(*ins, "overwriteresource"))
        return [&] {
            HttpResponse r = error(3, "Record found and cannot be overwritten");
            json::value body = json::parse(r.body);
            body.as_object()["recordId"] = existing->at("id");
            r.body = json::serialize(body);
            return r;
        }();
    json::object record;
    std::int64_t id;
    if (existing) {
        id = int_or(*existing, "id", 0);
    } else {
        id = ctx.world.next_tracker_id("R");
        record = json::object{{"id", id}, {"customfields", json::array{}}, {"created_ms", ctx.now}};
    }
    json::object &target = existing ? *existing : record;
    target["firstname"] = first;
    target["lastname"] = last;
    auto copy = [&](const char *from, const char *to) {
        if (field(*res, from))
            target[to] = str_of(*res, from);
        else if (!existing)
            target[to] = "";
    };
    copy("email", "email");
    copy("cellphone", "mobiletelephone");
    copy("workphone", "worktelephone");
    copy("homephone", "hometelephone");
    copy("jobtitle", "jobtitle");
    copy("company", "companyname");
    copy("source", "source");
    copy("linkedin", "linkedin");
    copy("city", "city");
    copy("country", "country");
    copy("zipcode", "zipcode");
    copy("address1", "address1");
    copy("note", "note");
    target["status"] = str_of(*res, "status", "Active");
    target["updated_ms"] = ctx.now;
    if (std::string problem = apply_custom_fields(ctx, array_at(*res, "customfields"), "Resource", target);
        !problem.empty())
        return error(99, problem);
    json::object &stored = existing ? *existing : ctx.world.add_tracker("R", std::move(record));
    if (existing) ctx.world.reindex_resource(id); // its email/phones may have changed
    json::object answer{{"recordId", id}, {"recordName", full_name(stored)}};
    if (from_resume) {
        json::object &doc =
            add_document(ctx, "R", id, str_of(*file, "filename"), "resume", str_of(*file, "data"), file_size, true);
        answer["documentId"] = doc.at("id");
    }
    if (opportunity != 0) {
        json::object *link = find_link(ctx, opportunity, id);
        if (!link)
            link = &add_link(ctx, opportunity, id, list_of(*ins), str_of(stored, "source"),
                             str_of(*ins, "shortlistedby", "user"));
        answer["linkId"] = link->at("id"); // A1
    }
    return ok(std::move(answer));
}

HttpResponse resource_application(TrackerContext &ctx, const json::object &call) {
    const json::object *ins = object_at(call, "instructions");
    if (!ins) return error(99, "Object variable or With block variable not set.");
    auto opportunity = int_of(*ins, "opportunityid");
    auto resource = int_of(*ins, "resourceid");
    if (!opportunity || !resource)
        return error(99, "instructions.opportunityid and instructions.resourceid are required");
    json::object *opp = ctx.world.tracker_record("O", *opportunity);
    if (!opp) return not_found("O", *opportunity);
    json::object *res = ctx.world.tracker_record("R", *resource);
    if (!res) return not_found("R", *resource);
    // Sandbox choice: a resource already on the opportunity is "found and cannot be overwritten".
    if (json::object *link = find_link(ctx, *opportunity, *resource)) {
        HttpResponse r = error(3, "Record found and cannot be overwritten");
        json::value body = json::parse(r.body);
        body.as_object()["recordId"] = link->at("id");
        r.body = json::serialize(body);
        return r;
    }
    json::object &link = add_link(ctx, *opportunity, *resource, list_of(*ins), str_of(*ins, "source"),
                                  str_of(*ins, "shortlistedby", "user"));
    touch(ctx, "O", *opportunity);
    return ok(json::object{{"recordId", link.at("id")},
                           {"recordName", full_name(*res) + " - " + str_of(*opp, "name")}}); // A1
}

HttpResponse update_record(TrackerContext &ctx, const json::object &call) {
    const json::object *ins = object_at(call, "instructions");
    if (!ins) return error(99, "Object variable or With block variable not set.");
    const std::string type = str_of(*ins, "recordtype");
    if (type != "R" && type != "O" && type != "OR")
        return error(99, "updateRecord supports recordtype R, O and OR, not '" + type + "'");
    auto id = int_of(*ins, "recordid");
    if (!id) return error(99, "instructions.recordid is required");
    json::object *record = ctx.world.tracker_record(type, *id);
    if (!record) return not_found(type, *id);
    json::object updated = *record; // applied only when every update is valid
    const auto &settings = ctx.world.tracker()["settings"].as_object();
    if (const json::array *updates = array_at(call, "updates"))
        for (const auto &u : *updates) {
            if (!u.is_object()) return error(99, "updates entries must be objects {column, value}");
            std::string column = lower_trim(str_of(u.as_object(), "column"));
            std::string value = str_of(u.as_object(), "value");
            if (type == "OR") {
                if (column == "opportunityresourcestatusid") { // A3
                    auto status = int_of(u.as_object(), "value");
                    if (!status || !settings_name_by_id(settings, "opportunityResourceStatuses", *status))
                        return error(99, "Invalid value '" + value + "' for opportunityresourcestatusid");
                    updated["statusid"] = *status;
                } else if (column == "list" && (value == "short" || value == "long")) {
                    updated["list"] = value;
                } else if (column == "source") {
                    updated["source"] = value;
                } else {
                    return error(99, "Invalid column '" + column + "' for recordtype OR");
                }
                continue;
            }
            static const std::pair<const char *, const char *> resource_columns[] = {
                {"firstname", "firstname"},
                {"lastname", "lastname"},
                {"email", "email"},
                {"mobiletelephone", "mobiletelephone"},
                {"cellphone", "mobiletelephone"},
                {"worktelephone", "worktelephone"},
                {"workphone", "worktelephone"},
                {"hometelephone", "hometelephone"},
                {"homephone", "hometelephone"},
                {"jobtitle", "jobtitle"},
                {"companyname", "companyname"},
                {"company", "companyname"},
                {"source", "source"},
                {"linkedin", "linkedin"},
                {"status", "status"}};
            static const std::pair<const char *, const char *> opportunity_columns[] = {{"name", "name"},
                                                                                        {"status", "status"},
                                                                                        {"description", "description"},
                                                                                        {"location", "location"},
                                                                                        {"state", "state"}};
            bool known = false;
            if (type == "R")
                for (const auto &c : resource_columns)
                    if (column == c.first) {
                        updated[c.second] = value;
                        known = true;
                    }
            if (type == "O")
                for (const auto &c : opportunity_columns)
                    if (column == c.first) {
                        updated[c.second] = value;
                        known = true;
                    }
            if (!known) return error(99, "Invalid column '" + column + "' for recordtype " + type);
        }
    if (type != "OR")
        if (std::string problem = apply_custom_fields(ctx, array_at(call, "customfields"),
                                                      type == "R" ? "Resource" : "Opportunity", updated);
            !problem.empty())
            return error(99, problem);
    updated["updated_ms"] = ctx.now;
    *record = std::move(updated);
    if (type == "R") ctx.world.reindex_resource(*id);
    return ok(json::object{{"recordId", *id}});
}

HttpResponse create_activity(TrackerContext &ctx, const json::object &call) {
    const json::object *a = object_at(call, "activity");
    if (!a) return error(99, "Object variable or With block variable not set.");
    std::string link_type = str_of(*a, "linkRecordType");
    auto link_id = int_of(*a, "linkRecordId");
    if (link_type.empty() || !link_id)
        return error(99, "activity.linkRecordType and activity.linkRecordId are required");
    if (tracker_collection(link_type) && !ctx.world.tracker_record(link_type, *link_id))
        return not_found(link_type, *link_id);
    if (!tracker_collection(link_type) && link_type != "C" && link_type != "N")
        return error(99, "Invalid linkRecordType '" + link_type + "'");
    if (str_of(*a, "subject").empty()) return error(99, "activity.subject is required");
    std::int64_t id = ctx.world.next_tracker_id("A");
    ctx.world.add_tracker("A", json::object{{"id", id},
                                            {"subject", str_of(*a, "subject")},
                                            {"type", str_of(*a, "type", "Note")},
                                            {"date", str_of(*a, "date", ctx.zone.local_date(ctx.now))},
                                            {"time", str_of(*a, "time", ctx.zone.local_time_ampm(ctx.now))},
                                            {"status", str_of(*a, "status")},
                                            {"priority", str_of(*a, "priority")},
                                            {"contacttype", str_of(*a, "contactType")},
                                            {"note", str_of(*a, "note")},
                                            {"userid", int_or(*a, "userId", 0)},
                                            {"linkrecordtype", link_type},
                                            {"linkrecordid", *link_id},
                                            {"created_ms", ctx.now},
                                            {"updated_ms", ctx.now}});
    return ok(json::object{{"recordId", id}});
}

HttpResponse attach_document(TrackerContext &ctx, const json::object &call) {
    const json::object *file = object_at(call, "file");
    if (!file) return error(99, "Object variable or With block variable not set.");
    std::string type = str_of(*file, "recordType");
    auto record_id = int_of(*file, "recordId");
    std::string filename = str_of(*file, "filename");
    if (type.empty() || !record_id || filename.empty())
        return error(99, "file.filename, file.recordType and file.recordId are required");
    if (!tracker_collection(type) || !ctx.world.tracker_record(type, *record_id)) return not_found(type, *record_id);
    std::string document_type = lower_trim(str_of(*file, "documentType", "general"));
    static const char *const kinds[] = {"general", "resume", "photo", "specification", "logo", "agencyresume"};
    if (std::find(std::begin(kinds), std::end(kinds), document_type) == std::end(kinds))
        return error(99, "Invalid documentType '" + document_type + "'");
    bool valid = true;
    std::string data = str_of(*file, "data");
    std::size_t size = decode_base64(data, valid).size();
    if (!valid || (size == 0 && !data.empty())) return error(99, "file.data is not valid base64");
    json::object &doc = add_document(ctx, type, *record_id, filename, document_type, data, size,
                                     lower_trim(str_of(*file, "primary")) == "y");
    return ok(json::object{{"recordId", doc.at("id")}}); // A5
}

} // namespace ats::sandbox::tracker
