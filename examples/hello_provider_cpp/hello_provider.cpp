// hello_cpp: the smallest useful provider written with the C++ SDK (ats_plugin.hpp). It needs
// nothing but the SDK headers: no JSON library, no HTTP client (the host provides HTTP, state,
// locks and logging through ats::sdk::Host).
//   check        {"ok":true,"details":{"tenant":..,"config":<the tenant's provider_config>,"checks":N}}
//                where N counts this tenant's checks in the host's durable state
//   jobs.stream  three jobs, one record each, stopping when the consumer says so
#include "ats_plugin.hpp"

#include <string>

namespace {

const ats_capability_t kCapabilities[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
};

// The tenant's provider_config, validated by the host before create() (defaults filled in).
const char kConfigSchema[] = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {"greeting": {"type": "string", "default": "hello"}}
})";

const ats_plugin_descriptor_t kDescriptor = {sizeof(ats_plugin_descriptor_t),
                                             "hello_cpp",
                                             "Hello (C++ SDK example)",
                                             "1.0.0",
                                             "ats-host examples",
                                             "Example provider built out of tree with find_package(AtsPluginSDK).",
                                             kCapabilities,
                                             sizeof kCapabilities / sizeof kCapabilities[0],
                                             kConfigSchema};

} // namespace

class HelloProvider {
public:
    static const ats_plugin_descriptor_t &descriptor() { return kDescriptor; }

    HelloProvider(ats::sdk::Host host, std::string tenant_id, std::string config_json)
        : host_(host), tenant_(std::move(tenant_id)), config_(std::move(config_json)) {}

    void invoke(ats::sdk::Call &call, const std::string &operation, const std::string & /*args_json*/,
                ats::sdk::Sink &sink) {
        if (operation == ATS_OP_CHECK) return check(call, sink);
        if (operation == ATS_OP_JOBS_STREAM) {
            for (int i = 1; i <= 3; ++i) {
                call.throw_if_cancelled();
                if (!sink.record("{\"id\":\"hello-" + std::to_string(i) + "\",\"name\":\"Hello job " +
                                 std::to_string(i) + "\"}"))
                    return;
            }
            return;
        }
        ats::sdk::throw_not_supported(kDescriptor, operation);
    }

private:
    void check(ats::sdk::Call &call, ats::sdk::Sink &sink) {
        std::string count = "0";
        host_.state_get("checks", count);
        count = std::to_string(std::stoi(count) + 1);
        host_.state_put("checks", count);
        host_.info("check number " + count + " of tenant " + tenant_, call.raw());
        // Tenant ids are letters, digits and `_.-` (the manifest schema): nothing to escape.
        sink.record("{\"ok\":true,\"details\":{\"tenant\":\"" + tenant_ + "\",\"config\":" + config_ +
                    ",\"checks\":" + count + "}}");
    }

    ats::sdk::Host host_;
    std::string tenant_, config_;
};

ATS_EXPORT_PLUGIN(HelloProvider)
