// What workflow code sees: WorkflowContext, the options of what it schedules, and the errors it
// may catch. A workflow is a function `Task<Json>(WorkflowContext&, Json input)` registered
// under a type name.
//
// Workflow code must be deterministic: given the same history it must make the same calls in
// the same order (docs/workflows.md says why and what follows). So it reads time, randomness
// and ids from the context, never from the system, and does I/O only in activities.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/activity.h"
#include "runtime/workflow/future.h"
#include "runtime/workflow/task.h"

namespace endure::runtime {

struct RetryPolicy {
  std::chrono::milliseconds initial_interval{1000};
  double backoff_coefficient = 2.0;
  std::chrono::milliseconds maximum_interval{0};  // 0: 100 x initial_interval.
  int maximum_attempts = 0;                       // 0: unlimited.
  std::vector<std::string> non_retryable_error_types;
};

struct ActivityOptions {
  std::string task_queue;  // Empty: the workflow's.
  std::chrono::milliseconds schedule_to_close_timeout{0};
  std::chrono::milliseconds schedule_to_start_timeout{0};
  std::chrono::milliseconds start_to_close_timeout{0};
  std::chrono::milliseconds heartbeat_timeout{0};
  std::optional<RetryPolicy> retry_policy;
};

struct WorkflowInfo {
  std::string namespace_name;
  std::string workflow_id;
  std::string run_id;
  std::string workflow_type;
  std::string task_queue;
  int attempt = 1;
};

// An activity that failed for good (retries exhausted, non-retryable, timed out, cancelled).
class ActivityError : public std::runtime_error {
 public:
  ActivityError(std::string message, std::string activity_type, std::string cause_type,
                bool non_retryable)
      : std::runtime_error(std::move(message)),
        activity_type_(std::move(activity_type)),
        cause_type_(std::move(cause_type)),
        non_retryable_(non_retryable) {}
  const std::string& activity_type() const { return activity_type_; }
  // The failure's type: the ApplicationError type, "TimeoutError" or "CancelledError".
  const std::string& cause_type() const { return cause_type_; }
  bool non_retryable() const { return non_retryable_; }

 private:
  std::string activity_type_;
  std::string cause_type_;
  bool non_retryable_;
};

class WorkflowRun;

class WorkflowContext {
 public:
  explicit WorkflowContext(WorkflowRun* run) : run_(run) {}

  const WorkflowInfo& info() const;
  // The time of the workflow task being run: the same on every replay.
  std::chrono::system_clock::time_point now() const;
  // Deterministic randomness, seeded from the run.
  uint64_t random();
  std::string uuid4();

  Future<void> sleep(std::chrono::milliseconds duration);
  Future<Json> execute_activity(const std::string& type, Json input, ActivityOptions options);
  // Resumes once `condition` holds; it is checked after every change the workflow sees.
  Future<void> wait_condition(std::function<bool()> condition);

  // Handlers, by the names clients use. Signals run in the order they were received; queries
  // must not change state (they run on a copy of nothing: they read the live state, so they
  // must not mutate it).
  void on_signal(const std::string& name, std::function<void(const Json& input)> handler);
  void on_query(const std::string& name, std::function<Json(const Json& input)> handler);

 private:
  WorkflowRun* run_;
};

using WorkflowFunction = std::function<Task<Json>(WorkflowContext&, Json input)>;

}  // namespace endure::runtime
