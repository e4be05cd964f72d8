#pragma once
// Wire assumptions the emulators are told to break (`--violate A8,A14`, `POST /_sandbox/violations`)
// so that tests can prove `ats-host probe` reports each contradiction and the sync refuses to write.
// The tags and what they mean come from the one table, plugins/shared/.../wire_assumptions.hpp;
// only rows marked sandbox_violable are accepted. What each violation does is in README.md.
#include "http_types.hpp"

#include <boost/json.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace ats::sandbox {

namespace json = boost::json;

class Violations {
public:
    // Replaces the set; throws std::invalid_argument naming an unknown or non-violable tag and
    // listing the valid ones.
    void set(const std::vector<std::string> &tags);
    bool has(const std::string &tag) const;
    json::array list() const;
    // "A2, A4, ..." - the tags the sandbox can violate (for errors and --help).
    static std::string violable();

    // A14: drops `recordids` from a getRecords request body (the emulator then pages unfiltered).
    std::string rewrite_tracker_request(const std::string &endpoint, const std::string &body) const;
    // A2, A4, A9, A11, A12, A16: rewrites a Tracker answer into the contradicting shape.
    void rewrite_tracker_response(const std::string &endpoint, const std::string &request_body,
                                  HttpResponse &response) const;

private:
    mutable std::mutex mu_;
    std::set<std::string> tags_;
};

} // namespace ats::sandbox
