// stream_position.hpp - where a Tracker listing stream stands, so a consumer can resume it
// (ats_plugin.h, ats_sink_t.position and the "resume_after" argument).
//
// Tracker lists rows sorted by `lastupdated` ascending (to the second, local time) and filters
// them with an inclusive `updatedafter` (A8). A position is the last delivered row's `lastupdated`
// (the watermark) and the ids already delivered within that second. Resuming asks for rows from
// the watermark and skips those ids. Why not a page number: a row updated between two reads moves
// to the end of the listing and every later row shifts one place up, so an offset would skip a
// row; a watermark does not move. A row changed after it was delivered comes again (newer
// `lastupdated`), in its new state; an unchanged row never comes twice.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ats::tracker {

struct ResumeFrom;

class StreamPosition {
public:
    // `listing` names what the stream walks ("O", "R", "OR"): a position of one listing is
    // refused by another.
    explicit StreamPosition(std::string listing) : listing_(std::move(listing)) {}

    // The position in args["resume_after"], or nullopt without one. Throws INVALID_ARGUMENT
    // naming `operation` and resume_after when it is malformed or belongs to another listing.
    static std::optional<StreamPosition> from_args(const boost::json::object &args, const std::string &operation,
                                                   const std::string &listing);

    // True for a row the stream delivered before this position (skip it when resuming).
    bool delivered(const std::string &last_updated, int64_t id) const;
    // The row just delivered.
    void advance(const std::string &last_updated, int64_t id);
    // Where the listing resumes (nullopt before the first delivered row).
    std::optional<ResumeFrom> resume_from() const;
    // The position as the JSON text reported through the sink.
    std::string text() const;

    // For streams made of several listings in a row (applications of job_ids): the index of the
    // listing the position is in. Moving to the next one starts it from its beginning.
    size_t part() const { return part_; }
    void next_part();

private:
    std::string listing_;
    std::string watermark_;    // "" = nothing delivered in this part yet
    std::vector<int64_t> ids_; // delivered rows whose lastupdated == watermark_
    size_t part_ = 0;
};

} // namespace ats::tracker
