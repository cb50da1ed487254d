#include "engine/history/run_mutation.h"

#include "engine/history/durations.h"
#include "storage/time_codec.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {

RunMutation::RunMutation(MutableState* state, TimePoint now) : state_(state), now_(now) {}

HistoryEvent RunMutation::NewEvent(EventType type) const {
  HistoryEvent event;
  event.set_event_type(type);
  SetTimestamp(event.mutable_event_time(), now_nanos());
  // Temporal's single-cluster servers write version 0 and a task id; the SDKs need neither.
  return event;
}

int64_t RunMutation::Append(HistoryEvent event) {
  const int64_t id = state_->next_event_id();
  event.set_event_id(id);
  ApplyEvent(event, state_);
  transition_.events.push_back(std::move(event));
  return id;
}

void RunMutation::Buffer(HistoryEvent event) {
  *state_->mutable_pending()->add_buffered_events() = std::move(event);
}

void RunMutation::AppendOrBuffer(HistoryEvent event) {
  if (state_->workflow_task().started_event_id() != 0) {
    Buffer(std::move(event));
  } else {
    Append(std::move(event));
  }
}

void RunMutation::AddTask(storage::TaskKind kind, const std::string& task_queue, int64_t ref) {
  storage::TaskRow row;
  row.namespace_id = NamespaceId(state_->namespace_id());
  row.task_queue = task_queue;
  row.kind = kind;
  row.workflow_id = WorkflowId(state_->workflow_id());
  row.run_id = RunId(state_->run_id());
  row.ref = ref;
  row.create_time = now_;
  transition_.tasks_created.push_back(std::move(row));
}

void RunMutation::WithdrawTask(storage::TaskKind kind, int64_t ref) {
  std::erase_if(transition_.tasks_created,
                [&](const storage::TaskRow& row) { return row.kind == kind && row.ref == ref; });
}

void RunMutation::ArmTimer(TimerKind kind, int64_t ref, int32_t attempt, int64_t fire_time) {
  auto* armed = state_->mutable_pending()->add_armed_timers();
  armed->set_fire_time(fire_time);
  armed->set_kind(kind);
  armed->set_ref(ref);
  armed->set_attempt(attempt);
  storage::TimerRow row;
  row.fire_time = storage::FromUnixNanos(fire_time);
  row.namespace_id = NamespaceId(state_->namespace_id());
  row.workflow_id = WorkflowId(state_->workflow_id());
  row.run_id = RunId(state_->run_id());
  row.kind = kind;
  row.ref = ref;
  auto& rows = KeptInMemory(kind) ? timer_changes_.armed : transition_.timers_created;
  rows.push_back(std::move(row));
}

void RunMutation::DisarmTimers(
    const std::function<bool(const endure::history::ArmedTimer&)>& match) {
  auto* armed = state_->mutable_pending()->mutable_armed_timers();
  for (int i = 0; i < armed->size();) {
    const auto& timer = armed->Get(i);
    if (!match(timer)) {
      ++i;
      continue;
    }
    const storage::TimerKey key{storage::FromUnixNanos(timer.fire_time()),
                                RunId(state_->run_id()), timer.kind(), timer.ref()};
    // A timer armed by this same transition is not in the store or the queue yet: drop its
    // creation instead.
    const bool in_memory = KeptInMemory(timer.kind());
    auto& created = in_memory ? timer_changes_.armed : transition_.timers_created;
    auto it = std::find_if(created.begin(), created.end(),
                           [&](const storage::TimerRow& row) { return row.key() == key; });
    if (it != created.end()) {
      created.erase(it);
    } else {
      (in_memory ? timer_changes_.disarmed : transition_.timers_deleted).push_back(key);
    }
    armed->DeleteSubrange(i, 1);
  }
}

void RunMutation::DisarmAllTimers() {
  DisarmTimers([](const endure::history::ArmedTimer&) { return true; });
}

void RunMutation::DeleteTimerRow(const storage::TimerKey& key) {
  auto& deleted = transition_.timers_deleted;
  if (std::find(deleted.begin(), deleted.end(), key) == deleted.end()) deleted.push_back(key);
}

void RunMutation::LinkNewRun(storage::Transition first, std::shared_ptr<MutableState> state,
                             std::vector<storage::TaskRow> tasks, TimerChanges timers,
                             std::vector<HistoryEvent> events) {
  linked_.push_back(std::move(first));
  linked_runs_.push_back(
      {std::move(state), std::move(tasks), std::move(timers), std::move(events)});
}

storage::Transition RunMutation::Finish(int64_t db_version) {
  storage::ExecutionWrite write;
  write.expected_db_version = db_version;
  auto& record = write.record;
  record.namespace_id = NamespaceId(state_->namespace_id());
  record.workflow_id = WorkflowId(state_->workflow_id());
  record.run_id = RunId(state_->run_id());
  record.db_version = db_version + 1;
  record.next_event_id = state_->next_event_id();
  record.status = state_->status();
  for (const auto& timer : state_->pending().armed_timers()) {
    if (KeptInMemory(timer.kind())) ++record.timers_in_memory;
  }
  state_->pending().SerializeToString(&record.state);
  for (const auto& row : transition_.timers_created) timer_changes_.stored.push_back(row.fire_time);
  transition_.execution = std::move(write);
  if (visibility_) transition_.visibility = VisibilityOf(*state_);
  transition_.linked = std::move(linked_);
  return std::move(transition_);
}

storage::VisibilityRecord VisibilityOf(const MutableState& s) {
  storage::VisibilityRecord v;
  v.namespace_id = NamespaceId(s.namespace_id());
  v.workflow_id = WorkflowId(s.workflow_id());
  v.run_id = RunId(s.run_id());
  v.workflow_type = s.started().workflow_type().name();
  v.task_queue = s.started().task_queue().name();
  v.status = s.status();
  v.start_time = storage::FromUnixNanos(s.start_time());
  v.execution_time = storage::FromUnixNanos(
      s.start_time() + ToNanos(s.started().first_workflow_task_backoff()).count());
  if (s.close_time() != 0) v.close_time = storage::FromUnixNanos(s.close_time());
  v.history_length = s.next_event_id() - 1;
  v.history_size_bytes = s.history_size_bytes();
  v.memo = s.memo();
  v.search_attributes = s.search_attributes();
  return v;
}

}  // namespace endure::engine::history
