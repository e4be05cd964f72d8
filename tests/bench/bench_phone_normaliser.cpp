// bench_phone_normaliser - throughput of phone identity keys, OLD path vs NEW path, in one run
// (what the size limits and identity rules cost, and what they save on hostile input).
//
//   OLD: the normaliser as it was before the identity rules (a copy kept here only): every input,
//        whatever its size, handed to libphonenumber's Parse; extension dropped; no placeholder,
//        fictional-range or deny-list rules.
//   NEW: tracker_workable's phone_key(): size limits (250 characters, 30 digits) checked before
//        libphonenumber, digits of any script read as digits, extension kept, placeholders,
//        fictional ranges (default rules) and a deny-list refused.
//
// Prints numbers/second over 100,000 generated numbers (mix of formats, placeholders, fictional
// numbers, non-ASCII digits, junk and some long junk) and the time of single pathological inputs:
// 16k and 32k digits with both paths (libphonenumber's extraction is quadratic, so the old path is
// capped there: 1 MB would take hours), 1 MB with the new path. `--quick` skips the old path's 32k
// input. Exit status 1 only when the new path disagrees with the old one on an ordinary number.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ats/shared/phone.hpp"
#include "identity/identity_keys.hpp"

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// ---- OLD path: plugins/shared/src/phone.cpp before the identity rules (verbatim logic) ---------
bool old_in_fictional_range(const std::string &e164) {
    struct R {
        const char *p;
        size_t n;
    };
    constexpr R ranges[] = {{"+447700900", 13}, {"+441632960", 13}};
    for (const auto &r : ranges)
        if (e164.size() == r.n && e164.rfind(r.p, 0) == 0) return true;
    return false;
}

std::optional<std::string> old_normalize(std::string_view raw, std::string_view default_region) {
    if (std::count_if(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; }) < 3) return std::nullopt;
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string region(default_region);
    if (util.Parse(std::string(raw), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
    if (!util.IsValidNumber(number)) {
        std::string e164;
        util.Format(number, PhoneNumberUtil::E164, &e164);
        if (!old_in_fictional_range(e164)) return std::nullopt;
    }
    number.clear_extension();
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return e164;
}

// ---- Inputs ----------------------------------------------------------------------------------
std::string fullwidth(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            // U+FF10 + d: EF BC 90+d
            out += "\xEF\xBC";
            out += static_cast<char>(0x90 + (c - '0'));
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> generate(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&rng](int m) { return static_cast<int>(rng() % static_cast<uint64_t>(m)); };
    auto digits = [&](int k) {
        std::string s;
        for (int i = 0; i < k; ++i) s += static_cast<char>('0' + pick(10));
        return s;
    };
    std::vector<std::string> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        int roll = pick(1000);
        std::string six = digits(6), tail;
        if (roll < 250)
            out.push_back("07400 " + six);
        else if (roll < 350)
            out.push_back("+44 (0)7400-" + six.substr(0, 3) + "-" + six.substr(3));
        else if (roll < 420)
            out.push_back("00447400" + six);
        else if (roll < 480)
            out.push_back("020 7" + digits(3) + " " + digits(4) + (pick(3) == 0 ? " ext. " + digits(2) : ""));
        else if (roll < 560)
            out.push_back("+1 (212) 736-" + digits(4));
        else if (roll < 610)
            out.push_back("+49 30 " + digits(8));
        else if (roll < 660)
            out.push_back("07700 900" + digits(3)); // fictional
        else if (roll < 700)
            out.push_back(fullwidth("07400 " + six));
        else if (roll < 740) {
            static const char *const placeholders[] = {"1234567890",   "0123456789",   "9876543210",  "07777 777777",
                                                       "07000 000000", "555-555-5555", "123-456-7890"};
            out.push_back(placeholders[pick(7)]);
        } else if (roll < 800) {
            static const char *const junk[] = {"n/a",           "none", "-",       "12345", "0770 090",
                                               "+44 7700 9001", "000",  "call me", "tbc",   "+999 123 456 789"};
            out.push_back(junk[pick(10)]);
        } else if (roll < 995)
            out.push_back("+44 " + digits(4) + " " + digits(6));
        else
            out.push_back("tel " + digits(200 + pick(400))); // long junk: 200-600 digits
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv) {
    bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    ats::tracker_workable::IdentityRules rules; // GB, fictional numbers not identities
    rules.phone_deny_list = {"+44 20 7123 4567", "0800 123 4567"};
    const size_t n = 100000;
    auto inputs = generate(n, 42);
    // Warm both (libphonenumber's metadata and regex caches).
    for (size_t i = 0; i < 200; ++i)
        (void)old_normalize(inputs[i], "GB"), (void)ats::tracker_workable::phone_key(inputs[i], rules);

    // Each path over all inputs; the time of the long junk (inputs over 250 bytes) is also kept
    // apart, so the cost of the rules on ordinary inputs shows on its own.
    size_t old_keys = 0, new_keys = 0, disagreements = 0, long_junk = 0;
    double old_s = 0, new_s = 0, old_ord_s = 0, new_ord_s = 0;
    for (const auto &s : inputs) {
        auto t0 = std::chrono::steady_clock::now();
        old_keys += old_normalize(s, "GB").has_value();
        double dt = seconds_since(t0);
        old_s += dt;
        if (s.size() <= 250)
            old_ord_s += dt;
        else
            ++long_junk;
    }
    for (const auto &s : inputs) {
        auto t0 = std::chrono::steady_clock::now();
        new_keys += ats::tracker_workable::phone_key(s, rules).has_value();
        double dt = seconds_since(t0);
        new_s += dt;
        if (s.size() <= 250) new_ord_s += dt;
    }
    const size_t ordinary = n - long_junk;
    // Agreement on ordinary numbers: an allocated-range mobile without extension gives the same E.164.
    for (size_t i = 0; i < n; i += 97) {
        if (inputs[i].rfind("07400 ", 0) != 0) continue;
        auto o = old_normalize(inputs[i], "GB");
        auto k = ats::tracker_workable::phone_key(inputs[i], rules);
        auto placeholder = ats::shared::parse_phone(inputs[i], "GB");
        if (placeholder && placeholder->placeholder) continue;
        if (!o || !k || "p:" + *o != *k) ++disagreements;
    }
    std::printf("phone normaliser, %zu generated numbers (region GB)\n", n);
    std::printf("  OLD (plain libphonenumber)   %8.3f s  %10.0f numbers/s  %6zu keys\n", old_s, n / old_s, old_keys);
    std::printf("  NEW (limits + identity rules) %7.3f s  %10.0f numbers/s  %6zu keys  (x%.2f)\n", new_s, n / new_s,
                new_keys, old_s / new_s);
    std::printf("  without the %zu long-junk inputs: OLD %.0f numbers/s, NEW %.0f numbers/s (x%.2f)\n", long_junk,
                ordinary / old_ord_s, ordinary / new_ord_s, old_ord_s / new_ord_s);

    auto time_one = [](const char *label, const std::string &input, auto fn) {
        auto t = std::chrono::steady_clock::now();
        bool key = fn(input);
        double sec = seconds_since(t);
        std::printf("  %-44s %14.1f us  %s\n", label, sec * 1e6, key ? "key" : "no key");
    };
    auto old_fn = [](const std::string &s) { return old_normalize(s, "GB").has_value(); };
    auto new_fn = [&rules](const std::string &s) { return ats::tracker_workable::phone_key(s, rules).has_value(); };
    const std::string d16k = "+" + std::string(16000, '4'), d32k = "+" + std::string(32000, '4');
    const std::string mb(1 << 20, '7');
    std::printf("pathological single inputs\n");
    time_one("OLD 16k digits", d16k, old_fn);
    if (!quick)
        time_one("OLD 32k digits", d32k, old_fn);
    else
        std::printf("  %-44s (skipped: --quick)\n", "OLD 32k digits");
    std::printf("  %-44s not run (quadratic: hours)\n", "OLD 1 MB");
    time_one("NEW 16k digits", d16k, new_fn);
    time_one("NEW 32k digits", d32k, new_fn);
    time_one("NEW 1 MB", mb, new_fn);
    // The largest inputs the new path still hands to libphonenumber.
    const std::string admitted = std::string(220, ' ') + "+44 7400 100123 ext " + std::string(18, '1');
    const std::string admitted_junk = std::string(220, '-') + std::string(30, '4');
    time_one("NEW 250 chars / 30 digits (admitted)", admitted.substr(admitted.size() - 250), new_fn);
    time_one("NEW 250 chars / 30 digits of junk (admitted)", admitted_junk, new_fn);
    time_one("NEW 251 chars (refused)", " " + admitted.substr(admitted.size() - 250), new_fn);
    if (disagreements) std::printf("ERROR: %zu ordinary numbers normalised differently\n", disagreements);
    return disagreements ? 1 : 0;
}
