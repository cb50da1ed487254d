// Workflow updates (reference 3.9): UpdateWorkflowExecution admits an update and waits for the
// stage its caller asked for; the next workflow task carries it as a protocol message; the
// worker's Acceptance, Rejection and Response come back in the completion and become
// WorkflowExecutionUpdateAccepted / ...Completed events (a rejection writes none).
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
namespace update = temporal::api::update::v1;

enums::UpdateWorkflowExecutionLifecycleStage WaitStage(const update::WaitPolicy& policy) {
  return policy.lifecycle_stage() ==
                 enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED
             ? enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
             : policy.lifecycle_stage();
}

update::UpdateRef RefOf(const MutableState& s, const std::string& update_id) {
  update::UpdateRef ref;
  ref.mutable_workflow_execution()->set_workflow_id(s.workflow_id());
  ref.mutable_workflow_execution()->set_run_id(s.run_id());
  ref.set_update_id(update_id);
  return ref;
}

}  // namespace

void HistoryEngine::WaitForUpdate(const LeasePtr& lease, const std::string& update_id,
                                  enums::UpdateWorkflowExecutionLifecycleStage until,
                                  AlarmClock::Clock::time_point deadline, bool admit,
                                  const update::Request* request, Callback<UpdateProgress> done) {
  MutableState& s = lease->state();
  const RunId run(s.run_id());
  const update::UpdateRef ref = RefOf(s, update_id);
  auto answer = [ref, done](Result<UpdateRegistry::Status> status) {
    if (!status.ok()) return done(status.status());
    done(UpdateProgress{ref, status->stage, status->outcome});
  };
  // Completed: its outcome is in history.
  if (auto it = s.updates().find(update_id); it != s.updates().end()) {
    if (it->second.completed_event_id() != 0) {
      auto event = EventOf(lease, it->second.completed_event_id());
      if (!event.ok()) return done(event.status());
      return done(UpdateProgress{
          ref, enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
          event->workflow_execution_update_completed_event_attributes().outcome()});
    }
    updates_.Restore(run, update_id, enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
  }
  if (updates_.Wait(run, update_id, until, answer)) {
    if (deadline != AlarmClock::Clock::time_point::max()) {
      options_.alarms->Set(deadline, [this, run, update_id] { updates_.Expire(run, update_id); });
    }
    return;
  }
  if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) {
    return done(NotFound("workflow execution already completed"));
  }
  if (!admit) return done(NotFound("update " + update_id + " not found"));
  updates_.Admit(run, *request);
  updates_.Wait(run, update_id, until, answer);
  if (deadline != AlarmClock::Clock::time_point::max()) {
    options_.alarms->Set(deadline, [this, run, update_id] { updates_.Expire(run, update_id); });
  }
  if (s.workflow_task().scheduled_event_id() != 0) return;  // The pending task carries it.
  RunMutation m(&s, options_.env->Now());
  ScheduleWorkflowTask(m);
  Commit(lease, m, [](Status) {});
}

void HistoryEngine::UpdateWorkflow(const storage::NamespaceRecord& ns,
                                   const wsv1::UpdateWorkflowExecutionRequest& request,
                                   AlarmClock::Clock::time_point deadline,
                                   Callback<wsv1::UpdateWorkflowExecutionResponse> done) {
  const auto& meta = request.request().meta();
  if (meta.update_id().empty()) return done(InvalidArgument("UpdateId is not set on request."));
  if (request.request().input().name().empty()) {
    return done(InvalidArgument("Update name is not set on request."));
  }
  auto run_id = ResolveRun(ns, request.workflow_execution());
  if (!run_id.ok()) return done(run_id.status());
  WithRun(ns, *run_id, request.workflow_execution().workflow_id(),
          [this, request, deadline, done = std::move(done)](Result<LeasePtr> lease) {
            if (!lease.ok()) return done(lease.status());
            WaitForUpdate(*lease, request.request().meta().update_id(),
                          WaitStage(request.wait_policy()), deadline, /*admit=*/true,
                          &request.request(), [done](Result<UpdateProgress> progress) {
                            if (!progress.ok()) return done(progress.status());
                            wsv1::UpdateWorkflowExecutionResponse r;
                            *r.mutable_update_ref() = progress->ref;
                            r.set_stage(progress->stage);
                            if (progress->stage ==
                                enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) {
                              *r.mutable_outcome() = progress->outcome;
                            }
                            done(std::move(r));
                          });
          });
}

void HistoryEngine::PollUpdate(const storage::NamespaceRecord& ns,
                               const wsv1::PollWorkflowExecutionUpdateRequest& request,
                               AlarmClock::Clock::time_point deadline,
                               Callback<wsv1::PollWorkflowExecutionUpdateResponse> done) {
  auto run_id = ResolveRun(ns, request.update_ref().workflow_execution());
  if (!run_id.ok()) return done(run_id.status());
  WithRun(ns, *run_id, request.update_ref().workflow_execution().workflow_id(),
          [this, request, deadline, done = std::move(done)](Result<LeasePtr> lease) {
            if (!lease.ok()) return done(lease.status());
            WaitForUpdate(*lease, request.update_ref().update_id(),
                          WaitStage(request.wait_policy()), deadline, /*admit=*/false, nullptr,
                          [done](Result<UpdateProgress> progress) {
                            if (!progress.ok()) return done(progress.status());
                            wsv1::PollWorkflowExecutionUpdateResponse r;
                            *r.mutable_update_ref() = progress->ref;
                            r.set_stage(progress->stage);
                            if (progress->stage ==
                                enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) {
                              *r.mutable_outcome() = progress->outcome;
                            }
                            done(std::move(r));
                          });
          });
}

void HistoryEngine::AttachUpdates(const MutableState& s, int64_t started_event_id,
                                  wsv1::PollWorkflowTaskQueueResponse* r) {
  for (const auto& request : updates_.TakeUndelivered(RunId(s.run_id()))) {
    auto* message = r->add_messages();
    message->set_id(request.meta().update_id() + "/request");
    message->set_protocol_instance_id(request.meta().update_id());
    message->set_event_id(started_event_id - 1);
    message->mutable_body()->PackFrom(request);
  }
}

std::optional<HistoryEngine::CommandFailure> HistoryEngine::ApplyUpdateMessage(
    RunMutation& m, const temporal::api::protocol::v1::Message& message, UpdateEffects* effects) {
  MutableState& s = m.state();
  update::Acceptance acceptance;
  update::Response response;
  update::Rejection rejection;
  if (message.body().UnpackTo(&acceptance)) {
    HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    auto* a = event.mutable_workflow_execution_update_accepted_event_attributes();
    a->set_protocol_instance_id(message.protocol_instance_id());
    a->set_accepted_request_message_id(acceptance.accepted_request_message_id());
    a->set_accepted_request_sequencing_event_id(acceptance.accepted_request_sequencing_event_id());
    *a->mutable_accepted_request() = acceptance.accepted_request();
    m.Append(std::move(event));
    effects->accepted.push_back(message.protocol_instance_id());
    return std::nullopt;
  }
  if (message.body().UnpackTo(&response)) {
    const std::string& id = response.meta().update_id();
    auto it = s.updates().find(id);
    if (it == s.updates().end() || it->second.accepted_event_id() == 0) {
      return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
                            "update " + id + " completed before it was accepted"};
    }
    HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    auto* a = event.mutable_workflow_execution_update_completed_event_attributes();
    *a->mutable_meta() = response.meta();
    a->set_accepted_event_id(it->second.accepted_event_id());
    *a->mutable_outcome() = response.outcome();
    m.Append(std::move(event));
    effects->completed.emplace_back(id, response.outcome());
    return std::nullopt;
  }
  if (message.body().UnpackTo(&rejection)) {
    update::Outcome outcome;
    *outcome.mutable_failure() = rejection.failure();
    effects->completed.emplace_back(message.protocol_instance_id(), outcome);
    return std::nullopt;
  }
  return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
                        "message " + message.id() + " is not an update's acceptance, rejection "
                        "or response"};
}

void HistoryEngine::ApplyUpdateEffects(const RunId& run, const UpdateEffects& effects) {
  for (const auto& id : effects.accepted) updates_.Accepted(run, id);
  for (const auto& [id, outcome] : effects.completed) updates_.Completed(run, id, outcome);
  // An update the workflow was given and did not answer is rejected, so its caller learns.
  for (const auto& id : updates_.Unanswered(run)) {
    update::Outcome outcome;
    outcome.mutable_failure()->set_message("the workflow did not accept or reject the update");
    outcome.mutable_failure()->mutable_application_failure_info()->set_non_retryable(true);
    updates_.Completed(run, id, outcome);
  }
}

}  // namespace endure::engine::history
