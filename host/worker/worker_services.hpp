// worker_services.hpp - the plugin side of the proxied host services: an ats_host_services_t
// whose every function sends a w_service frame to the host and (except log) waits for the reply.
#pragma once

#include "wire.hpp"

#include "ats_plugin.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

namespace ats::worker {

// Routes service replies to the plugin threads waiting for them.
class ServiceClient {
public:
    explicit ServiceClient(wire::Channel &channel) : channel_(channel) {}
    // Sends a request built by `fill` and waits for its reply. Throws std::runtime_error when the
    // host is gone (the worker then exits anyway).
    template <class Fill>
    wire::In request(wire::Service service, uint64_t call_id, Fill fill) {
        uint64_t id = next_id();
        wire::Out out(wire::Type::w_service, id);
        out.u64(call_id).u32(static_cast<uint32_t>(service));
        fill(out);
        return wait(id, out);
    }
    // Fire and forget (log lines).
    template <class Fill>
    void notify(wire::Service service, uint64_t call_id, Fill fill) {
        wire::Out out(wire::Type::w_service, 0);
        out.u64(call_id).u32(static_cast<uint32_t>(service));
        fill(out);
        channel_.send(out);
    }
    // Called by the reader thread for every h_service_reply.
    void deliver(wire::In reply);
    // The host is gone: wake every waiter (they fail).
    void fail_all();
    // Runs before a request waits for its reply (set once, before the first request).
    std::function<void()> before_wait;
    // Answered here without a round trip (h_create carries them; set before create() runs).
    int64_t fixed_now_ms = -1; // -1: the system clock
    int32_t max_concurrency = 1;

private:
    struct Slot {
        bool done = false;
        wire::In reply;
    };
    uint64_t next_id();
    wire::In wait(uint64_t id, wire::Out &out);
    wire::Channel &channel_;
    std::mutex mu_;
    std::condition_variable cv_;
    uint64_t next_ = 0;
    bool failed_ = false;
    std::map<uint64_t, Slot> slots_;
};

// The call id a worker-side ats_call_t stands for (0 for NULL or a foreign pointer).
uint64_t call_id_of(const ats_call_t *call);
int32_t worker_is_cancelled(void *call_data);

// The table handed to the plugin's create(); host_data is the ServiceClient.
ats_host_services_t make_proxy_services(ServiceClient &client);

} // namespace ats::worker
