// HTTPS through the host's client against `openssl s_server` on 127.0.0.1 with certificates made
// for the test: verification is on by default, a trusted CA file works, a wrong host name or an
// unknown CA is refused before anything is sent, verify_tls=false is an explicit opt-out.
#define BOOST_TEST_MODULE http_client_tls
#include <boost/test/unit_test.hpp>

#include "text_check.hpp"

#include "http_client.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "test_plugin_dir.hpp"

#include <fstream>

#include <regex>

using namespace ats;
using namespace std::chrono_literals;

namespace {

using ats::test::contains;

// A self-signed certificate for `san` and an s_server using it.
struct TlsServer {
    test::TempDir dir{"ats-tls"};
    std::string cert = dir / "cert.pem", key = dir / "key.pem";
    std::unique_ptr<test::ChildProcess> proc;
    int port = 0;
    explicit TlsServer(const std::string &san) {
        auto gen =
            test::run_process({ATS_OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                               cert, "-days", "1", "-subj", "/CN=ats-test", "-addext", "subjectAltName=" + san},
                              {}, 60s);
        BOOST_REQUIRE_MESSAGE(gen.exit_code == 0, gen.err);
        proc = std::make_unique<test::ChildProcess>(std::vector<std::string>{
            ATS_OPENSSL, "s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-www"});
        BOOST_REQUIRE(proc->wait_for_output("ACCEPT", 20s));
        std::smatch m;
        std::string out = proc->read_out() + proc->read_err();
        BOOST_REQUIRE(std::regex_search(out, m, std::regex("ACCEPT 127\\.0\\.0\\.1:([0-9]+)")));
        port = std::stoi(m[1]);
    }
    std::string url(const std::string &host) const { return "https://" + host + ":" + std::to_string(port) + "/"; }
};

net::HttpResponse get(net::HttpClient &c, const std::string &url) { return c.send({"GET", url, {}, "", 10000ms}); }

} // namespace

BOOST_AUTO_TEST_CASE(a_trusted_certificate_is_accepted_by_name_and_by_ip) {
    TlsServer s("DNS:localhost,IP:127.0.0.1");
    net::HttpClient::Options o;
    o.ca_file = s.cert;
    net::HttpClient c(o);
    BOOST_TEST(get(c, s.url("localhost")).status == 200);
    BOOST_TEST(get(c, s.url("127.0.0.1")).status == 200);
}

BOOST_AUTO_TEST_CASE(verification_is_on_by_default) {
    TlsServer s("DNS:localhost,IP:127.0.0.1");
    net::HttpClient c; // system CAs only: the test certificate is unknown
    try {
        get(c, s.url("localhost"));
        BOOST_FAIL("an unknown CA must be refused");
    } catch (const net::TransportError &e) {
        BOOST_TEST(!e.sent);
        BOOST_TEST(contains(e.what(), "TLS handshake failed"));
        BOOST_TEST(contains(e.what(), "certificate verify failed"));
    }
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_host_is_refused) {
    TlsServer s("DNS:other.example");
    net::HttpClient::Options o;
    o.ca_file = s.cert;
    net::HttpClient c(o);
    BOOST_CHECK_THROW(get(c, s.url("localhost")), net::TransportError);
    BOOST_CHECK_THROW(get(c, s.url("127.0.0.1")), net::TransportError);
}

BOOST_AUTO_TEST_CASE(verification_can_be_switched_off_explicitly) {
    TlsServer s("DNS:other.example");
    net::HttpClient::Options o;
    o.verify_tls = false;
    net::HttpClient c(o);
    BOOST_TEST(get(c, s.url("127.0.0.1")).status == 200);
}

BOOST_AUTO_TEST_CASE(ats_host_reaches_https_upstreams_with_a_private_ca_given_by_environment) {
    TlsServer s("DNS:localhost,IP:127.0.0.1");
    test::TempDir tmp("ats-tls-cli");
    std::string plugins = test::make_plugin_dir(tmp / "plugins", {"good"});
    boost::filesystem::create_directories(tmp / "manifests");
    std::ofstream(tmp / "manifests/tls.json") << R"({"tenant_id":"tls","provider":"test_good",
        "provider_config":{"api_key":{"$secret":{"env":"ATS_TLS_KEY"}},"base_url":"https://localhost:)" +
                                                     std::to_string(s.port) + R"("},
        "host":{"egress_allow":["localhost"],"retry":{"max_attempts":1}}})";
    std::vector<std::string> argv =
        test::ats_host_argv(plugins, tmp / "manifests", tmp / "var", tmp / "log", {"check", "--tenant", "tls"});
    auto refused = test::run_process(argv, {{"ATS_TLS_KEY", "tls-key-1234"}}, 60s);
    BOOST_TEST(refused.exit_code == 1);
    BOOST_TEST(contains(refused.err, "certificate verify failed"));
    auto ok = test::run_process(argv, {{"ATS_TLS_KEY", "tls-key-1234"}, {"ATS_HOST_CA_FILE", s.cert}}, 60s);
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(contains(ok.out, "\"http_status\":200"));
}
