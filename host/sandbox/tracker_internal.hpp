#pragma once
// Shared pieces of the Tracker emulator's translation units.
#include "tracker_emulator.hpp"

#include <cstdint>
#include <string>

namespace ats::sandbox::tracker {

// Body-level result: HTTP 200 with {"status":N,"message":...} (how Tracker reports most errors).
HttpResponse ok(json::object extra = {});
HttpResponse error(int status, const std::string &message);
// TRACKER-ASSUMPTION A9: a missing record answers status 99 "Record not found ...".
HttpResponse not_found(const std::string &record_type, std::int64_t id);

json::object render_resource(TrackerContext &ctx, const json::object &r, bool custom_fields);
json::object render_opportunity(TrackerContext &ctx, const json::object &o, bool custom_fields, bool individual);
json::object render_link(TrackerContext &ctx, const json::object &l);
json::object render_document(TrackerContext &ctx, const json::object &d, bool with_data);
json::object render_activity(TrackerContext &ctx, const json::object &a);
json::object render(TrackerContext &ctx, const std::string &type, const json::object &record, bool custom_fields,
                    bool individual);

std::string full_name(const json::object &resource);
std::string lower_trim(const std::string &s);
std::string digits_only(const std::string &s);

HttpResponse get_records(TrackerContext &ctx, const json::object &call);
HttpResponse get_individual_record(TrackerContext &ctx, const json::object &call);
HttpResponse get_settings(TrackerContext &ctx, const json::object &call);
HttpResponse check_person(TrackerContext &ctx, const json::object &call);
HttpResponse create_resource(TrackerContext &ctx, const json::object &call, bool from_resume);
HttpResponse resource_application(TrackerContext &ctx, const json::object &call);
HttpResponse update_record(TrackerContext &ctx, const json::object &call);
HttpResponse create_activity(TrackerContext &ctx, const json::object &call);
HttpResponse attach_document(TrackerContext &ctx, const json::object &call);

} // namespace ats::sandbox::tracker
