// worker_call.hpp - one invoke() running in the worker: its id, the cancellation flag the host
// sets, and the flow-control window for records sent but not yet consumed by the host.
#pragma once

#include "wire.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ats::worker {

struct WorkerCall {
    uint64_t id = 0;
    std::atomic<bool> cancelled{false};
    std::mutex mu;
    std::condition_variable cv;
    uint64_t sent = 0, consumed = 0;             // results
    uint64_t sent_bytes = 0, consumed_bytes = 0; // their payload bytes (json, or meta + data)
    bool stop = false;                           // the host's consumer wants no more
    bool stop_reported = false;                  // the plugin was told ATS_SINK_STOP once
    bool last_dropped = false;                   // the last result was refused unsent: no position follows it
    uint64_t max_results = 0;                    // the host takes no more (0 = no limit): STOP right after it
    uint64_t results = 0;                        // results queued, control records not counted
    // Results not yet written, as one w_batch frame: sent when large, when the plugin must wait
    // for credit, when invoke returns (with w_done), or by the flusher after about 1 ms.
    wire::Batch pending;
    std::chrono::steady_clock::time_point first_pending{};
    std::mutex send_mu; // keeps this call's batches in order
};

} // namespace ats::worker
