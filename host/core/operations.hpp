// operations.hpp - the host's view of the operation table (ATS_OPERATIONS, plugin_api/ats_operations.h)
// and the one decision whether the host calls a provider for an operation at all.
//
// Everything in the host that enumerates operations or asks for a result shape comes from here,
// so a new operation is one line in the table, not an edit in each place that lists them.
#pragma once

#include "ats_operations.h"
#include "ats_plugin.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ats::host {

struct Operation {
    const char *name;         // ATS_OP_*
    ats_result_shape_t shape; // how it answers through the sink
};

// Every operation of the table, in the table's order (the host's minor).
const std::vector<Operation> &operations();
// The table's entry for `name`, or nullptr for a name the host does not know.
const Operation *find_operation(std::string_view name);
// Every operation name of the table, in order.
const std::vector<std::string> &known_operations();
// True for the operations that answer with a file (sink.blob) rather than records.
bool is_blob_operation(std::string_view name);
// "record", "stream" or "blob".
const char *shape_name(ats_result_shape_t shape);

// What a provider's capability matrix says about one operation.
struct Capability {
    std::string operation;
    int32_t support = ATS_NOT_SUPPORTED; // ATS_SUPPORTED / ATS_LIMITED / ATS_NOT_SUPPORTED
    std::string reason;
};

// The one answer to "is this operation not supported?": the refusal's message (naming the
// operation, the provider and the matrix's reason) when the host must not call the provider for
// it, std::nullopt when it may. Every caller turns the message into its own channel's
// not-supported error (ATS_ERR_NOT_SUPPORTED, exit 4, HTTP 501 "not_supported").
std::optional<std::string> not_supported(const std::string &provider, const Capability &capability);

// The same answer for sync's "dry_run": it arrived with ABI 1.2, and a plugin built for an older
// minor would ignore it and run a REAL sync, so the host never asks such a plugin for a dry run.
std::optional<std::string> dry_run_not_supported(const std::string &provider, uint32_t plugin_abi_minor);

} // namespace ats::host
