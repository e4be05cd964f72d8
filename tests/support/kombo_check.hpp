// kombo_check.hpp - records checked against Kombo's item schemas (tests/kombo/validate_kombo.cjs,
// ajv on the stripped copy of Kombo's OpenAPI document kept in tests/kombo).
#pragma once

#include <string>
#include <vector>

namespace ats::test {

// True for the record kinds Kombo has an item schema for: job, application, candidate,
// attachment, stage, rejection_reason.
bool is_kombo_kind(const std::string &kind);
// "" when every NDJSON line of `ndjson` validates against Kombo's item schema of `kind`; otherwise
// ajv's report (the failing fields and the first failing records). An empty input is an error.
std::string kombo_item_errors(const std::string &kind, const std::string &ndjson);

// The paths the tests use (compiled in from tests/CMakeLists.txt).
std::string kombo_openapi_path();
std::string kombo_validator_path();
std::string ajv_node_modules();

} // namespace ats::test
