// QueryWorkflow and the two ways a query reaches a worker (reference 3.8): carried by the next
// workflow task when one is pending or none has completed yet, or else as a legacy query task
// answered by RespondQueryTaskCompleted. Queries are never written (query_registry.h).
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/query.pb.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::TaskToken;
using PollResponse = std::optional<wsv1::PollWorkflowTaskQueueResponse>;

// Whether the query's reject condition refuses a run in this state.
bool Rejects(enums::QueryRejectCondition condition, int status) {
  switch (condition) {
    case enums::QUERY_REJECT_CONDITION_NOT_OPEN:
      return status != enums::WORKFLOW_EXECUTION_STATUS_RUNNING;
    case enums::QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY:
      return status != enums::WORKFLOW_EXECUTION_STATUS_RUNNING &&
             status != enums::WORKFLOW_EXECUTION_STATUS_COMPLETED;
    default:
      return false;
  }
}

}  // namespace

bool HistoryEngine::IsQueryTask(const storage::TaskRow& task) { return task.task_id < 0; }

void HistoryEngine::QueryWorkflow(const storage::NamespaceRecord& ns,
                                  const wsv1::QueryWorkflowRequest& request,
                                  AlarmClock::Clock::time_point deadline,
                                  Callback<wsv1::QueryWorkflowResponse> done) {
  if (request.query().query_type().empty()) {
    return done(InvalidArgument("QueryType is not set on request."));
  }
  auto run_id = ResolveRun(ns, request.execution());
  if (!run_id.ok()) return done(run_id.status());
  WithRun(ns, *run_id, request.execution().workflow_id(),
          [this, request, deadline, done = std::move(done)](Result<LeasePtr> lease) mutable {
            if (!lease.ok()) return done(lease.status());
            const MutableState& s = (*lease)->state();
            if (Rejects(request.query_reject_condition(), s.status())) {
              wsv1::QueryWorkflowResponse rejected;
              rejected.mutable_query_rejected()->set_status(
                  static_cast<enums::WorkflowExecutionStatus>(s.status()));
              return done(std::move(rejected));
            }
            const RunId run(s.run_id());
            const std::string id = queries_.Add(run, request.query(), std::move(done));
            if (deadline != AlarmClock::Clock::time_point::max()) {
              options_.alarms->Set(deadline, [this, id] {
                queries_.Abandon(id, Status(StatusCode::kDeadlineExceeded,
                                            "no worker answered the query before its deadline"));
              });
            }
            DispatchQueryTasksIfIdle(s);
          });
}

storage::TaskRow HistoryEngine::RowFor(const MutableState& s, const std::string& queue) {
  storage::TaskRow row;
  row.namespace_id = NamespaceId(s.namespace_id());
  row.task_queue = queue;
  row.kind = storage::TaskKind::kWorkflow;
  row.workflow_id = WorkflowId(s.workflow_id());
  row.run_id = RunId(s.run_id());
  return row;
}

void HistoryEngine::DispatchQueryTasksIfIdle(const MutableState& s) {
  const RunId run(s.run_id());
  if (!queries_.HasQueries(run)) return;
  const bool running = s.status() == enums::WORKFLOW_EXECUTION_STATUS_RUNNING;
  // A running workflow that has a task pending, or has never completed one, answers in its next
  // workflow task (a consistent query).
  if (running &&
      (s.workflow_task().scheduled_event_id() != 0 || s.last_completed_started_event_id() == 0)) {
    return;
  }
  const auto& sticky = s.pending().sticky();
  const bool use_sticky =
      running && !sticky.name().empty() &&
      options_.matching->HasLivePoller(NamespaceId(s.namespace_id()), sticky.name(),
                                       storage::TaskKind::kWorkflow);
  const std::string queue = use_sticky ? sticky.name() : s.started().task_queue().name();
  std::vector<storage::TaskRow> rows;
  const std::string normal = s.started().task_queue().name();
  for (const auto& query : queries_.Release(run, queue)) {
    if (use_sticky && sticky.schedule_to_start_timeout() > 0) {
      // A sticky worker that does not take the query in time loses it to the normal queue.
      const auto after = std::chrono::nanoseconds(sticky.schedule_to_start_timeout());
      options_.alarms->Set(
          AlarmClock::Clock::now() + std::chrono::duration_cast<AlarmClock::Clock::duration>(after),
          [this, id = query.id, from = queue, normal, row_template = RowFor(s, normal)]() mutable {
            if (!queries_.Reroute(id, from, normal)) return;
            row_template.task_id = -next_query_task_.fetch_add(1);
            row_template.payload = id;
            options_.matching->AddTasks({row_template});
          });
    }
    storage::TaskRow row = RowFor(s, queue);
    row.task_id = -next_query_task_.fetch_add(1);  // Never stored: ids below the store's.
    row.payload = query.id;
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) options_.matching->AddTasks(rows);
}

void HistoryEngine::RecordQueryTaskStarted(const storage::TaskRow& task,
                                           const wsv1::PollWorkflowTaskQueueRequest& poll,
                                           Callback<PollResponse> done) {
  auto query = queries_.Find(task.payload, task.task_queue);
  if (!query) return done(PollResponse());  // Answered or abandoned meanwhile.
  runs_.With(task.run_id, [this, task, poll, query = std::move(*query),
                           done = std::move(done)](Result<LeasePtr> lease) {
    if (!lease.ok()) return done(lease.status());
    const MutableState& s = (*lease)->state();
    wsv1::PollWorkflowTaskQueueResponse r;
    TaskToken token = TaskTokenOf(TaskToken::KIND_QUERY, s);
    token.set_query_id(query.id);
    r.set_task_token(EncodeTaskToken(token));
    r.mutable_workflow_execution()->set_workflow_id(s.workflow_id());
    r.mutable_workflow_execution()->set_run_id(s.run_id());
    *r.mutable_workflow_type() = s.started().workflow_type();
    r.mutable_workflow_execution_task_queue()->set_name(s.started().task_queue().name());
    r.mutable_workflow_execution_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
    r.set_previous_started_event_id(s.last_completed_started_event_id());
    r.set_attempt(1);
    *r.mutable_query() = query.query;
    // A sticky worker has the run in its cache; any other replays the whole history.
    const bool sticky_poll = task.task_queue != s.started().task_queue().name();
    // Present even when empty: the SDKs take a task without a history for an unparseable one.
    r.mutable_history();
    if (!sticky_poll) {
      const int64_t end = s.next_event_id();
      const int64_t last = std::min(end, 1 + options_.history_page_size);
      const KeptHistory* kept = (*lease)->history();
      if (kept != nullptr && kept->Holds(1, last)) {
        for (int64_t id = 1; id < last; ++id) *r.mutable_history()->add_events() = kept->at(id);
      } else {
        auto events = options_.store->ReadHistory(RunId(s.run_id()), 1, last,
                                                  static_cast<size_t>(options_.history_page_size));
        if (!events.ok()) return done(events.status());
        for (auto& e : *events) *r.mutable_history()->add_events() = std::move(e);
      }
      if (last < end) {
        endure::history::HistoryPageToken next;
        next.set_run_id(s.run_id());
        next.set_next_event_id(last);
        next.set_end_event_id(end);
        r.set_next_page_token(EncodeHistoryPageToken(next));
      }
    }
    done(PollResponse(std::move(r)));
  });
}

void HistoryEngine::RespondQueryTaskCompleted(
    const storage::NamespaceRecord& ns, const wsv1::RespondQueryTaskCompletedRequest& request,
    Callback<wsv1::RespondQueryTaskCompletedResponse> done) {
  auto token = DecodeTaskToken(request.task_token());
  if (!token.ok()) return done(token.status());
  if (token->kind() != TaskToken::KIND_QUERY) {
    return done(InvalidArgument("task token is not a query task's"));
  }
  if (token->namespace_id() != ns.id.value()) {
    return done(InvalidArgument("task token belongs to another namespace"));
  }
  temporal::api::query::v1::WorkflowQueryResult result;
  result.set_result_type(request.completed_type());
  *result.mutable_answer() = request.query_result();
  result.set_error_message(request.error_message());
  if (request.has_failure()) *result.mutable_failure() = request.failure();
  if (Status answered = queries_.Answer(token->query_id(), result); !answered.ok()) {
    return done(answered);
  }
  done(wsv1::RespondQueryTaskCompletedResponse());
}

}  // namespace endure::engine::history
