#pragma once
// Kombo unified ATS API emulator, served under /v1 (checked against tests/kombo/kombo-openapi.json).
#include "http_types.hpp"
#include "time_util.hpp"
#include "world.hpp"

#include <functional>
#include <string>

namespace ats::sandbox {

struct KomboContext {
    World &world;
    EpochMs now;
    std::string base_url;                        // http://127.0.0.1:P (data_url points here)
    std::function<void(json::object)> log_write; // records a write attempt (a violation)
    bool updated_after_exclusive = false;        // K3 broken on purpose (violations.hpp)
};

// Counter/fault label: the OpenAPI path template without /v1 ("/ats/applications",
// "/ats/candidates/{id}/attachments", "/check-api-key"), "/files/{id}" for attachment downloads, or
// "unknown".
std::string kombo_endpoint(const HttpRequest &req);

HttpResponse handle_kombo(KomboContext &ctx, const HttpRequest &req);

// The error envelope of the OpenAPI's ErrorResponseATS ({"status":"error","error":{code,title,
// message,log_url}}); code may be empty for null.
HttpResponse kombo_error(int http_status, const std::string &code, const std::string &title,
                         const std::string &message);

json::object render_kombo_application(World &world, const json::object &app);
json::object render_kombo_candidate(World &world, const json::object &candidate);
json::object render_kombo_job(World &world, const json::object &job);
json::object render_kombo_attachment(const std::string &base_url, const json::object &attachment, bool candidate_view);

} // namespace ats::sandbox
