// serve_openapi_table_test.cpp - the OpenAPI document the service serves (host/serve/openapi.json,
// compiled in) against the operation table (ATS_OPERATIONS, plugin_api/ats_operations.h): every
// operation the document names is in the table, each route answers in the shape of its
// operation (stream: NDJSON or pages; blob: a file; record: one JSON document), and the
// capability listing's operation names are exactly the table's. Regenerate the document
// (python3 host/serve/tools/gen_openapi.py) when this fails after a change to the table.
#define BOOST_TEST_MODULE serve_openapi_table
#include <boost/test/unit_test.hpp>

#include "operations.hpp"
#include "serve_command.hpp"

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace json = boost::json;

namespace {

json::object document() { return json::parse(ats::serve::openapi_document()).as_object(); }

const json::object *find_object(const json::object &o, const char *key) {
    const auto *v = o.if_contains(key);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

// How a documented route answers with 2xx: which media types, and whether its JSON is a page.
struct Answer {
    bool ndjson = false, file = false, json = false, native_page = false, kombo_page = false;
};

Answer answer_of(const json::object &route) {
    Answer a;
    const auto *responses = find_object(route, "responses");
    if (!responses) return a;
    for (const auto &[status, response] : *responses) {
        if (status.empty() || status[0] != '2' || !response.is_object()) continue;
        const auto *content = find_object(response.as_object(), "content");
        if (!content) continue;
        a.ndjson = a.ndjson || content->contains("application/x-ndjson");
        a.file = a.file || content->contains("*/*");
        if (const auto *j = find_object(*content, "application/json")) {
            a.json = true;
            const auto *schema = find_object(*j, "schema");
            const auto *props = schema ? find_object(*schema, "properties") : nullptr;
            if (props && props->contains("next_cursor")) a.native_page = true;
            const auto *data = props ? find_object(*props, "data") : nullptr;
            const auto *data_props = data ? find_object(*data, "properties") : nullptr;
            if (data_props && data_props->contains("next")) a.kombo_page = true;
        }
    }
    return a;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_documented_operation_is_in_the_table_and_answers_in_its_shape) {
    auto doc = document();
    size_t documented = 0;
    for (const auto &[path, methods] : doc.at("paths").as_object()) {
        for (const auto &[method, route_value] : methods.as_object()) {
            const auto &route = route_value.as_object();
            const auto *name = route.if_contains("x-ats-operation");
            if (!name) continue;
            ++documented;
            const std::string where = std::string(method) + " " + std::string(path);
            BOOST_TEST_REQUIRE(name->is_string(), where);
            const auto *op = ats::host::find_operation(name->as_string());
            BOOST_TEST_REQUIRE(op, where << ": x-ats-operation " << name->as_string() << " is not in ATS_OPERATIONS");
            Answer a = answer_of(route);
            const std::string shape = ats::host::shape_name(op->shape);
            switch (op->shape) {
            case ATS_RESULT_BLOB:
                BOOST_TEST((a.file && !a.json && !a.ndjson), where << ": a blob operation must answer with the file");
                break;
            case ATS_RESULT_STREAM:
                // Native stream routes offer NDJSON and pages; Kombo-shaped lists answer Kombo's pages.
                BOOST_TEST((!a.file && ((a.ndjson && a.native_page) || (!a.ndjson && a.kombo_page))),
                           where << ": a stream operation must answer NDJSON and pages, or Kombo's pages");
                break;
            case ATS_RESULT_RECORD:
                BOOST_TEST((a.json && !a.file && !a.ndjson && !a.native_page),
                           where << ": a " << shape << " operation must answer one JSON document");
                break;
            }
        }
    }
    BOOST_TEST(documented > 0u);
}

BOOST_AUTO_TEST_CASE(the_capability_listing_names_exactly_the_tables_operations_in_order) {
    auto doc = document();
    const json::value &capability = doc.at("components")
                                        .at("schemas")
                                        .at("Provider")
                                        .at("properties")
                                        .at("operations")
                                        .at("items")
                                        .at("properties")
                                        .at("operation");
    BOOST_TEST_REQUIRE(capability.as_object().contains("enum"),
                       "Provider.operations[].operation has no enum of operations");
    std::vector<std::string> documented;
    for (const auto &v : capability.at("enum").as_array()) documented.emplace_back(v.as_string());
    const auto &table = ats::host::known_operations();
    BOOST_TEST(documented == table, boost::test_tools::per_element());
}
