#include "kombo_check.hpp"

#include "process.hpp"

namespace ats::test {

bool is_kombo_kind(const std::string &kind) {
    for (const char *k : {"job", "application", "candidate", "attachment", "stage", "rejection_reason"})
        if (kind == k) return true;
    return false;
}

std::string kombo_openapi_path() { return ATS_KOMBO_OPENAPI; }
std::string kombo_validator_path() { return ATS_KOMBO_VALIDATOR; }
std::string ajv_node_modules() { return ATS_AJV_NODE_MODULES; }

std::string kombo_item_errors(const std::string &kind, const std::string &ndjson) {
    ProcessResult p =
        run_process({"node", kombo_validator_path(), kombo_openapi_path(), ajv_node_modules(), "items", kind}, {},
                    std::chrono::seconds(120), ndjson);
    if (p.exit_code == 0) return {};
    return "Kombo " + kind + " schema (ajv exit " + std::to_string(p.exit_code) + "): " + p.out + p.err;
}

} // namespace ats::test
