#pragma once
// Transport-neutral request/response values: the emulators work on these so that Beast stays in
// one translation unit (http_server.cpp).
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ats::sandbox {

struct HttpRequest {
    std::string method;                                     // "GET", "POST", ...
    std::string target;                                     // path + query as received
    std::string path;                                       // decoded path without query
    std::vector<std::pair<std::string, std::string>> query; // decoded, in order
    std::map<std::string, std::string> headers;             // lower-cased names
    std::string body;

    const std::string *header(const std::string &lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? nullptr : &it->second;
    }
    const std::string *query_param(const std::string &name) const {
        for (const auto &kv : query)
            if (kv.first == name) return &kv.second;
        return nullptr;
    }
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

} // namespace ats::sandbox
