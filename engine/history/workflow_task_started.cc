// Recording that a poller took a workflow task, and the poll response it gets: the history it
// needs (all of it, or only what is new since its last task on a sticky queue), the ids sdk-core
// replays by, and a token naming this attempt.
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "engine/history/task_rows.h"
#include "storage/base/uuid.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::TaskToken;
using Response = std::optional<temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse>;

}  // namespace

void HistoryEngine::RecordWorkflowTaskStarted(
    const storage::TaskRow& task, const wsv1::PollWorkflowTaskQueueRequest& poll, bool in_process,
    Callback<std::optional<wsv1::PollWorkflowTaskQueueResponse>> done) {
  runs_.With(task.run_id, [this, task, poll, in_process,
                           done = std::move(done)](Result<LeasePtr> lease) {
    if (!lease.ok()) {
      Status requeued = DropOrRequeue(task, lease.status());
      return requeued.ok() ? done(Response()) : done(requeued);
    }
    MutableState& s = (*lease)->state();
    if (!WorkflowTaskAwaitsStart(s, task)) {
      DropTask(task);  // Its run moved on: completed, timed out, or rescheduled elsewhere.
      return done(Response());
    }
    RunMutation m(&s, options_.env->Now());
    m.DeleteTask(task.key());
    const StartedWorkflowTask started = StartWorkflowTask(m, poll.identity());
    // The callback runs while the run is still held, so the state it reads is this one.
    RunCache::Lease* held = lease->get();
    if (in_process && HistoryInMemory(s, held->history(), m.events(), started)) {
      // Handed over now: the poller runs the task while its start commits. Its completion
      // waits for the run, which is held until then; if the start fails, the run reloads
      // without it, the completion is refused, and the task goes back to matching.
      auto r = WorkflowTaskResponse(s, held->history(), started, &m.events());
      if (!r.ok()) {
        (*lease)->MarkDirty();  // Not submitted: the run reloads without the start.
        options_.matching->Requeue(task);
        return done(r.status());
      }
      Commit(std::move(*lease), m, [this, task](Status committed) {
        if (!committed.ok()) options_.matching->Requeue(task);
      });
      return done(Response(std::move(*r)));
    }
    Commit(std::move(*lease), m, [this, state = &s, held, task, started, done](Status committed) {
      if (!committed.ok()) {
        options_.matching->Requeue(task);
        return done(committed);
      }
      auto r = WorkflowTaskResponse(*state, held->history(), started);
      if (!r.ok()) return done(r.status());
      done(Response(std::move(*r)));
    });
  });
}

HistoryEngine::StartedWorkflowTask HistoryEngine::StartWorkflowTask(RunMutation& m,
                                                                    const std::string& identity) {
  MutableState& s = m.state();
  const auto& wt = s.workflow_task();
  StartedWorkflowTask started;
  started.sticky = wt.sticky();
  // A normal poller taking the run over starts from full history; the run is no longer sticky.
  if (!started.sticky) s.mutable_pending()->clear_sticky();
  const int64_t scheduled_id = wt.scheduled_event_id();
  const int32_t attempt = wt.attempt();
  const std::string request_id = NewUuid(options_.env);
  started.transient = s.pending().has_transient_task();
  const int64_t history_size = s.history_size_bytes();
  const bool suggest_continue_as_new =
      s.next_event_id() >= options_.suggest_continue_as_new_events ||
      history_size >= options_.suggest_continue_as_new_bytes;
  if (started.transient) {
    auto* t = s.mutable_pending()->mutable_transient_task();
    t->set_started(true);
    t->set_started_time(m.now_nanos());
    t->set_request_id(request_id);
    t->set_identity(identity);
    ApplyTransientTask(&s);
  } else {
    HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    auto* a = event.mutable_workflow_task_started_event_attributes();
    a->set_scheduled_event_id(scheduled_id);
    a->set_identity(identity);
    a->set_request_id(request_id);
    a->set_history_size_bytes(history_size);
    a->set_suggest_continue_as_new(suggest_continue_as_new);
    if (s.next_event_id() >= options_.suggest_continue_as_new_events) {
      a->add_suggest_continue_as_new_reasons(
          enums::SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS);
    }
    if (history_size >= options_.suggest_continue_as_new_bytes) {
      a->add_suggest_continue_as_new_reasons(
          enums::SUGGEST_CONTINUE_AS_NEW_REASON_HISTORY_SIZE_TOO_LARGE);
    }
    m.Append(std::move(event));
  }
  m.DisarmTimers([&](const endure::history::ArmedTimer& t) {
    return t.kind() == kWorkflowTaskScheduleToStart && t.ref() == scheduled_id;
  });
  const int64_t start_to_close = s.workflow_task().start_to_close_timeout();
  if (start_to_close > 0) {
    m.ArmTimer(kWorkflowTaskStartToClose, scheduled_id, attempt, m.now_nanos() + start_to_close);
  }
  started.started_event_id = s.workflow_task().started_event_id();
  return started;
}

namespace {

// The range of event ids a workflow task's response carries (before paging): everything for a
// normal poller, only what is new for the sticky one; a transient task's two events are not
// stored and come last.
struct HistoryRange {
  int64_t first;
  int64_t persisted_end;
  int64_t page;
};

HistoryRange RangeOf(const MutableState& run, bool sticky, bool transient, int64_t started_event_id,
                     int64_t page_size) {
  HistoryRange r;
  r.first = sticky ? run.last_completed_started_event_id() + 1 : 1;
  r.persisted_end = transient ? run.next_event_id() : started_event_id + 1;
  r.page = transient ? r.persisted_end : page_size;  // A transient task's is never paged.
  return r;
}

}  // namespace

bool HistoryEngine::HistoryInMemory(const MutableState& run, const KeptHistory* kept,
                                    const std::vector<HistoryEvent>& uncommitted,
                                    const StartedWorkflowTask& started) const {
  if (kept == nullptr) return false;
  if (!uncommitted.empty() && uncommitted.front().event_id() != kept->end_id()) return false;
  const HistoryRange range = RangeOf(run, started.sticky, started.transient,
                                     started.started_event_id, options_.history_page_size);
  return kept->Holds(range.first,
                     range.persisted_end - static_cast<int64_t>(uncommitted.size())) &&
         range.persisted_end - range.first <= range.page;
}

Result<wsv1::PollWorkflowTaskQueueResponse> HistoryEngine::WorkflowTaskResponse(
    const MutableState& run, KeptHistory* kept, const StartedWorkflowTask& started,
    const std::vector<HistoryEvent>* uncommitted) {
  const auto& task_info = run.workflow_task();
  const int64_t started_id = started.started_event_id;
  wsv1::PollWorkflowTaskQueueResponse r;
  TaskToken token = TaskTokenOf(TaskToken::KIND_WORKFLOW, run);
  token.set_scheduled_event_id(task_info.scheduled_event_id());
  token.set_started_event_id(started_id);
  token.set_attempt(task_info.attempt());
  r.set_task_token(EncodeTaskToken(token));
  r.mutable_workflow_execution()->set_workflow_id(run.workflow_id());
  r.mutable_workflow_execution()->set_run_id(run.run_id());
  *r.mutable_workflow_type() = run.started().workflow_type();
  r.set_previous_started_event_id(run.last_completed_started_event_id());
  r.set_started_event_id(started_id);
  r.set_attempt(task_info.attempt());
  r.mutable_workflow_execution_task_queue()->set_name(run.started().task_queue().name());
  r.mutable_workflow_execution_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  SetTimestamp(r.mutable_scheduled_time(), task_info.scheduled_time());
  SetTimestamp(r.mutable_started_time(), task_info.started_time());
  queries_.Attach(RunId(run.run_id()), r.mutable_queries());
  AttachUpdates(run, started_id, &r);

  const auto [first, persisted_end, page] =
      RangeOf(run, started.sticky, started.transient, started_id, options_.history_page_size);
  const int64_t added = uncommitted != nullptr ? static_cast<int64_t>(uncommitted->size()) : 0;
  if (kept != nullptr && kept->Holds(first, persisted_end - added)) {
    // Moved out of the kept history (see KeptHistory); the uncommitted events are still to be
    // written, and copied.
    const int64_t last = std::min(persisted_end, first + page);
    const int64_t held_end = kept->end_id();
    for (int64_t id = first; id < last; ++id) {
      HistoryEvent* e = r.mutable_history()->add_events();
      if (id < held_end) {
        *e = kept->Take(id);  // Not a conditional: its common type would be const, and copied.
      } else {
        *e = (*uncommitted)[static_cast<size_t>(id - held_end)];
      }
    }
    kept->ForgetBefore(last);
  } else {
    ENDURE_ASSIGN_OR_RETURN(auto events,
                            options_.store->ReadHistory(RunId(run.run_id()), first, persisted_end,
                                                        static_cast<size_t>(page)));
    for (auto& e : events) *r.mutable_history()->add_events() = std::move(e);
  }
  const int64_t read_to = first + static_cast<int64_t>(r.history().events_size());
  if (read_to < persisted_end) {
    endure::history::HistoryPageToken next;
    next.set_run_id(run.run_id());
    next.set_next_event_id(read_to);
    next.set_end_event_id(persisted_end);
    r.set_next_page_token(EncodeHistoryPageToken(next));
  }
  if (started.transient) {
    auto* scheduled = r.mutable_history()->add_events();
    scheduled->set_event_id(task_info.scheduled_event_id());
    scheduled->set_event_type(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    SetTimestamp(scheduled->mutable_event_time(), task_info.scheduled_time());
    auto* sa = scheduled->mutable_workflow_task_scheduled_event_attributes();
    *sa->mutable_task_queue() = run.started().task_queue();
    *sa->mutable_start_to_close_timeout() = run.started().workflow_task_timeout();
    sa->set_attempt(task_info.attempt());
    auto* st_event = r.mutable_history()->add_events();
    st_event->set_event_id(started_id);
    st_event->set_event_type(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    SetTimestamp(st_event->mutable_event_time(), task_info.started_time());
    auto* st = st_event->mutable_workflow_task_started_event_attributes();
    st->set_scheduled_event_id(task_info.scheduled_event_id());
    st->set_identity(task_info.identity());
    st->set_request_id(task_info.request_id());
    st->set_history_size_bytes(run.history_size_bytes());
  }
  return r;
}

}  // namespace endure::engine::history
