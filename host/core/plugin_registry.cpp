#include "plugin_registry.hpp"

#include "child_process.hpp"
#include "json_schema.hpp"

#include <boost/dll/shared_library.hpp>
#include <boost/filesystem.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>

namespace fs = boost::filesystem;

namespace ats::host {

LoadedPlugin::~LoadedPlugin() {
    if (initialised_ && entry_ && entry_->deinit) entry_->deinit();
    // library_ is released after this body: the code is unmapped only now.
}

bool LoadedPlugin::has_get_extension() const {
    return ATS_HAS_FIELD(entry_, ats_plugin_entry_t, get_extension) && entry_->get_extension != nullptr;
}

const void *LoadedPlugin::extension(const char *id) const {
    return id && has_get_extension() ? entry_->get_extension(id) : nullptr;
}

Capability LoadedPlugin::capability(const std::string &operation) const {
    for (const auto &c : capabilities_)
        if (c.operation == operation) return c;
    return {operation, ATS_NOT_SUPPORTED, "not listed in the provider's capability matrix"};
}

// Builds LoadedPlugins; a class only so that it may touch LoadedPlugin's private members.
class PluginLoader {
public:
    // Returns the plugin, or nullptr with `reason` filled in.
    static std::shared_ptr<LoadedPlugin> load(const std::string &path, const std::string &load_from,
                                              const HostIdentity &host, std::string &reason, std::string &provider);
};

namespace {

FileIdentity identity_of(const std::string &path) {
    struct stat st {};
    FileIdentity id;
    if (::stat(path.c_str(), &st) == 0) {
        id.device = st.st_dev;
        id.inode = st.st_ino;
        id.size = static_cast<uint64_t>(st.st_size);
        id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    return id;
}

std::string str_or_empty(const char *s) { return s ? s : ""; }

// Loads the file once in a throw-away ats-plugin-worker first: an abort() or a segfault in
// init() or get_descriptor() then ends that child, not this process. Returns "" when the child
// survived (the file is then loaded here, where a clean refusal gets its precise reason), else
// the reason to reject it. Without a worker executable the host screens in-process as before.
std::string screen_in_child(const std::string &file) {
    static const auto kScreenTimeout = std::chrono::seconds(30);
    std::string worker = plugin_worker_executable();
    if (worker.empty()) return "";
    pid_t pid;
    try {
        pid = spawn_child({worker, "--screen", file}, -1);
    } catch (const std::exception &) {
        return "";
    }
    bool timed_out = false;
    int status = wait_child(pid, kScreenTimeout, timed_out);
    if (timed_out)
        return "loading it (init() or get_descriptor()) did not finish within " +
               std::to_string(kScreenTimeout.count()) + " s; the screening process was killed";
    if (WIFSIGNALED(status))
        return "init() or get_descriptor() crashed the screening process (it " + describe_exit(status) +
               "); the file was not loaded into the host";
    return "";
}

} // namespace

std::shared_ptr<LoadedPlugin> PluginLoader::load(const std::string &path, const std::string &load_from,
                                                 const HostIdentity &host, std::string &reason, std::string &provider) {
    std::shared_ptr<LoadedPlugin> p(new LoadedPlugin());
    p->path_ = path;
    p->identity_ = identity_of(path);
    try {
        p->library_ = std::make_shared<boost::dll::shared_library>(load_from, boost::dll::load_mode::rtld_now |
                                                                                  boost::dll::load_mode::rtld_local);
    } catch (const std::exception &e) {
        // Boost.DLL wraps dlerror() in noise ("... (dlerror system message: X): Bad file descriptor"):
        // keep X, which names the missing symbol or library.
        std::string what = e.what();
        const std::string tag = "dlerror system message: ";
        auto b = what.find(tag);
        auto end = what.rfind("): ");
        if (b != std::string::npos && end != std::string::npos && end > b)
            what = what.substr(b + tag.size(), end - b - tag.size());
        reason = "cannot be loaded (dlopen RTLD_NOW): " + what;
        return nullptr;
    }
    if (!p->library_->has(ATS_PLUGIN_ENTRY_SYMBOL)) {
        reason = "does not export the entry symbol '" ATS_PLUGIN_ENTRY_SYMBOL "' (not an ATS provider plugin?)";
        return nullptr;
    }
    const auto *e = &p->library_->get<const ats_plugin_entry_t>(ATS_PLUGIN_ENTRY_SYMBOL);
    // struct_size and abi_version are frozen for every major: safe to read before anything else.
    if (e->abi_version.major != ATS_ABI_VERSION_MAJOR) {
        reason = "ABI major version mismatch: the plugin was built against ATS ABI " +
                 std::to_string(e->abi_version.major) + "." + std::to_string(e->abi_version.minor) +
                 ", this host implements ATS ABI " + std::to_string(ATS_ABI_VERSION_MAJOR) + "." +
                 std::to_string(ATS_ABI_VERSION_MINOR) + " (majors must match)";
        return nullptr;
    }
    const uint32_t minor0_size = static_cast<uint32_t>(offsetof(ats_plugin_entry_t, get_extension));
    if (e->struct_size < minor0_size) {
        reason = "entry struct_size " + std::to_string(e->struct_size) + " is smaller than the ABI " +
                 std::to_string(ATS_ABI_VERSION_MAJOR) + ".0 layout (" + std::to_string(minor0_size) + " bytes)";
        return nullptr;
    }
    if (!e->init || !e->deinit || !e->get_descriptor || !e->create || !e->destroy || !e->invoke) {
        reason =
            "entry has a NULL function pointer (init, deinit, get_descriptor, create, destroy and invoke are required)";
        return nullptr;
    }
    p->entry_ = e;

    ats_host_info_t info{};
    info.struct_size = sizeof info;
    info.abi_version = {ATS_ABI_VERSION_MAJOR, ATS_ABI_VERSION_MINOR};
    info.host_name = host.name.c_str();
    info.host_version = host.version.c_str();
    info.plugin_path = path.c_str();
    ats_error_t err{};
    int32_t rc;
    try {
        rc = e->init(&info, &err);
    } catch (...) { // an ABI violation, but do not let it take the host down
        reason = "init() threw a C++ exception across the C ABI";
        return nullptr;
    }
    if (rc != ATS_OK) {
        err.message[ATS_ERROR_MESSAGE_MAX - 1] = '\0';
        reason = "init() failed with status " + std::to_string(rc) + ": " + err.message;
        return nullptr;
    }
    p->initialised_ = true; // from here on the destructor calls deinit()

    const ats_plugin_descriptor_t *d = e->get_descriptor();
    if (!d) {
        reason = "get_descriptor() returned NULL";
        return nullptr;
    }
    if (d->struct_size < sizeof(ats_plugin_descriptor_t)) {
        reason = "descriptor struct_size " + std::to_string(d->struct_size) + " is smaller than " +
                 std::to_string(sizeof(ats_plugin_descriptor_t));
        return nullptr;
    }
    p->provider_ = str_or_empty(d->provider);
    provider = p->provider_;
    static const std::regex enum_re("^[a-z][a-z0-9_]*$");
    if (!std::regex_match(p->provider_, enum_re)) {
        reason = "descriptor provider enum '" + p->provider_ + "' does not match [a-z][a-z0-9_]*";
        return nullptr;
    }
    if (!d->display_name || !*d->display_name || !d->plugin_version || !*d->plugin_version) {
        reason = "descriptor of provider '" + p->provider_ + "' lacks display_name or plugin_version";
        return nullptr;
    }
    p->display_name_ = d->display_name;
    p->plugin_version_ = d->plugin_version;
    p->vendor_ = str_or_empty(d->vendor);
    p->description_ = str_or_empty(d->description);

    if (d->capability_count && !d->capabilities) {
        reason = "descriptor has capability_count " + std::to_string(d->capability_count) + " but no capabilities";
        return nullptr;
    }
    const auto &known = known_operations();
    const bool newer_minor = e->abi_version.minor > ATS_ABI_VERSION_MINOR;
    std::set<std::string> seen;
    for (size_t i = 0; i < d->capability_count; ++i) {
        const auto &c = d->capabilities[i];
        std::string op = str_or_empty(c.operation);
        if (op.empty()) {
            reason = "capability #" + std::to_string(i) + " has no operation name";
            return nullptr;
        }
        if (c.support < ATS_SUPPORTED || c.support > ATS_NOT_SUPPORTED) {
            reason = "capability '" + op + "' has an invalid support value " + std::to_string(c.support);
            return nullptr;
        }
        if (!seen.insert(op).second) {
            reason = "capability matrix lists operation '" + op + "' twice";
            return nullptr;
        }
        if (std::find(known.begin(), known.end(), op) == known.end()) {
            // A plugin of a newer minor may know operations this host does not: skip them.
            if (newer_minor) {
                p->warnings_.push_back("operation '" + op +
                                       "' is unknown to this host (plugin has a newer ABI minor); ignored");
                continue;
            }
            reason = "capability matrix names unknown operation '" + op + "'";
            return nullptr;
        }
        p->capabilities_.push_back({op, c.support, str_or_empty(c.reason)});
    }
    if (!d->config_schema_json) {
        reason = "descriptor has no config_schema_json";
        return nullptr;
    }
    boost::system::error_code ec;
    p->config_schema_ = boost::json::parse(d->config_schema_json, ec);
    if (ec || !p->config_schema_.is_object()) {
        reason = "config_schema_json is not a JSON object" + (ec ? ": " + ec.message() : std::string());
        return nullptr;
    }
    auto problems = check_schema(p->config_schema_);
    if (!problems.empty()) {
        reason = "config_schema_json uses unsupported or malformed keywords: " + problems.front() +
                 (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : "");
        return nullptr;
    }
    return p;
}

std::shared_ptr<const LoadedPlugin> PluginRegistry::load_one(const std::string &path, const HostIdentity &host) {
    std::string reason, provider;
    auto p = PluginLoader::load(path, path, host, reason, provider);
    if (!p) throw std::runtime_error(path + ": " + reason);
    return p;
}

std::shared_ptr<const PluginRegistry> PluginRegistry::scan(const std::string &dir, const HostIdentity &host,
                                                           const PluginRegistry *previous) {
    auto reg = std::make_shared<PluginRegistry>();
    reg->dir_ = dir;
    boost::system::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        reg->rejected_.push_back({dir, "", "plugins folder does not exist or is not a folder"});
        return reg;
    }
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".so" && fs::is_regular_file(it->status()))
            files.push_back(fs::absolute(it->path()).lexically_normal().string());
    std::sort(files.begin(), files.end());

    std::vector<std::shared_ptr<const LoadedPlugin>> candidates;
    for (const auto &f : files) {
        FileIdentity id = identity_of(f);
        if (previous) {
            auto same = std::find_if(previous->plugins_.begin(), previous->plugins_.end(),
                                     [&](const auto &p) { return p->path() == f && p->file_identity() == id; });
            if (same != previous->plugins_.end()) {
                candidates.push_back(*same);
                continue;
            }
        }
        // On reload, dlopen() of a path already loaded would return the OLD image (glibc matches
        // by name); load a changed file from a private copy so the new code really gets mapped.
        std::string load_from = f;
        fs::path copy_dir;
        if (previous) {
            copy_dir = fs::temp_directory_path() / fs::unique_path("ats-plugin-%%%%-%%%%-%%%%");
            fs::create_directories(copy_dir, ec);
            load_from = (copy_dir / fs::path(f).filename()).string();
            fs::copy_file(f, load_from, fs::copy_options::overwrite_existing, ec);
            if (ec) load_from = f;
        }
        std::string reason, provider;
        std::shared_ptr<LoadedPlugin> p;
        if (std::string crash = screen_in_child(load_from); !crash.empty())
            reason = crash;
        else
            p = PluginLoader::load(f, load_from, host, reason, provider);
        if (!copy_dir.empty()) fs::remove_all(copy_dir, ec); // the mapping survives the unlink
        if (p)
            candidates.push_back(std::move(p));
        else
            reg->rejected_.push_back({f, provider, reason});
    }

    // Two files claiming one provider enum: an error naming both; neither is used.
    std::map<std::string, std::vector<std::string>> claims;
    for (const auto &p : candidates) claims[p->provider()].push_back(p->path());
    for (const auto &p : candidates) {
        const auto &paths = claims[p->provider()];
        if (paths.size() == 1) {
            reg->plugins_.push_back(p);
            continue;
        }
        std::string all;
        for (const auto &q : paths) all += (all.empty() ? "" : " and ") + q;
        reg->rejected_.push_back(
            {p->path(), p->provider(),
             "provider enum '" + p->provider() + "' is claimed by " + all + "; neither is used until one is removed"});
    }
    std::sort(reg->plugins_.begin(), reg->plugins_.end(),
              [](const auto &a, const auto &b) { return a->provider() < b->provider(); });
    return reg;
}

std::shared_ptr<const LoadedPlugin> PluginRegistry::find(const std::string &provider) const {
    for (const auto &p : plugins_)
        if (p->provider() == provider) return p;
    return nullptr;
}

std::vector<std::string> PluginRegistry::provider_names() const {
    std::vector<std::string> out;
    for (const auto &p : plugins_) out.push_back(p->provider());
    return out;
}

PluginCatalog::PluginCatalog(std::string dir, HostIdentity host)
    : dir_(std::move(dir)), host_(std::move(host)), current_(PluginRegistry::scan(dir_, host_)) {}

std::shared_ptr<const PluginRegistry> PluginCatalog::current() const {
    std::lock_guard<std::mutex> lk(mu_);
    return current_;
}

std::shared_ptr<const PluginRegistry> PluginCatalog::reload() {
    std::lock_guard<std::mutex> one(reload_mu_);
    auto old = current();
    auto fresh = PluginRegistry::scan(dir_, host_, old.get());
    std::lock_guard<std::mutex> lk(mu_);
    current_ = fresh;
    return fresh;
}

} // namespace ats::host
