// Inspection and control of the sandbox: the /_sandbox/ admin API served on both ports
// (state, counters, writes, expected, faults, mutate, reset). Admin requests are not API traffic.
#include "sandbox_app.hpp"

#include "admin_mutations.hpp"
#include "expected.hpp"
#include "mutate.hpp"
#include "tracker_emulator.hpp"

#include <stdexcept>

namespace ats::sandbox {

namespace {
HttpResponse json_reply(int status, json::value body) {
    HttpResponse r;
    r.status = status;
    r.body = json::serialize(body);
    return r;
}

HttpResponse admin_error(int status, const std::string &message) {
    return json_reply(status, json::object{{"error", message}});
}

GeneratorParams params_from(const json::object &o, GeneratorParams base) {
    base.seed = static_cast<std::uint64_t>(int_or(o, "seed", static_cast<std::int64_t>(base.seed)));
    base.jobs = static_cast<int>(int_or(o, "jobs", base.jobs));
    base.applications = static_cast<int>(int_or(o, "applications", base.applications));
    base.people = static_cast<int>(int_or(o, "people", base.people));
    base.tracker_people = static_cast<int>(int_or(o, "tracker_people", base.tracker_people));
    base.nameless_every = static_cast<int>(int_or(o, "nameless_every", base.nameless_every));
    return base;
}
} // namespace

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
            std::lock_guard<std::mutex> lock(mutex_); // reads only
            json::object out = world_.doc;
            // Tokens are credentials: the state shows how many exist, never their values.
            auto &oauth = out["tracker"].as_object()["oauth"].as_object();
            oauth["refresh_token"] = "[redacted]";
            oauth["access_tokens"] = oauth["access_tokens"].as_object().size();
            out["now"] = iso_utc(clock_.now());
            out["tracker_timezone"] = zone_.name();
            out["tracker_skew_ms"] = tracker_skew_ms_.load();
            return json_reply(200, out);
        }
        if (what == "counters" && req.method == "GET") {
            std::lock_guard<std::mutex> lock(mutex_); // reads only
            json::array rows;
            json::object totals{{"tracker", 0}, {"kombo", 0}};
            for (const auto &kv : counters_) {
                rows.push_back(json::object{{"service", std::get<0>(kv.first)},
                                            {"endpoint", std::get<1>(kv.first)},
                                            {"method", std::get<2>(kv.first)},
                                            {"status", std::get<3>(kv.first)},
                                            {"count", kv.second}});
                totals[std::get<0>(kv.first)] = int_or(totals, std::get<0>(kv.first).c_str(), 0) + kv.second;
            }
            return json_reply(200, json::object{{"counters", std::move(rows)},
                                                {"totals", std::move(totals)},
                                                {"kombo_write_violations", violations_},
                                                {"faults_injected", faults_.stats()}});
        }
        if (what == "writes" && req.method == "GET") {
            std::lock_guard<std::mutex> lock(mutex_); // reads only
            return json_reply(200, json::object{{"writes", writes_}, {"kombo_write_violations", violations_}});
        }
        if (what == "expected" && req.method == "GET") {
            const std::string *pending = req.query_param("pending_status");
            auto lock = lock_world_for_change();
            return json_reply(200, expected_end_state(world_, pending ? *pending : "Applied"));
        }
        if (what == "faults" && req.method == "GET") return json_reply(200, faults_.describe());
        if (what == "faults" && req.method == "POST") {
            faults_.configure(body);
            return json_reply(200, json::object{{"faults", faults_.describe()}});
        }
        if (what == "mutate" && req.method == "POST") {
            auto lock = lock_world_for_change();
            return json_reply(200, apply_mutation(world_, clock_, body));
        }
        if (what == "violations" && (req.method == "GET" || req.method == "POST")) {
            if (req.method == "POST") {
                // {"violate": ["A8", "K3"]}: replaces the set ([] = a faithful emulator again).
                std::vector<std::string> tags;
                const json::value *v = body.if_contains("violate");
                if (!v || !v->is_array())
                    return admin_error(400, "violations: expected {\"violate\": [tag, ...]} with tags among " +
                                                Violations::violable());
                for (const auto &t : v->as_array()) {
                    if (!t.is_string()) return admin_error(400, "violations: every tag must be a string");
                    tags.emplace_back(t.as_string());
                }
                try {
                    broken_.set(tags);
                } catch (const std::invalid_argument &e) {
                    return admin_error(400, std::string("violations: ") + e.what());
                }
            }
            return json_reply(200, json::object{{"violate", broken_.list()}, {"violable", Violations::violable()}});
        }
        if (what == "clock" && (req.method == "GET" || req.method == "POST")) {
            // {"tracker_skew_ms": N}: Tracker's clock runs N ms ahead of the sandbox clock (negative: behind).
            if (req.method == "POST") {
                for (const auto &kv : body)
                    if (kv.key() != "tracker_skew_ms")
                        return admin_error(400, "clock: unknown field '" + std::string(kv.key()) + "'");
                auto skew = int_of(body, "tracker_skew_ms");
                if (!skew) return admin_error(400, "clock.tracker_skew_ms: expected an integer (milliseconds)");
                tracker_skew_ms_ = *skew;
            }
            EpochMs now = clock_.now();
            return json_reply(200,
                              json::object{{"now", iso_utc(now)},
                                           {"tracker_skew_ms", tracker_skew_ms_.load()},
                                           {"tracker_now", iso_utc(now + tracker_skew_ms_.load())},
                                           {"tracker_now_local", zone_.local_datetime(now + tracker_skew_ms_.load())},
                                           {"tracker_timezone", zone_.name()}});
        }
        if (what == "workable/application" && req.method == "POST") {
            auto lock = lock_world_for_change();
            return json_reply(200, change_workable_application(world_, clock_.now(), body));
        }
        if (what == "tracker/link_status" && req.method == "POST") {
            auto lock = lock_world_for_change();
            return json_reply(200, set_tracker_link_status(world_, clock_.now() + tracker_skew_ms_.load(), body));
        }
        if (what == "tracker/resource_field" && req.method == "POST") {
            auto lock = lock_world_for_change();
            return json_reply(200, set_tracker_resource_field(world_, clock_.now() + tracker_skew_ms_.load(), body));
        }
        if (what == "tracker/document_field" && req.method == "POST") {
            auto lock = lock_world_for_change();
            return json_reply(200, set_tracker_document_field(world_, clock_.now() + tracker_skew_ms_.load(), body));
        }
        if (what == "reset" && req.method == "POST") {
            // {"data": true, "seed": .., "jobs": .., ...} regenerates (or reloads the fixture); without
            // "data" only counters, the write log, faults and the clock are reset.
            faults_.configure(json::object{});
            clock_.reset();
            tracker_skew_ms_ = config_.tracker_clock_skew_ms;
            broken_.set(config_.violate);
            auto lock = lock_world_for_change();
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
                                " (GET state|counters|writes|expected|faults|clock|violations, POST "
                                "reset|faults|mutate|clock|violations|workable/application|"
                                "tracker/link_status|tracker/resource_field)");
}

} // namespace ats::sandbox
