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
    std::string pattern; // the matched pattern (or "unmatched")
    PathParams params;
    std::vector<std::string> allowed_methods; // for 405
};

class Router {
public:
    void add(const std::string &method, const std::string &pattern, RouteHandler handler);
    // `path` is the request's path still percent-encoded: it is split on '/' first, literal
    // segments must match as written, and each {name} segment is percent-decoded after the split
    // (so "a%2Fb" is the id "a/b", and an invalid escape matches nothing).
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
// Percent-decodes one path segment; false for a malformed escape.
bool decode_segment(const std::string &raw, std::string &out);

} // namespace ats::serve
