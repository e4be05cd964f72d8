#include "sandbox_app.hpp"

#include "expected.hpp"
#include "generator.hpp"
#include "kombo_emulator.hpp"
#include "mutate.hpp"
#include "tracker_emulator.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ats::sandbox {

namespace {
const char *service_name(Service s) { return s == Service::tracker ? "tracker" : "kombo"; }

HttpResponse json_reply(int status, json::value body) {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

HttpResponse admin_error(int status, const std::string &message) {
  return json_reply(status, json::object{{"error", message}});
}

std::string guid(std::mt19937_64 &rng) {
  char buffer[40];
  std::uint64_t a = rng(), b = rng();
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

GeneratorParams params_from(const json::object &o, GeneratorParams base) {
  base.seed = static_cast<std::uint64_t>(int_or(o, "seed", static_cast<std::int64_t>(base.seed)));
  base.jobs = static_cast<int>(int_or(o, "jobs", base.jobs));
  base.applications = static_cast<int>(int_or(o, "applications", base.applications));
  base.people = static_cast<int>(int_or(o, "people", base.people));
  base.tracker_people = static_cast<int>(int_or(o, "tracker_people", base.tracker_people));
  return base;
}
} // namespace

SandboxApp::SandboxApp(SandboxConfig config)
    : config_(std::move(config)), zone_(config_.tracker_timezone), token_rng_(std::random_device{}()) {
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
    if (ec || !v.is_object()) throw std::runtime_error("fixture file " + fixture + " is not a JSON object: " + ec.message());
    doc = std::move(v.as_object());
    for (const char *key : {"tracker", "kombo", "truth", "params"})
      if (!doc.count(key) || !doc[key].is_object()) throw std::runtime_error("fixture file " + fixture + ": missing object '" + key + "'");
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
  p.fault = faults_.decide(service_name(service), p.endpoint, service == Service::tracker && p.endpoint == "getRecords", real_now_ms());
  p.fault.latency_ms += config_.latency_ms;
  return p;
}

void SandboxApp::count(Service service, const std::string &endpoint, const std::string &method, const std::string &status) {
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
  const std::string &kind = prepared.fault.kind;
  HttpResponse response;
  if (kind == "429" || kind == "500" || kind == "502" || kind == "503") {
    int status = std::stoi(kind);
    if (service == Service::kombo) {
      if (status == 429)
        response = kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Rate limit exceeded.", "Too many requests; see the ratelimit-* headers.");
      else if (status == 500)
        response = kombo_error(500, "PLATFORM.UNKNOWN_ERROR", "An unknown error occurred.", "Injected fault 500.");
      else
        response = kombo_error(status, "REMOTE.SERVICE_UNAVAILABLE", "The remote system is unavailable.", "Injected fault " + kind + ".");
      if (status == 429) {
        response.headers.emplace_back("ratelimit-limit", std::to_string(prepared.fault.limit));
        response.headers.emplace_back("ratelimit-remaining", std::to_string(prepared.fault.remaining));
        response.headers.emplace_back("ratelimit-reset", std::to_string(prepared.fault.reset_seconds));
      }
    } else {
      response.status = status;
      response.content_type = "text/html";
      response.body = "<html><body><h1>" + kind + "</h1>Injected fault.</body></html>";
      if (status == 429) response.headers.emplace_back("Retry-After", std::to_string(prepared.fault.reset_seconds)); // A10
    }
    count(service, prepared.endpoint, req.method, kind);
    return response;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (service == Service::tracker) {
      TrackerContext ctx{world_, zone_, clock_.now(), config_.oauth_ttl_seconds, tracker_base_,
                         [this](json::object e) { log_write(Service::tracker, std::move(e)); },
                         [this] { return guid(token_rng_); }, kind == "overlap"};
      response = handle_tracker(ctx, req);
    } else {
      KomboContext ctx{world_, clock_.now(), kombo_base_, [this](json::object e) { log_write(Service::kombo, std::move(e)); }};
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
    if (service == Service::tracker && response.status == 200 && kind.empty() && response.body.compare(0, prefix.size(), prefix) == 0 &&
        response.body.compare(prefix.size(), 2, "0,") != 0)
      status += "/status=" + response.body.substr(prefix.size(), response.body.find(',', prefix.size()) - prefix.size());
    count(service, prepared.endpoint, req.method, status);
  }
  return response;
}

HttpResponse SandboxApp::admin(Service service, const HttpRequest &req) {
  const std::string what = req.path.substr(std::string("/_sandbox/").size());
  json::object body;
  if (req.method == "POST" && !req.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return admin_error(400, "/_sandbox/" + what + ": body must be a JSON object");
    body = std::move(v.as_object());
  }
  try {
    if (what == "state" && req.method == "GET") {
      std::lock_guard<std::mutex> lock(mutex_);
      json::object out = world_.doc;
      // Tokens are credentials: the state shows how many exist, never their values.
      auto &oauth = out["tracker"].as_object()["oauth"].as_object();
      oauth["refresh_token"] = "[redacted]";
      oauth["access_tokens"] = oauth["access_tokens"].as_object().size();
      out["now"] = iso_utc(clock_.now());
      out["tracker_timezone"] = zone_.name();
      return json_reply(200, out);
    }
    if (what == "counters" && req.method == "GET") {
      std::lock_guard<std::mutex> lock(mutex_);
      json::array rows;
      json::object totals{{"tracker", 0}, {"kombo", 0}};
      for (const auto &kv : counters_) {
        rows.push_back(json::object{{"service", std::get<0>(kv.first)}, {"endpoint", std::get<1>(kv.first)},
                                    {"method", std::get<2>(kv.first)}, {"status", std::get<3>(kv.first)}, {"count", kv.second}});
        totals[std::get<0>(kv.first)] = int_or(totals, std::get<0>(kv.first).c_str(), 0) + kv.second;
      }
      return json_reply(200, json::object{{"counters", std::move(rows)}, {"totals", std::move(totals)},
                                          {"kombo_write_violations", violations_}, {"faults_injected", faults_.stats()}});
    }
    if (what == "writes" && req.method == "GET") {
      std::lock_guard<std::mutex> lock(mutex_);
      return json_reply(200, json::object{{"writes", writes_}, {"kombo_write_violations", violations_}});
    }
    if (what == "expected" && req.method == "GET") {
      const std::string *pending = req.query_param("pending_status");
      std::lock_guard<std::mutex> lock(mutex_);
      return json_reply(200, expected_end_state(world_, pending ? *pending : "Applied"));
    }
    if (what == "faults" && req.method == "GET") return json_reply(200, faults_.describe());
    if (what == "faults" && req.method == "POST") {
      faults_.configure(body);
      return json_reply(200, json::object{{"faults", faults_.describe()}});
    }
    if (what == "mutate" && req.method == "POST") {
      std::lock_guard<std::mutex> lock(mutex_);
      return json_reply(200, apply_mutation(world_, clock_, body));
    }
    if (what == "reset" && req.method == "POST") {
      // {"data": true, "seed": .., "jobs": .., ...} regenerates (or reloads the fixture); without
      // "data" only counters, the write log, faults and the clock are reset.
      faults_.configure(json::object{});
      clock_.reset();
      std::lock_guard<std::mutex> lock(mutex_);
      counters_.clear();
      writes_.clear();
      violations_ = 0;
      if (truthy(body, "data")) {
        config_.params = params_from(body, config_.params);
        bool use_fixture = !config_.fixture.empty() && !body.count("seed");
        load_world(config_.params, use_fixture ? config_.fixture : "");
      }
      return json_reply(200, json::object{{"reset", true}, {"data", truthy(body, "data")}});
    }
  } catch (const std::invalid_argument &e) {
    return admin_error(400, e.what());
  }
  (void)service;
  return admin_error(404, "unknown admin endpoint " + req.method + " /_sandbox/" + what +
                              " (GET state|counters|writes|expected|faults, POST reset|faults|mutate)");
}

} // namespace ats::sandbox
