#include "provider/application_position.hpp"

#include "ats_plugin.hpp"

#include <boost/json.hpp>

namespace bj = boost::json;

namespace ats::tracker_workable {

namespace {
// Names the stream in every position, so a position of another stream is refused.
constexpr const char *kStream = "tracker_workable/applications";
constexpr size_t kPendingPrefixes = 2;
} // namespace

std::optional<ApplicationPosition> ApplicationPosition::from_args(const bj::object &args,
                                                                  const std::string &operation) {
    const bj::value *v = args.if_contains("resume_after");
    if (!v) return std::nullopt;
    auto bad = [&] {
        return ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT,
                               operation + " argument 'resume_after': is not a position this stream reported");
    };
    if (!v->is_string()) throw bad();
    boost::system::error_code ec;
    bj::value parsed = bj::parse(v->get_string(), ec);
    const bj::object *o = ec ? nullptr : parsed.if_object();
    if (!o) throw bad();
    const bj::value *stream = o->if_contains("stream");
    if (!stream || !stream->is_string() || stream->get_string() != kStream) throw bad();
    ApplicationPosition pos;
    if (const bj::value *w = o->if_contains("warning")) {
        if (!w->is_string()) throw bad();
        pos.warning = std::string(w->get_string());
    }
    if (const bj::value *t = o->if_contains("tracker")) {
        if (!t->is_string() || o->contains("pending")) throw bad();
        pos.tracker_position = std::string(t->get_string());
        return pos;
    }
    const bj::value *prefix = o->if_contains("pending");
    const bj::value *key = o->if_contains("key");
    if (!prefix || !prefix->is_int64() || prefix->get_int64() < 0 ||
        prefix->get_int64() >= static_cast<int64_t>(kPendingPrefixes) || !key || !key->is_string())
        throw bad();
    pos.pending_prefix = static_cast<size_t>(prefix->get_int64());
    pos.last_key = std::string(key->get_string());
    return pos;
}

std::string ApplicationPosition::text() const {
    bj::object o{{"stream", kStream}};
    if (!warning.empty()) o["warning"] = warning;
    if (pending_prefix) {
        o["pending"] = static_cast<int64_t>(*pending_prefix);
        o["key"] = last_key;
    } else {
        o["tracker"] = tracker_position;
    }
    return bj::serialize(o);
}

} // namespace ats::tracker_workable
