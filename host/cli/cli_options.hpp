// cli_options.hpp - the command line of ats-host: global flags anywhere, one subcommand,
// subcommand flags. Hand-written (no Boost.Program_options in the build) and strict: an unknown
// flag is a usage error naming it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ats::cli {

struct Options {
    // global
    std::string plugins_dir;   // "" = <exe dir>/../plugins
    std::string manifests_dir = "manifests";
    std::string data_dir = "var";
    std::string state_url;   // "" = env ATS_STATE_URL, else <data_dir>/state.sqlite
    std::string instance_id; // this process in lease rows ("" = "<hostname> pid <pid>")
    bool allow_shared_data_dir = false; // accept a data dir / state file others can read or write
    std::string log_file;      // "" = stderr
    // "" = not given: warn when the log goes to stderr (the command's own error line says what
    // failed; progress chatter stays out), info into a --log-file.
    std::string log_level;
    // --isolation: where plugins of manifests without host.isolation run. One-shot commands
    // default to in_process (a crash ends only this command); `serve` to process (serve_command).
    std::string isolation = "in_process";
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
    bool dry_run = false;                // sync --dry-run
    bool write_probes = false;           // probe --write-probes
    std::string scratch_record;          // probe --scratch-record ID
    std::optional<long long> last;       // syncs --last N
    std::string run_id;                  // syncs --run ID
};

// Throws std::invalid_argument with a message naming the offending flag.
Options parse(int argc, char **argv);

} // namespace ats::cli
