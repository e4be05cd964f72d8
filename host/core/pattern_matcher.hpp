// pattern_matcher.hpp - the JSON Schema "pattern" keyword without std::regex.
//
// Manifest values are untrusted and unbounded; libstdc++'s std::regex recurses once per input
// character, so a long enough value overflows the stack. This matcher compiles the pattern once
// into a small program and runs it as a Thompson NFA (a set of threads advanced together, one
// input code point at a time): time O(input x pattern), memory O(pattern), no recursion on input.
//
// Supported (the regular subset of ECMA-262 that schemas use): literals, `.`, `^`, `$`,
// character classes `[a-z_]`, `[^...]`, escapes `\d \D \w \W \s \S` and escaped punctuation,
// `\n \r \t`, groups `( )` and `(?: )`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}`
// (a lazy `?` after them is accepted: it cannot change whether a match exists). Not supported, and
// reported as an invalid pattern: back-references, lookaround, `\b`, named groups, flags.
// Matching is unanchored (like ECMAScript `test`), over UTF-8 code points.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ats::host {

struct PatternError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Pattern {
public:
    // Throws PatternError naming what is wrong ("unbalanced ')' at offset 4").
    explicit Pattern(std::string_view pattern);
    ~Pattern();
    Pattern(Pattern &&) noexcept;
    Pattern &operator=(Pattern &&) noexcept;

    // True when some substring of `text` matches (anchors `^`/`$` bind to the text's ends).
    bool search(std::string_view text) const;

    struct Program;

private:
    std::unique_ptr<Program> program_;
};

} // namespace ats::host
