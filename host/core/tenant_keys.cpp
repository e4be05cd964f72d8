#include "tenant_keys.hpp"

#include "host_environment.hpp"
#include "host_error.hpp"
#include "manifest.hpp"
#include "private_files.hpp"
#include "redactor.hpp"
#include "state_store.hpp"

#include "ats_plugin.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ats::host {
namespace {

const std::string kIdentityKeyName = "identity_hash_key";

SealingKey key_of(const TenantManifest &m, const std::string &where, const std::string &material) {
    try {
        return sealing_key_from_material(material);
    } catch (const std::exception &e) {
        throw HostError(ErrorKind::manifest, ATS_ERR_INVALID_ARGUMENT, m.path + ": " + where + ": " + e.what());
    }
}

// <keys dir>/<tenant>.key, created with 64 random hex characters when missing.
std::string generated_material(const TenantManifest &m, HostEnvironment &env) {
    const auto &o = env.options();
    std::string dir = o.keys_dir.empty() ? o.data_dir + "/keys" : o.keys_dir;
    ensure_private_dir(dir, o.allow_shared_data_dir);
    std::string path = dir + "/" + m.tenant_id + ".key";
    // Written in full under a temporary name, then linked into place: link() fails when the key
    // exists, so of several processes starting at once exactly one key wins, and nobody can read
    // a key file that is still being written.
    if (::access(path.c_str(), F_OK) != 0) {
        std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + hex_of(random_bytes(4));
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT,
                            "cannot create the state key " + path + ": " + std::strerror(errno));
        std::string text = hex_of(random_bytes(32)) + "\n";
        bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) {
            ::unlink(tmp.c_str());
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT, "cannot write the generated state key " + path);
        }
        const bool linked = ::link(tmp.c_str(), path.c_str()) == 0;
        const int link_errno = errno;
        ::unlink(tmp.c_str());
        if (linked)
            env.logger().write(
                ATS_LOG_WARN, {m.tenant_id, "", ""},
                "tenant '" + m.tenant_id + "' has no host.state_key: generated " + path +
                    " (keep it with backups of the state, or configure host.state_key from a secret store)");
        else if (link_errno != EEXIST)
            throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT,
                            "cannot create the state key " + path + ": " + std::strerror(link_errno));
    }
    ensure_private_file(path, o.allow_shared_data_dir, false);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string material = ss.str();
    while (!material.empty() && (material.back() == '\n' || material.back() == '\r')) material.pop_back();
    if (!in || material.empty())
        throw HostError(ErrorKind::usage, ATS_ERR_INVALID_ARGUMENT, "cannot read the state key " + path);
    env.redactor().add(material);
    return material;
}

} // namespace

TenantKeys load_tenant_keys(const TenantManifest &m, HostEnvironment &env) {
    TenantKeys k;
    StateStore &state = env.state(); // first: it creates (or checks) the private data directory
    if (m.host.state_key) {
        k.sealing.push_back(
            key_of(m, "host.state_key", resolve_secret_ref(m, "host.state_key", *m.host.state_key, env.redactor())));
    } else if (state.shared()) {
        // A key generated into this machine's data folder would differ on every instance, and
        // each would fail to open what the others sealed.
        throw HostError(ErrorKind::manifest, ATS_ERR_INVALID_ARGUMENT,
                        m.path + ": tenant '" + m.tenant_id + "' has no host.state_key, which a shared state store (" +
                            state.path() + ") needs: every instance must seal with the same key");
    } else {
        k.sealing.push_back(key_of(m, "generated state key", generated_material(m, env)));
    }
    for (size_t i = 0; i < m.host.previous_state_keys.size(); ++i) {
        std::string where = "host.previous_state_keys[" + std::to_string(i) + "]";
        k.sealing.push_back(
            key_of(m, where, resolve_secret_ref(m, where, m.host.previous_state_keys[i], env.redactor())));
    }
    const SealingKey &current = k.sealing.front();
    const std::string aad = row_aad(m.tenant_id, "host_kv/" + kIdentityKeyName);
    std::string sealed =
        state.host_value_or_insert(m.tenant_id, kIdentityKeyName, seal(current, aad, random_bytes(32)));
    try {
        k.identity_key = open_sealed(k.sealing, aad, sealed);
    } catch (const std::exception &e) {
        throw HostError(ErrorKind::operation, ATS_ERR_CONFLICT,
                        "tenant '" + m.tenant_id + "': the identity hash key in " + state.path() +
                            " cannot be opened: " + e.what());
    }
    if (sealed_key_id(sealed) != current.id)
        state.host_value_put(m.tenant_id, kIdentityKeyName, seal(current, aad, k.identity_key));
    if (k.sealing.size() > 1) {
        k.resealed = state.reseal_all(m.tenant_id, [&](const StateRow &r) -> std::string {
            if (sealed_key_id(r.value) == current.id) return "";
            std::string row = row_aad(m.tenant_id, r.key);
            return seal(current, row, open_sealed(k.sealing, row, r.value));
        });
        // The host's own sealed rows of the tenant (sync history) follow the same key.
        const std::string history_owner = m.tenant_id + "#history";
        k.resealed += state.reseal_all(history_owner, [&](const StateRow &r) -> std::string {
            if (!r.sealed || sealed_key_id(r.value) == current.id) return "";
            std::string row = row_aad(history_owner, r.key);
            return seal(current, row, open_sealed(k.sealing, row, r.value));
        });
        if (k.resealed)
            env.logger().write(ATS_LOG_INFO, {m.tenant_id, "", ""},
                               "tenant '" + m.tenant_id + "': re-encrypted " + std::to_string(k.resealed) +
                                   " state value(s) under the current host.state_key");
    }
    return k;
}

} // namespace ats::host
