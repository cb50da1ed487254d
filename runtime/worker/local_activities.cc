// The worker's side of local activities: each runs here, on the thread handling the workflow
// task, retried by its policy with the backoff slept in between, all within its
// schedule-to-close timeout, and its outcome goes back to the run as a marker.
#include <chrono>
#include <mutex>
#include <thread>

#include "engine/history/retry.h"
#include "engine/history/timeouts.h"
#include "runtime/failure.h"
#include "runtime/worker/worker.h"
#include "runtime/workflow/retry_policy.h"
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
  // Temporal's retry rules, as the engine applies them to activity tasks.
  auto policy = ToProto(options.retry_policy.value_or(RetryPolicy{}));
  if (Status valid = engine::history::NormalizeRetryPolicy(&policy); !valid.ok()) {
    outcome.failure_message = valid.message();
    outcome.failure_type = "InvalidRetryPolicy";
    outcome.non_retryable = true;
    return outcome;
  }
  const auto scheduled = std::chrono::system_clock::now();

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
    bool non_retryable = false;
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
      non_retryable = e.non_retryable();
    } catch (const std::exception& e) {
      outcome.failure_message = e.what();
      outcome.failure_type = "std::exception";
    }
    const auto decision = engine::history::DecideRetry(
        policy, attempt,
        ApplicationFailure(outcome.failure_message, outcome.failure_type, non_retryable),
        std::chrono::system_clock::now(), scheduled, total);
    if (!decision.retry || stopping_) {
      outcome.non_retryable =
          decision.state == temporal::api::enums::v1::RETRY_STATE_NON_RETRYABLE_FAILURE;
      return outcome;
    }
    std::this_thread::sleep_for(decision.backoff);
  }
}

}  // namespace endure::runtime
