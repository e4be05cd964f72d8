// email.hpp - e-mail addresses compared as people mean them.
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

// Trims surrounding whitespace (ASCII and U+00A0) and Unicode case-folds the whole address
// (ICU full case folding): " Jane.Doe@Example.COM " -> "jane.doe@example.com". Returns "" for a
// blank input or one without exactly one '@' with text on both sides: such a string is not an
// identity and must never match another.
std::string normalize_email(std::string_view raw);

} // namespace ats::shared
