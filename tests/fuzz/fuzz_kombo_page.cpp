// Kombo answers: one page of GET /ats/applications (as a success and as an error status), the
// attachments list, and the durable round trip of each application (the pending list stores
// them as JSON and reads them back). Expected failures are ats::sdk::Error.
#include "kombo/kombo_application.hpp"
#include "kombo/kombo_client.hpp"

#include <ats_plugin.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view body(reinterpret_cast<const char *>(data), size);
    try {
        auto page = ats::tracker_workable::parse_application_page(body, 200, "fuzz page");
        for (const auto &a : page.results) {
            auto again = ats::tracker_workable::application_from_json(ats::tracker_workable::application_to_json(a));
            if (ats::tracker_workable::application_to_json(again) != ats::tracker_workable::application_to_json(a))
                __builtin_trap(); // the pending list must give back what it stored
        }
    } catch (const ats::sdk::Error &) {}
    for (int status : {404, 429, 500}) {
        try {
            ats::tracker_workable::parse_application_page(body, status, "fuzz page");
        } catch (const ats::sdk::Error &) {}
    }
    try {
        ats::tracker_workable::parse_attachment_list(body, 200, "fuzz attachments");
    } catch (const ats::sdk::Error &) {}
    return 0;
}
