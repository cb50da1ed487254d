// ServerMetrics: what the dev server reports on its Prometheus endpoint (`/metrics`).
//
// Counters and latency histograms are kept here as calls and commits happen; figures that are
// state rather than events (task-queue backlogs, waiting polls, workflows by status) are read
// when scraped, from collectors the server registers, so they are never stale and cost nothing
// between scrapes. Rendered in Prometheus' text exposition format 0.0.4.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/base/status.h"

namespace endure::engine::server {

// A cumulative histogram with fixed upper bounds, in seconds or in counts.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size()) {}
  void Observe(double value);
  // Appends the _bucket, _sum and _count series of `name` with `labels` ("a=\"b\"" or "").
  void Render(std::string_view name, std::string_view labels, std::string& out) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // Per bucket, not cumulative.
  uint64_t count_ = 0;
  double sum_ = 0;
};

// One sample of a gauge read at scrape time: its labels ("a=\"b\"" or "") and value.
using GaugeSample = std::pair<std::string, double>;

class ServerMetrics {
 public:
  using Duration = std::chrono::steady_clock::duration;

  void RecordRequest(std::string_view method, StatusCode code, Duration latency);
  void RecordCommit(size_t batch_transitions, Duration latency);

  // A gauge whose samples `collect` reads at each scrape.
  void AddGauge(std::string name, std::string help,
                std::function<std::vector<GaugeSample>()> collect);

  std::string Render() const;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<std::vector<GaugeSample>()> collect;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, StatusCode>, uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> request_latency_;
  Histogram commit_batch_{{1, 2, 4, 8, 16, 32, 64, 128, 256}};
  Histogram commit_latency_{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
  std::vector<Gauge> gauges_;
};

// Label values escaped as the exposition format requires.
std::string EscapeLabel(std::string_view value);

}  // namespace endure::engine::server
