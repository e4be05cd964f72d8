#include "router.hpp"

namespace ats::serve {

std::vector<std::string> split_path(const std::string &path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool decode_segment(const std::string &raw, std::string &out) {
    out.clear();
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            out += raw[i];
            continue;
        }
        if (i + 2 >= raw.size()) return false;
        int hi = hex(raw[i + 1]), lo = hex(raw[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
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
                std::string value;
                if (!decode_segment(segments[i], value) || value.empty())
                    ok = false;
                else
                    params[want.substr(1, want.size() - 2)] = std::move(value);
            } else {
                // Literal segments match the raw text only: "%6Detrics" is not "metrics".
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

} // namespace ats::serve
