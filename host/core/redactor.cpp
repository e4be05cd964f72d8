#include "redactor.hpp"

#include <algorithm>
#include <vector>

namespace ats::host {

void Redactor::add(std::string_view secret) {
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
        secret.remove_suffix(1);
    if (secret.size() < 4) return;
    std::lock_guard<std::mutex> lk(mu_);
    secrets_.emplace(secret);
}

size_t Redactor::size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return secrets_.size();
}

std::string Redactor::redact(std::string_view text) const {
    std::vector<std::string> secrets;
    {
        std::lock_guard<std::mutex> lk(mu_);
        secrets.assign(secrets_.begin(), secrets_.end());
    }
    // Longest first, so a secret containing another one is replaced whole.
    std::sort(secrets.begin(), secrets.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
    std::string out(text);
    for (const auto &s : secrets) {
        size_t pos = 0;
        while ((pos = out.find(s, pos)) != std::string::npos) {
            out.replace(pos, s.size(), "[REDACTED]");
            pos += 10;
        }
    }
    return out;
}

} // namespace ats::host
