// serve_auth_test.cpp - authentication and tenant isolation, for EVERY route of the OpenAPI
// document (the list comes from the served document itself, so a new route is covered the day
// it is documented): no token 401, an unknown token 401, tenant A's token on tenant B 403 (also
// for a tenant that does not exist), admin routes 403 for tenant tokens; tokens never in logs.
#define BOOST_TEST_MODULE serve_auth
#include <boost/test/unit_test.hpp>

#include "serve_fixture.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <regex>

using namespace ats::test::serve;
namespace json = boost::json;

namespace {

// Fills every {param} of a path template; {tenant} gets `tenant`.
std::string fill(const std::string &tmpl, const std::string &tenant) {
    std::string out = std::regex_replace(tmpl, std::regex("\\{tenant\\}"), tenant);
    out = std::regex_replace(out, std::regex("\\{record_type\\}"), "candidate");
    return std::regex_replace(out, std::regex("\\{[a-z_]+\\}"), "x1");
}

struct Route {
    std::string method, path;
};

std::vector<Route> documented_routes(ServeInstance &s) {
    auto doc = json::parse(s.get("/openapi.json").body).as_object();
    std::vector<Route> routes;
    for (const auto &p : doc.at("paths").as_object())
        for (const auto &m : p.value().as_object()) {
            std::string method(m.key());
            for (char &c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            routes.push_back({method, std::string(p.key())});
        }
    return routes;
}

bool is_public(const std::string &path) { return path == "/healthz" || path == "/readyz" || path == "/openapi.json"; }
bool is_webhook(const std::string &path) { return path.find("/webhooks/kombo") != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_CASE(every_tenant_route_refuses_other_tenants_and_missing_tokens) {
    ServeInstance s;
    auto routes = documented_routes(s);
    BOOST_REQUIRE_GT(routes.size(), 30u);
    size_t tenant_routes = 0;
    for (const auto &r : routes) {
        if (is_public(r.path)) continue;
        std::string body = r.method == "GET" ? "" : "{}";
        if (is_webhook(r.path)) {
            // Bearer tokens mean nothing here: only the Kombo signature authenticates.
            auto res = s.request(r.method, fill(r.path, "acme"), "acme-token-1", body);
            // Without a configured secret: the same 401 as a bad signature (no tenant enumeration).
            BOOST_TEST(res.status == 401, r.method << " " << r.path << " without a configured secret: " << res.status);
            BOOST_TEST(error_code(res) == "invalid_signature");
            continue;
        }
        BOOST_TEST_CONTEXT(r.method << " " << r.path) {
            bool tenant_route = r.path.find("{tenant}") != std::string::npos;
            // Kombo-shaped routes answer Kombo's error envelope, whose code for every refusal of
            // the caller's credentials is PLATFORM.AUTHENTICATION_INVALID.
            bool kombo = r.path.find("/ats/") != std::string::npos;
            auto code = [&](const std::string &ours) {
                return kombo ? std::string("PLATFORM.AUTHENTICATION_INVALID") : ours;
            };
            std::string own = fill(r.path, "acme");
            auto none = s.request(r.method, own, "", body);
            BOOST_TEST(none.status == 401);
            BOOST_TEST(error_code(none) == code("unauthenticated"));
            BOOST_TEST(none.header("www-authenticate") == "Bearer");
            auto unknown = s.request(r.method, own, "not-a-token", body);
            BOOST_TEST(unknown.status == 401);
            BOOST_TEST(error_code(unknown) == code("invalid_token"));
            auto malformed = s.request(r.method, own, "", body, {{"Authorization", "Basic YWNtZTp4"}});
            BOOST_TEST(malformed.status == 401);
            if (tenant_route) {
                ++tenant_routes;
                auto other = s.request(r.method, fill(r.path, "beta"), "acme-token-1", body);
                BOOST_TEST(other.status == 403);
                BOOST_TEST(error_code(other) == code("forbidden"));
                auto reverse = s.request(r.method, own, "beta-token-1", body);
                BOOST_TEST(reverse.status == 403);
                // A tenant that does not exist looks exactly like someone else's.
                auto ghost = s.request(r.method, fill(r.path, "ghost"), "acme-token-1", body);
                BOOST_TEST(ghost.status == 403);
                BOOST_TEST(ghost.body.find("ghost") != std::string::npos);
                // The admin token reaches every tenant (the status depends on the route and its
                // dummy ids, but it is never an auth refusal).
                auto admin = s.request(r.method, fill(r.path, "beta"), "admin-token-0", body);
                BOOST_TEST(admin.status != 401);
                BOOST_TEST(admin.status != 403);
            } else if (r.path == "/metrics" || r.path.rfind("/v1/admin/", 0) == 0) {
                auto tenant = s.request(r.method, own, "acme-token-1", body);
                BOOST_TEST(tenant.status == 403);
                auto admin = s.request(r.method, own, "admin-token-0", body);
                BOOST_TEST(admin.status == 200);
            } else {
                BOOST_TEST(s.request(r.method, own, "acme-token-1", body).status == 200);
            }
        }
    }
    BOOST_TEST(tenant_routes >= 30u);
    std::string log = s.stderr_text();
    for (const char *secret : {"acme-token-1", "beta-token-1", "admin-token-0"})
        BOOST_TEST(log.find(secret) == std::string::npos, "a token appears in the log");
}

BOOST_AUTO_TEST_CASE(tokens_file_must_hold_hashes_not_tokens) {
    // A plain token where a hash belongs is refused at start (exit 3), naming the field, and the
    // token itself is not echoed.
    ats::test::TempDir dir("ats-serve-tokens");
    std::string tokens = dir / "tokens.json";
    {
        std::ofstream out(tokens);
        out << R"({"admin": "plain-admin-secret", "tenants": {}})";
    }
    auto r = ats::test::run_process({ats_host_path(), "--plugins", dir.str(), "--manifests", dir.str(), "--data-dir",
                                     dir / "data", "serve", "--listen", "127.0.0.1:0", "--tokens", tokens},
                                    {}, std::chrono::seconds(30));
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("admin") != std::string::npos);
    BOOST_TEST(r.err.find("plain-admin-secret") == std::string::npos);

    auto usage =
        ats::test::run_process({ats_host_path(), "serve", "--listen", "127.0.0.1:0"}, {}, std::chrono::seconds(30));
    BOOST_TEST(usage.exit_code == 2);
    BOOST_TEST(usage.err.find("--tokens") != std::string::npos);

    auto hash = ats::test::run_process({ats_host_path(), "hash-token"}, {}, std::chrono::seconds(30), "abc\n");
    BOOST_TEST(hash.exit_code == 0);
    BOOST_TEST(hash.out == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"); // SHA-256("abc")
}

// The console: no or an unknown token 401 (asking the browser for Basic credentials); a tenant
// token sees its own tenant only, the admin token every tenant; Basic and Bearer both work.
BOOST_AUTO_TEST_CASE(the_console_shows_a_tenant_token_only_its_own_tenants) {
    ServeInstance s;
    BOOST_TEST(s.get("/console").status == 401);
    BOOST_TEST(s.get("/console", "not-a-token").status == 401);
    BOOST_TEST(s.get("/console").header("www-authenticate").rfind("Basic", 0) == 0u);
    auto tenant = s.get("/console", "acme-token-1");
    BOOST_TEST(tenant.status == 200);
    BOOST_TEST(tenant.header("content-type").rfind("text/html", 0) == 0u);
    BOOST_TEST(tenant.body.find("Tenant acme") != std::string::npos);
    BOOST_TEST(tenant.body.find("Tenant beta") == std::string::npos);
    BOOST_TEST(tenant.body.find("beta") == std::string::npos, "another tenant's name reached a tenant token's page");
    // "Basic base64(console:acme-token-1)"
    auto basic = s.request("GET", "/console", "", "", {{"Authorization", "Basic Y29uc29sZTphY21lLXRva2VuLTE="}});
    BOOST_TEST(basic.status == 200);
    BOOST_TEST(basic.body.find("Tenant acme") != std::string::npos);
    auto admin = s.get("/console", s.setup().admin_token);
    BOOST_TEST(admin.status == 200);
    BOOST_TEST(admin.body.find("Tenant acme") != std::string::npos);
    BOOST_TEST(admin.body.find("Tenant beta") != std::string::npos);
}
