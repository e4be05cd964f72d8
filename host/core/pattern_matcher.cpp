#include "pattern_matcher.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace ats::host {
namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr int kMaxNesting = 64;            // groups inside groups: the parser recurses on these only
constexpr size_t kMaxInstructions = 20000; // {n,m} copies its operand; cap what a schema may ask for
constexpr int kMaxRepeat = 1000;

// Decodes one UTF-8 code point at `i` (advancing it); a malformed byte stands for itself, so any
// input is readable and nothing is skipped.
uint32_t next_code_point(std::string_view s, size_t &i) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t extra = b >= 0xC0 && b < 0xE0 ? 1 : b >= 0xE0 && b < 0xF0 ? 2 : b >= 0xF0 && b < 0xF8 ? 3 : 0;
    if (extra && i + extra < s.size()) {
        uint32_t cp = b & (0x3Fu >> extra);
        bool ok = true;
        for (size_t k = 1; ok && k <= extra; ++k) {
            auto c = static_cast<unsigned char>(s[i + k]);
            ok = (c & 0xC0) == 0x80;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (ok && cp <= kMaxCodePoint) {
            i += extra + 1;
            return cp;
        }
    }
    ++i;
    return b;
}

struct CharClass {
    std::vector<std::pair<uint32_t, uint32_t>> ranges; // inclusive
    bool negated = false;

    bool matches(uint32_t cp) const {
        bool in = false;
        for (const auto &[lo, hi] : ranges)
            if (cp >= lo && cp <= hi) {
                in = true;
                break;
            }
        return in != negated;
    }
    void add(uint32_t lo, uint32_t hi) { ranges.emplace_back(lo, hi); }
    // Adds the complement of `ranges_of` (for \D, \W, \S inside a bracket).
    void add_complement(const CharClass &c) {
        std::vector<std::pair<uint32_t, uint32_t>> sorted = c.ranges;
        for (size_t a = 1; a < sorted.size(); ++a) // tiny lists: insertion sort
            for (size_t b = a; b > 0 && sorted[b].first < sorted[b - 1].first; --b) std::swap(sorted[b], sorted[b - 1]);
        uint32_t from = 0;
        for (const auto &[lo, hi] : sorted) {
            if (lo > from) add(from, lo - 1);
            if (hi + 1 > from) from = hi + 1;
        }
        if (from <= kMaxCodePoint) add(from, kMaxCodePoint);
    }
};

CharClass digit_class() {
    CharClass c;
    c.add('0', '9');
    return c;
}
CharClass word_class() {
    CharClass c;
    c.add('a', 'z');
    c.add('A', 'Z');
    c.add('0', '9');
    c.add('_', '_');
    return c;
}
CharClass space_class() {
    CharClass c;
    for (uint32_t cp : {0x20u, 0x09u, 0x0Au, 0x0Bu, 0x0Cu, 0x0Du, 0xA0u, 0x1680u, 0x2028u, 0x2029u, 0x202Fu, 0x205Fu,
                        0x3000u, 0xFEFFu})
        c.add(cp, cp);
    c.add(0x2000, 0x200A);
    return c;
}

struct Node {
    enum Kind { empty, chars, bol, eol, concat, alternation, repeat } kind = empty;
    std::vector<Node> kids;
    int cls = -1;         // chars: index into the class table
    int min = 0, max = 0; // repeat: max -1 = unbounded
};

class Parser {
public:
    Parser(std::string_view p, std::vector<CharClass> &classes) : p_(p), classes_(classes) {}

    Node parse() {
        Node n = alternation(0);
        if (i_ < p_.size()) fail("unbalanced ')'");
        return n;
    }

private:
    [[noreturn]] void fail(const std::string &what) const {
        throw PatternError(what + " at offset " + std::to_string(i_));
    }
    bool at(char c) const { return i_ < p_.size() && p_[i_] == c; }

    Node alternation(int depth) {
        Node first = concatenation(depth);
        if (!at('|')) return first;
        Node alt;
        alt.kind = Node::alternation;
        alt.kids.push_back(std::move(first));
        while (at('|')) {
            ++i_;
            alt.kids.push_back(concatenation(depth));
        }
        return alt;
    }

    Node concatenation(int depth) {
        Node cat;
        cat.kind = Node::concat;
        while (i_ < p_.size() && !at('|') && !at(')')) {
            Node a = atom(depth);
            if (quantifiable(a)) a = quantified(std::move(a));
            cat.kids.push_back(std::move(a));
        }
        return cat;
    }

    static bool quantifiable(const Node &n) { return n.kind != Node::bol && n.kind != Node::eol; }

    Node chars(CharClass c) {
        classes_.push_back(std::move(c));
        Node n;
        n.kind = Node::chars;
        n.cls = static_cast<int>(classes_.size() - 1);
        return n;
    }

    Node atom(int depth) {
        char c = p_[i_];
        switch (c) {
        case '(': {
            if (depth + 1 > kMaxNesting) fail("groups nested too deeply");
            ++i_;
            if (at('?')) {
                if (i_ + 1 < p_.size() && p_[i_ + 1] == ':')
                    i_ += 2;
                else
                    fail("lookaround and named groups are not supported");
            }
            Node inner = alternation(depth + 1);
            if (!at(')')) fail("missing ')'");
            ++i_;
            return inner;
        }
        case ')': fail("unbalanced ')'");
        case '*':
        case '+':
        case '?': fail("nothing to repeat");
        case '^': {
            ++i_;
            Node n;
            n.kind = Node::bol;
            return n;
        }
        case '$': {
            ++i_;
            Node n;
            n.kind = Node::eol;
            return n;
        }
        case '.': {
            ++i_;
            CharClass dot; // every code point except line terminators, as in ECMAScript
            dot.negated = true;
            dot.add('\n', '\n');
            dot.add('\r', '\r');
            dot.add(0x2028, 0x2029);
            return chars(std::move(dot));
        }
        case '[': return chars(bracket());
        case '\\': {
            ++i_;
            CharClass cls;
            escape(cls, false);
            return chars(std::move(cls));
        }
        default: {
            if (c == '{' && repeat_bounds_follow()) fail("nothing to repeat");
            CharClass lit;
            uint32_t cp = next_code_point(p_, i_);
            lit.add(cp, cp);
            return chars(std::move(lit));
        }
        }
    }

    // After a backslash: adds what the escape stands for to `cls`. Returns the code point for a
    // single-character escape (so a bracket can use it as a range end), or -1 for a class escape.
    int64_t escape(CharClass &cls, bool in_bracket) {
        if (i_ >= p_.size()) fail("pattern ends with '\\'");
        char e = p_[i_++];
        auto single = [&](uint32_t cp) {
            cls.add(cp, cp);
            return static_cast<int64_t>(cp);
        };
        switch (e) {
        case 'd':
            for (auto r : digit_class().ranges) cls.ranges.push_back(r);
            return -1;
        case 'w':
            for (auto r : word_class().ranges) cls.ranges.push_back(r);
            return -1;
        case 's':
            for (auto r : space_class().ranges) cls.ranges.push_back(r);
            return -1;
        case 'D': cls.add_complement(digit_class()); return -1;
        case 'W': cls.add_complement(word_class()); return -1;
        case 'S': cls.add_complement(space_class()); return -1;
        case 'n': return single('\n');
        case 'r': return single('\r');
        case 't': return single('\t');
        case 'f': return single('\f');
        case 'v': return single('\v');
        case '0': return single(0);
        case 'x': return single(hex(2));
        case 'u': return single(hex(4));
        default:
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '1' && e <= '9'))
                fail(std::string("the escape \\") + e + " is not supported" +
                     (in_bracket ? "" : " (no back-references or word boundaries)"));
            --i_;
            return single(next_code_point(p_, i_)); // escaped punctuation or any other character
        }
    }

    uint32_t hex(int digits) {
        uint32_t v = 0;
        for (int k = 0; k < digits; ++k, ++i_) {
            if (i_ >= p_.size()) fail("incomplete hexadecimal escape");
            char h = p_[i_];
            int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (d < 0) fail("invalid hexadecimal escape");
            v = v * 16 + static_cast<uint32_t>(d);
        }
        return v;
    }

    CharClass bracket() {
        ++i_; // '['
        CharClass cls;
        if (at('^')) {
            cls.negated = true;
            ++i_;
        }
        while (true) { // `[]` matches nothing and `[^]` anything, as in ECMAScript
            if (i_ >= p_.size()) fail("missing ']'");
            if (at(']')) {
                ++i_;
                break;
            }
            int64_t lo = member(cls);
            if (lo >= 0 && at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
                ++i_;
                CharClass scratch;
                int64_t hi = member(scratch);
                if (hi < 0) fail("a class escape cannot end a range");
                if (hi < lo) fail("range out of order in character class");
                cls.ranges.pop_back(); // the single `lo` member() added
                cls.add(static_cast<uint32_t>(lo), static_cast<uint32_t>(hi));
            }
        }
        return cls;
    }

    // One bracket member; returns its code point, or -1 for a class escape like \d.
    int64_t member(CharClass &cls) {
        if (at('\\')) {
            ++i_;
            return escape(cls, true);
        }
        uint32_t cp = next_code_point(p_, i_);
        cls.add(cp, cp);
        return cp;
    }

    // At '{': is this "{n}", "{n,}" or "{n,m}"? Otherwise '{' is a literal (ECMAScript Annex B).
    bool repeat_bounds_follow() const {
        size_t k = i_ + 1, digits = 0;
        while (k < p_.size() && p_[k] >= '0' && p_[k] <= '9') ++k, ++digits;
        if (!digits) return false;
        if (k < p_.size() && p_[k] == ',') {
            ++k;
            while (k < p_.size() && p_[k] >= '0' && p_[k] <= '9') ++k;
        }
        return k < p_.size() && p_[k] == '}';
    }

    int number() {
        int64_t v = 0;
        while (at('0') || (i_ < p_.size() && p_[i_] > '0' && p_[i_] <= '9')) {
            v = v * 10 + (p_[i_++] - '0');
            if (v > kMaxRepeat) fail("repetition count above " + std::to_string(kMaxRepeat));
        }
        return static_cast<int>(v);
    }

    Node quantified(Node a) {
        int min = 0, max = 0;
        if (at('*')) {
            ++i_;
            min = 0;
            max = -1;
        } else if (at('+')) {
            ++i_;
            min = 1;
            max = -1;
        } else if (at('?')) {
            ++i_;
            min = 0;
            max = 1;
        } else if (at('{') && repeat_bounds_follow()) {
            ++i_;
            min = max = number();
            if (at(',')) {
                ++i_;
                max = at('}') ? -1 : number();
            }
            ++i_; // '}'
            if (max >= 0 && max < min) fail("numbers out of order in {} quantifier");
        } else {
            return a;
        }
        if (at('?')) ++i_; // lazy: same set of matches
        if (at('*') || at('+') || at('?') || (at('{') && repeat_bounds_follow())) fail("nothing to repeat");
        Node r;
        r.kind = Node::repeat;
        r.min = min;
        r.max = max;
        r.kids.push_back(std::move(a));
        return r;
    }

    std::string_view p_;
    size_t i_ = 0;
    std::vector<CharClass> &classes_;
};

struct Inst {
    enum Op { chars, split, jump, bol, eol, match } op;
    int x = 0, y = 0; // chars: class index; split: both targets; jump: target
};

class Emitter {
public:
    explicit Emitter(std::vector<Inst> &code) : code_(code) {}

    void emit(const Node &n) {
        if (code_.size() > kMaxInstructions) throw PatternError("pattern too large");
        switch (n.kind) {
        case Node::empty: break;
        case Node::chars: add({Inst::chars, n.cls, 0}); break;
        case Node::bol: add({Inst::bol, 0, 0}); break;
        case Node::eol: add({Inst::eol, 0, 0}); break;
        case Node::concat:
            for (const auto &k : n.kids) emit(k);
            break;
        case Node::alternation: {
            std::vector<size_t> jumps;
            for (size_t k = 0; k + 1 < n.kids.size(); ++k) {
                size_t split = add({Inst::split, 0, 0});
                code_[split].x = static_cast<int>(code_.size());
                emit(n.kids[k]);
                jumps.push_back(add({Inst::jump, 0, 0}));
                code_[split].y = static_cast<int>(code_.size());
            }
            emit(n.kids.back());
            for (size_t j : jumps) code_[j].x = static_cast<int>(code_.size());
            break;
        }
        case Node::repeat: {
            const Node &body = n.kids.front();
            for (int k = 0; k < n.min; ++k) emit(body);
            if (n.max < 0) {
                size_t split = add({Inst::split, 0, 0});
                code_[split].x = static_cast<int>(code_.size());
                emit(body);
                add({Inst::jump, static_cast<int>(split), 0});
                code_[split].y = static_cast<int>(code_.size());
            } else {
                std::vector<size_t> splits;
                for (int k = n.min; k < n.max; ++k) {
                    size_t split = add({Inst::split, 0, 0});
                    code_[split].x = static_cast<int>(code_.size());
                    emit(body);
                    splits.push_back(split);
                }
                for (size_t s : splits) code_[s].y = static_cast<int>(code_.size());
            }
            break;
        }
        }
    }

private:
    size_t add(Inst i) {
        code_.push_back(i);
        return code_.size() - 1;
    }
    std::vector<Inst> &code_;
};

} // namespace

struct Pattern::Program {
    std::vector<CharClass> classes;
    std::vector<Inst> code;
};

Pattern::Pattern(std::string_view pattern) : program_(std::make_unique<Program>()) {
    Node root = Parser(pattern, program_->classes).parse();
    Emitter(program_->code).emit(root);
    if (program_->code.size() > kMaxInstructions) throw PatternError("pattern too large");
    program_->code.push_back({Inst::match, 0, 0});
}

Pattern::~Pattern() = default;
Pattern::Pattern(Pattern &&) noexcept = default;
Pattern &Pattern::operator=(Pattern &&) noexcept = default;

bool Pattern::search(std::string_view text) const {
    const auto &code = program_->code;
    const auto &classes = program_->classes;
    std::vector<int> current, next, stack;
    std::vector<uint64_t> seen(code.size(), 0); // generation in which each instruction was queued
    uint64_t generation = 0;
    bool matched = false;

    // Follows jumps, splits and anchors from `pc` without consuming input (an explicit stack, not
    // recursion), queueing the character-consuming instructions reached into `list`.
    auto add_thread = [&](std::vector<int> &list, int pc, size_t pos) {
        stack.push_back(pc);
        while (!stack.empty()) {
            int at = stack.back();
            stack.pop_back();
            if (seen[static_cast<size_t>(at)] == generation) continue;
            seen[static_cast<size_t>(at)] = generation;
            const Inst &in = code[static_cast<size_t>(at)];
            switch (in.op) {
            case Inst::chars: list.push_back(at); break;
            case Inst::match: matched = true; break;
            case Inst::jump: stack.push_back(in.x); break;
            case Inst::split:
                stack.push_back(in.y);
                stack.push_back(in.x);
                break;
            case Inst::bol:
                if (pos == 0) stack.push_back(at + 1);
                break;
            case Inst::eol:
                if (pos == text.size()) stack.push_back(at + 1);
                break;
            }
        }
    };

    ++generation;
    add_thread(current, 0, 0);
    size_t pos = 0;
    while (!matched && pos < text.size()) {
        size_t after = pos;
        uint32_t cp = next_code_point(text, after);
        ++generation;
        next.clear();
        for (int pc : current)
            if (classes[static_cast<size_t>(code[static_cast<size_t>(pc)].x)].matches(cp))
                add_thread(next, pc + 1, after);
        add_thread(next, 0, after); // unanchored: a match may start at any position
        current.swap(next);
        pos = after;
    }
    return matched;
}

} // namespace ats::host
