// The worker's activity side: polling, the context an activity runs with (heartbeats that
// carry cancellation back), and turning its outcome into the server's completion calls.
#include <chrono>
#include <mutex>
#include <thread>

#include "runtime/failure.h"
#include "runtime/payloads.h"
#include "runtime/proto_time.h"
#include "runtime/worker/worker.h"

namespace endure::runtime {
namespace {

using Clock = std::chrono::steady_clock;

class TaskContext final : public ActivityContext {
 public:
  TaskContext(Service* service, const std::string& ns, const std::string& identity,
              const wsv1::PollActivityTaskQueueResponse& task)
      : service_(service), namespace_(ns), identity_(identity), token_(task.task_token()) {
    info_.namespace_name = ns;
    info_.workflow_id = task.workflow_execution().workflow_id();
    info_.run_id = task.workflow_execution().run_id();
    info_.workflow_type = task.workflow_type().name();
    info_.activity_id = task.activity_id();
    info_.activity_type = task.activity_type().name();
    info_.attempt = task.attempt() > 0 ? task.attempt() : 1;
    info_.scheduled_time = TimeOf(task.scheduled_time());
    info_.started_time = TimeOf(task.started_time());
    info_.heartbeat_timeout = Millis(task.heartbeat_timeout());
    info_.deadline = info_.started_time + Millis(task.start_to_close_timeout());
    if (task.has_heartbeat_details()) {
      auto details = FromPayloads(task.heartbeat_details());
      if (details.ok() && !details->is_null()) last_details_ = *details;
    }
    // Heartbeats reach the server at most this often; the rest only update the latest details.
    interval_ = info_.heartbeat_timeout.count() > 0
                    ? std::chrono::duration_cast<Clock::duration>(info_.heartbeat_timeout * 4 / 5)
                    : std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1));
  }

  const ActivityInfo& info() const override { return info_; }

  void heartbeat(const Json& details) override {
    std::unique_lock lock(mu_);
    last_details_ = details;
    pending_ = true;
    const auto now = Clock::now();
    if (now - last_sent_ < interval_) return;
    last_sent_ = now;
    pending_ = false;
    lock.unlock();
    Send(details);
  }

  std::optional<Json> last_heartbeat_details() const override {
    std::lock_guard lock(mu_);
    return last_details_;
  }

  bool cancelled() const override { return cancelled_.load(); }

  // The last details, if throttling held them back, go out before the attempt ends.
  void Flush() {
    std::unique_lock lock(mu_);
    if (!pending_ || !last_details_) return;
    pending_ = false;
    const Json details = *last_details_;
    lock.unlock();
    Send(details);
  }

 private:
  void Send(const Json& details) {
    wsv1::RecordActivityTaskHeartbeatRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(token_);
    request.set_identity(identity_);
    *request.mutable_details() = ToPayloads(details);
    auto response = service_->RecordActivityTaskHeartbeat(request);
    if (!response.ok()) {
      // NOT_FOUND: the activity is no longer waited for (timed out, or the workflow closed).
      if (response.status().code() == StatusCode::kNotFound) cancelled_ = true;
      return;
    }
    if (response->cancel_requested()) cancelled_ = true;
  }

  Service* service_;
  std::string namespace_;
  std::string identity_;
  std::string token_;
  ActivityInfo info_;
  mutable std::mutex mu_;
  std::optional<Json> last_details_;
  bool pending_ = false;
  Clock::time_point last_sent_{};
  Clock::duration interval_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

void Worker::PollActivityTasks() {
  while (!stopping_) {
    auto cancel = std::make_shared<engine::CancelSignal>();
    {
      std::lock_guard lock(cancels_mu_);
      if (stopping_) return;
      poll_cancels_.push_back(cancel);
    }
    wsv1::PollActivityTaskQueueRequest request;
    request.set_namespace_(options_.namespace_name);
    request.mutable_task_queue()->set_name(options_.task_queue);
    request.set_identity(options_.identity);
    auto task = service_->PollActivityTaskQueue(request, cancel);
    {
      std::lock_guard lock(cancels_mu_);
      std::erase(poll_cancels_, cancel);
    }
    if (!task.ok()) {
      if (stopping_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    if (task->task_token().empty()) continue;
    HandleActivityTask(*task);
  }
}

void Worker::HandleActivityTask(const wsv1::PollActivityTaskQueueResponse& task) {
  const std::string& ns = options_.namespace_name;
  auto fail = [&](const std::string& message, const std::string& type, bool non_retryable,
                  const Json& details) {
    wsv1::RespondActivityTaskFailedRequest r;
    r.set_namespace_(ns);
    r.set_task_token(task.task_token());
    r.set_identity(options_.identity);
    *r.mutable_failure() = ApplicationFailure(message, type, non_retryable, details);
    (void)service_->RespondActivityTaskFailed(r);
  };
  auto function = activities_.find(task.activity_type().name());
  if (function == activities_.end()) {
    return fail(
        "activity type '" + task.activity_type().name() + "' is not registered with this worker",
        "NotFoundError", false, nullptr);
  }
  auto input = FromPayloads(task.input());
  if (!input.ok()) return fail(input.status().message(), "InvalidInput", true, nullptr);
  TaskContext context(service_, ns, options_.identity, task);
  try {
    Json result = function->second(context, *input);
    context.Flush();
    wsv1::RespondActivityTaskCompletedRequest r;
    r.set_namespace_(ns);
    r.set_task_token(task.task_token());
    r.set_identity(options_.identity);
    *r.mutable_result() = ToPayloads(result);
    // Its answer holds nothing: the thread goes on while the completion commits.
    BeginSend();
    service_->RespondActivityTaskCompletedThen(std::move(r), [this](Status) { EndSend(); });
  } catch (const CancelledError& e) {
    wsv1::RespondActivityTaskCanceledRequest r;
    r.set_namespace_(ns);
    r.set_task_token(task.task_token());
    r.set_identity(options_.identity);
    if (auto details = context.last_heartbeat_details())
      *r.mutable_details() = ToPayloads(*details);
    (void)service_->RespondActivityTaskCanceled(r);
  } catch (const ApplicationError& e) {
    context.Flush();
    fail(e.what(), e.type(), e.non_retryable(), e.details());
  } catch (const std::exception& e) {
    context.Flush();
    fail(e.what(), "std::exception", false, nullptr);
  }
}

}  // namespace endure::runtime
