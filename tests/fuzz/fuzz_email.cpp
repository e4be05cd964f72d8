// E-mail addresses as applicants type them: the normalised identity key (trimming, Unicode case
// folding through ICU, ASCII-only domain rules). Any bytes, including malformed UTF-8.
#include "ats/shared/email.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string key = ats::shared::normalize_email(std::string_view(reinterpret_cast<const char *>(data), size));
    // A key is a fixed point: normalising it again gives it back (identity keys are compared as stored).
    if (ats::shared::normalize_email(key) != key) __builtin_trap();
    return 0;
}
