// The JSON-Schema subset validator with both sides untrusted: a plugin's config schema (checked
// by check_schema first, as the host does when it loads a plugin) and a tenant's provider_config.
// Input: {"schema": <schema>, "value": <value>}. The pattern matcher gets arbitrary patterns and
// texts here.
#include "json_schema.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(std::string_view(reinterpret_cast<const char *>(data), size), ec);
    if (ec || !doc.is_object()) return 0;
    auto &o = doc.get_object();
    const boost::json::value *schema = o.if_contains("schema");
    boost::json::value *value = o.if_contains("value");
    if (!schema || !value) return 0;
    ats::host::secret_property_paths(*schema);
    if (!ats::host::check_schema(*schema).empty()) return 0; // the host refuses such a plugin
    ats::host::validate_and_apply_defaults(*schema, *value, "provider_config");
    return 0;
}
