// Importing a recorded history (a Temporal JSON history file, as `temporal workflow show
// --output json` writes it) as a closed run, so that a run recorded elsewhere can be listed,
// described, shown and replayed here. The events are folded through the same ApplyEvent as every
// event the engine writes, so the run's state is what this server would have built; no task or
// timer is created for it, because a closed run has none.
#include "engine/history/history_engine.h"
#include "storage/base/uuid.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

bool IsCloseEvent(enums::EventType type) {
  switch (type) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return true;
    default:
      return false;
  }
}

Status CheckImportable(const std::vector<HistoryEvent>& events) {
  if (events.empty()) return InvalidArgument("the history has no events");
  const HistoryEvent& first = events.front();
  if (first.event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED ||
      !first.has_workflow_execution_started_event_attributes()) {
    return InvalidArgument("the history must begin with WorkflowExecutionStarted");
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_id() != static_cast<int64_t>(i + 1)) {
      return InvalidArgument("event ids must run 1, 2, 3, ...: event " + std::to_string(i + 1) +
                             " has id " + std::to_string(events[i].event_id()));
    }
  }
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    if (IsCloseEvent(events[i].event_type())) {
      return InvalidArgument("event " + std::to_string(i + 1) + " closes the run, but more follow");
    }
  }
  if (!IsCloseEvent(events.back().event_type())) {
    return InvalidArgument(
        "only closed runs can be imported: the last event (" + std::to_string(events.size()) +
        ", " + enums::EventType_Name(events.back().event_type()) + ") does not close the run");
  }
  return Status::Ok();
}

}  // namespace

void HistoryEngine::ImportHistory(const storage::NamespaceRecord& ns, std::string workflow_id,
                                  std::vector<HistoryEvent> events, Callback<RunId> done) {
  if (Status s = CheckImportable(events); !s.ok()) return done(s);
  const auto& started = events.front().workflow_execution_started_event_attributes();
  if (workflow_id.empty()) workflow_id = started.workflow_id();
  if (workflow_id.empty()) {
    return done(InvalidArgument("the history does not name its workflow id; give one"));
  }

  std::optional<RunId> previous;
  auto current = options_.store->GetCurrentExecution(ns.id, WorkflowId(workflow_id));
  if (current.ok()) {
    if (current->status == enums::WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return done(AlreadyExists("workflow " + workflow_id + " has a running execution (" +
                                current->run_id.value() + "); an imported run cannot replace it"));
    }
    previous = current->run_id;
  } else if (current.status().code() != StatusCode::kNotFound) {
    return done(current.status());
  }

  const std::string run_id = NewTimeOrderedUuid(options_.env);
  auto state = std::make_shared<MutableState>();
  state->set_namespace_id(ns.id.value());
  state->set_workflow_id(workflow_id);
  state->set_run_id(run_id);
  state->set_next_event_id(1);
  state->mutable_pending()->set_start_request_id(NewUuid(options_.env));
  RunMutation m(state.get(), options_.env->Now());
  for (HistoryEvent& event : events) m.Append(std::move(event));

  storage::CurrentExecutionWrite write;
  write.record.namespace_id = ns.id;
  write.record.workflow_id = WorkflowId(workflow_id);
  write.record.run_id = RunId(run_id);
  write.record.create_request_id = state->pending().start_request_id();
  write.expected_run_id = previous;
  m.SetCurrent(std::move(write));
  m.UpdateVisibility();
  storage::Transition transition = m.Finish(/*db_version=*/0);
  RenderVisibility(transition);
  Submit(std::move(transition),
         [run_id, done = std::move(done)](Result<storage::Committed> committed) {
           if (!committed.ok()) {
             if (committed.status().code() == StatusCode::kAborted) {
               return done(
                   Aborted("the workflow id's current run changed during the import; "
                           "try again"));
             }
             return done(committed.status());
           }
           done(RunId(run_id));
         });
}

}  // namespace endure::engine::history
