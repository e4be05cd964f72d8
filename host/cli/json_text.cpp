#include "json_text.hpp"

#include <boost/json/serialize.hpp>

namespace ats::cli {

std::string field_text(const boost::json::object &o, const char *key) {
    const auto *v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    return v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
}

} // namespace ats::cli
