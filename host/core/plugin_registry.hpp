// plugin_registry.hpp - finds, screens and keeps provider plugins loaded.
//
// PluginRegistry::scan(dir) loads every *.so in `dir` with Boost.DLL (rtld_now | rtld_local),
// imports `ats_plugin_entry`, checks struct_size and the ABI major (a newer or older minor is
// fine), calls init(), checks the descriptor, and refuses two files that claim one provider enum
// (naming both; neither is used). Rejected files are listed with their reason; the others work.
//
// Lifetime: a LoadedPlugin owns the library handle. Tenants (instances) hold a
// shared_ptr<const LoadedPlugin>, so the code stays mapped while any instance lives, whatever
// happens to the registry. deinit() runs when the last reference goes.
//
// Hot reload: a registry is an immutable snapshot. PluginCatalog holds the current one and
// reload() builds a new snapshot (reusing the LoadedPlugin of every file that did not change,
// so init() runs once per loaded image) and swaps it in; callers holding the old snapshot or its
// plugins keep them alive until they let go.
#pragma once

#include "ats_plugin.h"
#include "ats_project_version.h"
#include "operations.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace boost::dll {
class shared_library;
}

namespace ats::host {

// Identity of a file on disk, to tell whether it changed between scans.
struct FileIdentity {
    uint64_t device = 0, inode = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileIdentity &o) const {
        return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns;
    }
};

// One screened, initialised plugin library. Immutable after loading; thread-safe to share.
class LoadedPlugin {
public:
    ~LoadedPlugin(); // calls deinit(), then unloads

    const std::string &path() const { return path_; }
    const ats_plugin_entry_t &entry() const { return *entry_; }
    ats_version_t abi_version() const { return entry_->abi_version; }
    bool has_get_extension() const;
    // The plugin's interface for an extension id (growth rule 3 of ats_plugin.h), or nullptr when
    // the plugin predates get_extension, has none, or does not implement that id. The pointer is
    // the plugin's (static while it is loaded) and usable only in this process.
    const void *extension(const char *id) const;

    // Copied from the descriptor at load time.
    const std::string &provider() const { return provider_; }
    const std::string &display_name() const { return display_name_; }
    const std::string &plugin_version() const { return plugin_version_; }
    const std::string &vendor() const { return vendor_; }
    const std::string &description() const { return description_; }
    const std::vector<Capability> &capabilities() const { return capabilities_; }
    const boost::json::value &config_schema() const { return config_schema_; }
    const std::vector<std::string> &warnings() const { return warnings_; } // non-fatal screening notes
    const FileIdentity &file_identity() const { return identity_; }

    // The capability of an operation; ATS_NOT_SUPPORTED with a standard reason when not listed.
    Capability capability(const std::string &operation) const;

private:
    friend class PluginLoader;
    LoadedPlugin() = default;
    std::shared_ptr<boost::dll::shared_library> library_;
    const ats_plugin_entry_t *entry_ = nullptr;
    bool initialised_ = false;
    std::string path_, provider_, display_name_, plugin_version_, vendor_, description_;
    std::vector<Capability> capabilities_;
    boost::json::value config_schema_;
    std::vector<std::string> warnings_;
    FileIdentity identity_;
};

struct RejectedPlugin {
    std::string path;
    std::string provider; // "" when it could not be read
    std::string reason;
};

struct HostIdentity {
    std::string name = "ats-host";
    std::string version = ATS_PROJECT_VERSION;
};

class PluginRegistry {
public:
    // Scans `dir` (non-recursive, *.so, sorted by name). A missing folder is a registry with no
    // plugins and one rejection explaining it. `previous`: reuse its unchanged plugins.
    static std::shared_ptr<const PluginRegistry> scan(const std::string &dir, const HostIdentity &host = {},
                                                      const PluginRegistry *previous = nullptr);

    // Loads exactly one file (tests, tools). Throws std::runtime_error with the rejection reason.
    static std::shared_ptr<const LoadedPlugin> load_one(const std::string &path, const HostIdentity &host = {});

    std::shared_ptr<const LoadedPlugin> find(const std::string &provider) const;                 // nullptr when absent
    const std::vector<std::shared_ptr<const LoadedPlugin>> &plugins() const { return plugins_; } // by provider
    const std::vector<RejectedPlugin> &rejected() const { return rejected_; }
    std::vector<std::string> provider_names() const;
    const std::string &directory() const { return dir_; }

private:
    std::string dir_;
    std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
    std::vector<RejectedPlugin> rejected_;
};

// The current registry of a long-running process, swappable at run time.
class PluginCatalog {
public:
    PluginCatalog(std::string dir, HostIdentity host = {});
    std::shared_ptr<const PluginRegistry> current() const;
    // Rescans the folder and swaps in the new registry; returns it.
    std::shared_ptr<const PluginRegistry> reload();
    const std::string &directory() const { return dir_; }

private:
    std::string dir_;
    HostIdentity host_;
    mutable std::mutex mu_;
    std::mutex reload_mu_; // one reload at a time
    std::shared_ptr<const PluginRegistry> current_;
};

} // namespace ats::host
