// The worker's side of local activities: each runs here, on the thread handling the workflow
// task, retried by its policy with the backoff slept in between, all within its
// schedule-to-close timeout, and its outcome goes back to the run as a marker.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "runtime/worker/worker.h"
#include "runtime/workflow/workflow_run.h"

namespace endure::runtime {
namespace {

using Clock = std::chrono::steady_clock;

// What a workflow task allows by default, and so what a local activity may take unless told.
constexpr std::chrono::milliseconds kDefaultScheduleToClose{10'000};

// Heartbeats of a local activity go nowhere (there is no activity task to heartbeat); the
// details are kept so an attempt can read its own.
class LocalContext final : public ActivityContext {
 public:
  LocalContext(ActivityInfo info, const std::atomic<bool>& stopping)
      : info_(std::move(info)), stopping_(stopping) {}
  const ActivityInfo& info() const override { return info_; }
  void heartbeat(const Json& details) override {
    std::lock_guard lock(mu_);
    details_ = details;
  }
  std::optional<Json> last_heartbeat_details() const override {
    std::lock_guard lock(mu_);
    return details_;
  }
  bool cancelled() const override { return stopping_.load(); }

 private:
  ActivityInfo info_;
  const std::atomic<bool>& stopping_;
  mutable std::mutex mu_;
  std::optional<Json> details_;
};

std::chrono::milliseconds Backoff(const RetryPolicy& policy, int attempt) {
  double ms = static_cast<double>(policy.initial_interval.count());
  for (int i = 1; i < attempt; ++i) ms *= policy.backoff_coefficient;
  const auto cap =
      policy.maximum_interval.count() > 0 ? policy.maximum_interval : policy.initial_interval * 100;
  return std::min(std::chrono::milliseconds(static_cast<int64_t>(ms)), cap);
}

}  // namespace

LocalActivityOutcome Worker::RunLocalActivity(const wsv1::PollWorkflowTaskQueueResponse& task,
                                              const LocalActivityRequest& request) {
  LocalActivityOutcome outcome;
  outcome.seq = request.seq;
  auto function = activities_.find(request.activity_type);
  if (function == activities_.end()) {
    outcome.failure_message =
        "activity type '" + request.activity_type + "' is not registered with this worker";
    outcome.failure_type = "NotFoundError";
    outcome.non_retryable = true;
    return outcome;
  }
  const auto& options = request.options;
  const auto total = options.schedule_to_close_timeout.count() > 0
                         ? options.schedule_to_close_timeout
                         : kDefaultScheduleToClose;
  const auto per_attempt =
      options.start_to_close_timeout.count() > 0 ? options.start_to_close_timeout : total;
  const RetryPolicy policy = options.retry_policy.value_or(RetryPolicy{});
  const auto scheduled = std::chrono::system_clock::now();
  const auto deadline = Clock::now() + total;

  ActivityInfo info;
  info.namespace_name = options_.namespace_name;
  info.workflow_id = task.workflow_execution().workflow_id();
  info.run_id = task.workflow_execution().run_id();
  info.workflow_type = task.workflow_type().name();
  info.activity_id = std::to_string(request.seq);
  info.activity_type = request.activity_type;
  info.task_queue = options_.task_queue;
  info.scheduled_time = scheduled;

  for (int attempt = 1;; ++attempt) {
    outcome.attempt = attempt;
    info.attempt = attempt;
    info.started_time = std::chrono::system_clock::now();
    info.deadline = info.started_time + per_attempt;
    LocalContext context(info, stopping_);
    const auto started = Clock::now();
    bool retryable = true;
    try {
      Json result = function->second(context, request.input);
      if (Clock::now() - started <= per_attempt) {
        outcome.result = std::move(result);
        return outcome;
      }
      // The attempt returned, but too late: as with any activity, a timeout (retryable).
      outcome.failure_message = "local activity attempt exceeded its start-to-close timeout";
      outcome.failure_type = "TimeoutError";
    } catch (const ApplicationError& e) {
      outcome.failure_message = e.what();
      outcome.failure_type = e.type();
      retryable = !e.non_retryable();
    } catch (const std::exception& e) {
      outcome.failure_message = e.what();
      outcome.failure_type = "std::exception";
    }
    const auto& never = policy.non_retryable_error_types;
    if (std::find(never.begin(), never.end(), outcome.failure_type) != never.end()) {
      retryable = false;
    }
    const bool attempts_left = policy.maximum_attempts == 0 || attempt < policy.maximum_attempts;
    const auto backoff = Backoff(policy, attempt);
    if (!retryable || !attempts_left || Clock::now() + backoff >= deadline || stopping_) {
      outcome.non_retryable = !retryable;
      return outcome;
    }
    std::this_thread::sleep_for(backoff);
  }
}

}  // namespace endure::runtime
