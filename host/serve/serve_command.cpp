#include "serve_command.hpp"

#include "crypto.hpp"
#include "event_log.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "readiness.hpp"
#include "serve_app.hpp"
#include "serve_state.hpp"
#include "sync_scheduler.hpp"

#include <csignal>
#include <iostream>
#include <limits>
#include <optional>
#include <atomic>
#include <thread>

namespace ats::serve {

namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

long long parse_number(const std::string &flag, const std::string &value, long long min, long long max) {
    size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(value, &used);
    } catch (...) {
        used = 0;
    }
    if (used != value.size() || value.empty() || n < min || n > max)
        throw UsageError(flag + " needs an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                         "], got \"" + value + "\"");
    return n;
}

struct ServeOptions {
    ServerConfig server;
    std::string tokens_file;
    int webhook_tolerance_seconds = 300;
    int readiness_timeout_ms = 30000; // each tenant's readiness `check`
};

ServeOptions parse(const std::vector<std::string> &args) {
    ServeOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &flag = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
            return args[++i];
        };
        if (flag == "--listen") {
            std::string v = value();
            auto colon = v.rfind(':');
            if (colon == std::string::npos || colon == 0)
                throw UsageError("--listen needs ADDRESS:PORT, got \"" + v + "\"");
            o.server.address = v.substr(0, colon);
            if (o.server.address.size() > 2 && o.server.address.front() == '[' && o.server.address.back() == ']')
                o.server.address = o.server.address.substr(1, o.server.address.size() - 2);
            o.server.port = static_cast<uint16_t>(parse_number("--listen port", v.substr(colon + 1), 0, 65535));
        } else if (flag == "--threads") {
            o.server.io_threads = static_cast<int>(parse_number(flag, value(), 1, 256));
        } else if (flag == "--workers") {
            o.server.worker_threads = static_cast<int>(parse_number(flag, value(), 1, 4096));
        } else if (flag == "--tokens") {
            o.tokens_file = value();
        } else if (flag == "--tls-cert") {
            o.server.tls_cert_file = value();
        } else if (flag == "--tls-key") {
            o.server.tls_key_file = value();
        } else if (flag == "--max-body-bytes") {
            o.server.limits.max_body_bytes = static_cast<size_t>(parse_number(flag, value(), 1, 1LL << 34));
        } else if (flag == "--max-header-bytes") {
            o.server.limits.max_header_bytes = static_cast<size_t>(parse_number(flag, value(), 256, 1 << 24));
        } else if (flag == "--request-timeout-ms") {
            o.server.limits.request_timeout_ms = static_cast<int>(parse_number(flag, value(), 1, 24LL * 3600 * 1000));
        } else if (flag == "--webhook-tolerance-seconds") {
            o.webhook_tolerance_seconds = static_cast<int>(parse_number(flag, value(), 1, 7 * 24 * 3600));
        } else if (flag == "--header-timeout-ms") {
            o.server.limits.header_timeout_ms = static_cast<int>(parse_number(flag, value(), 1, 3600 * 1000));
        } else if (flag == "--max-connections-per-client") {
            o.server.limits.max_connections_per_client = static_cast<int>(parse_number(flag, value(), 1, 1000000));
        } else if (flag == "--max-connections") {
            o.server.limits.max_connections = static_cast<int>(parse_number(flag, value(), 1, 1000000));
        } else if (flag == "--readiness-timeout-ms") {
            o.readiness_timeout_ms = static_cast<int>(parse_number(flag, value(), 100, 3600 * 1000));
        } else if (flag == "--shutdown-deadline-ms") {
            o.server.limits.shutdown_deadline_ms = static_cast<int>(parse_number(flag, value(), 0, 3600 * 1000));
        } else {
            throw UsageError("unknown serve option \"" + flag + "\" (see ats-host serve --help)");
        }
    }
    if (o.tokens_file.empty()) throw UsageError("--tokens FILE is required (see ats-host serve --help)");
    if (o.server.tls_cert_file.has_value() != o.server.tls_key_file.has_value())
        throw UsageError("--tls-cert and --tls-key go together");
    return o;
}

} // namespace

void print_serve_help(std::ostream &out) {
    out << "usage: ats-host [global options] serve --tokens FILE [options]\n"
           "\n"
           "Serves every tenant of the manifests folder over the unified ATS REST API\n"
           "(OpenAPI 3.1 document at /openapi.json).\n"
           "\n"
           "  --listen ADDRESS:PORT      default 127.0.0.1:8080 (port 0: any free port, printed at start)\n"
           "  --threads N                I/O threads (default 2)\n"
           "  --workers N                threads running provider calls (default 16)\n"
           "  --tokens FILE              JSON: {\"admin\": SHA256HEX, \"tenants\": {TENANT: [SHA256HEX, ...]},\n"
           "                             \"kombo_webhook_secrets\": {TENANT: {\"env\": NAME} | {\"file\": PATH}}}\n"
           "                             (hashes from `ats-host hash-token`; never tokens)\n"
           "  --tls-cert FILE --tls-key FILE   serve HTTPS (PEM certificate chain and key)\n"
           "  --max-body-bytes N         default 1048576 (larger: 413)\n"
           "  --max-header-bytes N       default 16384 (larger: 431)\n"
           "  --request-timeout-ms N     default 30000: receiving a request, each write, a non-streamed call\n"
           "                             (cancelled at N ms; a worker-process plugin that ignores it is\n"
           "                             killed 1 s later: 503 plugin_timeout; any handler without an answer\n"
           "                             at N + 2000 ms gets 503 deadline, even an in-process plugin's)\n"
           "  --header-timeout-ms N      default 10000: receiving a request line and headers (then 408)\n"
           "  --max-connections N        default 512 (more: 503, except /healthz and /readyz)\n"
           "  --max-connections-per-client N  default 64, per remote address (more: as above)\n"
           "  --shutdown-deadline-ms N   default 10000: in-flight requests get this long after SIGTERM;\n"
           "                             2 s later the process ends even if a plugin call never returns\n"
           "  --readiness-timeout-ms N   default 30000: a tenant's readiness check running longer fails\n"
           "                             (checks run concurrently; a hung one never delays the others)\n"
           "  --webhook-tolerance-seconds N  default 300: a Kombo webhook's X-Kombo-Timestamp may be this far off\n"
           "\n"
           "Signals: SIGHUP reloads plugins, manifests and the tokens file (also POST /v1/admin/reload);\n"
           "a failed reload keeps the running configuration. SIGTERM/SIGINT shut down gracefully.\n"
           "Exit codes: 0 clean shutdown, 2 bad command line, 3 could not start, 4 shutdown forced\n"
           "(calls still running 2 s after --shutdown-deadline-ms were abandoned).\n";
}

// The shutdown deadline holds even when a provider call never returns (an in-process plugin
// ignoring cancellation keeps a worker thread, which the orderly exit would wait for): a little
// after the deadline the process ends with kExitShutdownForced. Started once, by the first signal.
constexpr int kExitShutdownForced = 4;
constexpr int kShutdownWatchdogGraceMs = 2000;
void start_shutdown_watchdog(EventLog &log, int deadline_ms) {
    static std::atomic<bool> started{false};
    if (started.exchange(true)) return;
    std::thread([&log, deadline_ms] {
        std::this_thread::sleep_for(std::chrono::milliseconds(deadline_ms + kShutdownWatchdogGraceMs));
        log.event("shutdown_forced",
                  {{"reason", "calls still running " + std::to_string(deadline_ms + kShutdownWatchdogGraceMs) +
                                  " ms after the shutdown began were abandoned"}});
        std::cout << "ats-host serve: stopped (forced: calls still running after the shutdown deadline)" << std::endl;
        std::fflush(nullptr);
        std::_Exit(kExitShutdownForced);
    }).detach();
}

int run_hash_token(std::istream &in, std::ostream &out, std::ostream &err) {
    std::string token;
    std::getline(in, token);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    if (token.empty()) {
        err << "ats-host hash-token: no token on stdin\n";
        return 2;
    }
    out << sha256_hex(token) << "\n";
    return 0;
}

int run_serve(const ats::host::Runtime::Options &runtime_options, const std::vector<std::string> &args) {
    for (const auto &a : args)
        if (a == "--help" || a == "-h") {
            print_serve_help(std::cout);
            return 0;
        }
    ServeOptions options;
    try {
        options = parse(args);
    } catch (const UsageError &e) {
        std::cerr << "ats-host serve: " << e.what() << "\n";
        return 2;
    }

    std::optional<EventLog> log;
    Metrics metrics;
    std::shared_ptr<ats::host::Runtime> runtime;
    std::unique_ptr<ServeState> state;
    try {
        log.emplace(runtime_options.environment.log_file);
        runtime = std::make_shared<ats::host::Runtime>(runtime_options);
        state = std::make_unique<ServeState>(runtime, options.tokens_file, *log, metrics);
        state->load_initial();
    } catch (const std::exception &e) {
        std::cerr << "ats-host serve: cannot start: " << e.what() << "\n";
        return 3;
    }

    SyncScheduler syncs(*state, *log, metrics);
    Readiness readiness(*state, *log, std::chrono::seconds(60),
                        std::chrono::milliseconds(options.readiness_timeout_ms));
    ServeApp app(*state, syncs, readiness, metrics, *log, openapi_document());
    app.set_webhook_tolerance_seconds(options.webhook_tolerance_seconds);
    HttpServer server(
        options.server, [&app](HttpRequest &req, ResponseWriter &w) { app.dispatch(req, w); }, metrics,
        [&](int signo) {
            if (signo == SIGHUP) {
                auto result = state->reload("SIGHUP");
                (void)result; // logged by ServeState either way
            } else {
                app.set_shutting_down();
                log->event("shutdown_started", {{"signal", signo}});
                start_shutdown_watchdog(*log, options.server.limits.shutdown_deadline_ms);
            }
        });
    try {
        server.start();
    } catch (const std::exception &e) {
        std::cerr << "ats-host serve: cannot start: " << e.what() << "\n";
        return 3;
    }
    std::string scheme = options.server.tls_cert_file ? "https" : "http";
    std::string where = scheme + "://" + options.server.address + ":" + std::to_string(server.port());
    log->event("listening", {{"url", where},
                             {"tenants", state->tenants()->tenants.size()},
                             {"io_threads", options.server.io_threads},
                             {"workers", options.server.worker_threads}});
    std::cout << "ats-host serve: listening on " << where << std::endl;

    syncs.start();
    readiness.start();
    server.run();
    syncs.stop();
    readiness.stop();
    log->event("stopped", {});
    std::cout << "ats-host serve: stopped" << std::endl;
    return 0;
}

} // namespace ats::serve
