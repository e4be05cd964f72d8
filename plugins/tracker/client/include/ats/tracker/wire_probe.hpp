// wire_probe.hpp - `probe`: the Tracker rows of the wire-assumption table
// (ats/shared/wire_assumptions.hpp) checked against a live account, read-only.
//
// Each finding is confirmed, contradicted (with the request sent and the part of the answer that
// disagrees) or not_checkable (the table's reason, or "no data to check it with"). Failures that
// say nothing about an assumption (the account unreachable, credentials refused, rate limits,
// cancellation) are thrown instead: a probe that cannot talk to Tracker reports nothing.
// Cost: about 12 requests for every check, or the few of a subset (preflight()).
#pragma once

#include "ats/tracker/client.hpp"

#include <boost/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace ats::tracker {

struct ProbeFinding {
    std::string id;      // table tag, "A8"
    std::string verdict; // "confirmed" | "contradicted" | "not_checkable"
    std::string request; // contradicted: what was sent (method and instructions, no credentials)
    std::string answer;  // contradicted: the part of the answer that disagrees
    std::string why;     // not_checkable: why
};

class TrackerWireProbe {
public:
    TrackerWireProbe(const TrackerClient &client, const ats_call_t *call) : client_(client), call_(call) {}

    // Every Tracker row of the table, in table order.
    std::vector<ProbeFinding> run_all();
    // Only these tags (rows not checkable read-only are reported as such).
    std::vector<ProbeFinding> run(const std::set<std::string> &only);

    // The checks a sync depends on before it writes, and what they cost: A2 link rows and the
    // resourceid filter (2), A4 statuses (1), A8 zone and inclusiveness (3), A12 resource rows
    // and searchtext (2), A14 recordids (1) - at most 9 requests (fewer on an empty account).
    static const std::set<std::string> &preflight_tags();
    // Those checks as the sync runs them: without comparing Tracker's clock with this host's
    // (A8's first half), since the sync is clock-free and a Tracker clock ahead is legitimate.
    std::vector<ProbeFinding> run_preflight();

    // --write-probes on a scratch resource the operator names: A16 (createResource with the
    // scratch person's own e-mail must be refused with status 3 naming it; nothing is created
    // when the assumption holds). Cost: 2 requests.
    std::vector<ProbeFinding> run_write_probes(int64_t scratch_resource_id);

private:
    ProbeFinding check(const std::string &id);
    boost::json::object get(const std::string &method, boost::json::object instructions, std::string &request_text);
    const boost::json::array &resource_page(); // getRecords R numrecords 2 pagenum 1 (cached)

    const TrackerClient &client_;
    const ats_call_t *call_;
    bool page_read_ = false;
    bool compare_clocks_ = true;
    boost::json::array page_;
    std::string page_request_;
};

// The probe's report (ATS_OP_PROBE in ats_operations.h): findings joined with the table's
// statement and method, and the counts.
boost::json::object probe_report(const std::string &tenant, const std::string &provider,
                                 const std::vector<ProbeFinding> &findings, int64_t requests);

// Throws ats::sdk::Error(ATS_ERR_UPSTREAM) naming every contradicted assumption (tag, statement,
// evidence) when any finding is contradicted; `what` says who refuses ("sync refuses to write").
void throw_if_contradicted(const std::vector<ProbeFinding> &findings, const std::string &what);

} // namespace ats::tracker
