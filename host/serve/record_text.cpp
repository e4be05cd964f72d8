#include "record_text.hpp"

#include "api_error.hpp"

#include <boost/json.hpp>

namespace ats::serve {
namespace json = boost::json;

std::string one_line(std::string_view json_text) {
    if (json_text.find('\n') == std::string_view::npos && json_text.find('\r') == std::string_view::npos)
        return std::string(json_text);
    boost::system::error_code ec;
    auto v = json::parse(json_text, ec);
    if (ec) throw ApiError(502, "invalid_provider_output", "the provider produced a record that is not JSON");
    return json::serialize(v);
}

bool is_control_record(std::string_view json_text, json::object &out) {
    if (json_text.find("\"_type\"") == std::string_view::npos) return false;
    boost::system::error_code ec;
    auto v = json::parse(json_text, ec);
    if (ec || !v.is_object() || !v.as_object().contains("_type")) return false;
    out = std::move(v.as_object());
    return true;
}

} // namespace ats::serve
