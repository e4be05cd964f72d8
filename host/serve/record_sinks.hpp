// record_sinks.hpp - where the results of a call that answers with ONE record go (a single
// record operation, a sync's summary or plan, a readiness check): the host::InvokeSink that keeps
// it. Streams and blobs have sinks of their own where they are written out.
#pragma once

#include "tenant.hpp"

#include <string>

namespace ats::serve {

// Keeps the first record; later ones are ignored (a provider sends one). Takes no blobs.
struct SingleRecord {
    std::string record;
    bool got = false;

    ats::host::InvokeSink sink() {
        ats::host::InvokeSink s;
        s.on_record = [this](std::string_view json_text) {
            if (!got) record.assign(json_text);
            got = true;
            return true;
        };
        return s;
    }
};

} // namespace ats::serve
