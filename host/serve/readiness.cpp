#include "readiness.hpp"

#include "ats_plugin.h"
#include "event_log.hpp"
#include "serve_state.hpp"

#include <boost/json.hpp>

namespace ats::serve {

namespace {
class DiscardConsumer final : public RecordConsumer {
public:
    bool on_record(std::string_view) override { return true; }
    bool on_blob(std::string_view, std::string_view) override { return true; }
};
}  // namespace

Readiness::Readiness(ServeState &state, EventLog &log, std::chrono::seconds interval)
    : state_(state), log_(log), interval_(interval) {}

Readiness::~Readiness() { stop(); }

void Readiness::start() { thread_ = std::thread([this] { loop(); }); }

void Readiness::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Readiness::loop() {
    uint64_t checked_generation = 0;
    auto last_round = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        auto generation = state_.generation();
        bool due = generation != checked_generation || std::chrono::steady_clock::now() - last_round >= interval_;
        if (due) {
            lock.unlock();
            auto catalog = state_.catalog();
            std::map<std::string, Check> fresh;
            for (const auto &tenant : catalog ? catalog->tenant_ids() : std::vector<std::string>{}) {
                Check c;
                c.generation = generation;
                auto runtime = catalog->tenant(tenant);
                if (!runtime) {
                    c.error = "no provider instance";
                } else {
                    c.provider = runtime->provider();
                    CallContext ctx{"readyz-" + tenant, [this] {
                                        std::lock_guard<std::mutex> l(mutex_);
                                        return stopping_;
                                    }};
                    DiscardConsumer discard;
                    InvokeOutcome outcome;
                    try {
                        outcome = runtime->invoke(ATS_OP_CHECK, "{}", ctx, discard);
                    } catch (const std::exception &e) {
                        outcome = {ATS_ERR_INTERNAL, e.what(), false};
                    }
                    c.ok = outcome.code == ATS_OK;
                    c.error = outcome.message;
                    if (!c.ok) log_.event("check_failed", {{"tenant", tenant}, {"provider", c.provider}, {"error", c.error}});
                }
                c.at = utc_now_iso8601();
                fresh[tenant] = c;
            }
            lock.lock();
            checks_ = std::move(fresh);
            checked_generation = generation;
            last_round = std::chrono::steady_clock::now();
        }
        wake_.wait_for(lock, std::chrono::milliseconds(100));  // notices a new generation quickly
    }
}

boost::json::object Readiness::report() const {
    auto catalog = state_.catalog();
    auto generation = state_.generation();
    boost::json::array tenants;
    bool ready = catalog != nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto &tenant : catalog ? catalog->tenant_ids() : std::vector<std::string>{}) {
        auto runtime = catalog->tenant(tenant);
        boost::json::object t{{"tenant_id", tenant}, {"loaded", runtime != nullptr}};
        t["provider"] = runtime ? boost::json::value(runtime->provider()) : boost::json::value(nullptr);
        auto it = checks_.find(tenant);
        if (it == checks_.end() || it->second.generation != generation) {
            t["check"] = nullptr;  // not checked yet under this configuration
            ready = false;
        } else {
            t["check"] = boost::json::object{{"ok", it->second.ok}, {"at", it->second.at},
                                             {"error", it->second.ok ? boost::json::value(nullptr)
                                                                     : boost::json::value(it->second.error)}};
            ready = ready && it->second.ok;
        }
        if (!runtime) ready = false;
        tenants.push_back(std::move(t));
    }
    boost::json::array problems;
    if (catalog)
        for (const auto &p : catalog->problems()) problems.push_back(boost::json::value(p));
    return {{"ready", ready}, {"generation", generation}, {"tenants", std::move(tenants)},
            {"problems", std::move(problems)}};
}

}  // namespace ats::serve
