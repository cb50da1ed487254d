#include "storage/transition_writer.h"

#include <string>

#include "storage/time_codec.h"

namespace endure::storage {
namespace {

std::string Describe(const ExecutionRecord& r) {
  return "workflow '" + r.workflow_id.value() + "' run '" + r.run_id.value() + "'";
}

}  // namespace

Status TransitionWriter::Apply(const Transition& t) {
  if (t.namespace_upsert) ENDURE_RETURN_IF_ERROR(WriteNamespace(*t.namespace_upsert));

  if (!t.execution) {
    if (!t.events.empty()) return InvalidArgument("history events without an execution write");
  } else {
    ENDURE_ASSIGN_OR_RETURN(EventId previous_next, WriteExecution(*t.execution));
    ENDURE_RETURN_IF_ERROR(AppendHistory(t.execution->record, previous_next, t));
  }
  if (t.current) ENDURE_RETURN_IF_ERROR(WriteCurrent(*t.current));
  ENDURE_RETURN_IF_ERROR(WriteTasks(t));
  ENDURE_RETURN_IF_ERROR(WriteTimers(t));
  if (t.visibility) ENDURE_RETURN_IF_ERROR(WriteVisibility(*t.visibility));
  return Status::Ok();
}

Status TransitionWriter::WriteNamespace(const NamespaceRecord& ns) {
  if (ns.id.empty() || ns.info.name().empty()) {
    return InvalidArgument("a namespace needs an id and a name");
  }
  ENDURE_ASSIGN_OR_RETURN(auto stmt, db_->Cached(
      "INSERT INTO namespaces (namespace_id, name, info, config) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (namespace_id) DO UPDATE SET name = ?2, info = ?3, config = ?4"));
  stmt->Bind(1, ns.id.value()).Bind(2, ns.info.name());
  stmt->BindBlob(3, ns.info.SerializeAsString()).BindBlob(4, ns.config.SerializeAsString());
  return stmt->Run();
}

Result<EventId> TransitionWriter::WriteExecution(const ExecutionWrite& write) {
  const ExecutionRecord& r = write.record;
  if (r.run_id.empty() || r.workflow_id.empty() || r.namespace_id.empty()) {
    return InvalidArgument("an execution needs a namespace, a workflow id and a run id");
  }
  if (r.db_version <= write.expected_db_version) {
    return InvalidArgument(Describe(r) + ": the new db_version must exceed the expected one");
  }

  int64_t stored_version = 0;
  EventId previous_next = 1;
  {
    ENDURE_ASSIGN_OR_RETURN(auto read, db_->Cached(
        "SELECT db_version, next_event_id FROM executions WHERE run_id = ?1"));
    read->Bind(1, r.run_id.value());
    ENDURE_ASSIGN_OR_RETURN(bool exists, read->Step());
    if (exists) {
      stored_version = read->ColumnInt(0);
      previous_next = read->ColumnInt(1);
    }
  }

  if (stored_version != write.expected_db_version) {
    return Aborted(Describe(r) + ": expected db_version " +
                   std::to_string(write.expected_db_version) + " but the store holds " +
                   std::to_string(stored_version));
  }

  ENDURE_ASSIGN_OR_RETURN(auto stmt, db_->Cached(
      "INSERT INTO executions (run_id, namespace_id, workflow_id, db_version, next_event_id, "
      "status, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (run_id) DO UPDATE SET db_version = ?4, next_event_id = ?5, status = ?6, "
      "state = ?7"));
  stmt->Bind(1, r.run_id.value()).Bind(2, r.namespace_id.value()).Bind(3, r.workflow_id.value());
  stmt->Bind(4, r.db_version).Bind(5, r.next_event_id).Bind(6, r.status).BindBlob(7, r.state);
  ENDURE_RETURN_IF_ERROR(stmt->Run());
  return previous_next;
}

Status TransitionWriter::WriteCurrent(const CurrentExecutionWrite& write) {
  const CurrentExecutionRecord& r = write.record;
  std::optional<RunId> stored;
  {
    ENDURE_ASSIGN_OR_RETURN(auto read, db_->Cached(
        "SELECT run_id FROM current_executions WHERE namespace_id = ?1 AND workflow_id = ?2"));
    read->Bind(1, r.namespace_id.value()).Bind(2, r.workflow_id.value());
    ENDURE_ASSIGN_OR_RETURN(bool exists, read->Step());
    if (exists) stored = RunId(std::string(read->ColumnText(0)));
  }

  if (stored != write.expected_run_id) {
    return Aborted("workflow '" + r.workflow_id.value() + "': expected current run '" +
                   (write.expected_run_id ? write.expected_run_id->value() : "<none>") +
                   "' but the store holds '" + (stored ? stored->value() : "<none>") + "'");
  }
  ENDURE_ASSIGN_OR_RETURN(auto stmt, db_->Cached(
      "INSERT INTO current_executions (namespace_id, workflow_id, run_id, status, "
      "create_request_id) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (namespace_id, workflow_id) DO UPDATE SET run_id = ?3, status = ?4, "
      "create_request_id = ?5"));
  stmt->Bind(1, r.namespace_id.value()).Bind(2, r.workflow_id.value()).Bind(3, r.run_id.value());
  stmt->Bind(4, r.status).Bind(5, r.create_request_id);
  return stmt->Run();
}

Status TransitionWriter::AppendHistory(const ExecutionRecord& record, EventId previous_next,
                                       const Transition& t) {
  const EventId expected_next = previous_next + static_cast<EventId>(t.events.size());
  if (record.next_event_id != expected_next) {
    return InvalidArgument(Describe(record) + ": next_event_id " +
                           std::to_string(record.next_event_id) + " does not follow history (" +
                           std::to_string(expected_next) + " expected)");
  }
  if (t.events.empty()) return Status::Ok();

  temporal::api::history::v1::History batch;
  batch.mutable_events()->Reserve(static_cast<int>(t.events.size()));
  for (size_t i = 0; i < t.events.size(); ++i) {
    const EventId want = previous_next + static_cast<EventId>(i);
    if (t.events[i].event_id() != want) {
      return InvalidArgument(Describe(record) + ": event id " +
                             std::to_string(t.events[i].event_id()) + " where " +
                             std::to_string(want) + " must come next");
    }
    *batch.add_events() = t.events[i];
  }
  scratch_.clear();
  if (!batch.SerializeToString(&scratch_)) return Internal("cannot serialize history batch");

  ENDURE_ASSIGN_OR_RETURN(auto stmt, db_->Cached(
      "INSERT INTO history (run_id, first_event_id, last_event_id, events) "
      "VALUES (?1, ?2, ?3, ?4)"));
  stmt->Bind(1, record.run_id.value()).Bind(2, previous_next).Bind(3, expected_next - 1);
  stmt->BindBlob(4, scratch_);
  return stmt->Run();
}

Status TransitionWriter::WriteTasks(const Transition& t) {
  if (!t.tasks_deleted.empty()) {
    ENDURE_ASSIGN_OR_RETURN(auto del, db_->Cached(
        "DELETE FROM tasks WHERE run_id = ?1 AND kind = ?2 AND ref = ?3"));
    for (const RowKey& key : t.tasks_deleted) {
      del->Reset();
      del->Bind(1, key.run_id.value()).Bind(2, key.kind).Bind(3, key.ref);
      ENDURE_RETURN_IF_ERROR(del->Run());
    }
  }
  if (t.tasks_created.empty()) return Status::Ok();
  ENDURE_ASSIGN_OR_RETURN(auto ins, db_->Cached(
      "INSERT INTO tasks (namespace_id, task_queue, kind, workflow_id, run_id, ref, create_time, "
      "payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  for (const TaskRow& task : t.tasks_created) {
    ins->Reset();
    ins->Bind(1, task.namespace_id.value()).Bind(2, task.task_queue);
    ins->Bind(3, static_cast<int64_t>(task.kind)).Bind(4, task.workflow_id.value());
    ins->Bind(5, task.run_id.value()).Bind(6, task.ref).Bind(7, ToUnixNanos(task.create_time));
    ins->BindBlob(8, task.payload);
    Status status = ins->Run();
    if (!status.ok()) return status.WithContext("creating task for run '" + task.run_id.value() + "'");
  }
  return Status::Ok();
}

Status TransitionWriter::WriteTimers(const Transition& t) {
  if (!t.timers_deleted.empty()) {
    ENDURE_ASSIGN_OR_RETURN(auto del, db_->Cached(
        "DELETE FROM timers WHERE run_id = ?1 AND kind = ?2 AND ref = ?3"));
    for (const RowKey& key : t.timers_deleted) {
      del->Reset();
      del->Bind(1, key.run_id.value()).Bind(2, key.kind).Bind(3, key.ref);
      ENDURE_RETURN_IF_ERROR(del->Run());
    }
  }
  if (t.timers_created.empty()) return Status::Ok();
  ENDURE_ASSIGN_OR_RETURN(auto ins, db_->Cached(
      "INSERT INTO timers (fire_time, namespace_id, workflow_id, run_id, kind, ref, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (const TimerRow& timer : t.timers_created) {
    ins->Reset();
    ins->Bind(1, ToUnixNanos(timer.fire_time)).Bind(2, timer.namespace_id.value());
    ins->Bind(3, timer.workflow_id.value()).Bind(4, timer.run_id.value());
    ins->Bind(5, timer.kind).Bind(6, timer.ref).BindBlob(7, timer.payload);
    Status status = ins->Run();
    if (!status.ok()) return status.WithContext("creating timer for run '" + timer.run_id.value() + "'");
  }
  return Status::Ok();
}

Status TransitionWriter::WriteVisibility(const VisibilityRecord& v) {
  ENDURE_ASSIGN_OR_RETURN(auto stmt, db_->Cached(
      "INSERT OR REPLACE INTO visibility (run_id, namespace_id, workflow_id, workflow_type, "
      "task_queue, status, start_time, execution_time, close_time, history_length, "
      "history_size_bytes, memo, search_attributes) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  stmt->Bind(1, v.run_id.value()).Bind(2, v.namespace_id.value()).Bind(3, v.workflow_id.value());
  stmt->Bind(4, v.workflow_type).Bind(5, v.task_queue).Bind(6, v.status);
  stmt->Bind(7, ToUnixNanos(v.start_time)).Bind(8, ToUnixNanos(v.execution_time));
  if (v.close_time) {
    stmt->Bind(9, ToUnixNanos(*v.close_time));
  } else {
    stmt->BindNull(9);
  }
  stmt->Bind(10, v.history_length).Bind(11, v.history_size_bytes);
  stmt->BindBlob(12, v.memo.SerializeAsString());
  stmt->BindBlob(13, v.search_attributes.SerializeAsString());
  return stmt->Run();
}

}  // namespace endure::storage
