#include "ats/tracker/stream_position.hpp"
#include "ats/tracker/client.hpp"

#include <ats_plugin.hpp>
#include <boost/json.hpp>

#include <algorithm>

namespace ats::tracker {

namespace bj = boost::json;

namespace {
// Tracker's timestamp text (A8): "YYYY-MM-DD HH:MM:SS".
bool is_local_timestamp(std::string_view s) {
    if (s.size() != 19) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool digit = c >= '0' && c <= '9';
        if (i == 4 || i == 7) {
            if (c != '-') return false;
        } else if (i == 10) {
            if (c != ' ') return false;
        } else if (i == 13 || i == 16) {
            if (c != ':') return false;
        } else if (!digit)
            return false;
    }
    return true;
}
} // namespace

std::optional<StreamPosition> StreamPosition::from_args(const bj::object &args, const std::string &operation,
                                                        const std::string &listing) {
    const bj::value *v = args.if_contains("resume_after");
    if (!v) return std::nullopt;
    auto bad = [&](const std::string &why) {
        return ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT, operation + " argument 'resume_after': " + why);
    };
    if (!v->is_string()) throw bad("must be a position this stream reported (a string)");
    boost::system::error_code ec;
    bj::value doc = bj::parse(v->get_string(), ec);
    const bj::object *o = !ec ? doc.if_object() : nullptr;
    if (!o) throw bad("is not a position this stream reported");
    const bj::value *ver = o->if_contains("v"), *kind = o->if_contains("k"), *w = o->if_contains("w"),
                    *ids = o->if_contains("ids"), *part = o->if_contains("j");
    if (!ver || !ver->is_int64() || ver->get_int64() != 1 || !kind || !kind->is_string() || !w || !w->is_string() ||
        !ids || !ids->is_array() || !part || !part->is_int64() || part->get_int64() < 0)
        throw bad("is not a position this stream reported");
    if (kind->get_string() != listing) throw bad("is a position of another stream");
    StreamPosition p(listing);
    p.watermark_ = std::string(w->get_string());
    if (!p.watermark_.empty() && !is_local_timestamp(p.watermark_)) throw bad("holds a malformed timestamp");
    for (const auto &id : ids->get_array()) {
        if (!id.is_int64() || id.get_int64() <= 0) throw bad("holds a malformed record id");
        p.ids_.push_back(id.get_int64());
    }
    if (p.watermark_.empty() != p.ids_.empty()) throw bad("is inconsistent");
    p.part_ = static_cast<size_t>(part->get_int64());
    return p;
}

bool StreamPosition::delivered(const std::string &last_updated, int64_t id) const {
    if (watermark_.empty()) return false;
    if (last_updated < watermark_) return true; // only reachable in the autumn overlap hour
    return last_updated == watermark_ && std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

void StreamPosition::advance(const std::string &last_updated, int64_t id) {
    if (last_updated != watermark_) {
        watermark_ = last_updated;
        ids_.clear();
    }
    ids_.push_back(id);
}

std::optional<ResumeFrom> StreamPosition::resume_from() const {
    if (watermark_.empty()) return std::nullopt;
    return ResumeFrom{watermark_, ids_.size()};
}

void StreamPosition::next_part() {
    ++part_;
    watermark_.clear();
    ids_.clear();
}

std::string StreamPosition::text() const {
    std::string out = "{\"v\":1,\"k\":\"" + listing_ + "\",\"j\":" + std::to_string(part_) + ",\"w\":\"" + watermark_ +
                      "\",\"ids\":[";
    for (size_t i = 0; i < ids_.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(ids_[i]);
    }
    out += "]}";
    return out;
}

} // namespace ats::tracker
