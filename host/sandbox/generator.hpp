#pragma once
// Deterministic generator of realistic Workable (through Kombo) and Tracker data, with the ground
// truth (which person each application really belongs to) recorded beside it for /_sandbox/expected.
#include "time_util.hpp"
#include "world.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ats::sandbox {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}
    // Uniform in [low, high].
    std::int64_t between(std::int64_t low, std::int64_t high) {
        if (high <= low) return low;
        return low + static_cast<std::int64_t>(engine_() % static_cast<std::uint64_t>(high - low + 1));
    }
    bool chance(double p) { return static_cast<double>(engine_() % 1000000) < p * 1000000.0; }
    std::uint64_t next() { return engine_(); }

private:
    std::mt19937_64 engine_;
};

// Kombo-style id: 24 characters of the base58 alphabet the OpenAPI patterns allow.
std::string kombo_id(Rng &rng);

// Builds a complete world (both services and the truth) from the parameters.
json::object generate_world(const GeneratorParams &params);

// Adds one Workable application (with its own candidate record and, usually, a CV) for an existing
// truth person to a Kombo job, following the identity rules of the person. Used by the generator and
// by the add-applications mutation. Returns the application id.
std::string add_workable_application(World &world, Rng &rng, json::object &person, const json::object &job,
                                     EpochMs created_ms, const std::string &outcome);

// Creates a new truth person (not in Tracker) able to carry `applications` applications.
// nameless_every: GeneratorParams::nameless_every (0: the person has a name).
json::object make_person(Rng &rng, int index, int applications, int nameless_every = 0);

} // namespace ats::sandbox
