// Two misbehaving SDK providers from one source:
//   CREATE_FAILS: the constructor throws ats::sdk::Error(UNAUTHORIZED) -> create() fails cleanly.
//   otherwise (test_throws): operations throw std::runtime_error / std::logic_error / a non-std
//   type; the SDK turns each into ATS_ERR_INTERNAL and the host keeps working.
#include "ats_plugin.hpp"

#include <stdexcept>

#ifdef CREATE_FAILS
#define PROVIDER "test_create_fails"
#else
#define PROVIDER "test_throws"
#endif

namespace {
const ats_capability_t kCaps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_GET, ATS_SUPPORTED, ""},
};
const ats_plugin_descriptor_t kDescriptor = {
    sizeof(ats_plugin_descriptor_t),
    PROVIDER,
    "Misbehaving test ATS",
    "0.0.1",
    "ats-host tests",
    "",
    kCaps,
    3,
    R"({"type":"object","properties":{"token":{"type":"string","x-secret":true}}})"};
} // namespace

class Misbehaving {
public:
    static const ats_plugin_descriptor_t &descriptor() { return kDescriptor; }
    Misbehaving(ats::sdk::Host, std::string, std::string) {
#ifdef CREATE_FAILS
        throw ats::sdk::Error(ATS_ERR_UNAUTHORIZED, "the test ATS refuses every tenant");
#endif
    }
    void invoke(ats::sdk::Call &, const std::string &op, const std::string &, ats::sdk::Sink &sink) {
        if (op == ATS_OP_CHECK) {
            sink.record(R"({"ok":true,"details":{}})");
            return;
        }
        if (op == ATS_OP_JOBS_STREAM) {
            sink.record(R"({"id":"1"})");
            throw std::runtime_error("jobs.stream blew up after one record");
        }
        if (op == ATS_OP_JOBS_GET) throw 42; // not even a std::exception
        throw std::logic_error("unreachable");
    }
};

ATS_EXPORT_PLUGIN(Misbehaving)
