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

// A local activity runs in the worker that runs the workflow, inside the workflow task, and its
// outcome is recorded as a marker: no activity task, no round trip through a task queue. For
// short work (a lookup, a small computation). Retries happen in the worker too, so the whole
// of it (every attempt and the backoff between) must fit in schedule_to_close_timeout, itself
// bounded by the workflow task timeout (10 s by default).
struct LocalActivityOptions {
  std::chrono::milliseconds schedule_to_close_timeout{0};  // 0: 10 s.
  std::chrono::milliseconds start_to_close_timeout{0};     // 0: schedule_to_close_timeout.
  std::optional<RetryPolicy> retry_policy;
};

enum class ParentClosePolicy { kTerminate = 1, kAbandon = 2, kRequestCancel = 3 };

struct ChildWorkflowOptions {
  std::string id;          // Empty: a deterministic id derived from the parent's run.
  std::string task_queue;  // Empty: the parent's.
  ParentClosePolicy parent_close_policy = ParentClosePolicy::kTerminate;
  std::chrono::milliseconds execution_timeout{0};
  std::chrono::milliseconds run_timeout{0};
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

// A child workflow that did not complete (failed, timed out, cancelled, terminated, or could
// not start because its id is taken).
class ChildWorkflowError : public std::runtime_error {
 public:
  ChildWorkflowError(std::string message, std::string workflow_type, std::string cause_type)
      : std::runtime_error(std::move(message)),
        workflow_type_(std::move(workflow_type)),
        cause_type_(std::move(cause_type)) {}
  const std::string& workflow_type() const { return workflow_type_; }
  const std::string& cause_type() const { return cause_type_; }

 private:
  std::string workflow_type_;
  std::string cause_type_;
};

// Thrown into workflow code by what it awaits once the workflow is cancelled (outside a
// non-cancellable scope). Let it end the workflow, and the workflow closes as cancelled.
class WorkflowCancelledError : public std::runtime_error {
 public:
  WorkflowCancelledError() : std::runtime_error("workflow cancelled") {}
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
  // Runs `type`, registered with this worker as an activity, in the worker (LocalActivityOptions
  // says when to prefer it). Replayed, the recorded outcome is returned and nothing runs.
  Future<Json> execute_local_activity(const std::string& type, Json input,
                                      LocalActivityOptions options = {});
  // Resumes once `condition` holds; it is checked after every change the workflow sees.
  Future<void> wait_condition(std::function<bool()> condition);

  // Handlers, by the names clients use. Signals run in the order they were received; queries
  // must not change state (they run on a copy of nothing: they read the live state, so they
  // must not mutate it).
  void on_signal(const std::string& name, std::function<void(const Json& input)> handler);
  void on_query(const std::string& name, std::function<Json(const Json& input)> handler);
  // Updates: the validator (if any) runs first and rejects the update by throwing, leaving no
  // trace in history (it must not change state, and does not run on replay); the handler then
  // changes state and returns the update's result, or throws ApplicationError to fail it.
  void on_update(const std::string& name, std::function<Json(const Json& input)> handler,
                 std::function<void(const Json& input)> validator = nullptr);
  // An update whose handler awaits (an activity, a timer, a condition): it is accepted at once
  // and completes when the coroutine returns, possibly several workflow tasks later.
  void on_update_async(const std::string& name,
                       std::function<Task<Json>(const Json& input)> handler,
                       std::function<void(const Json& input)> validator = nullptr);

  Future<Json> execute_child_workflow(const std::string& type, Json input,
                                      ChildWorkflowOptions options);
  Future<void> signal_external(const std::string& workflow_id, const std::string& run_id,
                               const std::string& signal, Json input);
  Future<void> cancel_external(const std::string& workflow_id, const std::string& run_id);
  // Sets search attributes of this run (key -> value); visible to list queries once recorded.
  void upsert_search_attributes(const Json& attributes);

  // Ends this run and starts a new one of the same type with `input` and a fresh history.
  // Await it: it never resumes, and nothing after it runs.
  Future<void> continue_as_new(Json input);

  // Versioning. patched(id) is true for code running for the first time past this point and
  // for histories that recorded it then; false when replaying a history written before the
  // patch existed. get_version maps the same decision onto a version range: max_supported for
  // new and patched histories, min_supported for older ones.
  bool patched(const std::string& patch_id);
  // The step after patched(): once no running workflow can take the old path, replace
  // `if (patched(id))` by a call to deprecate_patch(id) and the new code alone. Histories with
  // the marker and histories without it both replay; later, remove the call too.
  void deprecate_patch(const std::string& patch_id);
  int get_version(const std::string& change_id, int min_supported, int max_supported);

  // Cancellation. Once a client cancels the workflow, what it awaits throws
  // WorkflowCancelledError; timers and activities in flight are cancelled. What is started while
  // a NonCancellableScope lives (cleanup, compensation) is not.
  bool cancel_requested() const;
  class NonCancellableScope {
   public:
    explicit NonCancellableScope(WorkflowRun* run);
    ~NonCancellableScope();
    NonCancellableScope(const NonCancellableScope&) = delete;
    NonCancellableScope& operator=(const NonCancellableScope&) = delete;

   private:
    WorkflowRun* run_;
  };
  NonCancellableScope non_cancellable() { return NonCancellableScope(run_); }

 private:
  WorkflowRun* run_;
};

using WorkflowFunction = std::function<Task<Json>(WorkflowContext&, Json input)>;

}  // namespace endure::runtime
