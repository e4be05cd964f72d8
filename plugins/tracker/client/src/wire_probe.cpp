#include "ats/tracker/wire_probe.hpp"

#include "ats/shared/wire_assumptions.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace bj = boost::json;

namespace ats::tracker {

namespace {
// A big id no account reaches: a probe for "record not found" (A9).
constexpr int64_t kAbsentId = 2147483000;
constexpr int64_t kFutureToleranceSeconds = 300;

ProbeFinding confirmed(const std::string &id) { return {id, "confirmed", "", "", ""}; }
ProbeFinding contradicted(const std::string &id, std::string request, std::string answer) {
    return {id, "contradicted", std::move(request), std::move(answer), ""};
}
ProbeFinding unknown(const std::string &id, std::string why) { return {id, "not_checkable", "", "", std::move(why)}; }

std::string text(const bj::value *v) {
    if (!v || v->is_null()) return "";
    if (v->is_string()) return std::string(v->get_string());
    return bj::serialize(*v);
}
std::string text(const bj::object &o, const char *k) { return text(o.if_contains(k)); }

const bj::array *rows_of(const bj::object &answer) {
    const auto *r = answer.if_contains("results");
    return r && r->is_array() ? &r->get_array() : nullptr;
}

// The members of a row that are missing among `keys`, as "a, b" ("" when none).
std::string missing(const bj::object &row, std::initializer_list<const char *> keys) {
    std::string out;
    for (const char *k : keys)
        if (!row.contains(k)) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
}

std::string clip(std::string s, size_t n = 400) {
    if (s.size() > n) s = s.substr(0, n) + "...";
    return s;
}

bool retry_elsewhere(const ats::sdk::Error &e) {
    switch (e.code()) {
    case ATS_ERR_TRANSIENT:
    case ATS_ERR_RATE_LIMITED:
    case ATS_ERR_UNAUTHORIZED:
    case ATS_ERR_FORBIDDEN:
    case ATS_ERR_CANCELLED: return true;
    default: return false;
    }
}
} // namespace

bj::object TrackerWireProbe::get(const std::string &method, bj::object instructions, std::string &request_text) {
    request_text = method + " " + bj::serialize(instructions);
    bj::object params;
    if (!instructions.empty()) params["instructions"] = std::move(instructions);
    return client_.call(method, std::move(params), RequestContext{call_, true, "probe"});
}

const bj::array &TrackerWireProbe::resource_page() {
    if (!page_read_) {
        bj::object answer =
            get("getRecords", bj::object{{"recordtype", "R"}, {"numrecords", 2}, {"pagenum", 1}}, page_request_);
        if (const bj::array *rows = rows_of(answer)) page_ = *rows;
        page_read_ = true;
    }
    return page_;
}

std::vector<ProbeFinding> TrackerWireProbe::run_preflight() {
    compare_clocks_ = false; // the sync never compares clocks: a Tracker clock ahead is no reason to stop
    return run(preflight_tags());
}

const std::set<std::string> &TrackerWireProbe::preflight_tags() {
    static const std::set<std::string> tags = {"A2", "A4", "A8", "A12", "A14"};
    return tags;
}

std::vector<ProbeFinding> TrackerWireProbe::run_all() {
    std::set<std::string> all;
    for (const auto &a : ats::shared::kWireAssumptions)
        if (a.system == "tracker") all.insert(std::string(a.id));
    return run(all);
}

std::vector<ProbeFinding> TrackerWireProbe::run(const std::set<std::string> &only) {
    std::vector<ProbeFinding> out;
    for (const auto &a : ats::shared::kWireAssumptions) {
        const std::string id(a.id);
        if (a.system != "tracker" || !only.count(id)) continue;
        if (!a.read_only_checkable) {
            out.push_back(unknown(id, std::string(a.probe)));
            continue;
        }
        try {
            out.push_back(check(id));
        } catch (const ats::sdk::Error &e) {
            if (retry_elsewhere(e)) throw;
            // Tracker refused a request the assumption says it accepts: that is the evidence.
            out.push_back(contradicted(id, "(see the answer)", clip(e.what())));
        }
    }
    return out;
}

ProbeFinding TrackerWireProbe::check(const std::string &id) {
    std::string req;
    if (id == "A4") {
        bj::object s = get("getSettings", {}, req);
        const auto *st = s.if_contains("opportunityResourceStatuses");
        if (!st || !st->is_array() || st->get_array().empty())
            return contradicted(
                id, req, "no non-empty opportunityResourceStatuses; members answered: " + [&] {
                    std::string keys;
                    for (const auto &kv : s) keys += (keys.empty() ? "" : ", ") + std::string(kv.key());
                    return keys;
                }());
        for (const auto &v : st->get_array())
            if (!v.is_object() || !v.get_object().contains("Id") || !v.get_object().contains("Name"))
                return contradicted(id, req, "a status is not {Id, Name}: " + clip(bj::serialize(v)));
        return confirmed(id);
    }
    if (id == "A9") {
        try {
            get("getIndividualRecord", bj::object{{"recordtype", "R"}, {"recordid", kAbsentId}}, req);
        } catch (const ats::sdk::Error &e) {
            if (e.code() == ATS_ERR_NOT_FOUND) return confirmed(id);
            if (retry_elsewhere(e)) throw;
            return contradicted(id, req, clip(e.what()));
        }
        return contradicted(id, req, "status 0: a record with id " + std::to_string(kAbsentId) + " was answered");
    }
    if (id == "A13") {
        bj::object answer = get("getRecords", bj::object{{"recordtype", "O"}, {"numrecords", 2}, {"pagenum", 1}}, req);
        const bj::array *rows = rows_of(answer);
        if (!rows) return contradicted(id, req, "no results array");
        if (rows->empty()) return unknown(id, "the account has no opportunity to look at");
        for (const auto &r : *rows) {
            if (!r.is_object()) return contradicted(id, req, "a row that is not an object");
            std::string m = missing(r.get_object(), {"id", "name", "customfields"});
            if (!m.empty()) return contradicted(id, req, "row " + text(r.get_object(), "id") + " lacks " + m);
        }
        return confirmed(id);
    }
    if (id == "A2") {
        bj::object answer = get("getRecords", bj::object{{"recordtype", "OR"}, {"numrecords", 2}, {"pagenum", 1}}, req);
        const bj::array *rows = rows_of(answer);
        if (!rows) return contradicted(id, req, "no results array");
        if (rows->empty()) return unknown(id, "the account has no application (opportunity-resource link) to look at");
        for (const auto &r : *rows) {
            if (!r.is_object()) return contradicted(id, req, "a row that is not an object");
            std::string m =
                missing(r.get_object(), {"id", "opportunityid", "resourceid", "statusid", "status", "lastupdated"});
            if (!m.empty())
                return contradicted(
                    id, req, "row " + text(r.get_object(), "id") + " lacks " + m + ": " + clip(bj::serialize(r)));
        }
        const std::string res = text(rows->front().get_object(), "resourceid");
        bj::object ins{{"recordtype", "OR"}, {"numrecords", 20}, {"pagenum", 1}};
        ins["resourceid"] = std::stoll(res);
        bj::object filtered = get("getRecords", std::move(ins), req);
        const bj::array *frows = rows_of(filtered);
        if (!frows || frows->empty()) return contradicted(id, req, "no link of resource " + res + " answered");
        for (const auto &r : *frows)
            if (r.is_object() && text(r.get_object(), "resourceid") != res)
                return contradicted(id, req,
                                    "link " + text(r.get_object(), "id") + " of resource " +
                                        text(r.get_object(), "resourceid") + " answered (filter resourceid ignored)");
        return confirmed(id);
    }
    // The rest read resources.
    const bj::array &page = resource_page();
    if (id == "A12") {
        if (page.empty()) return unknown(id, "the account has no resource to look at");
        static const std::regex stamp(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
        for (const auto &r : page) {
            if (!r.is_object()) return contradicted(id, page_request_, "a row that is not an object");
            const auto &row = r.get_object();
            std::string m = missing(row, {"id", "details", "customfields", "lastupdated"});
            if (!m.empty())
                return contradicted(id, page_request_,
                                    "row " + text(row, "id") + " lacks " + m + ": " + clip(bj::serialize(row)));
            const auto *d = row.if_contains("details");
            if (!d->is_object()) return contradicted(id, page_request_, "details is not an object");
            m = missing(d->get_object(), {"firstname", "lastname", "email"});
            if (!m.empty()) return contradicted(id, page_request_, "row " + text(row, "id") + " details lack " + m);
            if (!row.at("customfields").is_array())
                return contradicted(id, page_request_, "customfields is not an array");
            if (!std::regex_match(text(row, "lastupdated"), stamp))
                return contradicted(id, page_request_,
                                    "lastupdated is '" + text(row, "lastupdated") + "', not YYYY-MM-DD HH:MM:SS");
        }
        // searchtext: part of a last name, lower-cased, finds that resource.
        for (const auto &r : page) {
            const auto &row = r.get_object();
            const std::string last = text(row.at("details").get_object(), "lastname");
            if (last.size() < 3) continue;
            std::string part = last.substr(1, std::min<size_t>(4, last.size() - 1));
            std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
            bj::object answer =
                get("getRecords",
                    bj::object{{"recordtype", "R"}, {"searchtext", part}, {"numrecords", 500}, {"pagenum", 1}}, req);
            const bj::array *rows = rows_of(answer);
            bool found = false;
            if (rows)
                for (const auto &x : *rows)
                    found = found || (x.is_object() && text(x.get_object(), "id") == text(row, "id"));
            if (!found)
                return contradicted(id, req,
                                    "resource " + text(row, "id") + " (last name '" + last + "') not answered");
            break;
        }
        return confirmed(id);
    }
    if (page.empty()) return unknown(id, "the account has no resource to look at");
    const auto &first = page.front().is_object() ? page.front().get_object() : bj::object{};
    const std::string first_id = text(first, "id");
    if (id == "A7") {
        bj::object p2 = get("getRecords", bj::object{{"recordtype", "R"}, {"numrecords", 2}, {"pagenum", 2}}, req);
        const bj::array *rows2 = rows_of(p2);
        if (!rows2) return contradicted(id, req, "no results array");
        if (page.size() > 2)
            return contradicted(id, page_request_, std::to_string(page.size()) + " rows for numrecords 2");
        if (rows2->size() > 2) return contradicted(id, req, std::to_string(rows2->size()) + " rows for numrecords 2");
        for (const auto &a : page)
            for (const auto &b : *rows2)
                if (a.is_object() && b.is_object() && text(a.get_object(), "id") == text(b.get_object(), "id"))
                    return contradicted(id, req, "resource " + text(a.get_object(), "id") + " on page 1 and page 2");
        if (page.size() < 2 && !rows2->empty())
            return contradicted(id, req, "page 1 had " + std::to_string(page.size()) + " row(s) but page 2 has more");
        return confirmed(id);
    }
    if (id == "A14") {
        if (page.size() < 2) return unknown(id, "fewer than two resources to ask for");
        const std::string a = text(page[0].get_object(), "id"), b = text(page[1].get_object(), "id");
        // Asked in reverse and among page 2's neighbours: an answer that ignores recordids shows it.
        bj::object answer =
            get("getRecords",
                bj::object{{"recordtype", "R"}, {"recordids", b + "," + a}, {"numrecords", 500}, {"pagenum", 1}}, req);
        const bj::array *rows = rows_of(answer);
        std::set<std::string> ids;
        if (rows)
            for (const auto &r : *rows)
                if (r.is_object()) ids.insert(text(r.get_object(), "id"));
        if (ids != std::set<std::string>{a, b}) {
            std::string got;
            for (const auto &i : ids) got += (got.empty() ? "" : ",") + i;
            return contradicted(id, req,
                                std::to_string(ids.size()) + " record(s) answered (" + clip(got, 120) +
                                    "), not exactly " + a + " and " + b);
        }
        return confirmed(id);
    }
    if (id == "A8") {
        bj::object newest = get("getRecords",
                                bj::object{{"recordtype", "R"},
                                           {"numrecords", 1},
                                           {"pagenum", 1},
                                           {"sortfield", "lastupdateddatetime"},
                                           {"sortdir", "desc"}},
                                req);
        const bj::array *rows = rows_of(newest);
        if (!rows || rows->empty() || !rows->front().is_object()) return contradicted(id, req, "no row answered");
        const auto &row = rows->front().get_object();
        const std::string last = text(row, "lastupdated");
        UtcSeconds at = client_.zone().local_to_utc(last, "lastupdated");
        const UtcSeconds now = client_.now();
        if (compare_clocks_ && at > now + std::chrono::seconds(kFutureToleranceSeconds))
            return contradicted(
                id, req,
                "lastupdated '" + last + "' of resource " + text(row, "id") + " read in " + client_.zone().name() +
                    " is " + std::to_string((at - now).count() / 60) +
                    " minutes after this host's clock: Tracker's times are not in that zone, or Tracker's "
                    "clock (or this host's) is off by as much");
        bj::object after =
            get("getRecords",
                bj::object{{"recordtype", "R"}, {"numrecords", 500}, {"pagenum", 1}, {"updatedafter", last}}, req);
        const bj::array *arows = rows_of(after);
        bool found = false;
        if (arows)
            for (const auto &r : *arows)
                found = found || (r.is_object() && text(r.get_object(), "id") == text(row, "id"));
        if (!found)
            return contradicted(id, req,
                                "resource " + text(row, "id") + " (lastupdated '" + last +
                                    "') not answered: updatedafter is not inclusive, or not read in account time");
        // One second later must leave it out: an updatedafter read in another zone (UTC) shifts
        // the cut-off by the zone's offset and fails one of the two tests.
        const std::string later = client_.zone().utc_to_local(at + std::chrono::seconds(1));
        bj::object after2 =
            get("getRecords",
                bj::object{{"recordtype", "R"}, {"numrecords", 500}, {"pagenum", 1}, {"updatedafter", later}}, req);
        if (const bj::array *rows2 = rows_of(after2))
            for (const auto &r : *rows2)
                if (r.is_object() && text(r.get_object(), "id") == text(row, "id"))
                    return contradicted(
                        id, req,
                        "resource " + text(row, "id") + " (lastupdated '" + last +
                            "') answered for a cut-off one second later: updatedafter is not read in account time (" +
                            client_.zone().name() + ")");
        return confirmed(id);
    }
    if (id == "A11") {
        for (const auto &r : page) {
            const auto *d = r.get_object().if_contains("details");
            const std::string email = d && d->is_object() ? text(d->get_object(), "email") : "";
            if (email.empty()) continue;
            std::string shouted = "  " + email + " ";
            std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                           [](unsigned char c) { return std::toupper(c); });
            req = "checkPerson {\"details\":{\"email\":\"" + shouted + "\"}}";
            bj::object answer = client_.call("checkPerson", bj::object{{"details", bj::object{{"email", shouted}}}},
                                             RequestContext{call_, true, "probe"});
            const std::string rid = text(answer, "recordId");
            if (rid != text(r.get_object(), "id"))
                return contradicted(id, req,
                                    "recordId '" + rid + "', expected resource " + text(r.get_object(), "id") +
                                        "; answer members: " + clip(bj::serialize(answer), 200));
            return confirmed(id);
        }
        return unknown(id, "no resource with an e-mail on the first page");
    }
    if (id == "A5" || id == "A6") {
        const bool docs = id == "A5";
        bj::object answer = get("getRecords",
                                bj::object{{"recordtype", docs ? "D" : "A"},
                                           {"linkrecordtype", "R"},
                                           {"linkrecordid", std::stoll(first_id)},
                                           {"numrecords", 20},
                                           {"pagenum", 1}},
                                req);
        const bj::array *rows = rows_of(answer);
        if (!rows) return contradicted(id, req, "no results array");
        for (const auto &r : *rows) {
            if (!r.is_object()) return contradicted(id, req, "a row that is not an object");
            std::string m = docs ? missing(r.get_object(), {"id", "filename", "documenttype", "size"})
                                 : missing(r.get_object(), {"id", "subject", "note"});
            if (!m.empty()) return contradicted(id, req, "row " + text(r.get_object(), "id") + " lacks " + m);
        }
        return confirmed(id);
    }
    return unknown(id, "no read-only check is implemented for it");
}

std::vector<ProbeFinding> TrackerWireProbe::run_write_probes(int64_t scratch) {
    std::vector<ProbeFinding> out;
    ResourceRow row = client_.get_resource(scratch, call_);
    if (row.email.empty()) {
        out.push_back(
            unknown("A16", "the scratch resource " + std::to_string(scratch) + " has no e-mail to collide with"));
        return out;
    }
    std::string req = "createResource {\"resource\":{\"email\":\"" + row.email +
                      "\",...},\"instructions\":{\"overwriteresource\":false}}";
    try {
        NewResource r;
        r.first_name = row.first_name;
        r.last_name = row.last_name;
        r.email = row.email;
        CreatedResource c = client_.create_resource(r, std::nullopt, call_);
        out.push_back(contradicted("A16", req,
                                   "status 0: Tracker created resource " + std::to_string(c.resource_id) +
                                       " (a duplicate of the scratch person; delete it by hand)"));
    } catch (const RecordExistsError &e) {
        if (e.existing_id() == scratch)
            out.push_back(confirmed("A16"));
        else
            out.push_back(
                contradicted("A16", req, "status 3 naming record " + std::to_string(e.existing_id()) + " (0 = none)"));
    }
    return out;
}

bj::object probe_report(const std::string &tenant, const std::string &provider,
                        const std::vector<ProbeFinding> &findings, int64_t requests) {
    bj::array checks;
    int64_t ok = 0, bad = 0, unk = 0;
    for (const auto &f : findings) {
        const auto *a = ats::shared::find_wire_assumption(f.id);
        bj::object c{{"id", f.id},
                     {"system", a ? std::string(a->system) : ""},
                     {"statement", a ? std::string(a->statement) : ""},
                     {"how", a ? std::string(a->probe) : ""},
                     {"verdict", f.verdict}};
        if (f.verdict == "contradicted") {
            c["evidence"] = bj::object{{"request", f.request}, {"answer", f.answer}};
            ++bad;
        } else if (f.verdict == "not_checkable") {
            c["why"] = f.why;
            ++unk;
        } else {
            ++ok;
        }
        checks.push_back(std::move(c));
    }
    return bj::object{{"tenant", tenant},    {"provider", provider}, {"checks", std::move(checks)}, {"confirmed", ok},
                      {"contradicted", bad}, {"not_checkable", unk}, {"requests", requests}};
}

void throw_if_contradicted(const std::vector<ProbeFinding> &findings, const std::string &what) {
    std::string msg;
    for (const auto &f : findings) {
        if (f.verdict != "contradicted") continue;
        const auto *a = ats::shared::find_wire_assumption(f.id);
        msg += (msg.empty() ? "" : "; ") + f.id + " (" + (a ? clip(std::string(a->statement), 120) : std::string()) +
               ") contradicted: " + f.request + " -> " + f.answer;
    }
    if (!msg.empty())
        throw ats::sdk::Error(ATS_ERR_UPSTREAM, what + ": Tracker contradicts a wire assumption it relies on: " + msg +
                                                    " (run `ats-host probe` for the full report)");
}

} // namespace ats::tracker
