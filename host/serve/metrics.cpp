#include "metrics.hpp"

#include <cmath>
#include <sstream>

namespace ats::serve {

Metrics::Metrics() : buckets_{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30} {}

void Metrics::describe(const std::string &name, const std::string &help, const std::string &type) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto &f = families_[name];
    f.help = help;
    f.type = type;
}

std::string Metrics::render_labels(const Labels &labels, const std::string &extra) {
    if (labels.empty() && extra.empty()) return {};
    std::string out = "{";
    bool first = true;
    for (const auto &[k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k + "=\"";
        for (char c : v) { // escaping per the text format: backslash, quote, newline
            if (c == '\\')
                out += "\\\\";
            else if (c == '"')
                out += "\\\"";
            else if (c == '\n')
                out += "\\n";
            else
                out += c;
        }
        out += '"';
    }
    if (!extra.empty()) {
        if (!first) out += ',';
        out += extra;
    }
    return out + "}";
}

// The label text is built before taking the lock: every request records four metrics, and
// handlers on several threads queued on the lock while one of them built strings inside it.
void Metrics::add(const std::string &name, const Labels &labels, double delta) {
    std::string key = render_labels(labels);
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].values[key] += delta;
}

void Metrics::set(const std::string &name, const Labels &labels, double value) {
    std::string key = render_labels(labels);
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].values[key] = value;
}

void Metrics::observe(const std::string &name, const Labels &labels, double seconds) {
    std::string key = render_labels(labels);
    std::lock_guard<std::mutex> lock(mutex_);
    auto &h = families_[name].histograms[key];
    if (h.counts.empty()) h.counts.assign(buckets_.size(), 0);
    for (size_t i = 0; i < buckets_.size(); ++i) {
        if (seconds <= buckets_[i]) {
            h.counts[i] += 1;
            break;
        }
    }
    h.sum += seconds;
    h.count += 1;
}

static std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    std::ostringstream ss;
    ss.precision(12);
    ss << v;
    return ss.str();
}

std::string Metrics::render() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto &[name, f] : families_) {
        if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
        if (!f.type.empty()) out += "# TYPE " + name + " " + f.type + "\n";
        for (const auto &[labels, v] : f.values) out += name + labels + " " + number(v) + "\n";
        for (const auto &[labels, h] : f.histograms) {
            // Re-open the rendered label set to append `le`.
            std::string inner = labels.empty() ? std::string() : labels.substr(1, labels.size() - 2);
            auto with_le = [&](const std::string &le) {
                return "{" + inner + (inner.empty() ? "" : ",") + "le=\"" + le + "\"}";
            };
            double cumulative = 0;
            for (size_t i = 0; i < buckets_.size(); ++i) {
                cumulative += h.counts[i];
                out += name + "_bucket" + with_le(number(buckets_[i])) + " " + number(cumulative) + "\n";
            }
            out += name + "_bucket" + with_le("+Inf") + " " + number(h.count) + "\n";
            out += name + "_sum" + labels + " " + number(h.sum) + "\n";
            out += name + "_count" + labels + " " + number(h.count) + "\n";
        }
    }
    return out;
}

} // namespace ats::serve
