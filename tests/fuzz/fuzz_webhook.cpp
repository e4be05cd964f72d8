// Kombo's webhook as `ats-host serve` receives it from anyone on the network: the signature check
// (header value = first line, body = the rest; a fixed secret) and the body parser, which throws
// std::invalid_argument naming the field at fault for anything it refuses.
#include "webhook.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string in(reinterpret_cast<const char *>(data), size);
    size_t nl = in.find('\n');
    std::string header = nl == std::string::npos ? std::string() : in.substr(0, nl);
    std::string body = nl == std::string::npos ? in : in.substr(nl + 1);
    ats::serve::verify_kombo_signature("fuzz-webhook-secret", body, header);
    try {
        ats::serve::parse_kombo_webhook(body);
    } catch (const std::invalid_argument &) {}
    try {
        ats::serve::parse_kombo_webhook(in);
    } catch (const std::invalid_argument &) {}
    return 0;
}
