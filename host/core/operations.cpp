#include "operations.hpp"

namespace ats::host {

const std::vector<Operation> &operations() {
#define ATS_HOST_OPERATION_ROW(name, shape) Operation{name, shape},
    static const std::vector<Operation> table = {ATS_OPERATIONS(ATS_HOST_OPERATION_ROW)};
#undef ATS_HOST_OPERATION_ROW
    return table;
}

const Operation *find_operation(std::string_view name) {
    for (const auto &op : operations())
        if (name == op.name) return &op;
    return nullptr;
}

const std::vector<std::string> &known_operations() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto &op : operations()) out.emplace_back(op.name);
        return out;
    }();
    return names;
}

bool is_blob_operation(std::string_view name) {
    const Operation *op = find_operation(name);
    return op && op->shape == ATS_RESULT_BLOB;
}

const char *shape_name(ats_result_shape_t shape) {
    switch (shape) {
    case ATS_RESULT_RECORD: return "record";
    case ATS_RESULT_STREAM: return "stream";
    case ATS_RESULT_BLOB: return "blob";
    }
    return "unknown";
}

std::optional<std::string> not_supported(const std::string &provider, const Capability &capability) {
    if (capability.support != ATS_NOT_SUPPORTED) return std::nullopt;
    return capability.operation + " is not supported by provider '" + provider +
           "': " + (capability.reason.empty() ? "no reason given" : capability.reason);
}

std::optional<std::string> dry_run_not_supported(const std::string &provider, uint32_t plugin_abi_minor) {
    if (plugin_abi_minor >= 2) return std::nullopt;
    return "sync with dry_run is not supported by provider '" + provider + "': its plugin (ABI 1." +
           std::to_string(plugin_abi_minor) + ") predates dry runs (ABI 1.2) and would ignore dry_run and write";
}

} // namespace ats::host
