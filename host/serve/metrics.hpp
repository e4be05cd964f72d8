// metrics.hpp - counters, gauges and histograms rendered in the Prometheus text format (0.0.4).
// Thread-safe. Label values must come from bounded sets (route patterns, statuses, provider
// enums, tenant ids of the manifests) - never from request data.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ats::serve {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
public:
    Metrics();
    // Declares a family once (name, help, "counter"|"gauge"|"histogram").
    void describe(const std::string &name, const std::string &help, const std::string &type);
    void add(const std::string &name, const Labels &labels, double delta = 1.0);
    void set(const std::string &name, const Labels &labels, double value);
    void observe(const std::string &name, const Labels &labels, double seconds);
    std::string render() const;

private:
    struct Histogram {
        std::vector<double> counts; // per bucket (non-cumulative)
        double sum = 0;
        double count = 0;
    };
    struct Family {
        std::string help, type;
        std::map<std::string, double> values;        // rendered label set -> value
        std::map<std::string, Histogram> histograms; // rendered label set -> histogram
    };
    static std::string render_labels(const Labels &labels, const std::string &extra = {});
    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
    std::vector<double> buckets_;
};

} // namespace ats::serve
