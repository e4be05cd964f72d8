// cli_entry.cpp - `ats-host serve` / `ats-host hash-token` command-line entry (see
// serve_command.hpp). Global flags are parsed the way host/cli parses them (--flag VALUE or
// --flag=VALUE); everything after the subcommand belongs to it.
#include "serve_command.hpp"

#include "install_layout.hpp"
#include "logger.hpp"

#include <boost/filesystem.hpp>

#include <csignal>
#include <iostream>
#include <map>

namespace ats::serve {

int run_cli_subcommand(int argc, char **argv) {
    std::map<std::string, std::string> globals{{"--plugins", ""}, {"--manifests", "manifests"}, {"--data-dir", "var"},
                                               {"--log-file", ""}, {"--log-level", "info"},
                                               {"--isolation", "process"}, {"--state-url", ""},
                                               {"--instance-id", ""}};
    std::string command;
    std::vector<std::string> rest;
    bool allow_shared_data_dir = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (!command.empty()) {
            rest.push_back(a);
            continue;
        }
        if (a == "--allow-shared-data-dir") {
            allow_shared_data_dir = true;
            continue;
        }
        std::string flag = a.substr(0, a.find('='));
        if (globals.count(flag)) {
            if (a.find('=') != std::string::npos) globals[flag] = a.substr(a.find('=') + 1);
            else if (i + 1 < argc) globals[flag] = argv[++i];
            else return -1;  // let the CLI report the missing value
            continue;
        }
        if (!a.empty() && a[0] == '-') return -1;  // --help, --version, ...: the CLI's business
        if (a != "serve" && a != "hash-token") return -1;
        command = a;
    }
    if (command.empty()) return -1;
    if (command == "hash-token") {
        for (const auto &a : rest)
            if (a == "--help" || a == "-h") {
                std::cout << "usage: ats-host hash-token < token\n"
                             "Prints the SHA-256 hex of the token read from stdin: the form `serve --tokens` stores.\n";
                return 0;
            }
        if (!rest.empty()) {
            std::cerr << "ats-host hash-token: takes no arguments (the token comes on stdin)\n";
            return 2;
        }
        return run_hash_token(std::cin, std::cout, std::cerr);
    }
    std::signal(SIGPIPE, SIG_IGN);  // a vanished client must not end the process
    int level = ats::host::Logger::parse_level(globals["--log-level"]);
    if (level < 0) {
        std::cerr << "ats-host serve: --log-level must be debug, info, warn or error\n";
        return 2;
    }
    auto isolation = ats::host::parse_isolation(globals["--isolation"]);
    if (!isolation) {
        std::cerr << "ats-host serve: --isolation must be process or in_process\n";
        return 2;
    }
    ats::host::Runtime::Options ro;
    ro.environment.default_isolation = *isolation;
    ro.plugins_dir = globals["--plugins"].empty() ? ats::host::default_plugins_dir() : globals["--plugins"];
    ro.plugins_dir = boost::filesystem::path(ro.plugins_dir).lexically_normal().string();
    ro.manifests_dir = globals["--manifests"];
    ro.environment.data_dir = globals["--data-dir"];
    ro.environment.allow_shared_data_dir = allow_shared_data_dir;
    ro.environment.state_url = globals["--state-url"]; // "" = env ATS_STATE_URL, else SQLite
    ro.environment.instance_id = globals["--instance-id"];
    ro.environment.log_file = globals["--log-file"];
    ro.environment.log_level = level;
    return run_serve(ro, rest);
}

}  // namespace ats::serve
