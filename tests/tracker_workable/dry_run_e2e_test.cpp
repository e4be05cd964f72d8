// End-to-end tests of `ats-host sync --dry-run` against ats-sandbox: the dry run sends no Tracker
// write and leaves the sync's state as it was, and the real sync that follows it on the same
// sandbox state sends exactly the writes the plan listed, item for item.
#define BOOST_TEST_MODULE tracker_workable_dry_run_e2e
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "hybrid_env.hpp"

namespace json = boost::json;
using namespace ats::test;
using namespace ats::test::hybrid;

namespace {

std::string text(const json::value *v) {
    if (!v || v->is_null()) return "";
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64() || v->is_uint64()) return std::to_string(v->to_number<int64_t>());
    return json::serialize(*v);
}
std::string text(const json::object &o, const char *k) { return text(o.if_contains(k)); }

// Records created in the run are named by what they are (person by name and e-mail, link by its
// person and opportunity), since the plan's ids ("new-person-1") are not Tracker's.
struct Refs {
    std::map<std::string, std::string> names;
    std::string of(const std::string &kind, const std::string &id) const {
        auto it = names.find(id);
        return it != names.end() ? it->second : kind + id;
    }
};

std::string person_name(const std::string &first, const std::string &last, const std::string &email) {
    return "P(" + first + "|" + last + "|" + email + ")";
}

// The plan's items in the canonical form of one Tracker write.
std::vector<std::string> canonical_plan(const json::array &plan) {
    Refs refs;
    std::vector<std::string> out;
    for (const auto &v : plan) {
        const auto &i = v.as_object();
        const std::string action = text(i, "action");
        if (action == "create_person") {
            const auto &p = i.at("person").as_object();
            const std::string who = person_name(text(p, "first_name"), text(p, "last_name"), text(p, "email"));
            refs.names[text(i, "resource_id")] = who;
            refs.names[text(i, "link_id")] = "L(" + who + "|O" + text(i, "opportunity_id") + ")";
            out.push_back("createResource O" + text(i, "opportunity_id") + " " + who);
        } else if (action == "create_link") {
            const std::string res = refs.of("R", text(i, "resource_id"));
            refs.names[text(i, "link_id")] = "L(" + res + "|O" + text(i, "opportunity_id") + ")";
            out.push_back("resourceApplication " + res + " O" + text(i, "opportunity_id"));
        } else if (action == "set_status") {
            out.push_back("updateRecord OR " + refs.of("L", text(i, "link_id")) + " " + text(i, "to"));
        } else if (action == "fill_contacts") {
            std::vector<std::string> cols;
            const auto &f = i.at("fields").as_object();
            for (const auto &kv : f)
                if (kv.key() != "custom_fields") cols.push_back(std::string(kv.key()) + "=" + text(&kv.value()));
            if (const auto *cf = f.if_contains("custom_fields"))
                for (const auto &kv : cf->as_object()) cols.push_back("cf=" + text(&kv.value()));
            std::sort(cols.begin(), cols.end());
            std::string line = "updateRecord R " + refs.of("R", text(i, "resource_id"));
            for (const auto &c : cols) line += " " + c;
            out.push_back(line);
        } else if (action == "add_note") {
            out.push_back("createActivity " + refs.of("R", text(i, "resource_id")) + " " + text(i, "subject"));
        } else if (action == "attach_cv") {
            out.push_back("attachDocument " + refs.of("R", text(i, "resource_id")) + " " + text(i, "file_name"));
        } else {
            out.push_back("unknown plan action " + json::serialize(i));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The sandbox's write log (entries after `after_seq`) in the same canonical form.
std::vector<std::string> canonical_writes(Sandbox &sb, int64_t after_seq) {
    std::map<std::string, std::string> status_name; // id -> name (getSettings, A4)
    json::value settings = sb.tracker("getSettings", json::object{});
    for (const auto &s : settings.at("opportunityResourceStatuses").as_array())
        status_name[text(s.as_object(), "Id")] = text(s.as_object(), "Name");
    Refs refs;
    std::vector<std::string> out;
    json::value log = sb.admin_get("writes");
    for (const auto &v : log.at("writes").as_array()) {
        const auto &e = v.as_object();
        if (e.at("seq").to_number<int64_t>() <= after_seq || text(e, "service") != "tracker") continue;
        const std::string method = text(e, "endpoint");
        const auto &call = e.at("request").at("trackerrms").at(method).as_object();
        if (method == "createResource") {
            const auto &r = call.at("resource").as_object();
            const auto &ins = call.at("instructions").as_object();
            const std::string who = person_name(text(r, "firstname"), text(r, "lastname"), text(r, "email"));
            refs.names[text(e, "recordId")] = who;
            refs.names[text(e, "linkId")] = "L(" + who + "|O" + text(ins, "assigntoopportunity") + ")";
            out.push_back("createResource O" + text(ins, "assigntoopportunity") + " " + who);
        } else if (method == "resourceApplication") {
            const auto &ins = call.at("instructions").as_object();
            const std::string res = refs.of("R", text(ins, "resourceid"));
            refs.names[text(e, "recordId")] = "L(" + res + "|O" + text(ins, "opportunityid") + ")";
            out.push_back("resourceApplication " + res + " O" + text(ins, "opportunityid"));
        } else if (method == "updateRecord") {
            const auto &ins = call.at("instructions").as_object();
            std::vector<std::string> cols;
            std::string status;
            if (const auto *u = call.if_contains("updates"))
                for (const auto &c : u->as_array()) {
                    const std::string col = text(c.as_object(), "column"),
                                      val = text(c.as_object().if_contains("value"));
                    if (col == "opportunityresourcestatusid")
                        status = status_name[val];
                    else
                        cols.push_back(col + "=" + val);
                }
            if (const auto *cf = call.if_contains("customfields"))
                for (const auto &c : cf->as_array()) cols.push_back("cf=" + text(c.as_object(), "value"));
            std::sort(cols.begin(), cols.end());
            if (text(ins, "recordtype") == "OR") {
                out.push_back("updateRecord OR " + refs.of("L", text(ins, "recordid")) + " " + status);
            } else {
                std::string line = "updateRecord R " + refs.of("R", text(ins, "recordid"));
                for (const auto &c : cols) line += " " + c;
                out.push_back(line);
            }
        } else if (method == "createActivity") {
            const auto &a = call.at("activity").as_object();
            out.push_back("createActivity " + refs.of("R", text(a, "linkRecordId")) + " " + text(a, "subject"));
        } else if (method == "attachDocument") {
            const auto &f = call.at("file").as_object();
            out.push_back("attachDocument " + refs.of("R", text(f, "recordId")) + " " + text(f, "filename"));
        } else {
            out.push_back("unexpected write " + method);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

int64_t last_write_seq(Sandbox &sb) {
    int64_t seq = 0;
    const json::value log = sb.admin_get("writes");
    for (const auto &v : log.at("writes").as_array()) seq = std::max(seq, v.at("seq").to_number<int64_t>());
    return seq;
}

json::object dry_run(HybridEnv &env) {
    // stdout is a pipe here: the plan prints as JSON without --json too.
    return parse_summary(
        run_process(env.host_argv({"sync", "--tenant", env.tenant(), "--dry-run"}), {}, std::chrono::seconds(300)));
}

// Dry run, then a real sync on the same sandbox state: no write from the dry run, and the real
// sync's writes are the plan's, item for item. Returns the plan for further checks.
json::object plan_then_real_sync_agree(HybridEnv &env, const std::string &label) {
    Sandbox &sb = env.sandbox();
    const int64_t before = last_write_seq(sb);
    json::object plan = dry_run(env);
    BOOST_TEST(plan.at("dry_run").as_bool());
    BOOST_TEST(last_write_seq(sb) == before, label << ": the dry run wrote to Tracker");
    json::object real = parse_summary(env.sync());
    const auto planned = canonical_plan(plan.at("plan").as_array());
    const auto written = canonical_writes(sb, before);
    BOOST_TEST_MESSAGE(label << ": " << planned.size() << " planned, " << written.size() << " written");
    BOOST_TEST(planned == written, label << ": the plan and the real sync's writes differ");
    if (planned != written) {
        for (const auto &p : planned)
            if (!std::binary_search(written.begin(), written.end(), p)) BOOST_TEST_MESSAGE("  only planned: " << p);
        for (const auto &w : written)
            if (!std::binary_search(planned.begin(), planned.end(), w)) BOOST_TEST_MESSAGE("  only written: " << w);
    }
    // Same counters as the real run's summary.
    for (const char *k : {"people", "applications", "contacts", "statuses", "documents"})
        BOOST_TEST(json::serialize(plan.at(k)) == json::serialize(real.at(k)),
                   label << ": counters '" << k << "' differ");
    BOOST_TEST(plan.at("applications_seen") == real.at("applications_seen"));
    return plan;
}

EnvOptions small_world() {
    EnvOptions o = sized_world(11, 6, 80, 45, 12);
    o.max_concurrency = 4;
    return o;
}

} // namespace

BOOST_AUTO_TEST_CASE(dry_run_plan_equals_the_following_real_sync) {
    HybridEnv env(small_world());
    // Cold: the dry run leaves no checkpoint (the real run after it starts from the beginning)
    // and a second dry run plans the same writes (no id map, intent or pending entry was kept).
    json::object first = dry_run(env);
    json::object again = plan_then_real_sync_agree(env, "cold");
    BOOST_TEST(again.at("checkpoint_before").is_null());
    BOOST_TEST(canonical_plan(first.at("plan").as_array()) == canonical_plan(again.at("plan").as_array()));
    BOOST_TEST(again.at("plan").as_array().size() > 50u);
    BOOST_TEST(again.at("state_writes_withheld").to_number<int64_t>() > 0);

    // Nothing changed: an empty plan.
    json::object idle = dry_run(env);
    BOOST_TEST(idle.at("plan").as_array().empty(), json::serialize(idle.at("plan")).substr(0, 600));

    // Workable changes (outcomes, new applications, deletions) and a recruiter's status.
    env.sandbox().admin_post("mutate", json::object{{"advance_seconds", 3600},
                                                    {"change_outcomes", 8},
                                                    {"add_applications", 6},
                                                    {"delete_applications", 2}});
    json::object inc = plan_then_real_sync_agree(env, "incremental");
    bool status_change_with_from = false;
    for (const auto &v : inc.at("plan").as_array())
        if (text(v.as_object(), "action") == "set_status" && !text(v.as_object(), "from").empty() &&
            !text(v.as_object(), "why").empty())
            status_change_with_from = true;
    BOOST_TEST(status_change_with_from, "a status change of a synced application names from, to and why");
}

BOOST_AUTO_TEST_CASE(json_gives_the_machine_readable_plan) {
    HybridEnv env(small_world());
    // --json is a sync flag (real runs too); a command without JSON output refuses it.
    auto bad = run_process(env.host_argv({"forget", "--tenant", env.tenant(), "--email", "a@b.c", "--json"}));
    BOOST_TEST(bad.exit_code == 2);
    auto ok = run_process(env.host_argv({"sync", "--tenant", env.tenant(), "--dry-run", "--json"}), {},
                          std::chrono::seconds(300));
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(json::parse(ok.out).as_object().at("dry_run").as_bool());
}
