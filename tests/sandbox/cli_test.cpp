// The ats-sandbox command line: --help, errors, ports file, one listening line, clean SIGTERM.
#define BOOST_TEST_MODULE sandbox_cli
#include <boost/test/unit_test.hpp>

#include "paths.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

using namespace ats::test;

BOOST_AUTO_TEST_CASE(help_and_argument_errors) {
    auto help = run_process({bin_dir() + "/ats-sandbox", "--help"}, {}, std::chrono::seconds(20));
    BOOST_TEST(help.exit_code == 0);
    for (const char *flag : {"--tracker-port", "--kombo-port", "--ports-file", "--seed", "--fixture", "--latency-ms",
                             "--tracker-concurrency", "--export-fixture", "--tracker-timezone", "--threads"})
        BOOST_TEST(help.out.find(flag) != std::string::npos, flag);
    auto unknown =
        run_process({bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--frobnicate", "1"}, {},
                    std::chrono::seconds(20));
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.err.find("--frobnicate") != std::string::npos);
    auto missing = run_process({bin_dir() + "/ats-sandbox", "--seed", "3"}, {}, std::chrono::seconds(20));
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.err.find("--tracker-port") != std::string::npos);
    auto zone = run_process(
        {bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--tracker-timezone", "Mars/Olympus"},
        {}, std::chrono::seconds(20));
    BOOST_TEST(zone.exit_code == 2);
    BOOST_TEST(zone.err.find("Mars/Olympus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ports_file_listening_line_and_sigterm) {
    TempDir dir("sandbox-cli");
    std::string ports = dir / "ports.json";
    ChildProcess child({bin_dir() + "/ats-sandbox", "--tracker-port", "0", "--kombo-port", "0", "--ports-file", ports});
    BOOST_TEST_REQUIRE(child.wait_for_output("ats-sandbox: tracker http://127.0.0.1:", std::chrono::seconds(20)),
                       child.read_err());
    std::ifstream in(ports);
    std::stringstream text;
    text << in.rdbuf();
    BOOST_TEST(text.str().find("\"tracker_port\":") != std::string::npos);
    BOOST_TEST(text.str().find("\"kombo_port\":") != std::string::npos);
    BOOST_TEST(child.read_out().find("/v1") != std::string::npos);
    child.kill(SIGTERM);
    auto result = child.wait(std::chrono::seconds(10));
    BOOST_TEST(!result.timed_out);
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(child.read_out().find("stopped") != std::string::npos);
}
