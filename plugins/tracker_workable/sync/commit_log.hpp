// commit_log.hpp - durable writes of finished work, grouped into few transactions.
//
// Each transaction of the host's state store is an fsync (~1.4 ms), so one per application would
// cost more than the Tracker writes themselves. Grouping is safe because every Tracker write of a
// batch has its write intent recorded BEFORE the write: whatever is written to Tracker but not yet
// committed here is found again by read-back after a crash.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "sync/sync_state.hpp"

namespace ats::tracker_workable {

struct StateOp {
    bool put;
    std::string key, value;
    bool secret = false; // put: the value holds personal data, stored sealed by the host
};
using StateOps = std::vector<StateOp>;

class CommitLog {
public:
    explicit CommitLog(const SyncState &state) : state_(state) {}
    // Ops of one finished unit of work; flushed with others (or at the end of the batch).
    void add(StateOps &&ops);
    void flush();

private:
    static constexpr int kUnitsPerCommit = 100;
    void flush_locked();
    const SyncState &state_;
    std::mutex mu_;
    StateOps pending_;
    int units_ = 0;
};

} // namespace ats::tracker_workable
