#include "serve_fixture.hpp"

#include "paths.hpp"

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <regex>
#include <thread>

namespace ats::test::serve {
namespace fs = boost::filesystem;
namespace json = boost::json;

std::string probe_plugin(const std::string &variant) {
    return test_plugins_dir("serve") + "/libserve_probe_" + variant + ".so";
}

std::string ats_host_path() { return bin_dir() + "/ats-host"; }

std::string hash_token(const std::string &token) {
    auto r = run_process({ats_host_path(), "hash-token"}, {}, std::chrono::seconds(20), token + "\n");
    if (r.exit_code != 0 || r.out.size() < 64) throw std::runtime_error("ats-host hash-token failed: " + r.err);
    return r.out.substr(0, 64);
}

static void write_file(const std::string &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

ServeInstance::ServeInstance(ServeSetup setup) : setup_(std::move(setup)), dir_("ats-serve-test") {
    fs::create_directories(plugins_dir());
    fs::create_directories(manifests_dir());
    fs::create_directories(dir_ / "data");
    boost::filesystem::permissions(dir_ / "data", boost::filesystem::owner_all); // the host refuses a shared data dir
    for (const auto &[name, built] : setup_.plugins) fs::copy_file(built, plugins_dir() + "/" + name);
    for (const auto &[tenant, text] : setup_.manifests) write_file(manifests_dir() + "/" + tenant + ".json", text);

    json::object tokens{{"admin", hash_token(setup_.admin_token)}};
    json::object tenants;
    for (const auto &[tenant, list] : setup_.tokens) {
        json::array hashes;
        for (const auto &t : list) hashes.push_back(json::string(hash_token(t)));
        tenants[tenant] = std::move(hashes);
    }
    tokens["tenants"] = std::move(tenants);
    if (!setup_.webhook_secret_env.empty()) {
        json::object secrets;
        for (const auto &[tenant, env] : setup_.webhook_secret_env) secrets[tenant] = json::object{{"env", env}};
        tokens["kombo_webhook_secrets"] = std::move(secrets);
    }
    write_file(dir_ / "tokens.json", json::serialize(tokens));

    std::vector<std::string> argv{ats_host_path(), "--plugins",   plugins_dir(), "--manifests",       manifests_dir(),
                                  "--data-dir",    dir_ / "data", "--log-level", setup_.log_level,    "serve",
                                  "--listen",      "127.0.0.1:0", "--tokens",    dir_ / "tokens.json"};
    argv.insert(argv.end(), setup_.serve_args.begin(), setup_.serve_args.end());
    process_ = std::make_unique<ChildProcess>(argv, setup_.env);
    if (!process_->wait_for_output("listening on ", std::chrono::seconds(30)))
        throw std::runtime_error("ats-host serve did not start: " + process_->read_err());
    std::smatch m;
    std::string out = process_->read_out();
    if (!std::regex_search(out, m, std::regex("listening on https?://127\\.0\\.0\\.1:([0-9]+)")))
        throw std::runtime_error("no port in: " + out);
    port_ = static_cast<uint16_t>(std::stoi(m[1]));
    net::HttpClient::Options options;
    options.verify_tls = false; // TLS tests use their own client
    client_ = std::make_unique<net::HttpClient>(options);
}

ServeInstance::~ServeInstance() = default;

std::string ServeInstance::url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

net::HttpResponse ServeInstance::request(const std::string &method, const std::string &path, const std::string &token,
                                         const std::string &body,
                                         std::vector<std::pair<std::string, std::string>> headers) {
    net::HttpRequest req;
    req.method = method;
    req.url = url(path);
    req.headers = std::move(headers);
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    req.timeout = std::chrono::milliseconds(30000);
    return client_->send(req);
}

void ServeInstance::install_plugin(const std::string &file_name, const std::string &built_plugin) {
    std::string tmp = plugins_dir() + "/." + file_name + ".new";
    fs::copy_file(built_plugin, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, plugins_dir() + "/" + file_name);
}

void ServeInstance::write_manifest(const std::string &tenant, const std::string &json_text) {
    std::string tmp = manifests_dir() + "/." + tenant + ".json.new";
    write_file(tmp, json_text);
    fs::rename(tmp, manifests_dir() + "/" + tenant + ".json");
}

void ServeInstance::remove_plugin(const std::string &file_name) { fs::remove(plugins_dir() + "/" + file_name); }

net::HttpResponse ExchangeRecorder::call(const std::string &method, const std::string &pattern, const std::string &path,
                                         const std::string &token, const std::string &body,
                                         std::vector<std::pair<std::string, std::string>> headers) {
    auto r = s_.request(method, path, token, body, std::move(headers));
    exchanges_.push_back(json::object{{"method", method},
                                      {"path", pattern},
                                      {"status", r.status},
                                      {"content_type", r.header("content-type")},
                                      {"body", r.body}});
    return r;
}

std::string ExchangeRecorder::check_against_openapi(bool partial) {
    std::string doc_file = s_.dir() / "openapi.json", ex_file = s_.dir() / "exchanges.json";
    write_file(doc_file, s_.get("/openapi.json").body);
    write_file(ex_file, json::serialize(exchanges_));
    std::vector<std::string> argv{"node",           source_dir() + "/tests/serve/openapi_check.js",
                                  ATS_NODE_MODULES, doc_file,
                                  ex_file,          source_dir() + "/plugin_api/schema"};
    if (partial) argv.push_back("--partial");
    auto check = run_process(argv, {}, std::chrono::seconds(120));
    BOOST_TEST(check.exit_code == 0, "openapi_check failed:\n" << check.err << check.out);
    return check.out;
}

json::value json_body(const net::HttpResponse &r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    BOOST_TEST(!ec, "response body is not JSON: " << r.body.substr(0, 300));
    return ec ? json::value() : v;
}

std::string error_code(const net::HttpResponse &r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return "";
    auto *e = v.as_object().if_contains("error");
    if (!e || !e->is_object()) return "";
    auto *c = e->as_object().if_contains("code");
    return c && c->is_string() ? std::string(c->as_string()) : "";
}

namespace {
// `text` (a serialized JSON object) with `extra` (",\"key\":value...") added before its closing brace.
std::string with_extra(std::string text, const std::string &extra) { return text.insert(text.size() - 1, extra); }

json::object tracker_config(const Sandbox &sandbox, const std::string &key_env) {
    return json::object{
        {"base_url", sandbox.tracker_url()},
        {"auth", {{"method", "api_key"}, {"api_key", {{"$secret", {{"env", key_env}}}}}}},
        {"timezone", "Europe/London"},
        {"default_phone_region", "GB"},
        {"statuses", {{"declined", "Declined"}, {"accepted", "Accepted"}, {"new_application", "Applied"}}}};
}

std::string manifest_text(const std::string &tenant, const std::string &provider, const std::string &provider_config,
                          const json::array &egress, const std::string &host_extra, const std::string &tenant_extra) {
    std::string host = with_extra(json::serialize(json::object{{"egress_allow", egress}}), host_extra);
    return R"({"tenant_id":")" + tenant + R"(","provider":")" + provider + R"(","provider_config":)" + provider_config +
           R"(,"host":)" + host + tenant_extra + "}";
}
} // namespace

std::string tracker_manifest(const Sandbox &sandbox, const std::string &tenant, const std::string &key_env,
                             const std::string &provider_extra, const std::string &host_extra) {
    return manifest_text(tenant, "tracker",
                         with_extra(json::serialize(tracker_config(sandbox, key_env)), provider_extra),
                         json::array{"127.0.0.1:" + std::to_string(sandbox.tracker_port())}, host_extra, "");
}

std::string hybrid_manifest(const Sandbox &sandbox, const std::string &tenant, const std::string &workable_extra,
                            const std::string &host_extra, const std::string &tenant_extra) {
    json::object workable{{"kombo",
                           {{"base_url", sandbox.kombo_url()},
                            {"api_key", {{"$secret", {{"env", "DEMO_KOMBO_KEY"}}}}},
                            {"integration_id", Sandbox::kKomboIntegrationId}}},
                          {"job_mapping", {{"custom_field", "Workable Job ID"}, {"by_title", true}}},
                          {"identity", {{"fictional_numbers_are_identities", true}}},
                          {"source_label", "Workable"}};
    std::string config = json::serialize(tracker_config(sandbox, "DEMO_TRACKER_KEY"));
    config = with_extra(config, R"(,"workable":)" + with_extra(json::serialize(workable), workable_extra));
    return manifest_text(tenant, "tracker_workable", config,
                         json::array{"127.0.0.1:" + std::to_string(sandbox.tracker_port()),
                                     "127.0.0.1:" + std::to_string(sandbox.kombo_port())},
                         host_extra, tenant_extra);
}

} // namespace ats::test::serve
