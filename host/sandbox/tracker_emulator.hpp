#pragma once
// Tracker RMS Widget API emulator (the documented API + plugins/tracker/client/WIRE_ASSUMPTIONS.md).
#include "http_types.hpp"
#include "time_util.hpp"
#include "world.hpp"

#include <functional>
#include <string>

namespace ats::sandbox {

struct TrackerContext {
    World &world;
    const TrackerZone &zone;
    EpochMs now;
    int oauth_ttl_seconds;
    std::string base_url;                        // http://127.0.0.1:P
    std::function<void(json::object)> log_write; // records a write request (credentials removed)
    std::function<std::string()> new_token;      // GUID-shaped token
    bool overlap_pages = false;                  // fault "overlap" on this request
    // The zone updatedafter/updatedbefore are read in: the account's (null), or UTC when A8 is
    // violated on purpose (violations.hpp).
    const TrackerZone *filter_zone = nullptr;
};

// The counter/fault label of a Tracker request: the widget method name, "oauth2/token",
// "oauth2/authorize", or "unknown".
std::string tracker_endpoint(const HttpRequest &req);
// True for the Widget API methods that change records (createResource, ..., attachDocument): they
// are logged as writes, and they invalidate what the sandbox derived from the records.
bool tracker_write(const std::string &method);

HttpResponse handle_tracker(TrackerContext &ctx, const HttpRequest &req);

// Puts the seeded refresh token in place and forgets every access token.
void reset_tracker_oauth(World &world);

} // namespace ats::sandbox
