#include "engine/server/metrics/server_metrics.h"

#include <charconv>

namespace endure::engine::server {
namespace {

// Request latencies in seconds: from a sync answer (sub-millisecond) to a long poll (60 s).
const std::vector<double> kLatencyBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 90};

// The shortest text that reads back as `v` ("0.005", not "0.0050000000000000001").
std::string Number(double v) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string Joined(std::string_view labels, std::string_view extra) {
  if (labels.empty()) return std::string(extra);
  return std::string(labels) + "," + std::string(extra);
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void Histogram::Observe(double value) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++counts_[i];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

void Histogram::Render(std::string_view name, std::string_view labels, std::string& out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out.append(name).append("_bucket{").append(Joined(labels, "le=\"" + Number(bounds_[i]) + "\""));
    out.append("} ").append(std::to_string(cumulative)).append("\n");
  }
  out.append(name).append("_bucket{").append(Joined(labels, "le=\"+Inf\"")).append("} ");
  out.append(std::to_string(count_)).append("\n");
  const std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out.append(name).append("_sum").append(braces).append(" ").append(Number(sum_)).append("\n");
  out.append(name).append("_count").append(braces).append(" ");
  out.append(std::to_string(count_)).append("\n");
}

void ServerMetrics::RecordRequest(std::string_view method, StatusCode code, Duration latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mu_);
  ++requests_[{std::string(method), code}];
  auto it = request_latency_.find(method);
  if (it == request_latency_.end()) {
    it = request_latency_.emplace(std::string(method), Histogram(kLatencyBounds)).first;
  }
  it->second.Observe(seconds);
}

void ServerMetrics::RecordCommit(size_t batch_transitions, Duration latency) {
  std::lock_guard lock(mu_);
  commit_batch_.Observe(static_cast<double>(batch_transitions));
  commit_latency_.Observe(std::chrono::duration<double>(latency).count());
}

void ServerMetrics::AddGauge(std::string name, std::string help,
                             std::function<std::vector<GaugeSample>()> collect) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(collect)});
}

std::string ServerMetrics::Render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mu_);
    Header(out, "endure_requests_total", "counter",
           "API calls answered, by method and status code.");
    for (const auto& [key, count] : requests_) {
      out.append("endure_requests_total{method=\"").append(EscapeLabel(key.first));
      out.append("\",code=\"").append(StatusCodeName(key.second)).append("\"} ");
      out.append(std::to_string(count)).append("\n");
    }
    Header(out, "endure_request_latency_seconds", "histogram",
           "Time from receiving a call to answering it, by method (polls include their wait).");
    for (const auto& [method, histogram] : request_latency_) {
      histogram.Render("endure_request_latency_seconds", "method=\"" + EscapeLabel(method) + "\"",
                       out);
    }
    Header(out, "endure_sqlite_commit_batch_transitions", "histogram",
           "State transitions committed together in one SQLite transaction.");
    commit_batch_.Render("endure_sqlite_commit_batch_transitions", "", out);
    Header(out, "endure_sqlite_commit_latency_seconds", "histogram",
           "Time to commit one group of transitions, including the WAL flush at FULL durability.");
    commit_latency_.Render("endure_sqlite_commit_latency_seconds", "", out);
    gauges = gauges_;
  }
  // Collectors read the engine and the store: called without the lock, which calls take.
  for (const Gauge& gauge : gauges) {
    Header(out, gauge.name, "gauge", gauge.help);
    for (const auto& [labels, value] : gauge.collect()) {
      out.append(gauge.name);
      if (!labels.empty()) out.append("{").append(labels).append("}");
      out.append(" ").append(Number(value)).append("\n");
    }
  }
  return out;
}

}  // namespace endure::engine::server
