// TrackerProvider: notes (activities, A6), attachments (documents, A5), custom fields.
#include "ats/tracker/provider.hpp"
#include "ats/shared/ascii.hpp"

#include "ats/shared/base64.hpp"
#include "ats/shared/html_text.hpp"
#include "ats/shared/json.hpp"
#include "ats/shared/kombo_record.hpp"

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {

struct Target {
    std::string record_type; // "OR" or "R"
    int64_t id = 0;
    std::string link_field; // "application_id" or "candidate_id"
};

// An empty list of a record's notes or documents proves nothing: reading the record itself tells
// "none yet" from "no such record" (NOT_FOUND is thrown by the read). Cost: 1.
void require_exists(const TrackerClient &client, const Target &t, const ats_call_t *call) {
    if (t.record_type == "OR")
        client.get_link(t.id, call);
    else
        client.get_resource(t.id, call);
}

Target target_of(const bj::object &args, bool application, const std::string &op) {
    Target t;
    t.record_type = application ? "OR" : "R";
    t.link_field = application ? "application_id" : "candidate_id";
    t.id = tracker_id_arg(args, t.link_field, op);
    return t;
}

// The notes or documents of a record, mapped: the rows `for_each` (activities or documents) reads,
// each through `map` (note or attachment). An empty list is checked against the record's existence
// so that a wrong id is NOT_FOUND, not an empty answer. Cost: ceil((N+1)/page_size) (+1 when empty).
using ForEachChild = void (TrackerClient::*)(std::string_view, int64_t, const RowFn<bj::object> &,
                                             const ats_call_t *) const;
using MapChild = bj::object (RecordMapper::*)(const bj::object &, std::string_view, const std::string &) const;

bj::object children_of(const TrackerClient &client, const RecordMapper &mapper, const Target &t, const ats_call_t *call,
                       ForEachChild for_each, MapChild map) {
    bj::array results;
    const std::string link = std::to_string(t.id);
    (client.*for_each)(
        t.record_type, t.id,
        [&](const bj::object &row) {
            results.push_back((mapper.*map)(row, t.link_field, link));
            return true;
        },
        call);
    if (results.empty()) require_exists(client, t, call);
    return bj::object{{"results", std::move(results)}};
}

std::string guess_content_type(std::string_view file_name) {
    auto dot = file_name.rfind('.');
    std::string ext;
    if (dot != std::string_view::npos) ext = ats::shared::ascii_lower(file_name.substr(dot + 1));
    if (ext == "pdf") return "application/pdf";
    if (ext == "doc") return "application/msword";
    if (ext == "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (ext == "txt") return "text/plain";
    if (ext == "rtf") return "application/rtf";
    if (ext == "html" || ext == "htm") return "text/html";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    return "application/octet-stream";
}

} // namespace

// notes.add: HTML converted to plain text (Tracker notes are plain text), createActivity linked to
// the application ("OR", A6) or the candidate ("R"). Cost: 1.
void TrackerProvider::op_notes_add(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink,
                                   bool application) {
    std::string op = application ? ATS_OP_APPLICATION_NOTES_ADD : ATS_OP_CANDIDATE_NOTES_ADD;
    std::string where = op + " arguments";
    Target t = target_of(args, application, op);
    std::string content = sj::require_string(args, "content", where);
    std::string type = sj::optional_string(args, "content_type", where).value_or("text/plain");
    if (type != "text/plain" && type != "text/html")
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              where + ": field 'content_type' must be text/plain or text/html");
    std::string text = ats::shared::note_text(content, type);
    if (text.empty()) throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ": field 'content' has no text");
    NewActivity a;
    a.link_record_type = t.record_type;
    a.link_record_id = t.id;
    a.subject = "Note";
    a.note = text;
    a.when =
        UtcSeconds{std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(host_.now_unix_ms()))};
    int64_t id = client().create_activity(a, call.raw());
    std::string sid = std::to_string(id);
    emit(sink, bj::object{{"id", sid},
                          {"remote_id", sid},
                          {"subject", a.subject},
                          {"content", text},
                          {"content_type", "PLAIN_TEXT"},
                          {t.link_field, std::to_string(t.id)},
                          {"remote_created_at", ats::shared::format_utc_iso8601(a.when)}});
}

// notes.list: getRecords A by link (A6), see children_of.
void TrackerProvider::op_notes_list(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink,
                                    bool application) {
    Target t = target_of(args, application, application ? ATS_OP_APPLICATION_NOTES_LIST : ATS_OP_CANDIDATE_NOTES_LIST);
    emit(sink, children_of(client(), mapper(), t, call.raw(), &TrackerClient::for_each_activity, &RecordMapper::note));
}

// attachments.add: attachDocument (A5) on the application ("OR") or candidate ("R"). The data is
// validated as base64 first. Cost: 1.
void TrackerProvider::op_attachments_add(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink,
                                         bool application) {
    std::string op = application ? ATS_OP_APPLICATION_ATTACHMENTS_ADD : ATS_OP_CANDIDATE_ATTACHMENTS_ADD;
    std::string where = op + " arguments";
    Target t = target_of(args, application, op);
    std::string file_name = sj::require_nonempty_string(args, "file_name", where);
    std::string bytes =
        ats::shared::base64_decode(sj::require_string(args, "data_base64", where), where + " data_base64");
    std::string type = sj::optional_string(args, "type", where).value_or("OTHER");
    if (type != "CV" && type != "RESUME" && type != "COVER_LETTER" && type != "OTHER")
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ": field 'type' must be CV, COVER_LETTER or OTHER");
    std::string content_type = sj::optional_string(args, "content_type", where).value_or(guess_content_type(file_name));
    int64_t id = client().attach_document(t.record_type, t.id, file_name, RecordMapper::tracker_document_type(type),
                                          ats::shared::base64_encode(bytes), call.raw());
    std::string sid = std::to_string(id);
    // The type as Tracker will list it (COVER_LETTER has no Tracker type: see the matrix).
    std::string stored = RecordMapper::attachment_type(RecordMapper::tracker_document_type(type));
    bj::object record{{"id", sid},
                      {"remote_id", sid},
                      {"file_name", file_name},
                      {"content_type", content_type},
                      {"size", static_cast<int64_t>(bytes.size())},
                      {"type", stored},
                      {t.link_field, std::to_string(t.id)},
                      {"remote_created_at", nullptr}};
    ats::shared::kombo::complete_attachment(record);
    emit(sink, record);
}

// attachments.list: getRecords D by link (A5), see children_of.
void TrackerProvider::op_attachments_list(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink,
                                          bool application) {
    Target t = target_of(args, application,
                         application ? ATS_OP_APPLICATION_ATTACHMENTS_LIST : ATS_OP_CANDIDATE_ATTACHMENTS_LIST);
    emit(sink,
         children_of(client(), mapper(), t, call.raw(), &TrackerClient::for_each_document, &RecordMapper::attachment));
}

// attachments.get: getIndividualRecord D with data (A5). When the answer names the record it is
// linked to, a document of another record is NOT_FOUND. Cost: 1.
void TrackerProvider::op_attachments_get(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink,
                                         bool application) {
    std::string op = application ? ATS_OP_APPLICATION_ATTACHMENTS_GET : ATS_OP_CANDIDATE_ATTACHMENTS_GET;
    Target t = target_of(args, application, op);
    int64_t doc_id = tracker_id_arg(args, "attachment_id", op);
    bj::object doc = client().get_document(doc_id, call.raw());
    std::string link_type = sj::text_or(doc, "linkrecordtype");
    int64_t link_id = sj::int_or(doc, "linkrecordid", 0);
    if (!link_type.empty() && link_id != 0 && (link_type != t.record_type || link_id != t.id))
        throw ats::sdk::Error(ATS_ERR_NOT_FOUND, "attachment " + std::to_string(doc_id) + " does not belong to " +
                                                     (application ? "application " : "candidate ") +
                                                     std::to_string(t.id));
    std::string bytes;
    try {
        bytes = ats::shared::base64_decode(sj::text_or(doc, "data"), "Tracker D " + std::to_string(doc_id) + " data");
    } catch (const ats::sdk::Error &e) {
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, e.what());
    }
    std::string file_name = sj::text_or(doc, "filename", "document-" + std::to_string(doc_id));
    bj::object meta{{"file_name", file_name},
                    {"content_type", sj::text_or(doc, "contenttype", guess_content_type(file_name))},
                    {"size", static_cast<int64_t>(bytes.size())},
                    {"attachment_id", std::to_string(doc_id)}};
    sink.blob(bj::serialize(meta), bytes, op);
}

namespace {

struct CustomTarget {
    std::string record_type; // "R" or "O"
    std::string association; // getSettings customFields.Association
    int64_t id = 0;
};

CustomTarget custom_target(const bj::object &args, const std::string &op) {
    std::string where = op + " arguments";
    std::string type = sj::require_string(args, "record_type", where);
    CustomTarget t;
    if (type == "candidate")
        t = {"R", "Resource", 0};
    else if (type == "job")
        t = {"O", "Opportunity", 0};
    else if (type == "application")
        throw ats::sdk::Error(ATS_ERR_NOT_SUPPORTED,
                              op + " is not supported by provider 'tracker' for record_type "
                                   "application: Tracker defines no custom fields on applications "
                                   "(opportunity-resource links)");
    else
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                              where + ": field 'record_type' must be candidate, job or application");
    t.id = tracker_id_arg(args, "record_id", op);
    return t;
}

} // namespace

namespace {
// Every custom field the database defines for the association, with the record's value or null.
bj::array custom_field_results(const Settings &s, const std::string &association, const bj::object &values) {
    bj::array out;
    for (const auto &def : s.custom_fields) {
        if (!ats::shared::ascii_iequals(def.association, association)) continue;
        auto it = values.find(def.name);
        out.push_back(bj::object{{"id", std::to_string(def.id)},
                                 {"name", def.name},
                                 {"value", it == values.end() ? bj::value(nullptr) : it->value()},
                                 {"type", def.type.empty() ? bj::value(nullptr) : bj::value(def.type)}});
    }
    return out;
}
} // namespace

// custom_fields.get: the record (getIndividualRecord R/O) and the definitions (getSettings).
// Cost: 1 (+1 getSettings on first use).
void TrackerProvider::op_custom_fields_get(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    CustomTarget t = custom_target(args, ATS_OP_CUSTOM_FIELDS_GET);
    auto s = client().settings(call.raw());
    bj::object row = t.record_type == "R" ? client().get_resource(t.id, call.raw()).raw
                                          : client().get_opportunity(t.id, call.raw()).raw;
    emit(sink, bj::object{{"results", custom_field_results(*s, t.association, mapper().custom_fields(row, s.get()))}});
}

// custom_fields.set: names resolved to ids through getSettings (never hard-coded), one
// updateRecord with customfields [{id, value}], then the record read back.
// Cost: 2 (+1 getSettings on first use).
void TrackerProvider::op_custom_fields_set(ats::sdk::Call &call, const bj::object &args, ats::sdk::Sink &sink) {
    std::string op = ATS_OP_CUSTOM_FIELDS_SET;
    std::string where = op + " arguments";
    CustomTarget t = custom_target(args, op);
    const bj::object &values = sj::require_object(args, "values", where);
    if (values.empty()) throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, where + ": field 'values' is empty");
    auto s = client().settings(call.raw());
    bj::array updates;
    for (const auto &kv : values) {
        std::string name(kv.key());
        auto def = s->custom_field(t.association, name);
        if (!def) {
            std::string known;
            for (const auto &d : s->custom_fields)
                if (d.association == t.association) known += (known.empty() ? "" : ", ") + d.name;
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  where + ": '" + name + "' is not a " + t.association +
                                      " custom field of this Tracker database (known: " + known + ")");
        }
        const bj::value &v = kv.value();
        if (!(v.is_string() || v.is_number() || v.is_bool() || v.is_null()))
            throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                                  where + ": values['" + name + "'] must be a string, number, boolean or null");
        updates.push_back(bj::object{{"id", def->id}, {"value", v.is_null() ? std::string() : *sj::scalar_text(v)}});
    }
    client().update_record(t.record_type, t.id, {}, std::move(updates), call.raw());
    bj::object row = t.record_type == "R" ? client().get_resource(t.id, call.raw()).raw
                                          : client().get_opportunity(t.id, call.raw()).raw;
    emit(sink, bj::object{{"results", custom_field_results(*s, t.association, mapper().custom_fields(row, s.get()))}});
}

} // namespace ats::tracker
