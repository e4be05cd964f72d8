// kombo_results.hpp - the one reading of the `results` list of a Kombo page.
//
// Every list Kombo answers (applications, attachments) is read the same way: each entry must be an
// object and each item must have an id, since an item without one can be neither written nor
// found again on the next run. Either breach is Kombo's fault (ATS_ERR_UPSTREAM), named by `what`.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "ats_plugin.hpp"

namespace ats::tracker_workable {

// `parse_item(const boost::json::object&) -> Item`, Item with a string `id`; `item_noun` names one
// item in the error ("an attachment").
template <class Item, class ParseItem>
std::vector<Item> parse_kombo_results(const boost::json::array &results, const std::string &what, const char *item_noun,
                                      ParseItem parse_item) {
    std::vector<Item> out;
    out.reserve(results.size());
    for (const auto &entry : results) {
        if (!entry.is_object())
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": a results[] entry is not an object");
        out.push_back(parse_item(entry.get_object()));
        if (out.back().id.empty())
            throw ats::sdk::Error(ATS_ERR_UPSTREAM, "Kombo " + what + ": " + item_noun + " has no id");
    }
    return out;
}

} // namespace ats::tracker_workable
