// ats-sandbox: Tracker RMS Widget API and Kombo ATS API emulators on loopback ports, with seeded
// data, fault injection and inspection. `ats-sandbox --help` lists the options.
#include "credentials.hpp"
#include "http_server.hpp"
#include "sandbox_app.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace ats::sandbox;

namespace {

const char *const kHelp = R"(Usage: ats-sandbox --tracker-port P --kombo-port P [options]

Serves the Tracker RMS Widget API (POST /api/widget/{method}, /oAuth2/Token) and the Kombo ATS
API (GET /v1/ats/..., /v1/check-api-key) on two loopback ports; admin API under /_sandbox/ on both.

  --tracker-port P          Tracker port (0 = ephemeral)
  --kombo-port P            Kombo port (0 = ephemeral); Kombo base URL is http://HOST:P/v1
  --bind ADDR               listen address (default 127.0.0.1)
  --ports-file F            write {"tracker_port":..,"kombo_port":..} to F (atomically) once listening
  --seed N                  generator seed (default 1)
  --jobs J                  jobs (default 5)
  --applications A          Workable applications (default 40)
  --people P                distinct people behind the applications (default 25)
  --tracker-people K        of those, people already in Tracker (default 10)
  --nameless-every N        every Nth person has no name on any application (default 0: none)
  --fixture FILE            load the whole world from FILE instead of generating it
  --export-fixture FILE     write the generated world to FILE and exit
  --latency-ms N            latency added to every API request (default 0)
  --threads N               io threads (default 2)
  --tracker-timezone ZONE   IANA zone of Tracker timestamps (default Europe/London)
  --violate TAGS            contradict these wire assumptions on purpose (comma-separated tags of
                            plugins/tracker/client/WIRE_ASSUMPTIONS.md: A2, A4, A8, A9, A11, A12,
                            A14, A16, K3; see README.md "Disagreeing on purpose")
  --tracker-concurrency N   at most N Tracker requests served at once, others queue (default: no limit)
  --oauth-ttl-seconds N     lifetime of Tracker OAuth access tokens (default 3600)
  --tracker-clock-skew-ms N Tracker's clock minus the sandbox's, ms (positive: ahead, negative: behind;
                            default 0); POST /_sandbox/clock {"tracker_skew_ms": N} changes it
  --help                    this text

Credentials: Tracker api key "sandbox-tracker-key", user "sandbox" / "sandbox-password", OAuth2
client_id EvoApi_1.0 with refresh token "sandbox-refresh-token" (rotates); Kombo key
"sandbox-kombo-key", integration id "workable:sandbox".
)";

int int_arg(const std::string &name, const char *value) {
    try {
        size_t used = 0;
        int n = std::stoi(value, &used);
        if (used != std::string(value).size() || n < 0) throw std::invalid_argument(name);
        return n;
    } catch (...) {
        throw std::invalid_argument(name + ": expected a non-negative integer, got '" + value + "'");
    }
}

void write_ports_file(const std::string &path, int tracker, int kombo) {
    std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write ports file " + temp);
        out << "{\"tracker_port\":" << tracker << ",\"kombo_port\":" << kombo << "}\n";
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + temp + " to " + path);
}

} // namespace

int main(int argc, char **argv) {
    try {
        SandboxConfig config;
        ServerOptions server;
        std::string ports_file, export_fixture;
        bool have_tracker_port = false, have_kombo_port = false;
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                std::cout << kHelp;
                return 0;
            }
            if (i + 1 >= argc) throw std::invalid_argument("missing value after " + arg + " (see --help)");
            const char *value = argv[++i];
            if (arg == "--tracker-port")
                server.tracker_port = static_cast<std::uint16_t>(int_arg(arg, value)), have_tracker_port = true;
            else if (arg == "--kombo-port")
                server.kombo_port = static_cast<std::uint16_t>(int_arg(arg, value)), have_kombo_port = true;
            else if (arg == "--bind")
                server.bind = value;
            else if (arg == "--ports-file")
                ports_file = value;
            else if (arg == "--seed")
                config.params.seed = static_cast<std::uint64_t>(std::stoull(value));
            else if (arg == "--jobs")
                config.params.jobs = int_arg(arg, value);
            else if (arg == "--applications")
                config.params.applications = int_arg(arg, value);
            else if (arg == "--people")
                config.params.people = int_arg(arg, value);
            else if (arg == "--tracker-people")
                config.params.tracker_people = int_arg(arg, value);
            else if (arg == "--nameless-every")
                config.params.nameless_every = int_arg(arg, value);
            else if (arg == "--fixture")
                config.fixture = value;
            else if (arg == "--export-fixture")
                export_fixture = value;
            else if (arg == "--latency-ms")
                config.latency_ms = int_arg(arg, value);
            else if (arg == "--threads")
                server.threads = std::max(1, int_arg(arg, value));
            else if (arg == "--tracker-timezone")
                config.tracker_timezone = value;
            else if (arg == "--violate") {
                std::string list = value;
                for (size_t start = 0; start <= list.size();) {
                    size_t comma = list.find(',', start);
                    if (comma == std::string::npos) comma = list.size();
                    if (comma > start) config.violate.push_back(list.substr(start, comma - start));
                    start = comma + 1;
                }
                Violations().set(config.violate); // an unknown tag is a usage error now, not at startup
            } else if (arg == "--tracker-concurrency")
                server.tracker_concurrency = int_arg(arg, value);
            else if (arg == "--oauth-ttl-seconds")
                config.oauth_ttl_seconds = int_arg(arg, value);
            else if (arg == "--tracker-clock-skew-ms") {
                try {
                    size_t used = 0;
                    config.tracker_clock_skew_ms = std::stoll(value, &used);
                    if (used != std::string(value).size()) throw std::invalid_argument(arg);
                } catch (...) {
                    throw std::invalid_argument(arg + ": expected an integer number of milliseconds, got '" + value +
                                                "'");
                }
            } else
                throw std::invalid_argument("unknown option " + arg + " (see --help)");
        }
        SandboxApp app(config);
        if (!export_fixture.empty()) {
            std::ofstream out(export_fixture, std::ios::trunc);
            if (!out) throw std::runtime_error("cannot write fixture file " + export_fixture);
            out << boost::json::serialize(app.export_world()) << "\n";
            std::cout << "ats-sandbox: wrote fixture " << export_fixture << "\n";
            return 0;
        }
        if (!have_tracker_port || !have_kombo_port)
            throw std::invalid_argument("--tracker-port and --kombo-port are required (0 = ephemeral)");
        HttpServer http(app, server);
        std::string host = server.bind.find(':') != std::string::npos ? "[" + server.bind + "]" : server.bind;
        std::string tracker_url = "http://" + host + ":" + std::to_string(http.tracker_port());
        std::string kombo_url = "http://" + host + ":" + std::to_string(http.kombo_port());
        app.set_base_urls(tracker_url, kombo_url);
        if (!ports_file.empty()) write_ports_file(ports_file, http.tracker_port(), http.kombo_port());
        std::cout << "ats-sandbox: tracker " << tracker_url << " kombo " << kombo_url << "/v1 (seed "
                  << config.params.seed << ", threads " << server.threads << ")" << std::endl;
        http.run();
        std::cout << "ats-sandbox: stopped" << std::endl;
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "ats-sandbox: " << e.what() << "\n";
        return 2;
    }
}
