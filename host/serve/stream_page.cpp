#include "stream_page.hpp"

#include "api_error.hpp"
#include "record_text.hpp"
#include "ats_plugin.h"

#include <boost/json.hpp>

namespace ats::serve {
namespace json = boost::json;

namespace {

// Collects one page and stops AT its last result: reading one more to learn whether another page
// exists could cost an upstream request. So a page that ends exactly where the stream ends is
// followed by one empty page.
class PageConsumer final {
public:
    PageConsumer(uint64_t skip, size_t limit) : skip_(skip), limit_(limit) {}

    // Asks for positions (to resume the next page from), takes no blobs.
    ats::host::InvokeSink sink() {
        ats::host::InvokeSink s;
        s.on_record = [this](std::string_view json_text) { return on_record(json_text); };
        s.on_position = [this](std::string_view position) {
            position_.assign(position);
            position_at_ = seen_;
        };
        return s;
    }
    bool on_record(std::string_view json_text) {
        json::object control;
        if (is_control_record(json_text, control)) {
            if (control.at("_type") == "error") {
                control.erase("_type");
                warnings.push_back(json::serialize(control));
            }
            return true;
        }
        ++seen_;
        if (seen_ <= skip_) return true;
        if (records.size() == limit_) return false; // a plugin that ignored STOP
        records.push_back(one_line(json_text));
        return records.size() < limit_;
    }
    uint64_t max_results() const { return skip_ + limit_; }

    // The provider's position after the page's last result, if it reported one.
    std::optional<std::string> position_after_page() const {
        if (records.empty() || position_at_ != skip_ + records.size()) return std::nullopt;
        return position_;
    }
    bool page_full() const { return records.size() == limit_; }

    std::vector<std::string> records, warnings;

private:
    uint64_t skip_;
    size_t limit_;
    uint64_t seen_ = 0;        // results received (skipped ones included)
    uint64_t position_at_ = 0; // results received when position_ was reported
    std::string position_;
};

ApiError bad_cursor(const std::string &why) {
    return ApiError(400, "invalid_argument", "query parameter cursor " + why);
}

} // namespace

CursorCodec cursor_codec_for(const ats::host::Tenant &tenant) {
    return CursorCodec(tenant.derived_key("serve page cursor v1"));
}

StreamPage read_stream_page(ats::host::Tenant &tenant, const StreamPageRequest &request,
                            ats::host::CallOptions options) {
    const CursorCodec codec = cursor_codec_for(tenant);
    const std::string scope = CursorCodec::scope_of(tenant.id(), request.operation, request.args_json);
    PageCursor from;
    std::string args = request.args_json;
    if (!request.cursor.empty()) {
        auto decoded = codec.decode(scope, request.cursor);
        if (!decoded)
            throw bad_cursor("is not a cursor of this query: pass next_cursor of the previous page unchanged, with the "
                             "same route and filters");
        from = *decoded;
        if (from.position) {
            // A reload may have replaced the provider by one that cannot resume (ABI < 1.3).
            if (tenant.plugin()->abi_version().minor < 3)
                throw bad_cursor("can no longer be followed: the tenant's provider was replaced by one that does not "
                                 "resume streams; start over");
            boost::system::error_code ec;
            auto v = json::parse(args, ec);
            if (ec || !v.is_object()) throw bad_cursor("cannot be applied to these arguments");
            v.as_object()["resume_after"] = *from.position;
            args = json::serialize(v);
        }
    }
    PageConsumer consumer(from.position ? 0 : from.offset, request.limit);
    StreamPage page;
    options.max_results = consumer.max_results();
    page.result = tenant.invoke(request.operation, args, consumer.sink(), options);
    page.resumed = from.position.has_value();
    if (page.result.status == ATS_ERR_INVALID_ARGUMENT && from.position &&
        page.result.message.find("resume_after") != std::string::npos)
        throw bad_cursor("can no longer be followed (" + page.result.message + "); start over");
    if (!consumer.page_full() || page.result.status != ATS_OK) {
        // the stream ended within the page (or failed: the caller reports that)
    } else if (auto position = consumer.position_after_page())
        page.next_cursor = codec.encode(scope, PageCursor{std::move(*position), 0});
    else if (from.position) // positions for every result or none (ats_plugin.h)
        throw ApiError(502, "invalid_provider_output",
                       request.operation + " resumed from a position but reported none after it");
    else
        page.next_cursor = codec.encode(scope, PageCursor{std::nullopt, from.offset + consumer.records.size()});
    page.records = std::move(consumer.records);
    page.warnings = std::move(consumer.warnings);
    return page;
}

} // namespace ats::serve
