// Tenant manifests as they come from disk: JSON, the manifest schema (types, ranges, lengths,
// patterns, defaults) and the conversion into TenantManifest. Any input must end in a manifest or
// a HostError naming the file; anything else (another exception, a crash) is a finding.
#include "host_error.hpp"
#include "manifest.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text(reinterpret_cast<const char *>(data), size);
    try {
        ats::host::parse_manifest(text, "fuzz.json");
    } catch (const ats::host::HostError &) {}
    return 0;
}
