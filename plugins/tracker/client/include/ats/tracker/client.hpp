// client.hpp - the Tracker RMS Widget API as the providers use it (tracker and tracker_workable).
//
// One object per tenant instance; thread-safe (invoke() runs concurrently). All HTTP goes through
// the host's service (ats::sdk::Host::http): no sockets here. Each method says how many Tracker
// requests it costs; "+1 getSettings" means once per instance (cached, settings.hpp). Paged reads
// cost ceil((N+1)/page_size) requests for N rows (a last, short page ends the walk, A7). On top of
// that the host may retry idempotent requests (reads) per its policy; writes are sent once.
//
// Failures throw ats::sdk::Error mapped as wire.hpp describes; messages name the Tracker method
// and the record ("Tracker getIndividualRecord (OR 812): record not found ...").
#pragma once

#include "ats/shared/timezone.hpp"
#include "ats/tracker/auth.hpp"
#include "ats/tracker/options.hpp"
#include "ats/tracker/rows.hpp"
#include "ats/tracker/settings.hpp"
#include "ats/tracker/wire.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::tracker {

using ats::shared::UtcSeconds;

// checkPerson's answer when it matched (A11).
struct PersonMatch {
    int64_t resource_id = 0;  // 0 when the match is not a resource (a contact or user only)
    std::string record_types; // letters: R resource, C contact, U user
    boost::json::object first_record;
};

struct NewResource {
    std::string first_name, last_name;
    std::string email;
    std::string cell_phone, work_phone, home_phone;
    std::string job_title, company, source, note;
    std::vector<std::pair<int64_t, std::string>> custom_fields; // (custom field id, value)
};

struct AssignTo { // createResource instructions.assigntoopportunity (A1)
    int64_t opportunity_id = 0;
    std::string list = "long"; // "long" = applied, "short" = shortlisted
};

struct CreatedResource {
    int64_t resource_id = 0;
    std::optional<int64_t> link_id; // set when AssignTo was given (A1 linkId)
};

// Where a resumed listing starts (a stream's position, stream_position.hpp): `updatedafter` is
// the last delivered row's own `lastupdated` text, sent verbatim (A8: inclusive), and each page
// asks for `already_seen` more rows, since that many rows of the first second were delivered
// before and are skipped - so a resumed page costs one request, as the first one does.
struct ResumeFrom {
    std::string local_watermark; // "YYYY-MM-DD HH:MM:SS" as Tracker wrote it
    size_t already_seen = 0;
};

// Filters of a paged read; all optional.
struct RecordFilter {
    std::optional<UtcSeconds> updated_after; // sent as local `updatedafter` (A8), widened in the autumn overlap
    std::optional<ResumeFrom> resume;        // replaces updated_after when set
    std::string state;                       // getRecords `state`: "", "open", "won", "closed"
    std::string search_text;                 // getRecords `searchtext` (A12: names, substring)
    // How many results the consumer of the listing takes at most (0 = all of them; a stream's
    // ats_call_t.max_results): the next page is then fetched while this one is handed out. Unset
    // (a lookup that may stop at any row, or a host that does not say): no page is fetched
    // before the consumer asks for it.
    std::optional<uint64_t> consumer_limit;
};

struct LinkFilter { // A2
    std::optional<int64_t> resource_id;
    std::optional<int64_t> opportunity_id;
    std::optional<UtcSeconds> updated_after;
    std::optional<ResumeFrom> resume;       // replaces updated_after when set
    std::optional<uint64_t> consumer_limit; // as RecordFilter::consumer_limit
};

struct NewActivity {              // createActivity (A6)
    std::string link_record_type; // "R" resource, "OR" application, "O" opportunity
    int64_t link_record_id = 0;
    std::string subject;
    std::string note; // plain text
    std::string type = "Note";
    UtcSeconds when{}; // sent as local date + time
};

// A callback returns false to stop the walk early (no further pages are requested).
template <class Row>
using RowFn = std::function<bool(const Row &)>;

class TrackerClient {
public:
    TrackerClient(ats::sdk::Host host, ClientOptions options, ats::shared::TimeZone zone);
    TrackerClient(const TrackerClient &) = delete;
    TrackerClient &operator=(const TrackerClient &) = delete;

    const ats::shared::TimeZone &zone() const { return zone_; }
    const ClientOptions &options() const { return options_; }
    Authenticator &auth() { return auth_; }
    // Widget requests sent so far by this instance (counting the host's retries).
    uint64_t requests_sent() const { return wire_.requests_sent(); }
    // The host's clock (the sandbox's in tests), to the second: e.g. NewActivity::when.
    UtcSeconds now() const {
        return UtcSeconds(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(host_.now_unix_ms())));
    }

    // --- people -------------------------------------------------------------------------------
    // checkPerson by e-mail and/or phone (A11: e-mail trimmed + case-insensitive, phone by digits).
    // nullopt when nothing matched. Cost: 1.
    std::optional<PersonMatch> check_person(std::string_view email, std::string_view phone,
                                            const ats_call_t *call) const;
    // getRecords R, paged and de-duplicated by id. Cost: ceil((N+1)/page_size).
    void for_each_resource(const RecordFilter &filter, const RowFn<ResourceRow> &fn, const ats_call_t *call) const;
    // getIndividualRecord R. NOT_FOUND when absent. Cost: 1.
    ResourceRow get_resource(int64_t id, const ats_call_t *call) const;
    // createResource, optionally assigned to an opportunity (A1: answers linkId). Cost: 1.
    // A person Tracker finds and may not overwrite (status 3) throws RecordExistsError (CONFLICT)
    // whose existing_id() is the resource found when the answer names it (A16), else 0.
    CreatedResource create_resource(const NewResource &resource, const std::optional<AssignTo> &assign,
                                    const ats_call_t *call) const;

    // --- applications (opportunity-resource links) ---------------------------------------------
    // resourceApplication: links a resource to an opportunity; returns the link id (A1). Cost: 1.
    int64_t create_link(int64_t resource_id, int64_t opportunity_id, std::string_view list, std::string_view source,
                        const ats_call_t *call) const;
    // getRecords OR with resourceid/opportunityid/updatedafter (A2), paged, de-duplicated.
    // Cost: ceil((N+1)/page_size).
    void for_each_link(const LinkFilter &filter, const RowFn<LinkRow> &fn, const ats_call_t *call) const;
    // getIndividualRecord OR (A2). Cost: 1.
    LinkRow get_link(int64_t id, const ats_call_t *call) const;
    // updateRecord OR opportunityresourcestatusid = the id of status NAME (A3, A4); returns the
    // status applied. Cost: 1 (+1 getSettings).
    NamedId set_link_status(int64_t link_id, std::string_view status_name, const ats_call_t *call) const;

    // --- jobs (opportunities) ------------------------------------------------------------------
    // getRecords O with includecustomfields, paged, de-duplicated. Cost: ceil((N+1)/page_size).
    void for_each_opportunity(const RecordFilter &filter, const RowFn<OpportunityRow> &fn,
                              const ats_call_t *call) const;
    // getIndividualRecord O: the enhanced row (description, clientname, location, ...; A13). Cost: 1.
    OpportunityRow get_opportunity(int64_t id, const ats_call_t *call) const;

    // --- any record type -----------------------------------------------------------------------
    // getRecords with recordids "1,2,3" (A14), 500 ids per request; calls fn for each row found
    // (ids that do not exist are simply absent). Cost: ceil(n/500).
    void get_records_by_ids(std::string_view record_type, const std::vector<int64_t> &ids,
                            const RowFn<boost::json::object> &fn, const ats_call_t *call) const;
    // updateRecord with column updates [{column, value}] and custom fields [{id, value}]. Cost: 1.
    void update_record(std::string_view record_type, int64_t id, boost::json::array updates,
                       boost::json::array custom_fields, const ats_call_t *call) const;

    // --- notes (activities) and documents ------------------------------------------------------
    // createActivity linked to a record (A6: "OR" links to an application). Cost: 1.
    int64_t create_activity(const NewActivity &activity, const ats_call_t *call) const;
    // getRecords A by linkrecordtype/linkrecordid (A6), paged. Cost: ceil((N+1)/page_size).
    void for_each_activity(std::string_view link_record_type, int64_t link_record_id,
                           const RowFn<boost::json::object> &fn, const ats_call_t *call) const;
    // attachDocument (base64 data); returns the document id (A5). Cost: 1.
    int64_t attach_document(std::string_view record_type, int64_t record_id, std::string_view file_name,
                            std::string_view document_type, std::string_view data_base64, const ats_call_t *call) const;
    // getRecords D by linkrecordtype/linkrecordid (A5), paged. Cost: ceil((N+1)/page_size).
    void for_each_document(std::string_view link_record_type, int64_t link_record_id,
                           const RowFn<boost::json::object> &fn, const ats_call_t *call) const;
    // getIndividualRecord D: metadata plus `data` (base64) (A5). Cost: 1.
    boost::json::object get_document(int64_t id, const ats_call_t *call) const;

    // --- settings ------------------------------------------------------------------------------
    // getSettings, cached. Cost: 1 on first use, then 0.
    std::shared_ptr<const Settings> settings(const ats_call_t *call) const;
    // A status by NAME (or id), reloading settings once if it is missing. Cost: 0, 1 or 2.
    NamedId link_status(std::string_view name_or_id, std::string_view what, const ats_call_t *call) const;

    // Lower level: one widget call (for methods not wrapped above).
    boost::json::object call(std::string_view method, boost::json::object params, const RequestContext &ctx) const {
        return wire_.call(method, std::move(params), ctx);
    }

private:
    // getRecords walk: numrecords/pagenum (A7), de-duplicating by id across overlapping pages.
    // `consumer_limit`: see RecordFilter::consumer_limit (unset: no read-ahead).
    void page(std::string_view record_type, const boost::json::object &instructions,
              const std::function<bool(const boost::json::object &)> &fn, const ats_call_t *call,
              const std::string &what, size_t extra_rows = 0,
              std::optional<uint64_t> consumer_limit = std::nullopt) const;
    boost::json::object individual(std::string_view record_type, int64_t id, const ats_call_t *call) const;
    void add_filter(boost::json::object &instructions, const std::optional<UtcSeconds> &updated_after) const;
    // add_filter, or the resume point's watermark; returns the extra rows each page should ask for.
    size_t add_filter(boost::json::object &instructions, const std::optional<UtcSeconds> &updated_after,
                      const std::optional<ResumeFrom> &resume) const;

    ats::sdk::Host host_;
    ClientOptions options_;
    ats::shared::TimeZone zone_;
    mutable Authenticator auth_;
    WireClient wire_;
    mutable SettingsCache settings_;
};

} // namespace ats::tracker
