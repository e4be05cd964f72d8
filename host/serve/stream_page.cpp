#include "stream_page.hpp"

#include "api_error.hpp"

namespace ats::serve {
namespace json = boost::json;

namespace {

size_t offset_of(const std::string &cursor) {
    if (cursor.empty()) return 0;
    if (cursor.size() > 9 || cursor.find_first_not_of("0123456789") != std::string::npos)
        throw BadCursor("the cursor \"" + cursor.substr(0, 40) + "\" was not issued by this service");
    return std::stoul(cursor);
}

class PageCollector final : public RecordConsumer {
public:
    PageCollector(size_t offset, size_t limit, const RecordFilter &keep, StreamPage &page)
        : offset_(offset), limit_(limit), keep_(keep), page_(page) {}
    bool on_record(std::string_view text) override {
        boost::system::error_code ec;
        json::value v = json::parse(text, ec);
        if (ec || !v.is_object()) {
            bad_record = true;
            return false;
        }
        json::object &record = v.as_object();
        if (auto *type = record.if_contains("_type")) { // a control record: not a result
            if (*type == "error") {
                record.erase("_type");
                page_.warnings.push_back(std::move(record));
            }
            return true;
        }
        if (keep_ && !keep_(record)) return true;
        if (kept_++ < offset_) return true;
        if (page_.records.size() == limit_) {
            more = true;
            return false; // one past the page: enough to know there is a next one
        }
        page_.records.push_back(std::move(record));
        return true;
    }
    bool on_blob(std::string_view, std::string_view) override { return false; }
    bool more = false, bad_record = false;

private:
    size_t offset_, limit_;
    const RecordFilter &keep_;
    StreamPage &page_;
    size_t kept_ = 0;
};

}  // namespace

StreamPage read_stream_page(TenantRuntime &runtime, const std::string &operation, const std::string &args_json,
                            const CallContext &ctx, const std::string &cursor, size_t page_size, const RecordFilter &keep) {
    size_t offset = offset_of(cursor);
    StreamPage page;
    PageCollector collector(offset, page_size, keep, page);
    page.outcome = runtime.invoke(operation, args_json, ctx, collector);
    if (collector.bad_record) throw ApiError(502, "invalid_provider_output", operation + " produced a record that is not a JSON object");
    if (collector.more) page.next_cursor = std::to_string(offset + page.records.size());
    return page;
}

}  // namespace ats::serve
