// application_position.hpp - where the hybrid's applications.stream stands, so a consumer (a
// serve page) resumes it instead of re-running it (ats_plugin.h, ats_sink_t.position).
//
// The stream has two parts in a row: Tracker's applications, then the Workable applications the
// state keeps as pending or quarantined. In Tracker's part the position wraps Tracker's own
// (a watermark that survives edits between pages); in the pending part it names the state prefix
// and the last key delivered: state_scan walks keys in byte order, so "after this key" holds
// even when keys were added or removed meanwhile.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace ats::tracker_workable {

struct ApplicationPosition {
    // In the pending part: 0 = pending, 1 = quarantined (the order the stream walks them).
    std::optional<size_t> pending_prefix;
    std::string tracker_position; // Tracker's part: Tracker's position text ("" = from the start)
    std::string last_key;         // pending part: the last state key delivered
    // The control record the listing's first call sent when its sync failed ("" = none): a
    // resumed call sends it again, so every page of that listing says the Workable side was not
    // refreshed (a resumed call does not sync, so it could not tell otherwise).
    std::string warning;

    // The position in args["resume_after"], or nullopt without one. Throws INVALID_ARGUMENT
    // naming `operation` and resume_after when it is not a position this stream reported.
    static std::optional<ApplicationPosition> from_args(const boost::json::object &args, const std::string &operation);

    // The position as the JSON text reported through the sink.
    std::string text() const;
};

} // namespace ats::tracker_workable
