#include "router.hpp"

namespace ats::serve {

std::vector<std::string> split_path(const std::string &path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') { ++i; continue; }
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

void Router::add(const std::string &method, const std::string &pattern, RouteHandler handler) {
    routes_.push_back(Route{method, pattern, split_path(pattern), std::move(handler)});
}

RouteMatch Router::match(const std::string &method, const std::string &path) const {
    RouteMatch result;
    result.pattern = "unmatched";
    const auto segments = split_path(path);
    for (const auto &route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        PathParams params;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            const auto &want = route.segments[i];
            if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
                if (segments[i].empty()) ok = false;
                else params[want.substr(1, want.size() - 2)] = segments[i];
            } else {
                ok = want == segments[i];
            }
        }
        if (!ok) continue;
        if (route.method != method && !(method == "HEAD" && route.method == "GET")) {
            result.kind = RouteMatch::method_not_allowed;
            result.pattern = route.pattern;
            result.allowed_methods.push_back(route.method);
            continue;
        }
        result.kind = RouteMatch::found;
        result.handler = &route.handler;
        result.pattern = route.pattern;
        result.params = std::move(params);
        result.allowed_methods.clear();
        return result;
    }
    return result;
}

}  // namespace ats::serve
