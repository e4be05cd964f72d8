// email.hpp - e-mail addresses compared as people mean them.
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

// The comparison form of an address (two spellings of one mailbox must give one identity key):
//   1. surrounding whitespace (ASCII and U+00A0) trimmed;
//   2. Unicode NFC, so precomposed and decomposed spellings ("é" U+00E9 and "e"+U+0301) are one;
//   3. lower-cased code point by code point with Unicode's SIMPLE case mapping (u_tolower), then NFC
//      again. Deliberately not case FOLDING: "straße" and "strasse" are two addresses, "ſ" (long s)
//      stays "ſ", final sigma "ς" stays "ς" (Σ lower-cases to σ). Note that the Kelvin sign
//      U+212A is canonically equivalent to "K" (NFC maps it to U+004B), so it lower-cases to "k"
//      by step 2 - equivalence, not folding.
// " Jane.Doe@Example.COM " -> "jane.doe@example.com". Returns "" for a blank input, for text that
// is not well-formed UTF-8 (overlong forms, surrogates, truncated sequences) or longer than 4 KiB,
// and for one without exactly one '@' with text on both sides, or with inner whitespace: such a
// string is not an identity and must never match another.
std::string normalize_email(std::string_view raw);

} // namespace ats::shared
