// WorkflowContext: the calls workflow code makes, each turned into a command queued on its run
// and a future the run resolves from history.
#include <cstdio>

#include "runtime/payloads.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/command_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

void SetDuration(google::protobuf::Duration* d, std::chrono::milliseconds ms) {
  d->set_seconds(ms.count() / 1000);
  d->set_nanos(static_cast<int32_t>((ms.count() % 1000) * 1'000'000));
}

}  // namespace

const WorkflowInfo& WorkflowContext::info() const { return run_->info_; }

std::chrono::system_clock::time_point WorkflowContext::now() const { return run_->now_; }

uint64_t WorkflowContext::random() { return run_->random_(); }

std::string WorkflowContext::uuid4() {
  const uint64_t a = random(), b = random();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(((b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

Future<void> WorkflowContext::sleep(std::chrono::milliseconds duration) {
  auto state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  if (duration.count() <= 0) {
    state->Resolve(Unit{});
    return Future<void>(state);
  }
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  auto* a = command.mutable_start_timer_command_attributes();
  a->set_timer_id(std::to_string(run_->next_timer_++));
  SetDuration(a->mutable_start_to_fire_timeout(), duration);
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command),
                   [run, state](int64_t event_id) { run->timers_[event_id] = state; });
  return Future<void>(state);
}

Future<Json> WorkflowContext::execute_activity(const std::string& type, Json input,
                                               ActivityOptions options) {
  auto state = std::make_shared<FutureState<Json>>(&run_->scheduler_);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* a = command.mutable_schedule_activity_task_command_attributes();
  a->set_activity_id(std::to_string(run_->next_activity_++));
  a->mutable_activity_type()->set_name(type);
  a->mutable_task_queue()->set_name(options.task_queue.empty() ? run_->info_.task_queue
                                                               : options.task_queue);
  *a->mutable_input() = ToPayloads(input);
  if (options.schedule_to_close_timeout.count() > 0) {
    SetDuration(a->mutable_schedule_to_close_timeout(), options.schedule_to_close_timeout);
  }
  if (options.schedule_to_start_timeout.count() > 0) {
    SetDuration(a->mutable_schedule_to_start_timeout(), options.schedule_to_start_timeout);
  }
  if (options.start_to_close_timeout.count() > 0) {
    SetDuration(a->mutable_start_to_close_timeout(), options.start_to_close_timeout);
  }
  if (options.heartbeat_timeout.count() > 0) {
    SetDuration(a->mutable_heartbeat_timeout(), options.heartbeat_timeout);
  }
  if (options.retry_policy) {
    const RetryPolicy& p = *options.retry_policy;
    auto* r = a->mutable_retry_policy();
    SetDuration(r->mutable_initial_interval(), p.initial_interval);
    r->set_backoff_coefficient(p.backoff_coefficient);
    if (p.maximum_interval.count() > 0)
      SetDuration(r->mutable_maximum_interval(), p.maximum_interval);
    r->set_maximum_attempts(p.maximum_attempts);
    for (const auto& t : p.non_retryable_error_types) r->add_non_retryable_error_types(t);
  }
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command), [run, state, type](int64_t event_id) {
    run->activities_[event_id] = {type, state};
  });
  return Future<Json>(state);
}

Future<void> WorkflowContext::wait_condition(std::function<bool()> condition) {
  auto state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  if (condition()) {
    state->Resolve(Unit{});
  } else {
    run_->conditions_.push_back({std::move(condition), state});
  }
  return Future<void>(state);
}

void WorkflowContext::on_signal(const std::string& name,
                                std::function<void(const Json& input)> handler) {
  run_->signal_handlers_[name] = std::move(handler);
}

void WorkflowContext::on_query(const std::string& name,
                               std::function<Json(const Json& input)> handler) {
  run_->query_handlers_[name] = std::move(handler);
}

}  // namespace endure::runtime
