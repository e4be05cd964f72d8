// cli_options.hpp - the command line of ats-host: global flags anywhere, one subcommand,
// subcommand flags. Hand-written (no Boost.Program_options in the build) and strict: an unknown
// flag is a usage error naming it. The one parser of the global flags for every command: `serve`
// and `hash-token` get theirs from here too, and everything after their name is theirs
// (command_args), parsed by the command itself.
#pragma once

#include "runtime.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ats::cli {

struct Options {
    // global
    std::string plugins_dir; // "" = <exe dir>/../plugins
    // The core's defaults (./manifests, ./var), not a copy of them.
    std::string manifests_dir = host::Runtime::Options{}.manifests_dir;
    std::string data_dir = host::HostEnvironment::Options{}.data_dir;
    std::string state_url;              // "" = env ATS_STATE_URL, else <data_dir>/state.sqlite
    std::string instance_id;            // this process in lease rows ("" = "<hostname> pid <pid>")
    bool allow_shared_data_dir = false; // accept a data dir / state file others can read or write
    std::string log_file;               // "" = stderr
    // "" = not given: the command's default (runtime_options()).
    std::string log_level;
    // --isolation: where plugins of manifests without host.isolation run; "" = not given: the
    // command's default (runtime_options()).
    std::string isolation;
    bool help = false, version = false, json = false;
    // command
    std::string command;
    std::string tenant;
    std::vector<std::string> positional; // call: OPERATION
    std::optional<std::string> args;     // --args JSON or @file
    std::string output;                  // --output FILE (blob results)
    std::optional<long long> limit;      // --limit N: stop a stream after N records
    bool full = false;                   // sync --full
    bool retry_quarantined = false;      // sync --retry-quarantined
    // forget: exactly one selector (flag name without "--" -> value)
    std::vector<std::pair<std::string, std::string>> forget_selectors;
    bool dry_run = false;                  // sync --dry-run
    bool write_probes = false;             // probe --write-probes
    std::string scratch_record;            // probe --scratch-record ID
    std::optional<long long> last;         // syncs --last N
    std::string run_id;                    // syncs --run ID
    std::vector<std::string> command_args; // serve, hash-token: every argument after the command
};

// Throws std::invalid_argument with a message naming the offending flag.
Options parse(int argc, char **argv);

// True for the commands that parse their own arguments (command_args).
bool takes_own_arguments(const std::string &command);

// The host Runtime the global flags describe, with the defaults of `o.command`:
//   --log-level: warn when a one-shot command logs to stderr (its own error line says what failed;
//                progress chatter stays out), info into a --log-file and for `serve`;
//   --isolation: in_process for one-shot commands (a crash ends only this command), process for
//                `serve` (a crash harms only that tenant, the service goes on);
//   --plugins:   host::default_plugins_dir() (next to the executable).
ats::host::Runtime::Options runtime_options(const Options &o);

} // namespace ats::cli
