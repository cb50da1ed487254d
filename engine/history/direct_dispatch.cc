// Direct dispatch: a task scheduled while a poller waits on its queue is started for that
// poller in the transition that schedules it, and the poll is answered once that transition is
// durable. The usual path writes a task row, hands it to the poller after the commit, and
// commits a second transition to record the start; this one costs neither the row nor the
// second transition, and the history it writes is the same (WorkflowTaskStarted follows the
// events that scheduled the task, as it would a moment later).
//
// A claimed poller may be gone by the time the commit is durable (its call was cancelled). Its
// activity attempt is then put back as not started and dispatched again; its workflow task,
// whose WorkflowTaskStarted is written, times out at once as it would at its start-to-close
// timeout, and is retried.
#include "engine/history/history_engine.h"
#include "engine/history/task_rows.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

}  // namespace

std::vector<HistoryEngine::DirectDispatch> HistoryEngine::DispatchToWaitingPolls(RunMutation& m) {
  std::vector<DirectDispatch> dispatched;
  MutableState& s = m.state();
  if (!options_.direct_dispatch || s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) {
    return dispatched;
  }
  // Copied: starting a task withdraws its row from the list.
  const std::vector<storage::TaskRow> rows = m.tasks_created();
  for (const auto& row : rows) {
    const bool workflow = row.kind == storage::TaskKind::kWorkflow;
    const bool awaits = workflow ? WorkflowTaskAwaitsStart(s, row)
                                 : row.kind == storage::TaskKind::kActivity &&
                                       ActivityAttemptAwaitsStart(s, row.ref);
    if (!awaits) continue;
    auto poll = options_.matching->ClaimPoll(row.namespace_id, row.task_queue, row.kind);
    if (!poll) continue;
    m.WithdrawTask(row.kind, row.ref);
    DirectDispatch d{std::move(*poll), row.kind, row.ref, 0, {}};
    if (workflow) {
      d.attempt = s.workflow_task().attempt();
      d.workflow_task = StartWorkflowTask(m, d.poll.identity);
    } else {
      d.attempt = s.pending().activity_attempts().at(row.ref).attempt();
      StartActivityAttempt(m, row.ref, d.poll.identity);
    }
    dispatched.push_back(std::move(d));
  }
  return dispatched;
}

std::vector<std::function<void()>> HistoryEngine::AnswersOf(std::vector<DirectDispatch> dispatched,
                                                            const MutableState& s,
                                                            KeptHistory* kept) {
  std::vector<std::function<void()>> answers;
  if (dispatched.empty()) return answers;
  std::string namespace_name;  // For activity tasks, which name it.
  for (const auto& d : dispatched) {
    if (d.kind != storage::TaskKind::kActivity || options_.namespaces == nullptr) continue;
    if (auto ns = options_.namespaces->ById(NamespaceId(s.namespace_id())); ns.ok()) {
      namespace_name = ns->info.name();
    }
    break;
  }
  const RunId run_id(s.run_id());
  for (auto& d : dispatched) {
    matching::StartedTask task;
    if (d.kind == storage::TaskKind::kWorkflow) {
      auto response = WorkflowTaskResponse(s, kept, d.workflow_task);
      if (!response.ok()) {
        // The history could not be read: the task is answered as lost, and retried.
        answers.push_back(
            [this, run_id, ref = d.ref, attempt = d.attempt, poll = std::move(d.poll)] {
              poll.callback(std::nullopt);
              TimeOutUndeliveredWorkflowTask(run_id, ref, attempt);
            });
        continue;
      }
      task = std::move(*response);
    } else {
      task = ActivityTaskOf(s, d.ref, namespace_name);
    }
    answers.push_back([this, run_id, d = std::move(d), task = std::move(task)]() mutable {
      if (d.poll.started(std::move(task))) return;
      if (d.kind == storage::TaskKind::kWorkflow) {
        TimeOutUndeliveredWorkflowTask(run_id, d.ref, d.attempt);
      } else {
        ReturnUndeliveredActivity(run_id, d.ref, d.attempt);
      }
    });
  }
  return answers;
}

void HistoryEngine::ReleaseDispatched(std::vector<DirectDispatch>& dispatched) {
  for (auto& d : dispatched) d.poll.callback(std::nullopt);
  dispatched.clear();
}

void HistoryEngine::TimeOutUndeliveredWorkflowTask(const RunId& run_id, int64_t scheduled_event_id,
                                                   int32_t attempt) {
  runs_.With(run_id, [this, scheduled_event_id, attempt](Result<LeasePtr> lease) {
    if (!lease.ok()) return;  // Its start-to-close timer fires later instead.
    MutableState& s = (*lease)->state();
    const auto& wt = s.workflow_task();
    if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING ||
        wt.scheduled_event_id() != scheduled_event_id || wt.attempt() != attempt ||
        wt.started_event_id() == 0) {
      return;
    }
    RunMutation m(&s, options_.env->Now());
    FailWorkflowTask(m, enums::WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED, {}, "",
                     enums::TIMEOUT_TYPE_START_TO_CLOSE);
    Commit(std::move(*lease), m, [](Status) {});
  });
}

void HistoryEngine::ReturnUndeliveredActivity(const RunId& run_id, int64_t scheduled_event_id,
                                              int32_t attempt) {
  runs_.With(run_id, [this, scheduled_event_id, attempt](Result<LeasePtr> lease) {
    if (!lease.ok()) return;  // Its start-to-close timer fires later instead.
    MutableState& s = (*lease)->state();
    auto* attempts = s.mutable_pending()->mutable_activity_attempts();
    auto it = attempts->find(scheduled_event_id);
    if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING || it == attempts->end() ||
        it->second.attempt() != attempt || !it->second.started()) {
      return;
    }
    RunMutation m(&s, options_.env->Now());
    // The start is in pending state only: undone, it leaves no trace.
    auto& a = it->second;
    a.set_started(false);
    a.clear_started_time();
    a.clear_started_identity();
    a.clear_request_id();
    m.DisarmTimers([scheduled_event_id](const endure::history::ArmedTimer& t) {
      return t.ref() == scheduled_event_id &&
             (t.kind() == kActivityStartToClose || t.kind() == kActivityHeartbeat);
    });
    DispatchActivityAttempt(m, scheduled_event_id);
    Commit(std::move(*lease), m, [](Status) {});
  });
}

}  // namespace endure::engine::history
