// router.hpp - maps (method, path) to a handler; path patterns have {name} segments.
// The pattern string doubles as the `route` label in metrics and access logs, so a label never
// contains a tenant or record id (bounded metric cardinality, no data in labels).
#pragma once

#include "http_exchange.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ats::serve {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<void(const HttpRequest &, const PathParams &, ResponseWriter &)>;

struct RouteMatch {
    enum Kind { found, not_found, method_not_allowed } kind = not_found;
    const RouteHandler *handler = nullptr;
    std::string pattern;           // the matched pattern (or "unmatched")
    PathParams params;
    std::vector<std::string> allowed_methods;  // for 405
};

class Router {
public:
    void add(const std::string &method, const std::string &pattern, RouteHandler handler);
    RouteMatch match(const std::string &method, const std::string &path) const;

private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        RouteHandler handler;
    };
    std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string &path);

}  // namespace ats::serve
