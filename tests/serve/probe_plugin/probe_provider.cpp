// probe_provider.cpp - an in-memory provider for the service tests (tests/serve). It implements
// every operation of ats_operations.h over a small generated data set whose records follow
// plugin_api/schema, so the OpenAPI checks validate real plugin output. Built three times
// (tests/serve/CMakeLists.txt):
//   serve_probe  1.0.0 and 2.0.0  - the same provider enum, for swapping the plugin FILE;
//   serve_probe_alt 1.0.0         - another enum, for pointing a tenant at another provider;
//                                   it does not support jobs.get_enhanced (the 501 route test).
// Config: {"records": n applications, "stream_delay_ms": pause before each streamed record,
//          "sync_delay_ms": how long `sync` takes, "check_ok": what `check` reports,
//          "read_delay_ms": how long jobs.get takes (cancellable)}.
#include "ats_plugin.hpp"
#include "ats/shared/base64.hpp"
#include "ats/shared/kombo_record.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#ifndef PROBE_PROVIDER
#define PROBE_PROVIDER "serve_probe"
#endif
#ifndef PROBE_VERSION
#define PROBE_VERSION "1.0.0"
#endif

namespace {
namespace json = boost::json;
using ats::sdk::Error;

constexpr bool kAlt = sizeof(PROBE_PROVIDER) != sizeof("serve_probe");

const ats_capability_t kCaps[] = {
    {ATS_OP_CHECK, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_STREAM, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_STREAM, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATES_STREAM, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_JOBS_GET_ENHANCED, kAlt ? ATS_NOT_SUPPORTED : ATS_SUPPORTED,
     kAlt ? "the alt probe keeps no job details" : ""},
    {ATS_OP_JOBS_GET_MANY, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATES_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATES_FIND, ATS_LIMITED, "exact matches only"},
    {ATS_OP_CANDIDATES_GET_RESUME, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_CREATE, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_MOVE_TO_STAGE, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_REJECT, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATIONS_BULK_REJECT, ATS_SUPPORTED, ""},
    {ATS_OP_REJECTION_REASONS_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_STAGES_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATION_NOTES_ADD, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATION_NOTES_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATE_NOTES_ADD, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATE_NOTES_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATION_ATTACHMENTS_ADD, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATION_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_APPLICATION_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATE_ATTACHMENTS_ADD, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATE_ATTACHMENTS_LIST, ATS_SUPPORTED, ""},
    {ATS_OP_CANDIDATE_ATTACHMENTS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CUSTOM_FIELDS_GET, ATS_SUPPORTED, ""},
    {ATS_OP_CUSTOM_FIELDS_SET, ATS_SUPPORTED, ""},
    {ATS_OP_SYNC, ATS_SUPPORTED, ""},
};

const char kConfigSchema[] = R"({
  "type": "object", "additionalProperties": false,
  "properties": {
    "records": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 12},
    "stream_delay_ms": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0},
    "sync_delay_ms": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 0},
    "check_ok": {"type": "boolean", "default": true},
    "read_delay_ms": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 0}
  }
})";

const ats_plugin_descriptor_t kDescriptor = {sizeof(ats_plugin_descriptor_t),
                                             PROBE_PROVIDER,
                                             "Serve test probe",
                                             PROBE_VERSION,
                                             "ats-host tests",
                                             "In-memory provider for the ats-host serve tests.",
                                             kCaps,
                                             sizeof kCaps / sizeof kCaps[0],
                                             kConfigSchema};

const char *const kStages[] = {"Applied", "Interview", "Offer", "Hired"};

std::string iso_day(int day) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-01-%02dT08:00:00Z", 1 + day % 28);
    return buf;
}

class ProbeProvider {
public:
    static const ats_plugin_descriptor_t &descriptor() { return kDescriptor; }

    ProbeProvider(ats::sdk::Host host, std::string tenant, std::string config_json)
        : host_(host), tenant_(std::move(tenant)) {
        auto cfg = json::parse(config_json).as_object();
        if (auto *v = cfg.if_contains("records")) records_ = static_cast<int>(v->to_number<int64_t>());
        if (auto *v = cfg.if_contains("stream_delay_ms")) stream_delay_ms_ = static_cast<int>(v->to_number<int64_t>());
        if (auto *v = cfg.if_contains("sync_delay_ms")) sync_delay_ms_ = static_cast<int>(v->to_number<int64_t>());
        if (auto *v = cfg.if_contains("check_ok")) check_ok_ = v->as_bool();
        if (auto *v = cfg.if_contains("read_delay_ms")) read_delay_ms_ = static_cast<int>(v->to_number<int64_t>());
        for (int i = 1; i <= 3; ++i) jobs_["j" + std::to_string(i)] = make_job(i);
        for (int i = 1; i <= 5; ++i) candidates_["c" + std::to_string(i)] = make_candidate(i);
        for (int i = 1; i <= records_; ++i)
            applications_["a" + std::to_string(i)] = make_application(
                "a" + std::to_string(i), "j" + std::to_string(1 + i % 3), "c" + std::to_string(1 + i % 5), i);
    }

    void invoke(ats::sdk::Call &call, const std::string &op, const std::string &args_json, ats::sdk::Sink &sink) {
        json::object args = json::parse(args_json).as_object();
        host_.debug("probe " + op, call.raw());
        if (op == ATS_OP_CHECK) {
            if (!check_ok_) throw Error(ATS_ERR_UNAUTHORIZED, "probe configured to fail its check");
            return emit(sink, json::object{{"ok", true},
                                           {"details", {{"provider", PROBE_PROVIDER}, {"version", PROBE_VERSION}}}});
        }
        if (op == ATS_OP_JOBS_STREAM) return stream(call, sink, snapshot(jobs_), args, "statuses", "status");
        if (op == ATS_OP_APPLICATIONS_STREAM)
            return stream(call, sink, snapshot(applications_), args, "job_ids", "job_id");
        if (op == ATS_OP_CANDIDATES_STREAM) return stream(call, sink, snapshot(candidates_), args, "", "");
        if (op == ATS_OP_JOBS_GET) {
            // A slow upstream, as a plugin should wait for one: checking for cancellation.
            for (int waited = 0; waited < read_delay_ms_; waited += 10) {
                call.throw_if_cancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            return emit(sink, find(jobs_, str(args, "job_id"), "job"));
        }
        if (op == ATS_OP_JOBS_GET_ENHANCED) {
            if (kAlt) ats::sdk::throw_not_supported(kDescriptor, op);
            json::object job = find(jobs_, str(args, "job_id"), "job");
            json::object by_stage;
            int64_t total = 0;
            std::lock_guard<std::mutex> lock(mu_);
            for (const auto &[id, app] : applications_) {
                if (app.at("job_id").as_string() != job.at("id").as_string()) continue;
                ++total;
                std::string stage(app.at("current_stage").as_object().at("name").as_string());
                by_stage[stage] = (by_stage.contains(stage) ? by_stage[stage].as_int64() : 0) + 1;
            }
            job["application_counts"] = json::object{{"total", total}, {"by_stage", by_stage}};
            job["description"] = "Probe job description";
            return emit(sink, job);
        }
        if (op == ATS_OP_JOBS_GET_MANY) {
            json::array results, missing;
            auto *ids = args.if_contains("job_ids");
            if (!ids || !ids->is_array())
                throw Error(ATS_ERR_INVALID_ARGUMENT, "jobs.get_many: job_ids must be an array");
            std::lock_guard<std::mutex> lock(mu_);
            for (const auto &id : ids->as_array()) {
                std::string s = id.is_string() ? std::string(id.as_string()) : "";
                auto it = jobs_.find(s);
                if (it == jobs_.end())
                    missing.push_back(json::string(s));
                else
                    results.push_back(it->second);
            }
            return emit(sink, json::object{{"results", results}, {"missing", missing}});
        }
        if (op == ATS_OP_APPLICATIONS_GET)
            return emit(sink, find(applications_, str(args, "application_id"), "application"));
        if (op == ATS_OP_CANDIDATES_GET) return emit(sink, find(candidates_, str(args, "candidate_id"), "candidate"));
        if (op == ATS_OP_CANDIDATES_FIND) {
            json::array results;
            std::string email = opt(args, "email"), last = opt(args, "last_name");
            if (email.empty() && last.empty() && opt(args, "phone").empty() && opt(args, "first_name").empty())
                throw Error(ATS_ERR_INVALID_ARGUMENT, "candidates.find: give email, phone or a name");
            std::lock_guard<std::mutex> lock(mu_);
            for (const auto &[id, c] : candidates_) {
                json::array matched;
                if (!email.empty() &&
                    c.at("email_addresses").as_array()[0].as_object().at("email_address").as_string() == email)
                    matched.push_back("email");
                if (!last.empty() && c.at("last_name").as_string() == last) matched.push_back("name");
                if (!matched.empty()) results.push_back(json::object{{"candidate", c}, {"matched_on", matched}});
            }
            return emit(sink, json::object{{"results", results}});
        }
        if (op == ATS_OP_CANDIDATES_GET_RESUME) {
            std::string id = str(args, "candidate_id");
            find(candidates_, id, "candidate");
            std::string pdf = "%PDF-1.4\n% probe resume of " + id + "\n%%EOF\n";
            json::object meta{
                {"file_name", id + "-resume.pdf"}, {"content_type", "application/pdf"}, {"size", pdf.size()}};
            sink.blob(json::serialize(meta), pdf, op);
            return;
        }
        if (op == ATS_OP_APPLICATIONS_CREATE) {
            std::string job = str(args, "job_id"), cand = str(args, "candidate_id");
            find(jobs_, job, "job");
            find(candidates_, cand, "candidate");
            std::lock_guard<std::mutex> lock(mu_);
            std::string id = "a" + std::to_string(records_ + static_cast<int>(++created_));
            applications_[id] = make_application(id, job, cand, 0);
            return emit(sink, applications_[id]);
        }
        if (op == ATS_OP_APPLICATIONS_MOVE_TO_STAGE) {
            std::string stage = str(args, "stage");
            int index = -1;
            for (int i = 0; i < 4; ++i)
                if (stage == kStages[i] || stage == "s" + std::to_string(i + 1)) index = i;
            if (index < 0)
                throw Error(ATS_ERR_INVALID_ARGUMENT, "applications.move_to_stage: unknown stage \"" + stage + "\"");
            return emit(sink, update(str(args, "application_id"), [&](json::object &a) {
                            a["current_stage"] =
                                json::object{{"id", "s" + std::to_string(index + 1)}, {"name", kStages[index]}};
                            a["outcome"] = index == 3 ? "HIRED" : "PENDING";
                        }));
        }
        if (op == ATS_OP_APPLICATIONS_REJECT) return emit(sink, reject(str(args, "application_id")));
        if (op == ATS_OP_APPLICATIONS_BULK_REJECT) {
            auto *ids = args.if_contains("application_ids");
            if (!ids || !ids->is_array())
                throw Error(ATS_ERR_INVALID_ARGUMENT, "applications.bulk_reject: application_ids must be an array");
            json::array results;
            for (const auto &id : ids->as_array()) {
                std::string s = id.is_string() ? std::string(id.as_string()) : "";
                try {
                    results.push_back(json::object{{"application_id", s}, {"ok", true}, {"application", reject(s)}});
                } catch (const Error &e) {
                    results.push_back(
                        json::object{{"application_id", s},
                                     {"ok", false},
                                     {"error", {{"code", e.code()}, {"message", e.what()}, {"retryable", false}}}});
                }
            }
            return emit(sink, json::object{{"results", results}});
        }
        if (op == ATS_OP_REJECTION_REASONS_LIST) {
            json::array reasons{json::object{{"id", "r1"}, {"name", "Not a fit"}},
                                json::object{{"id", "r2"}, {"name", "Withdrew"}}};
            for (auto &r : reasons) ats::shared::kombo::complete_rejection_reason(r.as_object());
            return emit(sink, json::object{{"results", reasons}});
        }
        if (op == ATS_OP_STAGES_LIST) {
            json::array stages;
            for (int i = 0; i < 4; ++i) {
                json::object stage{{"id", "s" + std::to_string(i + 1)}, {"name", kStages[i]}, {"index", i}};
                ats::shared::kombo::complete_stage(stage);
                stages.push_back(std::move(stage));
            }
            return emit(sink, json::object{{"results", stages}});
        }
        if (op == ATS_OP_APPLICATION_NOTES_ADD || op == ATS_OP_CANDIDATE_NOTES_ADD) {
            std::string key = owner_key(op, args);
            std::string content = str(args, "content");
            std::lock_guard<std::mutex> lock(mu_);
            json::object note{{"id", "n" + std::to_string(++note_counter_)},
                              {"remote_id", "n" + std::to_string(note_counter_)},
                              {"content", content},
                              {"content_type", "PLAIN_TEXT"},
                              {"remote_created_at", iso_day(27)}};
            notes_[key].push_back(note);
            return emit(sink, note);
        }
        if (op == ATS_OP_APPLICATION_NOTES_LIST || op == ATS_OP_CANDIDATE_NOTES_LIST) {
            std::string key = owner_key(op, args);
            std::lock_guard<std::mutex> lock(mu_);
            return emit(sink, json::object{{"results", notes_[key]}});
        }
        if (op == ATS_OP_APPLICATION_ATTACHMENTS_ADD || op == ATS_OP_CANDIDATE_ATTACHMENTS_ADD) {
            std::string key = owner_key(op, args);
            std::string data = ats::shared::base64_decode(str(args, "data_base64"), "data_base64");
            std::string type = opt(args, "type").empty() ? "OTHER" : opt(args, "type");
            std::string content_type =
                opt(args, "content_type").empty() ? "application/octet-stream" : opt(args, "content_type");
            std::lock_guard<std::mutex> lock(mu_);
            std::string id = "f" + std::to_string(++file_counter_);
            json::object att{{"id", id},
                             {"remote_id", id},
                             {"file_name", str(args, "file_name")},
                             {"content_type", content_type},
                             {"type", type},
                             {op == ATS_OP_APPLICATION_ATTACHMENTS_ADD ? "application_id" : "candidate_id",
                              key.substr(key.find('/') + 1)}};
            ats::shared::kombo::complete_attachment(att);
            attachments_[key].push_back(att);
            files_[id] = data;
            return emit(sink, att);
        }
        if (op == ATS_OP_APPLICATION_ATTACHMENTS_LIST || op == ATS_OP_CANDIDATE_ATTACHMENTS_LIST) {
            std::string key = owner_key(op, args);
            std::lock_guard<std::mutex> lock(mu_);
            return emit(sink, json::object{{"results", attachments_[key]}});
        }
        if (op == ATS_OP_APPLICATION_ATTACHMENTS_GET || op == ATS_OP_CANDIDATE_ATTACHMENTS_GET) {
            std::string key = owner_key(op, args), id = str(args, "attachment_id");
            std::lock_guard<std::mutex> lock(mu_);
            for (const auto &a : attachments_[key]) {
                if (a.as_object().at("id").as_string() != id) continue;
                const std::string &data = files_[id];
                json::object meta{{"file_name", a.as_object().at("file_name")},
                                  {"content_type", a.as_object().at("content_type")},
                                  {"size", data.size()}};
                sink.blob(json::serialize(meta), data, op);
                return;
            }
            throw Error(ATS_ERR_NOT_FOUND, op + ": no attachment " + id + " on " + key);
        }
        if (op == ATS_OP_CUSTOM_FIELDS_GET || op == ATS_OP_CUSTOM_FIELDS_SET) {
            std::string type = str(args, "record_type"), id = str(args, "record_id");
            if (type != "candidate" && type != "job" && type != "application")
                throw Error(ATS_ERR_INVALID_ARGUMENT, op + ": record_type must be candidate, job or application");
            std::lock_guard<std::mutex> lock(mu_);
            auto &fields = custom_fields_[type + "/" + id];
            if (op == ATS_OP_CUSTOM_FIELDS_SET) {
                auto *values = args.if_contains("values");
                if (!values || !values->is_object())
                    throw Error(ATS_ERR_INVALID_ARGUMENT, op + ": values must be an object");
                for (const auto &kv : values->as_object()) fields[kv.key()] = kv.value();
            }
            json::array results;
            for (const auto &kv : fields) results.push_back(json::object{{"name", kv.key()}, {"value", kv.value()}});
            return emit(sink, json::object{{"results", results}});
        }
        if (op == ATS_OP_SYNC) {
            bool full = args.contains("full") && args.at("full").is_bool() && args.at("full").as_bool();
            for (int waited = 0; waited < sync_delay_ms_; waited += 10) {
                call.throw_if_cancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            int n = ++sync_runs_;
            return emit(sink, json::object{{"tenant", tenant_}, {"mode", full ? "full" : "incremental"}, {"run", n}});
        }
        throw Error(ATS_ERR_NOT_SUPPORTED, op + " is not an operation of provider " PROBE_PROVIDER);
    }

private:
    static json::object base(const std::string &id, int day) {
        return json::object{{"id", id},
                            {"remote_id", "remote-" + id},
                            {"remote_updated_at", iso_day(day)},
                            {"changed_at", iso_day(day)},
                            {"custom_fields", json::object{}},
                            {"remote_ids", json::object{{"probe", PROBE_VERSION}}}};
    }
    json::object make_job(int i) {
        auto j = base("j" + std::to_string(i), i);
        j["name"] = "Probe job " + std::to_string(i);
        j["status"] = i == 3 ? "CLOSED" : "OPEN";
        ats::shared::kombo::complete_job(j);
        return j;
    }
    json::object make_candidate(int i) {
        auto c = base("c" + std::to_string(i), i);
        c["first_name"] = "Pat" + std::to_string(i);
        c["last_name"] = "Probe" + std::to_string(i);
        c["email_addresses"] =
            json::array{json::object{{"email_address", "pat" + std::to_string(i) + "@probe.example"}}};
        c["phone_numbers"] = json::array{};
        ats::shared::kombo::complete_candidate(c);
        return c;
    }
    json::object make_application(const std::string &id, const std::string &job, const std::string &cand, int i) {
        auto a = base(id, i);
        a["outcome"] = "PENDING";
        a["rejection_reason_name"] = nullptr;
        a["rejected_at"] = nullptr;
        a["current_stage"] = json::object{{"id", "s1"}, {"name", kStages[0]}};
        a["job_id"] = job;
        a["candidate_id"] = cand;
        a["remote_created_at"] = iso_day(i);
        ats::shared::kombo::complete_application(a);
        return a;
    }
    static std::string str(const json::object &args, const char *name) {
        auto *v = args.if_contains(name);
        if (!v || !v->is_string() || v->as_string().empty())
            throw Error(ATS_ERR_INVALID_ARGUMENT, std::string("argument \"") + name + "\" must be a non-empty string");
        return std::string(v->as_string());
    }
    static std::string opt(const json::object &args, const char *name) {
        auto *v = args.if_contains(name);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    }
    std::string owner_key(const std::string &op, const json::object &args) {
        bool app = op.rfind("applications.", 0) == 0;
        std::string id = str(args, app ? "application_id" : "candidate_id");
        find(app ? applications_ : candidates_, id, app ? "application" : "candidate");
        return (app ? "application/" : "candidate/") + id;
    }
    json::object find(std::map<std::string, json::object> &m, const std::string &id, const char *what) {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = m.find(id);
        if (it == m.end()) throw Error(ATS_ERR_NOT_FOUND, std::string("no ") + what + " " + id);
        return it->second;
    }
    std::vector<json::object> snapshot(const std::map<std::string, json::object> &m) {
        std::lock_guard<std::mutex> lock(mu_);
        std::vector<json::object> out;
        for (const auto &kv : m) out.push_back(kv.second);
        return out;
    }
    template <class Fn>
    json::object update(const std::string &id, Fn fn) {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = applications_.find(id);
        if (it == applications_.end()) throw Error(ATS_ERR_NOT_FOUND, "no application " + id);
        fn(it->second);
        it->second["changed_at"] = iso_day(27);
        it->second.erase("current_stage_id"); // derived again from the new stage
        ats::shared::kombo::complete_application(it->second);
        return it->second;
    }
    json::object reject(const std::string &id) {
        return update(id, [](json::object &a) {
            a["outcome"] = "DECLINED";
            a["rejected_at"] = iso_day(27);
        });
    }
    void emit(ats::sdk::Sink &sink, const json::object &o) { sink.record(json::serialize(o)); }
    void stream(ats::sdk::Call &call, ats::sdk::Sink &sink, const std::vector<json::object> &records,
                const json::object &args, const char *filter_arg, const char *filter_field) {
        std::string updated_after = opt(args, "updated_after");
        const json::array *filter = nullptr;
        if (*filter_arg)
            if (auto *f = args.if_contains(filter_arg); f && f->is_array()) filter = &f->as_array();
        for (const auto &r : records) {
            if (!updated_after.empty() && std::string(r.at("changed_at").as_string()) <= updated_after) continue;
            if (filter) {
                bool keep = false;
                for (const auto &f : *filter) keep = keep || f == r.at(filter_field);
                if (!keep) continue;
            }
            if (stream_delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(stream_delay_ms_));
            call.throw_if_cancelled();
            if (!sink.record(json::serialize(r))) return;
        }
    }

    ats::sdk::Host host_;
    std::string tenant_;
    int records_ = 12, stream_delay_ms_ = 0, sync_delay_ms_ = 0, read_delay_ms_ = 0;
    bool check_ok_ = true;
    std::mutex mu_;
    std::map<std::string, json::object> jobs_, candidates_, applications_;
    std::map<std::string, json::array> notes_, attachments_;
    std::map<std::string, std::string> files_;
    std::map<std::string, json::object> custom_fields_;
    std::atomic<int> sync_runs_{0};
    int created_ = 0, note_counter_ = 0, file_counter_ = 0;
};

} // namespace

ATS_EXPORT_PLUGIN(ProbeProvider)
