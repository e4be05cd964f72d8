#include "ats/tracker/client.hpp"

#include "ats/shared/json.hpp"

#include <date/date.h>

#include <future>
#include <system_error>
#include <unordered_set>

namespace ats::tracker {

namespace bj = boost::json;
namespace sj = ats::shared::json;

namespace {

std::string rec(std::string_view type, int64_t id) { return std::string(type) + " " + std::to_string(id); }

int64_t created_id(const bj::object &answer, std::string_view key, std::string_view method, std::string_view record) {
    int64_t id = sj::int_or(answer, key, 0);
    if (id <= 0)
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Tracker " + std::string(method) + " (" + std::string(record) +
                                                    "): the answer has no " + std::string(key));
    return id;
}

const bj::array *results_of(const bj::object &answer) {
    const bj::value *v = sj::find_ci(answer, "results");
    return v && v->is_array() ? &v->get_array() : nullptr;
}

} // namespace

TrackerClient::TrackerClient(ats::sdk::Host host, ClientOptions options, ats::shared::TimeZone zone)
    : host_(host), options_(std::move(options)), zone_(std::move(zone)),
      auth_(host, options_.auth, options_.base_url, options_.request_timeout_ms),
      wire_(host, options_.base_url, auth_, options_.request_timeout_ms), settings_(wire_) {
    if (options_.page_size < 1 || options_.page_size > 500) // A7
        throw ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, "provider_config: page_size must be between 1 and 500");
}

void TrackerClient::add_filter(bj::object &instructions, const std::optional<UtcSeconds> &updated_after) const {
    if (updated_after) instructions["updatedafter"] = zone_.utc_to_local_filter(*updated_after); // A8
}

size_t TrackerClient::add_filter(bj::object &instructions, const std::optional<UtcSeconds> &updated_after,
                                 const std::optional<ResumeFrom> &resume) const {
    if (!resume) {
        add_filter(instructions, updated_after);
        return 0;
    }
    instructions["updatedafter"] = resume->local_watermark; // A8: Tracker's own text, inclusive
    return resume->already_seen;
}

void TrackerClient::page(std::string_view record_type, const bj::object &base_instructions,
                         const std::function<bool(const bj::object &)> &fn, const ats_call_t *call,
                         const std::string &what, size_t extra_rows, std::optional<uint64_t> consumer_limit) const {
    // Pages may overlap (a documented quirk), and a record updated while we page moves to the
    // end of a lastupdated-sorted listing: every id is delivered once. Memory: one int64 per row.
    std::unordered_set<int64_t> seen;
    const int size =
        static_cast<int>(std::min<size_t>(500, static_cast<size_t>(options_.page_size) + extra_rows)); // A7
    auto fetch = [&](int64_t pagenum) {
        bj::object instructions = base_instructions;
        instructions["recordtype"] = record_type;
        instructions["numrecords"] = size; // A7: at most 500
        instructions["pagenum"] = pagenum; // A7: 1-based
        if (!instructions.contains("sortfield")) {
            instructions["sortfield"] = "lastupdateddatetime";
            instructions["sortdir"] = "asc";
        }
        RequestContext ctx{call, true, what + " page " + std::to_string(pagenum)};
        return wire_.call("getRecords", bj::object{{"instructions", std::move(instructions)}}, ctx);
    };
    // Read-ahead: while page k's rows go to the consumer, page k+1 is already being fetched (and
    // parsed) on a second thread, so upstream and consumer work at the same time. Only when the
    // consumer is known to read past the rows fetched so far (it takes results from rows, so
    // fewer rows than its limit cannot have satisfied it) and the host allows two requests at
    // once: a listing never fetches a page the consumer would not have asked for anyway.
    const bool may_read_ahead = consumer_limit && host_.max_concurrency() > 1;
    uint64_t fetched = 0;
    bj::object answer = fetch(1);
    for (int64_t pagenum = 1;; ++pagenum) {
        const bj::array *rows = results_of(answer);
        size_t n = rows ? rows->size() : 0;
        fetched += n;
        const bool last = n < static_cast<size_t>(size); // A7: a short page is the last
        std::future<bj::object> next;                    // its destructor waits for a fetch still running
        if (!last && may_read_ahead && (*consumer_limit == 0 || fetched < *consumer_limit)) {
            try {
                next = std::async(std::launch::async, fetch, pagenum + 1);
            } catch (const std::system_error &) { // no thread to be had: fetch it when needed
            }
        }
        for (size_t i = 0; i < n; ++i) {
            if (!(*rows)[i].is_object()) continue;
            const bj::object &row = (*rows)[i].get_object();
            int64_t id = sj::int_or(row, "id", 0);
            if (id != 0 && !seen.insert(id).second) continue; // repeated by an overlapping page
            if (!fn(row)) return;
        }
        if (last) return;
        answer = next.valid() ? next.get() : fetch(pagenum + 1);
    }
}

bj::object TrackerClient::individual(std::string_view record_type, int64_t id, const ats_call_t *call) const {
    RequestContext ctx{call, true, rec(record_type, id)};
    bj::object answer =
        wire_.call("getIndividualRecord",
                   bj::object{{"instructions", bj::object{{"recordtype", record_type}, {"recordid", id}}}}, ctx);
    const bj::array *rows = results_of(answer);
    if (!rows || rows->empty() || !(*rows)[0].is_object())
        throw ats::sdk::Error(ATS_ERR_NOT_FOUND, "Tracker getIndividualRecord (" + ctx.record + "): record not found");
    return (*rows)[0].get_object();
}

std::optional<PersonMatch> TrackerClient::check_person(std::string_view email, std::string_view phone,
                                                       const ats_call_t *call) const {
    bj::object details;
    if (!email.empty()) details["email"] = email;
    if (!phone.empty()) details["phone"] = phone;
    if (details.empty()) return std::nullopt;
    RequestContext ctx{call, true, "person"};
    bj::object answer = wire_.call("checkPerson", bj::object{{"details", std::move(details)}}, ctx);
    // A11: no match answers count 0; a match adds recordId beside recordLink/recordTypes/firstRecord.
    if (sj::int_or(answer, "count", 1) == 0) return std::nullopt;
    std::string types = sj::text_or(answer, "recordTypes");
    int64_t id = sj::int_or(answer, "recordId", 0);
    if (id == 0 && types.empty()) return std::nullopt;
    PersonMatch m;
    m.record_types = types;
    m.resource_id = types.empty() || types.find('R') != std::string::npos ? id : 0;
    if (const bj::value *f = sj::find_ci(answer, "firstRecord"); f && f->is_object()) m.first_record = f->get_object();
    return m;
}

void TrackerClient::for_each_resource(const RecordFilter &filter, const RowFn<ResourceRow> &fn,
                                      const ats_call_t *call) const {
    bj::object ins{{"includecustomfields", true}};
    size_t extra = add_filter(ins, filter.updated_after, filter.resume);
    if (!filter.search_text.empty()) ins["searchtext"] = filter.search_text;
    if (!filter.state.empty()) ins["state"] = filter.state;
    page(
        "R", ins, [&](const bj::object &row) { return fn(parse_resource_row(row)); }, call, "R list", extra,
        filter.consumer_limit);
}

ResourceRow TrackerClient::get_resource(int64_t id, const ats_call_t *call) const {
    return parse_resource_row(individual("R", id, call));
}

CreatedResource TrackerClient::create_resource(const NewResource &r, const std::optional<AssignTo> &assign,
                                               const ats_call_t *call) const {
    bj::object res;
    auto put = [&res](const char *k, const std::string &v) {
        if (!v.empty()) res[k] = v;
    };
    put("firstname", r.first_name);
    put("lastname", r.last_name);
    std::string full = r.first_name + (r.first_name.empty() || r.last_name.empty() ? "" : " ") + r.last_name;
    put("fullname", full);
    put("email", r.email);
    put("cellphone", r.cell_phone);
    put("workphone", r.work_phone);
    put("homephone", r.home_phone);
    put("jobtitle", r.job_title);
    put("company", r.company);
    put("source", r.source);
    put("note", r.note);
    if (!r.custom_fields.empty()) {
        bj::array cf;
        for (const auto &[id, value] : r.custom_fields) cf.push_back(bj::object{{"id", id}, {"value", value}});
        res["customfields"] = std::move(cf);
    }
    bj::object ins{{"overwriteresource", false}};
    if (assign) { // A1
        ins["assigntoopportunity"] = assign->opportunity_id;
        ins["assigntolist"] = assign->list;
        ins["shortlistedby"] = "user";
    }
    RequestContext ctx{call, false, assign ? "new R on O " + std::to_string(assign->opportunity_id) : "new R"};
    bj::object answer =
        wire_.call("createResource", bj::object{{"instructions", std::move(ins)}, {"resource", std::move(res)}}, ctx);
    CreatedResource out;
    out.resource_id = created_id(answer, "recordId", "createResource", ctx.record);
    if (assign) out.link_id = created_id(answer, "linkId", "createResource", ctx.record); // A1
    return out;
}

int64_t TrackerClient::create_link(int64_t resource_id, int64_t opportunity_id, std::string_view list,
                                   std::string_view source, const ats_call_t *call) const {
    bj::object ins{{"opportunityid", opportunity_id},
                   {"resourceid", resource_id},
                   {"assigntolist", list.empty() ? std::string_view("long") : list},
                   {"shortlistedby", "user"}};
    if (!source.empty()) ins["source"] = source;
    RequestContext ctx{call, false, "R " + std::to_string(resource_id) + " on O " + std::to_string(opportunity_id)};
    bj::object answer = wire_.call("resourceApplication", bj::object{{"instructions", std::move(ins)}}, ctx);
    return created_id(answer, "recordId", "resourceApplication", ctx.record); // A1: the link id
}

void TrackerClient::for_each_link(const LinkFilter &filter, const RowFn<LinkRow> &fn, const ats_call_t *call) const {
    bj::object ins; // A2
    size_t extra = add_filter(ins, filter.updated_after, filter.resume);
    std::string what = "OR list";
    if (filter.opportunity_id) {
        ins["opportunityid"] = *filter.opportunity_id;
        what += " of O " + std::to_string(*filter.opportunity_id);
    }
    if (filter.resource_id) {
        ins["resourceid"] = *filter.resource_id;
        what += " of R " + std::to_string(*filter.resource_id);
    }
    page(
        "OR", ins, [&](const bj::object &row) { return fn(parse_link_row(row)); }, call, what, extra,
        filter.consumer_limit);
}

LinkRow TrackerClient::get_link(int64_t id, const ats_call_t *call) const {
    return parse_link_row(individual("OR", id, call));
}

NamedId TrackerClient::set_link_status(int64_t link_id, std::string_view status_name, const ats_call_t *call) const {
    NamedId st = link_status(status_name, "status of OR " + std::to_string(link_id), call);
    // A3: documented column name, integer id from getSettings (A4).
    update_record("OR", link_id, bj::array{bj::object{{"column", "opportunityresourcestatusid"}, {"value", st.id}}}, {},
                  call);
    return st;
}

void TrackerClient::for_each_opportunity(const RecordFilter &filter, const RowFn<OpportunityRow> &fn,
                                         const ats_call_t *call) const {
    bj::object ins{{"includecustomfields", true}};
    size_t extra = add_filter(ins, filter.updated_after, filter.resume);
    if (!filter.state.empty()) ins["state"] = filter.state;
    if (!filter.search_text.empty()) ins["searchtext"] = filter.search_text;
    page(
        "O", ins, [&](const bj::object &row) { return fn(parse_opportunity_row(row)); }, call, "O list", extra,
        filter.consumer_limit);
}

OpportunityRow TrackerClient::get_opportunity(int64_t id, const ats_call_t *call) const {
    return parse_opportunity_row(individual("O", id, call));
}

void TrackerClient::get_records_by_ids(std::string_view record_type, const std::vector<int64_t> &ids,
                                       const RowFn<bj::object> &fn, const ats_call_t *call) const {
    constexpr size_t kBatch = 500; // A14
    for (size_t start = 0; start < ids.size(); start += kBatch) {
        size_t end = std::min(ids.size(), start + kBatch);
        std::string list;
        for (size_t i = start; i < end; ++i) list += (i == start ? "" : ",") + std::to_string(ids[i]);
        bj::object ins{{"recordtype", record_type},
                       {"recordids", list},
                       {"numrecords", static_cast<int64_t>(end - start)},
                       {"pagenum", 1},
                       {"includecustomfields", true}};
        RequestContext ctx{call, true,
                           std::string(record_type) + " ids " + std::to_string(ids[start]) +
                               (end - start > 1 ? ".." : "")};
        bj::object answer = wire_.call("getRecords", bj::object{{"instructions", std::move(ins)}}, ctx);
        if (const bj::array *rows = results_of(answer))
            for (const auto &row : *rows)
                if (row.is_object() && !fn(row.get_object())) return;
    }
}

void TrackerClient::update_record(std::string_view record_type, int64_t id, bj::array updates, bj::array custom_fields,
                                  const ats_call_t *call) const {
    bj::object params{{"instructions", bj::object{{"recordtype", record_type}, {"recordid", id}}}};
    if (!updates.empty()) params["updates"] = std::move(updates);
    if (!custom_fields.empty()) params["customfields"] = std::move(custom_fields);
    wire_.call("updateRecord", std::move(params), RequestContext{call, false, rec(record_type, id)});
}

int64_t TrackerClient::create_activity(const NewActivity &a, const ats_call_t *call) const {
    // The documented shape: date "2023-01-01", time "11:34 AM", in the account's local time (A8).
    std::string local = zone_.utc_to_local(a.when); // "YYYY-MM-DD HH:MM:SS"
    int hour = std::stoi(local.substr(11, 2));
    std::string minute = local.substr(14, 2);
    char time_buf[16];
    std::snprintf(time_buf, sizeof time_buf, "%02d:%s %s", hour % 12 == 0 ? 12 : hour % 12, minute.c_str(),
                  hour < 12 ? "AM" : "PM");
    bj::object act{{"subject", a.subject},
                   {"type", a.type},
                   {"date", local.substr(0, 10)},
                   {"time", time_buf},
                   {"note", a.note},
                   {"linkRecordType", a.link_record_type},
                   {"linkRecordId", a.link_record_id}};
    RequestContext ctx{call, false, "A on " + rec(a.link_record_type, a.link_record_id)};
    bj::object answer = wire_.call("createActivity", bj::object{{"activity", std::move(act)}}, ctx);
    return created_id(answer, "recordId", "createActivity", ctx.record); // A6
}

void TrackerClient::for_each_activity(std::string_view link_record_type, int64_t link_record_id,
                                      const RowFn<bj::object> &fn, const ats_call_t *call) const {
    bj::object ins{{"linkrecordtype", link_record_type}, {"linkrecordid", link_record_id}}; // A6
    page("A", ins, fn, call, "A list of " + rec(link_record_type, link_record_id));
}

int64_t TrackerClient::attach_document(std::string_view record_type, int64_t record_id, std::string_view file_name,
                                       std::string_view document_type, std::string_view data_base64,
                                       const ats_call_t *call) const {
    bj::object file{{"filename", file_name}, {"recordType", record_type},
                    {"recordId", record_id}, {"documentType", document_type},
                    {"primary", "n"},        {"data", data_base64}};
    RequestContext ctx{call, false, "D on " + rec(record_type, record_id)};
    bj::object answer = wire_.call("attachDocument", bj::object{{"file", std::move(file)}}, ctx);
    return created_id(answer, "recordId", "attachDocument", ctx.record); // A5
}

void TrackerClient::for_each_document(std::string_view link_record_type, int64_t link_record_id,
                                      const RowFn<bj::object> &fn, const ats_call_t *call) const {
    bj::object ins{{"linkrecordtype", link_record_type}, {"linkrecordid", link_record_id}}; // A5
    page("D", ins, fn, call, "D list of " + rec(link_record_type, link_record_id));
}

bj::object TrackerClient::get_document(int64_t id, const ats_call_t *call) const { return individual("D", id, call); }

std::shared_ptr<const Settings> TrackerClient::settings(const ats_call_t *call) const { return settings_.get(call); }

NamedId TrackerClient::link_status(std::string_view name_or_id, std::string_view what, const ats_call_t *call) const {
    return settings_.require_link_status(name_or_id, what, call, host_.now_unix_ms());
}

} // namespace ats::tracker
