// redactor.hpp - replaces every known secret value in a text with "[REDACTED]". Thread-safe.
// One Redactor is shared by everything that writes logs or error messages for a host process.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace ats::host {

class Redactor {
public:
    // Values shorter than 4 bytes are not registered: redacting "1" everywhere would destroy logs
    // and such a value is no real secret. Trailing whitespace is registered without it as well.
    void add(std::string_view secret);
    std::string redact(std::string_view text) const;
    size_t size() const;

private:
    mutable std::mutex mu_;
    std::set<std::string> secrets_;
};

} // namespace ats::host
