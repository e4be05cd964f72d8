// The request pipeline behind both ports: fault decision, execution by the emulators under one
// lock, counters and the write log. The admin API is in admin_api.cpp.
#include "sandbox_app.hpp"

#include "generator.hpp"
#include "kombo_emulator.hpp"
#include "tracker_emulator.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ats::sandbox {

namespace {
const char *service_name(Service s) { return s == Service::tracker ? "tracker" : "kombo"; }

std::string guid(std::mt19937_64 &rng) {
    char buffer[40];
    std::uint64_t a = rng(), b = rng();
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buffer;
}

} // namespace

SandboxApp::SandboxApp(SandboxConfig config)
    : config_(std::move(config)), zone_(config_.tracker_timezone), token_rng_(std::random_device{}()) {
    tracker_skew_ms_ = config_.tracker_clock_skew_ms;
    broken_.set(config_.violate); // throws naming a tag the sandbox cannot violate
    load_world(config_.params, config_.fixture);
}

void SandboxApp::load_world(const GeneratorParams &params, const std::string &fixture) {
    json::object doc;
    if (!fixture.empty()) {
        std::ifstream in(fixture);
        if (!in) throw std::runtime_error("cannot read fixture file " + fixture);
        std::stringstream text;
        text << in.rdbuf();
        boost::system::error_code ec;
        json::value v = json::parse(text.str(), ec);
        if (ec || !v.is_object())
            throw std::runtime_error("fixture file " + fixture + " is not a JSON object: " + ec.message());
        doc = std::move(v.as_object());
        for (const char *key : {"tracker", "kombo", "truth", "params"})
            if (!doc.count(key) || !doc[key].is_object())
                throw std::runtime_error("fixture file " + fixture + ": missing object '" + key + "'");
    } else {
        doc = generate_world(params);
    }
    world_.doc = std::move(doc);
    world_.reindex();
    reset_tracker_oauth(world_);
}

json::object SandboxApp::export_world() {
    std::lock_guard<std::mutex> lock(mutex_);
    return world_.doc;
}

void SandboxApp::set_base_urls(const std::string &tracker, const std::string &kombo) {
    tracker_base_ = tracker;
    kombo_base_ = kombo;
}

Prepared SandboxApp::prepare(Service service, const HttpRequest &req) {
    Prepared p;
    if (req.path.rfind("/_sandbox/", 0) == 0) {
        p.admin = true;
        return p;
    }
    p.endpoint = service == Service::tracker ? tracker_endpoint(req) : kombo_endpoint(req);
    p.fault = faults_.decide(service_name(service), p.endpoint,
                             service == Service::tracker && p.endpoint == "getRecords", real_now_ms());
    p.fault.latency_ms += config_.latency_ms;
    return p;
}

std::unique_lock<std::mutex> SandboxApp::lock_world_for_change() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++world_.generation;
    return lock;
}

void SandboxApp::count(Service service, const std::string &endpoint, const std::string &method,
                       const std::string &status) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_[{service_name(service), endpoint, method, status}];
}

void SandboxApp::log_write(Service service, json::object entry) {
    entry["seq"] = ++write_seq_;
    entry["at"] = iso_utc(clock_.now());
    if (service == Service::kombo) ++violations_;
    writes_.push_back(std::move(entry));
}

HttpResponse SandboxApp::execute(Service service, const HttpRequest &req, const Prepared &prepared) {
    if (prepared.admin) return admin(service, req);
    std::string kind = prepared.fault.kind;
    // "malformed" means a JSON answer that stops being JSON; a file download has no framing inside
    // its bytes that a client could check, so that fault does not apply to it ("truncated" does: the
    // body ends before its Content-Length).
    if (kind == "malformed" && prepared.endpoint == "/files/{id}") kind.clear();
    HttpResponse response;
    if (kind == "429" || kind == "500" || kind == "502" || kind == "503") {
        int status = std::stoi(kind);
        if (service == Service::kombo) {
            if (status == 429)
                response = kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Rate limit exceeded.",
                                       "Too many requests; see the ratelimit-* headers.");
            else if (status == 500)
                response =
                    kombo_error(500, "PLATFORM.UNKNOWN_ERROR", "An unknown error occurred.", "Injected fault 500.");
            else
                response = kombo_error(status, "REMOTE.SERVICE_UNAVAILABLE", "The remote system is unavailable.",
                                       "Injected fault " + kind + ".");
            if (status == 429) {
                response.headers.emplace_back("ratelimit-limit", std::to_string(prepared.fault.limit));
                response.headers.emplace_back("ratelimit-remaining", std::to_string(prepared.fault.remaining));
                response.headers.emplace_back("ratelimit-reset", std::to_string(prepared.fault.reset_seconds));
            }
        } else {
            response.status = status;
            response.content_type = "text/html";
            response.body = "<html><body><h1>" + kind + "</h1>Injected fault.</body></html>";
            if (status == 429)
                response.headers.emplace_back("Retry-After", std::to_string(prepared.fault.reset_seconds)); // A10
        }
        count(service, prepared.endpoint, req.method, kind);
        return response;
    }
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (service != Service::tracker || tracker_write(prepared.endpoint)) ++world_.generation;
        if (service == Service::tracker) {
            // Tracker's own clock: every timestamp it writes and every updatedafter it evaluates.
            TrackerContext ctx{world_,
                               zone_,
                               clock_.now() + tracker_skew_ms_.load(),
                               config_.oauth_ttl_seconds,
                               tracker_base_,
                               [this](json::object e) { log_write(Service::tracker, std::move(e)); },
                               [this] { return guid(token_rng_); },
                               kind == "overlap",
                               broken_.has("A8") ? &utc_zone_ : nullptr};
            if (broken_.has("A14") && prepared.endpoint == "getRecords") {
                HttpRequest changed = req;
                changed.body = broken_.rewrite_tracker_request(prepared.endpoint, req.body);
                response = handle_tracker(ctx, changed);
            } else {
                response = handle_tracker(ctx, req);
            }
            broken_.rewrite_tracker_response(prepared.endpoint, req.body, response);
        } else {
            KomboContext ctx{world_, clock_.now(), kombo_base_,
                             [this](json::object e) { log_write(Service::kombo, std::move(e)); }, broken_.has("K3")};
            response = handle_kombo(ctx, req);
        }
    }
    // Under a budget, every Kombo answer tells the client where it stands (ratelimit-* headers).
    if (service == Service::kombo && prepared.fault.limit > 0) {
        response.headers.emplace_back("ratelimit-limit", std::to_string(prepared.fault.limit));
        response.headers.emplace_back("ratelimit-remaining", std::to_string(prepared.fault.remaining));
        response.headers.emplace_back("ratelimit-reset", std::to_string(prepared.fault.reset_seconds));
    }
    if (kind == "malformed") {
        // A response that starts like the real one and then stops being JSON.
        response.body = response.body.substr(0, response.body.size() / 2) + "<!-- upstream error -->";
    }
    if (kind != "reset" && kind != "stall" && kind != "truncated") {
        std::string status = kind == "malformed" ? "malformed" : std::to_string(response.status);
        // Tracker answers errors inside HTTP 200: count them as "200/status=N" (N = 1, 2, 3, 99).
        const std::string prefix = "{\"status\":";
        if (service == Service::tracker && response.status == 200 && kind.empty() &&
            response.body.compare(0, prefix.size(), prefix) == 0 && response.body.compare(prefix.size(), 2, "0,") != 0)
            status += "/status=" +
                      response.body.substr(prefix.size(), response.body.find(',', prefix.size()) - prefix.size());
        count(service, prepared.endpoint, req.method, status);
    }
    return response;
}

} // namespace ats::sandbox
