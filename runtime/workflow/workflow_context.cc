// WorkflowContext: the calls workflow code makes, each turned into a command queued on its run
// and a future the run resolves from history (workflow_events.cc).
#include <cstdio>

#include "runtime/payloads.h"
#include "runtime/proto_time.h"
#include "runtime/workflow/markers.h"
#include "runtime/workflow/retry_policy.h"
#include "runtime/workflow/workflow_run.h"
#include "storage/base/uuid.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

template <typename T>
Future<std::conditional_t<std::is_same_v<T, Unit>, void, T>> FutureOf(
    std::shared_ptr<FutureState<T>> state) {
  return Future<std::conditional_t<std::is_same_v<T, Unit>, void, T>>(std::move(state));
}

}  // namespace

const WorkflowInfo& WorkflowContext::info() const { return run_->info_; }

std::chrono::system_clock::time_point WorkflowContext::now() const { return run_->now_; }

uint64_t WorkflowContext::random() { return run_->random_(); }

std::string WorkflowContext::uuid4() {
  const uint64_t high = random();
  return UuidFromBits(high, random());
}

bool WorkflowContext::cancel_requested() const { return run_->cancel_requested_; }

WorkflowContext::NonCancellableScope::NonCancellableScope(WorkflowRun* run) : run_(run) {
  ++run_->non_cancellable_depth_;
}
WorkflowContext::NonCancellableScope::~NonCancellableScope() { --run_->non_cancellable_depth_; }

Future<void> WorkflowContext::sleep(std::chrono::milliseconds duration) {
  auto op = std::make_shared<WorkflowRun::Op<Unit>>();
  op->state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  if (run_->cancel_delivered_ && run_->Cancellable()) {
    op->state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    return FutureOf(op->state);
  }
  if (duration.count() <= 0) {
    op->state->Resolve(Unit{});
    return FutureOf(op->state);
  }
  op->id = std::to_string(run_->next_timer_++);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  auto* a = command.mutable_start_timer_command_attributes();
  a->set_timer_id(op->id);
  SetDuration(a->mutable_start_to_fire_timeout(), duration);
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command), [run, op](int64_t event_id) {
    op->event_id = event_id;
    if (!op->cancelled) run->timers_[event_id] = op;
  });
  if (run_->Cancellable()) {
    op->canceller = run_->AddCanceller([run, op] {
      if (op->state->resolved()) return;
      op->cancelled = true;
      if (op->event_id != 0) run->timers_.erase(op->event_id);
      Command cancel;
      cancel.set_command_type(enums::COMMAND_TYPE_CANCEL_TIMER);
      cancel.mutable_cancel_timer_command_attributes()->set_timer_id(op->id);
      run->AddCommand(std::move(cancel), nullptr);
      op->state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    });
  }
  return FutureOf(op->state);
}

Future<Json> WorkflowContext::execute_activity(const std::string& type, Json input,
                                               ActivityOptions options) {
  auto op = std::make_shared<WorkflowRun::Op<Json>>();
  op->type = type;
  op->state = std::make_shared<FutureState<Json>>(&run_->scheduler_);
  if (run_->cancel_delivered_ && run_->Cancellable()) {
    op->state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    return FutureOf(op->state);
  }
  op->id = std::to_string(run_->next_activity_++);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* a = command.mutable_schedule_activity_task_command_attributes();
  a->set_activity_id(op->id);
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
  if (options.retry_policy) *a->mutable_retry_policy() = ToProto(*options.retry_policy);
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command), [run, op](int64_t event_id) {
    op->event_id = event_id;
    run->activities_[event_id] = op;
  });
  if (run_->Cancellable()) {
    op->canceller = run_->AddCanceller([run, op] {
      if (op->state->resolved()) return;
      op->cancelled = true;
      if (op->event_id == 0) {
        // Scheduled in this very activation: the schedule is simply not sent.
        const std::string id = op->id;
        run->DropUnsentCommand([&](const Command& c) {
          return c.has_schedule_activity_task_command_attributes() &&
                 c.schedule_activity_task_command_attributes().activity_id() == id;
        });
      } else {
        Command cancel;
        cancel.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
        cancel.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
            op->event_id);
        run->AddCommand(std::move(cancel), nullptr);
      }
      op->state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    });
  }
  return FutureOf(op->state);
}

Future<void> WorkflowContext::wait_condition(std::function<bool()> condition) {
  auto state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  if (condition()) {
    state->Resolve(Unit{});
    return Future<void>(state);
  }
  if (run_->cancel_delivered_ && run_->Cancellable()) {
    state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    return Future<void>(state);
  }
  uint64_t canceller = 0;
  if (run_->Cancellable()) {
    WorkflowRun* run = run_;
    canceller = run_->AddCanceller([run, state] {
      std::erase_if(run->conditions_, [&](const auto& c) { return c.state == state; });
      state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    });
  }
  run_->conditions_.push_back({std::move(condition), state, canceller});
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

void WorkflowContext::on_update(const std::string& name,
                                std::function<Json(const Json& input)> handler,
                                std::function<void(const Json& input)> validator) {
  run_->update_handlers_[name] = {std::move(handler), nullptr, std::move(validator)};
}

void WorkflowContext::on_update_async(const std::string& name,
                                      std::function<Task<Json>(const Json& input)> handler,
                                      std::function<void(const Json& input)> validator) {
  run_->update_handlers_[name] = {nullptr, std::move(handler), std::move(validator)};
}

Future<Json> WorkflowContext::execute_child_workflow(const std::string& type, Json input,
                                                     ChildWorkflowOptions options) {
  auto op = std::make_shared<WorkflowRun::Op<Json>>();
  op->type = type;
  op->state = std::make_shared<FutureState<Json>>(&run_->scheduler_);
  op->id = options.id.empty()
               ? run_->info_.workflow_id + "-child-" + std::to_string(run_->next_child_++)
               : options.id;
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
  auto* a = command.mutable_start_child_workflow_execution_command_attributes();
  a->set_workflow_id(op->id);
  a->mutable_workflow_type()->set_name(type);
  a->mutable_task_queue()->set_name(options.task_queue.empty() ? run_->info_.task_queue
                                                               : options.task_queue);
  *a->mutable_input() = ToPayloads(input);
  a->set_parent_close_policy(static_cast<enums::ParentClosePolicy>(options.parent_close_policy));
  if (options.execution_timeout.count() > 0) {
    SetDuration(a->mutable_workflow_execution_timeout(), options.execution_timeout);
  }
  if (options.run_timeout.count() > 0) {
    SetDuration(a->mutable_workflow_run_timeout(), options.run_timeout);
  }
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command), [run, op](int64_t event_id) {
    op->event_id = event_id;
    run->children_[event_id] = op;
  });
  return FutureOf(op->state);
}

Future<void> WorkflowContext::signal_external(const std::string& workflow_id,
                                              const std::string& run_id, const std::string& signal,
                                              Json input) {
  auto op = std::make_shared<WorkflowRun::Op<Unit>>();
  op->id = workflow_id;
  op->state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* a = command.mutable_signal_external_workflow_execution_command_attributes();
  a->mutable_execution()->set_workflow_id(workflow_id);
  a->mutable_execution()->set_run_id(run_id);
  a->set_signal_name(signal);
  *a->mutable_input() = ToPayloads(input);
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command),
                   [run, op](int64_t event_id) { run->externals_[event_id] = op; });
  return FutureOf(op->state);
}

Future<void> WorkflowContext::cancel_external(const std::string& workflow_id,
                                              const std::string& run_id) {
  auto op = std::make_shared<WorkflowRun::Op<Unit>>();
  op->id = workflow_id;
  op->state = std::make_shared<FutureState<Unit>>(&run_->scheduler_);
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* a = command.mutable_request_cancel_external_workflow_execution_command_attributes();
  a->set_workflow_id(workflow_id);
  a->set_run_id(run_id);
  WorkflowRun* run = run_;
  run_->AddCommand(std::move(command),
                   [run, op](int64_t event_id) { run->externals_[event_id] = op; });
  return FutureOf(op->state);
}

void WorkflowContext::upsert_search_attributes(const Json& attributes) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  auto* fields = command.mutable_upsert_workflow_search_attributes_command_attributes()
                     ->mutable_search_attributes()
                     ->mutable_indexed_fields();
  for (const auto& [key, value] : attributes.items()) (*fields)[key] = ToPayload(value);
  run_->AddCommand(std::move(command), nullptr);
}

Future<void> WorkflowContext::continue_as_new(Json input) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
  auto* a = command.mutable_continue_as_new_workflow_execution_command_attributes();
  a->mutable_workflow_type()->set_name(run_->info_.workflow_type);
  a->mutable_task_queue()->set_name(run_->info_.task_queue);
  *a->mutable_input() = ToPayloads(input);
  run_->completion_made_ = true;  // Nothing the code does after this is sent.
  run_->AddCommand(std::move(command), nullptr);
  return Future<void>(std::make_shared<FutureState<Unit>>(&run_->scheduler_));
}

bool WorkflowContext::patched(const std::string& patch_id) {
  auto known = run_->patches_.find(patch_id);
  if (known != run_->patches_.end()) return known->second;
  // Replaying history written before the patch: the old code path. Otherwise (first run past
  // this point, or a history that recorded the marker) the new one, recorded by a marker.
  const bool use_patch = !run_->replaying_ || run_->recorded_patches_.contains(patch_id);
  run_->patches_[patch_id] = use_patch;
  if (use_patch) run_->AddCommand(PatchMarkerCommand(patch_id, /*deprecated=*/false), nullptr);
  return use_patch;
}

void WorkflowContext::deprecate_patch(const std::string& patch_id) {
  if (run_->patches_.contains(patch_id)) return;
  run_->patches_[patch_id] = true;
  // Replaying a history without the marker (written once the call was gone, or before the
  // patch), there is nothing to match; else the marker is recorded, as the SDKs do.
  if (run_->replaying_ && !run_->recorded_patches_.contains(patch_id)) return;
  run_->AddCommand(PatchMarkerCommand(patch_id, /*deprecated=*/true), nullptr);
}

int WorkflowContext::get_version(const std::string& change_id, int min_supported,
                                 int max_supported) {
  return patched(change_id) ? max_supported : min_supported;
}

}  // namespace endure::runtime
