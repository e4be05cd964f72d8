#include "sandbox_fixture.hpp"

#include "paths.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ats::test {

namespace json = boost::json;

Sandbox::Sandbox() : Sandbox(Options()) {}

Sandbox::Sandbox(Options options) : dir_("ats-sandbox") {
    const std::string ports_file = dir_ / "ports.json";
    std::vector<std::string> argv = {
        bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--ports-file", ports_file};
    if (options.fixture.empty()) {
        for (auto &[flag, value] : std::vector<std::pair<std::string, std::string>>{
                 {"--seed", std::to_string(options.seed)},
                 {"--jobs", std::to_string(options.jobs)},
                 {"--applications", std::to_string(options.applications)},
                 {"--people", std::to_string(options.people)},
                 {"--tracker-people", std::to_string(options.tracker_people)}}) {
            argv.push_back(flag);
            argv.push_back(value);
        }
    } else {
        argv.insert(argv.end(), {"--fixture", options.fixture});
    }
    if (options.latency_ms > 0) argv.insert(argv.end(), {"--latency-ms", std::to_string(options.latency_ms)});
    if (options.tracker_concurrency > 0)
        argv.insert(argv.end(), {"--tracker-concurrency", std::to_string(options.tracker_concurrency)});
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
        std::ifstream in(ports_file);
        if (in) {
            std::stringstream text;
            text << in.rdbuf();
            json::value ports = json::parse(text.str());
            tracker_port_ = static_cast<int>(ports.at("tracker_port").to_number<int64_t>());
            kombo_port_ = static_cast<int>(ports.at("kombo_port").to_number<int64_t>());
            break;
        }
        if (!process_->running())
            throw std::runtime_error("ats-sandbox exited before listening: " + process_->read_err());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("ats-sandbox did not write its ports file within 30 s: " + process_->read_err());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    net::HttpClient::Options client_options;
    client_options.max_idle_per_origin = 32;
    http_ = std::make_unique<net::HttpClient>(client_options);
}

Sandbox::~Sandbox() {
    http_.reset();
    if (process_ && process_->running()) {
        process_->kill(SIGTERM);
        process_->wait(std::chrono::seconds(5));
    }
}

std::string Sandbox::tracker_url() const { return "http://127.0.0.1:" + std::to_string(tracker_port_); }
std::string Sandbox::kombo_url() const { return "http://127.0.0.1:" + std::to_string(kombo_port_) + "/v1"; }

std::string Sandbox::admin_url(const std::string &path, bool kombo_side) const {
    std::string p = path.rfind("/_sandbox/", 0) == 0 ? path : "/_sandbox/" + path;
    return "http://127.0.0.1:" + std::to_string(kombo_side ? kombo_port_ : tracker_port_) + p;
}

namespace {
json::value parse_ok(const net::HttpResponse &r, const std::string &what) {
    if (r.status < 200 || r.status > 299)
        throw std::runtime_error(what + " answered HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 500));
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec) throw std::runtime_error(what + " did not answer JSON: " + r.body.substr(0, 200));
    return v;
}
} // namespace

json::value Sandbox::admin_get(const std::string &path, bool kombo_side) {
    net::HttpRequest req;
    req.url = admin_url(path, kombo_side);
    return parse_ok(http_->send(req), "GET " + req.url);
}

json::value Sandbox::admin_post(const std::string &path, const json::value &body, bool kombo_side) {
    net::HttpRequest req;
    req.method = "POST";
    req.url = admin_url(path, kombo_side);
    req.headers = {{"Content-Type", "application/json"}};
    req.body = json::serialize(body);
    return parse_ok(http_->send(req), "POST " + req.url);
}

json::value Sandbox::tracker(const std::string &method, json::object call) {
    if (!call.contains("credentials")) call["credentials"] = json::object{{"apikey", kTrackerApiKey}};
    json::object envelope{{"trackerrms", json::object{{method, std::move(call)}}}};
    return parse_ok(tracker_raw("/api/widget/" + method, json::serialize(envelope)), "Tracker " + method);
}

net::HttpResponse Sandbox::tracker_raw(const std::string &path, const std::string &body,
                                       std::vector<std::pair<std::string, std::string>> headers) {
    net::HttpRequest req;
    req.method = "POST";
    req.url = tracker_url() + path;
    req.headers = std::move(headers);
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    return http_->send(req);
}

net::HttpResponse Sandbox::kombo_get(const std::string &path_and_query, bool authenticate,
                                     std::vector<std::pair<std::string, std::string>> headers) {
    net::HttpRequest req;
    req.url = kombo_url() + path_and_query;
    req.headers = std::move(headers);
    if (authenticate) {
        req.headers.emplace_back("Authorization", std::string("Bearer ") + kKomboApiKey);
        req.headers.emplace_back("X-Integration-Id", kKomboIntegrationId);
    }
    req.headers.emplace_back("Accept", "application/json");
    return http_->send(req);
}

net::HttpResponse Sandbox::send(net::HttpRequest request) { return http_->send(request); }

} // namespace ats::test
