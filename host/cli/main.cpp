// ats-host: the command-line host. See help_text.hpp for commands and exit codes.
#include "cli_options.hpp"
#include "help_text.hpp"
#include "report_text.hpp"

#include "host_error.hpp"
#include "logger.hpp"
#include "provider_json.hpp"
#include "operations.hpp"
#include "redactor.hpp"
#include "runtime.hpp"
#include "serve_command.hpp"
#include "sync_history.hpp"

#include "ats/shared/utc_time.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace json = boost::json;
using namespace ats;
using host::ErrorKind;
using host::HostError;

namespace {

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitPluginOrManifest = 3, kExitNotSupported = 4,
              kExitInternal = 5, kExitPartial = 6, kExitContradicted = 7, kExitCancelled = 130;

// The sync plan and the probe report are read by people on a terminal, by programs otherwise.
bool human_report(const cli::Options &o) {
    return !o.json && ::isatty(1) == 1 && (o.command == "sync" || o.command == "probe" || o.command == "syncs");
}

std::atomic<bool> g_cancelled{false};
// After the first SIGINT/SIGTERM a plugin has this long to honour the cancellation; then the
// command exits 130 whether or not the plugin returned (it may ignore is_cancelled).
constexpr auto kCancelGrace = std::chrono::seconds(5);

extern "C" void on_signal(int sig) {
    if (g_cancelled.exchange(true)) { // second signal: leave now
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    // write(2) only: nothing else is async-signal-safe.
    static const char msg_int[] = "ats-host: SIGINT received: cancelling (at most 5 s; a second signal ends it now)\n";
    static const char msg_term[] =
        "ats-host: SIGTERM received: cancelling (at most 5 s; a second signal ends it now)\n";
    const char *m = sig == SIGINT ? msg_int : msg_term;
    size_t n = sig == SIGINT ? sizeof msg_int - 1 : sizeof msg_term - 1;
    ssize_t ignored = ::write(2, m, n);
    (void)ignored;
}

// Ends the process with 130 once the grace after a cancellation has passed: the plugin's call
// may never return, and the promise of `call` is to stop.
void start_cancel_watchdog(const std::string &operation, const std::string &tenant) {
    std::thread([operation, tenant] {
        while (!g_cancelled.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::this_thread::sleep_for(kCancelGrace);
        json::object e{{"code", ats_status_name(ATS_ERR_CANCELLED)},
                       {"kind", "operation"},
                       {"retryable", ats_status_retryable(ATS_ERR_CANCELLED) != 0},
                       {"message", operation + " was cancelled by a signal and the plugin did not stop within " +
                                       std::to_string(kCancelGrace.count()) + " s; exiting"},
                       {"operation", operation},
                       {"tenant", tenant}};
        std::string line = json::serialize(json::object{{"error", e}}) + "\n";
        std::fflush(stdout);
        ssize_t ignored = ::write(2, line.data(), line.size());
        (void)ignored;
        std::_Exit(130);
    }).detach();
}

int exit_code_for(int32_t status) {
    switch (status) {
    case ATS_OK: return kExitOk;
    case ATS_ERR_INVALID_ARGUMENT: return kExitUsage;
    case ATS_ERR_NOT_SUPPORTED: return kExitNotSupported;
    case ATS_ERR_INTERNAL: return kExitInternal;
    case ATS_ERR_CANCELLED: return kExitCancelled;
    case ATS_ERR_VERSION: return kExitPluginOrManifest;
    default: return kExitFailed;
    }
}

const char *kind_name(ErrorKind k) {
    switch (k) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::manifest: return "manifest";
    case ErrorKind::plugin: return "plugin";
    default: return "operation";
    }
}

// The log of a one-shot command writing to stderr, holding its warnings (Logger::hold) so that
// the error line comes once: released, minus the lines repeating the error, before it.
host::Logger *g_held_log = nullptr;

void release_held_log(const std::string &error_message) {
    if (!g_held_log) return;
    g_held_log->release([&](std::string_view msg) {
        return !error_message.empty() && !msg.empty() &&
               (error_message.find(msg) != std::string::npos || msg.find(error_message) != std::string_view::npos);
    });
}

// The one JSON error line on stderr.
// `retryable`: repeating the same command later may succeed (the plugin's or the host's verdict).
void print_error(const std::string &code, const std::string &kind, const std::string &operation,
                 const std::string &tenant, const std::string &message, const host::Redactor *redactor,
                 bool retryable = false) {
    json::object e{{"code", code},
                   {"kind", kind},
                   {"message", redactor ? redactor->redact(message) : message},
                   {"retryable", retryable}};
    if (!operation.empty()) e["operation"] = operation;
    if (!tenant.empty()) e["tenant"] = tenant;
    std::string line = json::serialize(json::object{{"error", e}}) + "\n";
    std::fflush(stdout);
    release_held_log(std::string(e.at("message").as_string()));
    std::fwrite(line.data(), 1, line.size(), stderr);
}

// stdout writer that notices a closed pipe (`| head`): the caller then stops the stream.
struct Out {
    bool broken = false;
    bool line(std::string_view s) {
        if (broken) return false;
        if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size() || std::fputc('\n', stdout) == EOF) broken = true;
        return !broken;
    }
};

int cmd_providers(host::Runtime &rt, const cli::Options &o) {
    auto reg = rt.catalog().current();
    Out out;
    if (o.json) {
        for (const auto &p : reg->plugins()) {
            // The provider as the REST API shows it, plus what only a local operator needs.
            json::object doc = host::provider_json(*p);
            doc["status"] = "ok";
            doc["file"] = p->path();
            doc["config_schema"] = p->config_schema();
            if (!p->warnings().empty()) {
                json::array w;
                for (const auto &x : p->warnings()) w.push_back(json::string(x));
                doc["warnings"] = w;
            }
            out.line(json::serialize(doc));
        }
        for (const auto &r : reg->rejected())
            out.line(json::serialize(json::object{
                {"status", "rejected"}, {"file", r.path}, {"provider", r.provider}, {"reason", r.reason}}));
        return kExitOk;
    }
    std::ostringstream s;
    s << "Plugins folder: " << reg->directory() << "\n";
    if (reg->plugins().empty()) s << "\n(no usable provider plugins)\n";
    for (const auto &p : reg->plugins()) {
        s << "\n"
          << p->provider() << " - " << p->display_name() << " " << p->plugin_version() << " (ABI "
          << p->abi_version().major << "." << p->abi_version().minor << ")"
          << (p->vendor().empty() ? "" : ", " + p->vendor()) << "\n  file: " << p->path() << "\n";
        for (const auto &w : p->warnings()) s << "  warning: " << w << "\n";
        for (const auto &c : p->capabilities()) {
            char row[160];
            std::snprintf(row, sizeof row, "  %-32s %-14s", c.operation.c_str(), host::support_name(c.support));
            s << row << c.reason << "\n";
        }
        std::string unlisted;
        for (const auto &op : host::known_operations()) {
            bool listed = false;
            for (const auto &c : p->capabilities()) listed = listed || c.operation == op;
            if (!listed) unlisted += (unlisted.empty() ? "" : ", ") + op;
        }
        if (!unlisted.empty()) s << "  not supported (absent from the matrix): " << unlisted << "\n";
    }
    if (!reg->rejected().empty()) {
        s << "\nRejected:\n";
        for (const auto &r : reg->rejected())
            s << "  " << r.path << (r.provider.empty() ? "" : " [" + r.provider + "]") << ": " << r.reason << "\n";
    }
    out.line(s.str());
    return kExitOk;
}

int cmd_tenants(host::Runtime &rt, const cli::Options &o) {
    auto set = rt.load_manifests();
    auto reg = rt.catalog().current();
    Out out;
    bool all_ok = set.problems.empty();
    std::ostringstream s;
    for (const auto &t : set.tenants) {
        std::string status = "ok";
        auto plugin = reg->find(t.provider);
        if (!plugin) {
            status = host::provider_unavailable(*reg, t);
            all_ok = false;
        } else {
            // What `check` would refuse before calling the plugin: inline secrets, unresolvable
            // secret references, provider_config against the plugin's schema. The message is
            // redacted and names the file and field.
            try {
                host::resolve_provider_config(t, *plugin, rt.environment()->redactor());
            } catch (const std::exception &e) {
                status = e.what();
                all_ok = false;
            }
        }
        if (o.json)
            out.line(json::serialize(json::object{{"tenant_id", t.tenant_id},
                                                  {"provider", t.provider},
                                                  {"display_name", t.display_name},
                                                  {"file", t.path},
                                                  {"status", status}}));
        else {
            char row[256];
            std::snprintf(row, sizeof row, "%-24s %-20s ", t.tenant_id.c_str(), t.provider.c_str());
            s << row << status << "  (" << t.path << ")\n";
        }
    }
    for (const auto &p : set.problems) {
        if (o.json)
            out.line(json::serialize(json::object{{"file", p.path}, {"status", "invalid"}, {"problem", p.message}}));
        else
            s << "invalid: " << p.message << "\n";
    }
    if (!o.json) {
        if (set.tenants.empty() && set.problems.empty())
            s << "(no tenant manifests in " << rt.options().manifests_dir << ")\n";
        std::string text = s.str();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        out.line(text);
    }
    return all_ok ? kExitOk : kExitPluginOrManifest;
}

std::string read_args(const cli::Options &o) {
    if (!o.args) return "{}";
    const std::string &a = *o.args;
    if (!a.empty() && a[0] == '@') {
        std::ifstream in(a.substr(1), std::ios::binary);
        if (!in) throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT, "--args: cannot read file " + a.substr(1));
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    return a;
}

// A progress bar on a terminal; nothing otherwise: phase, done/total, rate and time left (from
// the phase's own start), redrawn in place.
struct ProgressBar {
    bool enabled = ::isatty(2) == 1;
    bool drawn = false;
    std::string phase;
    std::chrono::steady_clock::time_point phase_start;
    int64_t phase_first = 0;
    void draw(std::string_view p, int64_t done, int64_t total) {
        if (!enabled) return;
        auto now = std::chrono::steady_clock::now();
        if (p != phase) {
            phase.assign(p);
            phase_start = now;
            phase_first = done;
        }
        double secs = std::chrono::duration<double>(now - phase_start).count();
        double rate = secs > 0.5 ? static_cast<double>(done - phase_first) / secs : 0;
        char line[320], tail[96] = "";
        if (rate > 0 && total > 0 && done < total)
            std::snprintf(tail, sizeof tail, " %.0f/s, %.0f s left", rate, static_cast<double>(total - done) / rate);
        else if (rate > 0)
            std::snprintf(tail, sizeof tail, " %.0f/s", rate);
        if (total > 0) {
            int width = 30, filled = static_cast<int>(width * std::min<int64_t>(done, total) / total);
            std::string bar(static_cast<size_t>(filled), '#');
            bar.resize(static_cast<size_t>(width), '-');
            std::snprintf(line, sizeof line, "\r%-44.44s [%s] %lld/%lld%s\x1b[K", phase.c_str(), bar.c_str(),
                          static_cast<long long>(done), static_cast<long long>(total), tail);
        } else {
            std::snprintf(line, sizeof line, "\r%-44.44s %lld%s\x1b[K", phase.c_str(), static_cast<long long>(done),
                          tail);
        }
        std::fputs(line, stderr);
        std::fflush(stderr);
        drawn = true;
    }
    void finish() {
        if (drawn) std::fputs("\n", stderr);
    }
};

// Keeps the run in the tenant's sync history. A history that cannot be written costs a warning,
// never the sync's own result.
void record_sync(host::Runtime &rt, host::Tenant &tenant, const cli::Options &o, const host::InvokeResult &r,
                 int64_t started_ms, const json::value &summary, const std::string &record_error) {
    const int64_t finished_ms = rt.environment()->now_unix_ms();
    std::string status = r.status == ATS_OK && record_error.empty() ? "succeeded"
                         : g_cancelled.load()                       ? "cancelled"
                                                                    : "failed";
    json::object run{{"id", host::SyncHistory::new_run_id(started_ms)},
                     {"tenant_id", o.tenant},
                     {"provider", tenant.plugin()->provider()},
                     {"trigger", "cli"},
                     {"full", o.full},
                     {"dry_run", o.dry_run},
                     {"retry_quarantined", o.retry_quarantined},
                     {"status", status},
                     {"started_at", ats::shared::format_utc_iso8601_ms(started_ms)},
                     {"finished_at", ats::shared::format_utc_iso8601_ms(finished_ms)},
                     {"duration_ms", finished_ms - started_ms},
                     {"request_id", r.request_id}};
    run["summary"] = summary.is_object() ? host::summary_for_history(summary) : json::value(nullptr);
    if (status == "succeeded")
        run["error"] = nullptr;
    else
        run["error"] = json::object{{"code", !r.failure.empty()   ? r.failure
                                             : r.status != ATS_OK ? std::string(host::status_name(r.status))
                                                                  : std::string("internal")},
                                    {"message", rt.environment()->redactor().redact(r.message + record_error)}};
    try {
        tenant.sync_history().record(run);
    } catch (const std::exception &e) {
        rt.environment()->logger().write(ATS_LOG_WARN, {o.tenant, tenant.plugin()->provider(), r.request_id},
                                         "sync history: the run was not recorded: " + std::string(e.what()));
    }
}

// `syncs`: the tenant's sync history, from its state alone (the plugin is not loaded).
int cmd_syncs(host::Runtime &rt, const cli::Options &o) {
    auto set = rt.load_manifests();
    const host::TenantManifest *m = nullptr;
    for (const auto &t : set.tenants)
        if (t.tenant_id == o.tenant) m = &t;
    if (!m)
        throw HostError(ErrorKind::manifest, ATS_ERR_NOT_FOUND,
                        "unknown tenant '" + o.tenant + "' (no manifest in " + rt.options().manifests_dir + ")");
    auto history = host::SyncHistory::open(*rt.environment(), *m);
    Out out;
    if (!o.run_id.empty()) {
        auto run = history.find(o.run_id);
        if (!run)
            throw HostError(ErrorKind::usage, ATS_ERR_NOT_FOUND,
                            "tenant '" + o.tenant + "' has no sync run '" + o.run_id +
                                "' (see ats-host syncs --tenant " + o.tenant + ")");
        out.line(human_report(o) ? cli::render_run(*run) : json::serialize(*run));
        return kExitOk;
    }
    auto runs = history.last(static_cast<size_t>(o.last.value_or(20)));
    if (human_report(o)) {
        out.line(cli::render_history(runs, o.tenant));
    } else {
        for (const auto &r : runs)
            if (!out.line(json::serialize(r))) break;
    }
    return kExitOk;
}

int run_operation(host::Runtime &rt, const cli::Options &o, const std::string &operation, const std::string &args) {
    auto tenant = rt.open_tenant(o.tenant);
    if (o.command == "sync" && o.dry_run)
        if (auto refusal =
                host::dry_run_not_supported(tenant->plugin()->provider(), tenant->plugin()->abi_version().minor))
            throw HostError(ErrorKind::usage, ATS_ERR_NOT_SUPPORTED, *refusal);
    Out out;
    host::InvokeSink sink;
    long long emitted = 0;
    std::string record_error;
    bool check_ok = true;
    std::string check_record;
    int64_t contradicted = 0;          // probe: assumptions the upstream contradicts
    std::vector<json::object> control; // control records (ats_plugin.h): printed after the results
    json::value sync_summary;          // sync: the summary record, for the tenant's history
    sink.on_record = [&](std::string_view rec) {
        boost::system::error_code ec;
        auto v = json::parse(rec, ec);
        if (ec) {
            record_error = operation + ": the plugin sent a record that is not valid JSON (" + ec.message() + ")";
            return false;
        }
        if (v.is_object() && v.get_object().contains("_type")) { // not a result: no --limit count
            control.push_back(v.get_object());
            return true;
        }
        if (operation == ATS_OP_CHECK && v.is_object()) { // {"ok": false, ...} is a failed check
            const auto *ok = v.get_object().if_contains("ok");
            check_ok = !(ok && ok->is_bool() && !ok->get_bool());
            check_record = json::serialize(v);
        }
        if (operation == ATS_OP_PROBE && v.is_object())
            if (const auto *n = v.get_object().if_contains("contradicted"); n && n->is_int64())
                contradicted = n->get_int64();
        if (operation == ATS_OP_SYNC) sync_summary = v;
        // A sync summary the host does not know the shape of (another provider's) prints as JSON.
        const bool known_shape =
            operation != ATS_OP_SYNC || (v.is_object() && v.get_object().contains("applications_seen"));
        if (human_report(o) && v.is_object() && known_shape) {
            const auto &doc = v.get_object();
            if (!out.line(operation == ATS_OP_PROBE ? cli::render_probe(doc)
                          : o.dry_run               ? cli::render_plan(doc)
                                                    : cli::render_summary(doc)))
                return false;
        } else if (!out.line(json::serialize(v))) {
            return false; // stdout closed: stop the stream
        }
        ++emitted;
        return !(o.limit && emitted >= *o.limit);
    };
    std::string blob_error;
    if (!o.output.empty()) {
        sink.on_blob = [&](std::string_view meta, std::string_view data) {
            std::ofstream f(o.output, std::ios::binary | std::ios::trunc);
            f.write(data.data(), static_cast<std::streamsize>(data.size()));
            f.close();
            if (!f) {
                blob_error = "cannot write " + o.output;
                return false;
            }
            boost::system::error_code ec;
            auto m = json::parse(meta, ec);
            json::object doc = (!ec && m.is_object()) ? m.get_object() : json::object{};
            doc["path"] = o.output;
            doc["bytes"] = data.size();
            out.line(json::serialize(doc));
            return true;
        };
    }
    ProgressBar bar;
    if (operation == ATS_OP_SYNC)
        sink.on_progress = [&](std::string_view phase, int64_t d, int64_t t) { bar.draw(phase, d, t); };

    host::CallOptions copts;
    copts.cancelled = [] { return g_cancelled.load(); };
    copts.cancel_grace = kCancelGrace - std::chrono::seconds(1); // a worker is killed before the watchdog fires
    // The sink stops at --limit (after the first record at the latest: it counts before it checks).
    if (o.limit) copts.max_results = static_cast<uint64_t>(std::max<long long>(1, *o.limit));
    start_cancel_watchdog(operation, o.tenant);
    const int64_t started_ms = rt.environment()->now_unix_ms();
    auto r = tenant->invoke(operation, args, sink, copts);
    bar.finish();
    if (operation == ATS_OP_SYNC) record_sync(rt, *tenant, o, r, started_ms, sync_summary, record_error);
    // What each upstream's rate controller settled on (the log's answer to "how fast may we go").
    for (const auto &e : tenant->rate_controllers()) {
        const auto &p = e.snapshot;
        json::object extra{{"upstream", e.upstream},
                           {"rate_per_second", p.rate_per_second},
                           {"mode", p.mode},
                           {"paced", p.paced},
                           {"received_429", p.received_429},
                           {"decreases", p.decreases},
                           {"holds", p.holds},
                           {"granted", p.granted},
                           {"instances", p.instances},
                           {"share", p.share}};
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.1f", p.rate_per_second);
        rt.environment()->logger().write(ATS_LOG_INFO, {o.tenant, tenant->plugin()->provider(), r.request_id},
                                         "upstream " + e.upstream + ": paced at " + rate + " requests/s (" + p.mode +
                                             "), " + std::to_string(p.paced) + " requests held back, " +
                                             std::to_string(p.received_429) + " answers 429",
                                         &extra);
    }
    auto &redactor = rt.environment()->redactor();
    // Control records go LAST, after every result (a partial failure reads as the stream's end).
    const json::object *partial = nullptr;
    for (auto &c : control) {
        if (auto *m = c.if_contains("message"); m && m->is_string())
            *m = json::string(redactor.redact(std::string(m->get_string())));
        out.line(json::serialize(c));
        if (!partial && c.at("_type") == "error") partial = &c;
    }
    std::fflush(stdout);
    if (!record_error.empty() || !blob_error.empty()) {
        print_error("internal", "operation", operation, o.tenant, record_error + blob_error, &redactor);
        return kExitInternal;
    }
    if (r.status != ATS_OK && g_cancelled.load()) {
        print_error("cancelled", "operation", operation, o.tenant,
                    operation + " was cancelled by a signal: " + r.message, &redactor, true);
        return kExitCancelled;
    }
    if (!r.failure.empty()) { // the plugin's process crashed or was killed, not an upstream error
        print_error(r.failure, "plugin", operation, o.tenant, r.message, &redactor, r.retryable);
        return kExitPluginOrManifest;
    }
    if (r.status != ATS_OK) {
        print_error(host::status_name(r.status), "operation", operation, o.tenant, r.message, &redactor, r.retryable);
        return exit_code_for(r.status);
    }
    if (operation == ATS_OP_CHECK && r.records == 0) {
        print_error("internal", "operation", operation, o.tenant, "check returned no result", &redactor);
        return kExitInternal;
    }
    if (partial) { // the results printed are complete for every source but the one named
        auto text = [&](const char *k) {
            const auto *v = partial->if_contains(k);
            return v && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        const auto *retry = partial->if_contains("retryable");
        print_error(text("code").empty() ? "upstream" : text("code"), "partial", operation, o.tenant,
                    operation + ": partial result, source " + text("source") + " failed: " + text("message"), &redactor,
                    retry && retry->is_bool() && retry->get_bool());
        return kExitPartial;
    }
    if (operation == ATS_OP_PROBE && contradicted > 0) {
        print_error("upstream", "operation", operation, o.tenant,
                    "probe: " + std::to_string(contradicted) +
                        " wire assumption(s) contradicted by the upstream (see the report)",
                    &redactor);
        return kExitContradicted;
    }
    if (operation == ATS_OP_CHECK && !check_ok) {
        print_error("upstream", "operation", operation, o.tenant,
                    "check reported the connection unusable: " + check_record, &redactor);
        return kExitFailed;
    }
    return kExitOk;
}

// `serve` and `hash-token`: the service side of ats-host (host/serve). They parse their own
// arguments (everything after the command) and report their own errors (serve_command.hpp).
int cmd_serve(const cli::Options &o) { return ats::serve::run_serve(cli::runtime_options(o), o.command_args); }

int cmd_hash_token(const cli::Options &o) {
    for (const auto &a : o.command_args)
        if (a == "--help" || a == "-h") {
            std::fputs(cli::kHashTokenHelp, stdout);
            return kExitOk;
        }
    if (!o.command_args.empty()) {
        print_error("usage", "usage", "", "", "hash-token takes no arguments (the token comes on stdin)", nullptr);
        return kExitUsage;
    }
    return ats::serve::run_hash_token(std::cin, std::cout, std::cerr);
}

// Every command of ats-host, once: the help, the flag checks and the dispatch below all read
// this table.
struct Command {
    const char *name;
    const char *help;      // nullptr: the command prints its own (`serve --help`)
    bool tenant;           // needs --tenant T
    const char *operation; // the plugin operation it runs; "" = none, or named on the command line (call)
    // Exactly one of the two is set. `run`: a one-shot command, on a Runtime built from the global
    // flags. `service`: a command that parses its own arguments (cli::takes_own_arguments).
    int (*run)(host::Runtime &rt, const cli::Options &o, const std::string &operation, const std::string &args);
    int (*service)(const cli::Options &o);
};

// A command that runs no plugin operation, in the table's shape.
template <int (*F)(host::Runtime &, const cli::Options &)>
int without_operation(host::Runtime &rt, const cli::Options &o, const std::string &, const std::string &) {
    return F(rt, o);
}

const Command kCommands[] = {
    {"providers", cli::kProvidersHelp, false, "", without_operation<cmd_providers>, nullptr},
    {"tenants", cli::kTenantsHelp, false, "", without_operation<cmd_tenants>, nullptr},
    {"check", cli::kCheckHelp, true, ATS_OP_CHECK, run_operation, nullptr},
    {"call", cli::kCallHelp, true, "", run_operation, nullptr},
    {"sync", cli::kSyncHelp, true, ATS_OP_SYNC, run_operation, nullptr},
    {"syncs", cli::kSyncsHelp, true, "", without_operation<cmd_syncs>, nullptr},
    {"forget", cli::kForgetHelp, true, ATS_OP_FORGET, run_operation, nullptr},
    {"probe", cli::kProbeHelp, true, ATS_OP_PROBE, run_operation, nullptr},
    {"serve", nullptr, false, "", nullptr, cmd_serve},
    {"hash-token", cli::kHashTokenHelp, false, "", nullptr, cmd_hash_token},
};

const Command *find_command(const std::string &name) {
    for (const auto &c : kCommands)
        if (name == c.name) return &c;
    return nullptr;
}

bool allowed_flags(const cli::Options &o, std::string &bad) {
    const std::string &c = o.command;
    const Command *command = find_command(c);
    bool tenant_cmd = command && command->tenant;
    if (!tenant_cmd && !o.tenant.empty())
        bad = "--tenant";
    else if (c != "call" && o.args)
        bad = "--args";
    else if (c != "call" && !o.output.empty())
        bad = "--output";
    else if (c != "call" && o.limit)
        bad = "--limit";
    else if (c != "sync" && o.full)
        bad = "--full";
    else if (c != "sync" && o.retry_quarantined)
        bad = "--retry-quarantined";
    else if (c != "forget" && !o.forget_selectors.empty())
        bad = "--" + o.forget_selectors.front().first;
    else if (c != "sync" && o.dry_run)
        bad = "--dry-run";
    else if (c != "probe" && o.write_probes)
        bad = "--write-probes";
    else if (c != "probe" && !o.scratch_record.empty())
        bad = "--scratch-record";
    else if (c != "syncs" && o.last)
        bad = "--last";
    else if (c != "syncs" && !o.run_id.empty())
        bad = "--run";
    else if (c == "syncs" && o.last && !o.run_id.empty())
        bad = "--last with --run";
    else if (tenant_cmd && o.json && !(c == "probe" || c == "sync" || c == "syncs"))
        bad = "--json";
    else if (cli::takes_own_arguments(c) && o.json)
        bad = "--json";
    return bad.empty();
}

int run(int argc, char **argv) {
    cli::Options o;
    try {
        o = cli::parse(argc, argv);
    } catch (const std::invalid_argument &e) {
        print_error("usage", "usage", "", "", std::string(e.what()) + " (see ats-host --help)", nullptr);
        return kExitUsage;
    }
    if (o.version) {
        std::printf("ats-host %s (ATS ABI %d.%d, host services %d.%d)\n", ATS_PROJECT_VERSION, ATS_ABI_VERSION_MAJOR,
                    ATS_ABI_VERSION_MINOR, ATS_HOST_SERVICES_VERSION_MAJOR, ATS_HOST_SERVICES_VERSION_MINOR);
        return kExitOk;
    }
    const Command *command = find_command(o.command);
    const char *help = o.command.empty() ? cli::kGlobalHelp : command ? command->help : nullptr;
    if (o.help && o.command == "serve") { // `ats-host --help serve`: same as `ats-host serve --help`
        ats::serve::print_serve_help(std::cout);
        return kExitOk;
    }
    if (!o.help && command && command->service) {
        std::string bad;
        if (!allowed_flags(o, bad)) {
            print_error("usage", "usage", "", "",
                        o.command + " does not take " + bad + " (see ats-host " + o.command + " --help)", nullptr);
            return kExitUsage;
        }
        return command->service(o);
    }
    // A one-shot command from here on: a first SIGINT/SIGTERM cancels it (the service has its own
    // shutdown).
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    if (o.help || o.command.empty()) {
        if (!help) {
            print_error("usage", "usage", "", "", "unknown command '" + o.command + "' (see ats-host --help)", nullptr);
            return kExitUsage;
        }
        std::fputs(help, o.command.empty() && !o.help ? stderr : stdout);
        std::fputs(cli::kExitCodes, o.command.empty() && !o.help ? stderr : stdout);
        return o.help ? kExitOk : kExitUsage;
    }
    if (!command) {
        print_error("usage", "usage", "", "", "unknown command '" + o.command + "' (see ats-host --help)", nullptr);
        return kExitUsage;
    }
    std::string bad;
    if (!allowed_flags(o, bad)) {
        print_error("usage", "usage", o.command, o.tenant,
                    o.command + " does not take " + bad + " (see ats-host " + o.command + " --help)", nullptr);
        return kExitUsage;
    }
    std::string operation = command->operation;
    if (o.command == "call") {
        if (o.positional.size() != 1) {
            print_error("usage", "usage", "", o.tenant, "call needs exactly one OPERATION (see ats-host call --help)",
                        nullptr);
            return kExitUsage;
        }
        operation = o.positional[0];
    } else if (!o.positional.empty()) {
        print_error("usage", "usage", o.command, o.tenant, "unexpected argument '" + o.positional[0] + "'", nullptr);
        return kExitUsage;
    }
    if (command->tenant && o.tenant.empty()) {
        print_error("usage", "usage", operation, "", o.command + " needs --tenant T", nullptr);
        return kExitUsage;
    }
    if (host::is_blob_operation(operation) && o.output.empty()) {
        print_error("usage", "usage", operation, o.tenant, operation + " returns a file: give --output FILE", nullptr);
        return kExitUsage;
    }
    std::string args = "{}";
    if (o.command == "call") {
        try {
            args = read_args(o);
        } catch (const HostError &e) {
            print_error("usage", "usage", operation, o.tenant, e.what(), nullptr);
            return kExitUsage;
        }
        boost::system::error_code ec;
        auto v = json::parse(args, ec);
        if (ec || !v.is_object()) {
            print_error("invalid_argument", "usage", operation, o.tenant,
                        "--args must be a JSON object" + (ec ? ": " + ec.message() : std::string()), nullptr);
            return kExitUsage;
        }
    } else if (o.command == "forget") {
        if (o.forget_selectors.size() != 1) {
            print_error("usage", "usage", operation, o.tenant,
                        "forget needs exactly one of --email, --phone, --workable-candidate-id, --tracker-resource-id",
                        nullptr);
            return kExitUsage;
        }
        std::string key = o.forget_selectors.front().first;
        for (auto &ch : key)
            if (ch == '-') ch = '_';
        args = json::serialize(json::object{{key, o.forget_selectors.front().second}});
    } else if (o.command == "sync") {
        json::object a{{"full", o.full}};
        if (o.retry_quarantined) a["retry_quarantined"] = true;
        if (o.dry_run) a["dry_run"] = true;
        args = json::serialize(a);
    } else if (o.command == "probe") {
        if (o.write_probes != !o.scratch_record.empty()) {
            print_error("usage", "usage", operation, o.tenant, "--write-probes and --scratch-record ID go together",
                        nullptr);
            return kExitUsage;
        }
        json::object a;
        if (o.write_probes) {
            a["write_probes"] = true;
            a["scratch_record"] = o.scratch_record;
        }
        args = json::serialize(a);
    }

    std::unique_ptr<host::Runtime> rt;
    try {
        rt = std::make_unique<host::Runtime>(cli::runtime_options(o));
    } catch (const std::exception &e) {
        print_error("usage", "usage", operation, o.tenant, e.what(), nullptr);
        return kExitUsage;
    }
    auto &redactor = rt->environment()->redactor();
    if (o.log_file.empty()) {
        g_held_log = &rt->environment()->logger();
        g_held_log->hold();
    }
    struct ReleaseAtEnd {
        ~ReleaseAtEnd() {
            release_held_log("");
            g_held_log = nullptr;
        }
    } release_at_end;
    try {
        return command->run(*rt, o, operation, args);
    } catch (const HostError &e) {
        int code = e.kind() == ErrorKind::usage       ? kExitUsage
                   : e.kind() == ErrorKind::operation ? exit_code_for(e.status())
                                                      : kExitPluginOrManifest;
        print_error(host::status_name(e.status()), kind_name(e.kind()), operation, o.tenant, e.what(), &redactor,
                    e.status() == ATS_ERR_TRANSIENT || e.status() == ATS_ERR_RATE_LIMITED);
        return code;
    } catch (const std::exception &e) {
        print_error("internal", "internal", operation, o.tenant, e.what(), &redactor);
        return kExitInternal;
    }
}

} // namespace

int main(int argc, char **argv) {
    // A closed stdout is noticed by fwrite and stops the stream; a vanished client of `serve`
    // must not end the process either.
    std::signal(SIGPIPE, SIG_IGN);
    // Line-buffered stdout: every NDJSON record reaches a reading pipe as soon as it is printed.
    static char out_buffer[1 << 16];
    std::setvbuf(stdout, out_buffer, _IOLBF, sizeof out_buffer);
    return run(argc, argv);
}
