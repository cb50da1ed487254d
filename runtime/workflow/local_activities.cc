// Local activities in a run: scheduled by workflow code, run by the worker once the activation
// is blocked, and recorded as markers. Replaying, the markers (known ahead, like patches)
// resolve them at the same point instead, so the code after them runs in the same order.
#include <algorithm>

#include "runtime/failure.h"
#include "runtime/workflow/markers.h"
#include "runtime/workflow/workflow_run.h"

namespace endure::runtime {
Future<Json> WorkflowContext::execute_local_activity(const std::string& type, Json input,
                                                     LocalActivityOptions options) {
  auto op = std::make_shared<WorkflowRun::Op<Json>>();
  op->type = type;
  op->state = std::make_shared<FutureState<Json>>(&run_->scheduler_);
  if (run_->cancel_delivered_ && run_->Cancellable()) {
    op->state->Fail(std::make_exception_ptr(WorkflowCancelledError()));
    return Future<Json>(op->state);
  }
  WorkflowRun::LocalActivity la;
  la.request.seq = run_->next_local_activity_++;
  la.request.activity_type = type;
  la.request.input = std::move(input);
  la.request.options = std::move(options);
  op->id = std::to_string(la.request.seq);
  la.op = op;
  run_->local_waiting_.push_back(std::move(la));
  return Future<Json>(op->state);
}

void WorkflowRun::NoteMarker(const HistoryEvent& marker) {
  const auto& a = marker.marker_recorded_event_attributes();
  if (a.marker_name() == kPatchMarker) {
    if (auto id = PatchIdOf(a.details())) recorded_patches_.insert(*id);
  } else if (a.marker_name() == kLocalActivityMarker) {
    if (auto seq = LocalActivitySeqOf(a.details())) recorded_local_[*seq] = a;
  }
}

std::vector<LocalActivityRequest> WorkflowRun::TakeLocalActivities() {
  std::vector<LocalActivityRequest> requests;
  for (const LocalActivity& la : local_waiting_) requests.push_back(la.request);
  return requests;
}

void WorkflowRun::ResolveLocalActivity(LocalActivity& la, const LocalActivityOutcome& outcome) {
  if (outcome.result) {
    AddCommand(LocalActivityMarkerCommand(la.request.seq, outcome.attempt, la.request.activity_type,
                                          outcome.result, nullptr),
               nullptr);
    la.op->state->Resolve(*outcome.result);
    return;
  }
  const auto failure =
      ApplicationFailure(outcome.failure_message, outcome.failure_type, outcome.non_retryable);
  AddCommand(LocalActivityMarkerCommand(la.request.seq, outcome.attempt, la.request.activity_type,
                                        std::nullopt, &failure),
             nullptr);
  la.op->state->Fail(std::make_exception_ptr(ActivityError(
      "local activity " + la.request.activity_type + " failed: " + outcome.failure_message,
      la.request.activity_type, outcome.failure_type, outcome.non_retryable)));
}

bool WorkflowRun::ResolveRecordedLocalActivities() {
  bool resolved = false;
  for (auto it = local_waiting_.begin(); it != local_waiting_.end();) {
    auto marker = recorded_local_.find(it->request.seq);
    if (marker == recorded_local_.end()) {
      ++it;  // Not recorded: either still to run, or the code changed (the match will tell).
      continue;
    }
    const auto& a = marker->second;
    LocalActivityOutcome outcome;
    outcome.seq = it->request.seq;
    const auto data = a.details().find("data");
    if (data != a.details().end() && data->second.payloads_size() > 0) {
      auto parsed = FromPayload(data->second.payloads(0));
      if (parsed.ok() && parsed->is_object()) outcome.attempt = parsed->value("attempt", 1);
    }
    if (a.has_failure()) {
      outcome.failure_message = a.failure().message();
      outcome.failure_type = a.failure().application_failure_info().type();
      outcome.non_retryable = a.failure().application_failure_info().non_retryable();
    } else {
      const auto result = a.details().find("result");
      auto value =
          result == a.details().end() ? Result<Json>(Json(nullptr)) : FromPayloads(result->second);
      outcome.result = value.ok() ? *value : Json(nullptr);
    }
    ResolveLocalActivity(*it, outcome);
    it = local_waiting_.erase(it);
    resolved = true;
  }
  return resolved;
}

Result<std::vector<Command>> WorkflowRun::ResolveLocalActivities(
    const std::vector<LocalActivityOutcome>& outcomes) {
  activation_commands_.clear();
  for (const LocalActivityOutcome& outcome : outcomes) {
    auto it = std::find_if(local_waiting_.begin(), local_waiting_.end(),
                           [&](const LocalActivity& la) { return la.request.seq == outcome.seq; });
    if (it == local_waiting_.end()) continue;
    ResolveLocalActivity(*it, outcome);
    local_waiting_.erase(it);
  }
  if (completion_made_) return std::vector<Command>{};
  try {
    RunUntilBlocked();
  } catch (const std::exception& e) {
    return Internal(std::string("workflow task failed: ") + e.what());
  }
  ENDURE_RETURN_IF_ERROR(FinishIfDone());
  return std::move(activation_commands_);
}

}  // namespace endure::runtime
