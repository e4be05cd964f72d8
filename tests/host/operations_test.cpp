// operations_test.cpp - the host's view of the operation table (host/core/operations.hpp) and its
// one "not supported" decision, without plugins.
#define BOOST_TEST_MODULE host_operations
#include <boost/test/unit_test.hpp>

#include "operations.hpp"

#include <set>
#include <string>

using namespace ats::host;

BOOST_AUTO_TEST_CASE(the_table_names_each_operation_once) {
    std::set<std::string> names;
    for (const auto &op : operations()) BOOST_TEST(names.insert(op.name).second, op.name << " twice in ATS_OPERATIONS");
    BOOST_TEST(names.size() == known_operations().size());
    BOOST_TEST(find_operation(ATS_OP_JOBS_STREAM)->shape == ATS_RESULT_STREAM);
    BOOST_TEST(find_operation("future.operation") == nullptr);
}

BOOST_AUTO_TEST_CASE(blob_handling_follows_the_tables_shape) {
    std::set<std::string> blobs;
    for (const auto &op : operations())
        if (is_blob_operation(op.name)) blobs.insert(op.name);
    BOOST_TEST((blobs == std::set<std::string>{ATS_OP_CANDIDATES_GET_RESUME, ATS_OP_APPLICATION_ATTACHMENTS_GET,
                                               ATS_OP_CANDIDATE_ATTACHMENTS_GET}));
    BOOST_TEST(!is_blob_operation("future.operation"));
}

BOOST_AUTO_TEST_CASE(only_a_not_supported_capability_is_refused_and_the_refusal_names_the_reason) {
    BOOST_TEST(!not_supported("p", Capability{ATS_OP_JOBS_GET, ATS_SUPPORTED, ""}));
    BOOST_TEST(!not_supported("p", Capability{ATS_OP_STAGES_LIST, ATS_LIMITED, "database-wide"}));
    auto refusal = not_supported("tracker", Capability{ATS_OP_SYNC, ATS_NOT_SUPPORTED, "nothing to synchronise"});
    BOOST_REQUIRE(refusal);
    BOOST_TEST(*refusal == "sync is not supported by provider 'tracker': nothing to synchronise");
    auto silent = not_supported("p", Capability{ATS_OP_SYNC, ATS_NOT_SUPPORTED, ""});
    BOOST_REQUIRE(silent);
    BOOST_TEST(silent->find("no reason given") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_dry_run_is_refused_to_a_plugin_that_predates_it) {
    BOOST_TEST(!dry_run_not_supported("p", 2));
    BOOST_TEST(!dry_run_not_supported("p", 3));
    auto refusal = dry_run_not_supported("old", 1);
    BOOST_REQUIRE(refusal);
    BOOST_TEST(refusal->find("provider 'old'") != std::string::npos);
    BOOST_TEST(refusal->find("ABI 1.1") != std::string::npos);
}
