#include "sync/commit_log.hpp"

namespace ats::tracker_workable {

void CommitLog::add(StateOps &&ops) {
    std::lock_guard<std::mutex> g(mu_);
    for (auto &op : ops) pending_.push_back(std::move(op));
    if (++units_ >= kUnitsPerCommit) flush_locked();
}

void CommitLog::flush() {
    std::lock_guard<std::mutex> g(mu_);
    flush_locked();
}

void CommitLog::flush_locked() {
    if (pending_.empty()) return;
    ats::sdk::Host::Batch b;
    for (auto &op : pending_) {
        if (op.put && op.secret)
            b.put_secret(std::move(op.key), std::move(op.value));
        else if (op.put)
            b.put(std::move(op.key), std::move(op.value));
        else
            b.erase(std::move(op.key));
    }
    pending_.clear();
    units_ = 0;
    state_.apply(b);
}

} // namespace ats::tracker_workable
