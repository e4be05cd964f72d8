#include "cli_options.hpp"

#include "install_layout.hpp"
#include "isolation.hpp"
#include "logger.hpp"

#include <boost/filesystem/path.hpp>

#include <stdexcept>

namespace ats::cli {

Options parse(int argc, char **argv) {
    Options o;
    auto need_value = [&](int &i, const std::string &flag) -> std::string {
        std::string a = argv[i];
        auto eq = a.find('=');
        if (eq != std::string::npos) return a.substr(eq + 1);
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (takes_own_arguments(o.command)) {
            o.command_args.push_back(a);
            continue;
        }
        std::string flag = a.substr(0, a.find('='));
        if (a == "--help" || a == "-h")
            o.help = true;
        else if (a == "--version")
            o.version = true;
        else if (a == "--json")
            o.json = true;
        else if (a == "--full")
            o.full = true;
        else if (a == "--retry-quarantined")
            o.retry_quarantined = true;
        else if (a == "--allow-shared-data-dir")
            o.allow_shared_data_dir = true;
        else if (a == "--dry-run")
            o.dry_run = true;
        else if (a == "--write-probes")
            o.write_probes = true;
        else if (flag == "--scratch-record")
            o.scratch_record = need_value(i, flag);
        else if (flag == "--plugins")
            o.plugins_dir = need_value(i, flag);
        else if (flag == "--manifests")
            o.manifests_dir = need_value(i, flag);
        else if (flag == "--data-dir")
            o.data_dir = need_value(i, flag);
        else if (flag == "--state-url")
            o.state_url = need_value(i, flag);
        else if (flag == "--instance-id")
            o.instance_id = need_value(i, flag);
        else if (flag == "--log-file")
            o.log_file = need_value(i, flag);
        else if (flag == "--log-level") {
            o.log_level = need_value(i, flag);
            if (host::Logger::parse_level(o.log_level) < 0)
                throw std::invalid_argument("--log-level must be debug, info, warn or error, got '" + o.log_level +
                                            "'");
        } else if (flag == "--isolation") {
            o.isolation = need_value(i, flag);
            if (!host::parse_isolation(o.isolation))
                throw std::invalid_argument("--isolation must be process or in_process, got '" + o.isolation + "'");
        } else if (flag == "--tenant")
            o.tenant = need_value(i, flag);
        else if (flag == "--args")
            o.args = need_value(i, flag);
        else if (flag == "--output")
            o.output = need_value(i, flag);
        else if (flag == "--email" || flag == "--phone" || flag == "--workable-candidate-id" ||
                 flag == "--tracker-resource-id")
            o.forget_selectors.emplace_back(flag.substr(2), need_value(i, flag));
        else if (flag == "--run")
            o.run_id = need_value(i, flag);
        else if (flag == "--limit" || flag == "--last") {
            std::string v = need_value(i, flag);
            try {
                size_t used = 0;
                long long n = std::stoll(v, &used);
                if (used != v.size() || n < 0 || (flag == "--last" && n == 0)) throw std::invalid_argument("");
                (flag == "--limit" ? o.limit : o.last) = n;
            } catch (const std::exception &) {
                throw std::invalid_argument(
                    flag +
                    (flag == "--limit" ? " needs a non-negative integer, got '" : " needs a positive integer, got '") +
                    v + "'");
            }
        } else if (a.size() > 1 && a[0] == '-') {
            throw std::invalid_argument("unknown option '" + a + "'");
        } else if (o.command.empty()) {
            o.command = a;
        } else {
            o.positional.push_back(a);
        }
    }
    return o;
}

bool takes_own_arguments(const std::string &command) { return command == "serve" || command == "hash-token"; }

host::Runtime::Options runtime_options(const Options &o) {
    const bool serving = o.command == "serve";
    const std::string level = !o.log_level.empty() ? o.log_level : serving || !o.log_file.empty() ? "info" : "warn";
    const std::string isolation = !o.isolation.empty() ? o.isolation : serving ? "process" : "in_process";
    host::Runtime::Options ro;
    ro.plugins_dir = o.plugins_dir.empty() ? host::default_plugins_dir() : o.plugins_dir;
    ro.plugins_dir = boost::filesystem::path(ro.plugins_dir).lexically_normal().string();
    ro.manifests_dir = o.manifests_dir;
    ro.environment.data_dir = o.data_dir;
    ro.environment.allow_shared_data_dir = o.allow_shared_data_dir;
    ro.environment.state_url = o.state_url;
    ro.environment.instance_id = o.instance_id;
    ro.environment.log_file = o.log_file;
    ro.environment.log_level = host::Logger::parse_level(level); // checked by parse()
    ro.environment.default_isolation = *host::parse_isolation(isolation);
    return ro;
}

} // namespace ats::cli
