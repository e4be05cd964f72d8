// job_mapper.hpp - which Tracker opportunity a Workable job is (per tenant, never hard-coded).
//
// Three sources, tried in this order for each application:
//   1. the explicit table (key = Kombo job id or Workable remote job id);
//   2. an opportunity custom field holding the Workable job id (Kombo or remote);
//   3. the exact opportunity title (only when exactly one opportunity has it: an ambiguous title
//      maps nothing and the application stays pending, rather than guessing).
// Sources 2 and 3 need Tracker's opportunities; they are read only when an application actually
// needs a mapping, and the result is kept in state ("jobs/snapshot") for refresh_seconds, so a
// sync with nothing new - even with a pending list to retry - costs no Tracker request.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ats_plugin.hpp"
#include "kombo/kombo_application.hpp"
#include "sync/sync_config.hpp"
#include "sync/tracker_port.hpp"

namespace ats::tracker_workable {

class JobMapper {
public:
    JobMapper(const JobMappingConfig &cfg, TrackerPort &tracker, ats::sdk::Host host)
        : cfg_(cfg), tracker_(tracker), host_(host) {}

    // Tracker opportunity id for the application's job, or "" when not mapped (yet).
    std::string opportunity_for(const KomboApplication &a);

private:
    void load_opportunities();

    const JobMappingConfig &cfg_;
    TrackerPort &tracker_;
    ats::sdk::Host host_;
    std::mutex mu_;
    bool loaded_ = false;
    std::map<std::string, std::string> by_field_; // custom field value -> opportunity id
    std::map<std::string, std::string> by_title_; // title -> opportunity id ("" when ambiguous)
};

} // namespace ats::tracker_workable
