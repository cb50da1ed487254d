#include "storage/transition_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

#include "storage/time_codec.h"

namespace endure::storage {
namespace {

std::string Describe(const ExecutionRecord& r) {
  return "workflow '" + r.workflow_id.value() + "' run '" + r.run_id.value() + "'";
}

}  // namespace

EncodedTransition Encode(const Transition& t) {
  EncodedTransition out;
  {
    // A History is `repeated HistoryEvent events = 1`: each event as field 1, length-delimited.
    // Writing that directly spares copying every event into a History message first.
    google::protobuf::io::StringOutputStream stream(&out.history);
    google::protobuf::io::CodedOutputStream coded(&stream);
    constexpr uint32_t kEventsTag = (1 << 3) | 2;  // Field 1, wire type LEN.
    out.event_ids.reserve(t.events.size());
    for (const auto& e : t.events) {
      out.event_ids.push_back(e.event_id());
      coded.WriteTag(kEventsTag);
      coded.WriteVarint32(static_cast<uint32_t>(e.ByteSizeLong()));
      e.SerializeWithCachedSizes(&coded);
    }
  }  // The coded stream trims the string to what was written when it goes.
  if (t.visibility) {
    t.visibility->memo.SerializeToString(&out.memo);
    t.visibility->search_attributes.SerializeToString(&out.search_attributes);
  }
  for (const Transition& linked : t.linked) out.linked.push_back(Encode(linked));
  return out;
}

Status TransitionWriter::LoadSequences() {
  ENDURE_ASSIGN_OR_RETURN(next_task_id_,
                          db_->QueryInt("SELECT next_value FROM sequences WHERE name = 'task_id'"));
  return Status::Ok();
}

Status TransitionWriter::SaveSequences() {
  if (!sequences_dirty_) return Status::Ok();
  ENDURE_ASSIGN_OR_RETURN(
      auto stmt, db_->Cached("UPDATE sequences SET next_value = ?1 WHERE name = 'task_id'"));
  stmt->Bind(1, next_task_id_);
  return stmt->Run();
}

Status TransitionWriter::Apply(const Transition& t, const EncodedTransition& encoded,
                               Committed* committed) {
  committed->task_ids.clear();
  ENDURE_RETURN_IF_ERROR(ApplyOne(t, encoded, committed));
  for (size_t i = 0; i < t.linked.size(); ++i) {
    if (!t.linked[i].linked.empty()) return InvalidArgument("linked transitions do not nest");
    ENDURE_RETURN_IF_ERROR(ApplyOne(t.linked[i], encoded.linked[i], committed));
  }
  return Status::Ok();
}

Status TransitionWriter::ApplyOne(const Transition& t, const EncodedTransition& encoded,
                                  Committed* committed) {
  if (t.namespace_upsert) ENDURE_RETURN_IF_ERROR(WriteNamespace(*t.namespace_upsert));
  for (const auto& [name, value] : t.cluster_metadata) {
    ENDURE_ASSIGN_OR_RETURN(
        auto stmt, db_->Cached("INSERT INTO cluster_metadata (name, value) VALUES (?1, ?2) "
                               "ON CONFLICT (name) DO UPDATE SET value = ?2"));
    stmt->BindRef(1, name).BindBlobRef(2, value);
    ENDURE_RETURN_IF_ERROR(stmt->Run());
  }

  // First, so that a start finding its workflow id taken fails before it has written anything
  // (see GroupCommitWriter).
  if (t.current) ENDURE_RETURN_IF_ERROR(WriteCurrent(*t.current));
  if (!t.execution) {
    if (!encoded.event_ids.empty()) {
      return InvalidArgument("history events without an execution write");
    }
  } else {
    ENDURE_ASSIGN_OR_RETURN(EventId previous_next,
                            WriteExecution(*t.execution, encoded.event_ids.size()));
    ENDURE_RETURN_IF_ERROR(AppendHistory(t.execution->record, previous_next, encoded));
  }
  ENDURE_RETURN_IF_ERROR(WriteTasks(t, committed));
  ENDURE_RETURN_IF_ERROR(WriteTimers(t));
  if (t.visibility) {
    const bool created = t.execution && t.execution->expected_db_version == 0 &&
                         t.execution->record.run_id == t.visibility->run_id;
    ENDURE_RETURN_IF_ERROR(WriteVisibility(*t.visibility, encoded, created));
  }
  for (const auto& attribute : t.search_attributes) {
    ENDURE_RETURN_IF_ERROR(WriteSearchAttribute(attribute));
  }
  return Status::Ok();
}

Status TransitionWriter::WriteSearchAttribute(const SearchAttributeRecord& a) {
  if (a.type == 0) {
    ENDURE_ASSIGN_OR_RETURN(
        auto del, db_->Cached("DELETE FROM search_attributes WHERE namespace_id = ?1 AND name = ?2"));
    del->BindRef(1, a.namespace_id.value()).BindRef(2, a.name);
    return del->Run();
  }
  ENDURE_ASSIGN_OR_RETURN(
      auto upsert, db_->Cached("INSERT INTO search_attributes (namespace_id, name, type) "
                               "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET type = ?3"));
  upsert->BindRef(1, a.namespace_id.value()).BindRef(2, a.name).Bind(3, a.type);
  return upsert->Run();
}

Status TransitionWriter::WriteNamespace(const NamespaceRecord& ns) {
  if (ns.id.empty() || ns.info.name().empty()) {
    return InvalidArgument("a namespace needs an id and a name");
  }
  ENDURE_ASSIGN_OR_RETURN(
      auto stmt,
      db_->Cached(
          "INSERT INTO namespaces (namespace_id, name, info, config) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (namespace_id) DO UPDATE SET name = ?2, info = ?3, config = ?4"));
  stmt->Bind(1, ns.id.value()).Bind(2, ns.info.name());
  stmt->BindBlob(3, ns.info.SerializeAsString()).BindBlob(4, ns.config.SerializeAsString());
  return stmt->Run();
}

Result<EventId> TransitionWriter::WriteExecution(const ExecutionWrite& write, size_t appended) {
  const ExecutionRecord& r = write.record;
  if (r.run_id.empty() || r.workflow_id.empty() || r.namespace_id.empty()) {
    return InvalidArgument("an execution needs a namespace, a workflow id and a run id");
  }
  if (r.db_version <= write.expected_db_version) {
    return InvalidArgument(Describe(r) + ": the new db_version must exceed the expected one");
  }
  // The condition is part of the write itself; only when it fails do we read to explain why.
  const EventId previous_next =
      write.expected_db_version == 0 ? 1 : r.next_event_id - static_cast<EventId>(appended);
  if (write.expected_db_version == 0) {
    ENDURE_ASSIGN_OR_RETURN(
        auto insert,
        db_->Cached(
            "INSERT INTO executions (run_id, namespace_id, workflow_id, db_version, next_event_id, "
            "status, state, timers_in_memory) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
            "ON CONFLICT (run_id) DO NOTHING"));
    insert->BindRef(1, r.run_id.value()).BindRef(2, r.namespace_id.value());
    insert->BindRef(3, r.workflow_id.value()).Bind(4, r.db_version).Bind(5, r.next_event_id);
    insert->Bind(6, r.status).BindBlobRef(7, r.state).Bind(8, r.timers_in_memory);
    ENDURE_RETURN_IF_ERROR(insert->Run());
  } else {
    ENDURE_ASSIGN_OR_RETURN(
        auto update,
        db_->Cached(
            "UPDATE executions SET db_version = ?2, next_event_id = ?3, status = ?4, state = ?5, "
            "timers_in_memory = ?8 WHERE run_id = ?1 AND db_version = ?6 AND next_event_id = ?7"));
    update->BindRef(1, r.run_id.value()).Bind(2, r.db_version).Bind(3, r.next_event_id);
    update->Bind(4, r.status).BindBlobRef(5, r.state).Bind(6, write.expected_db_version);
    update->Bind(7, previous_next).Bind(8, r.timers_in_memory);
    ENDURE_RETURN_IF_ERROR(update->Run());
  }
  if (db_->ChangesInLastStatement() == 1) return previous_next;
  return ExplainExecutionConflict(write, previous_next);
}

Status TransitionWriter::ExplainExecutionConflict(const ExecutionWrite& write,
                                                  EventId previous_next) {
  const ExecutionRecord& r = write.record;
  ENDURE_ASSIGN_OR_RETURN(
      auto read, db_->Cached("SELECT db_version, next_event_id FROM executions WHERE run_id = ?1"));
  read->Bind(1, r.run_id.value());
  ENDURE_ASSIGN_OR_RETURN(bool exists, read->Step());
  const int64_t stored_version = exists ? read->ColumnInt(0) : 0;
  if (stored_version != write.expected_db_version) {
    return Aborted(Describe(r) + ": expected db_version " +
                   std::to_string(write.expected_db_version) + " but the store holds " +
                   std::to_string(stored_version));
  }
  return InvalidArgument(Describe(r) + ": next_event_id " + std::to_string(r.next_event_id) +
                         " does not follow history, which ends before event " +
                         std::to_string(read->ColumnInt(1)) + ", with " +
                         std::to_string(r.next_event_id - previous_next) + " events appended");
}

Status TransitionWriter::WriteCurrent(const CurrentExecutionWrite& write) {
  const CurrentExecutionRecord& r = write.record;
  std::optional<RunId> stored;
  {
    ENDURE_ASSIGN_OR_RETURN(
        auto read,
        db_->Cached(
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
  ENDURE_ASSIGN_OR_RETURN(
      auto stmt, db_->Cached("INSERT INTO current_executions (namespace_id, workflow_id, run_id, "
                             "create_request_id) VALUES (?1, ?2, ?3, ?4) "
                             "ON CONFLICT (namespace_id, workflow_id) DO UPDATE SET run_id = ?3, "
                             "create_request_id = ?4"));
  stmt->Bind(1, r.namespace_id.value()).Bind(2, r.workflow_id.value()).Bind(3, r.run_id.value());
  stmt->Bind(4, r.create_request_id);
  return stmt->Run();
}

Status TransitionWriter::AppendHistory(const ExecutionRecord& record, EventId previous_next,
                                       const EncodedTransition& encoded) {
  const auto& ids = encoded.event_ids;
  const EventId expected_next = previous_next + static_cast<EventId>(ids.size());
  if (record.next_event_id != expected_next) {
    return InvalidArgument(Describe(record) + ": next_event_id " +
                           std::to_string(record.next_event_id) + " does not follow history (" +
                           std::to_string(expected_next) + " expected)");
  }
  if (ids.empty()) return Status::Ok();
  for (size_t i = 0; i < ids.size(); ++i) {
    const EventId want = previous_next + static_cast<EventId>(i);
    if (ids[i] != want) {
      return InvalidArgument(Describe(record) + ": event id " + std::to_string(ids[i]) + " where " +
                             std::to_string(want) + " must come next");
    }
  }
  ENDURE_ASSIGN_OR_RETURN(
      auto stmt, db_->Cached("INSERT INTO history (run_id, first_event_id, last_event_id, events) "
                             "VALUES (?1, ?2, ?3, ?4)"));
  stmt->BindRef(1, record.run_id.value()).Bind(2, previous_next).Bind(3, expected_next - 1);
  stmt->BindBlobRef(4, encoded.history);
  return stmt->Run();
}

Status TransitionWriter::WriteTasks(const Transition& t, Committed* committed) {
  if (!t.tasks_deleted.empty()) {
    ENDURE_ASSIGN_OR_RETURN(
        auto del,
        db_->Cached("DELETE FROM tasks WHERE namespace_id = ?1 AND task_queue = ?2 AND kind = ?3 "
                    "AND task_id = ?4"));
    for (const TaskKey& key : t.tasks_deleted) {
      del->BindRef(1, key.namespace_id.value()).BindRef(2, key.task_queue);
      del->Bind(3, static_cast<int64_t>(key.kind)).Bind(4, key.task_id);
      ENDURE_RETURN_IF_ERROR(del->Run());
    }
  }
  if (t.tasks_created.empty()) return Status::Ok();
  ENDURE_ASSIGN_OR_RETURN(
      auto ins,
      db_->Cached(
          "INSERT INTO tasks (namespace_id, task_queue, kind, task_id, workflow_id, run_id, ref, "
          "create_time, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  for (const TaskRow& task : t.tasks_created) {
    const int64_t task_id = next_task_id_++;
    sequences_dirty_ = true;
    ins->BindRef(1, task.namespace_id.value()).BindRef(2, task.task_queue);
    ins->Bind(3, static_cast<int64_t>(task.kind)).Bind(4, task_id);
    ins->BindRef(5, task.workflow_id.value()).BindRef(6, task.run_id.value());
    ins->Bind(7, task.ref).Bind(8, ToUnixNanos(task.create_time)).BindBlobRef(9, task.payload);
    ENDURE_RETURN_IF_ERROR(ins->Run());
    committed->task_ids.push_back(task_id);
  }
  return Status::Ok();
}

Status TransitionWriter::WriteTimers(const Transition& t) {
  if (!t.timers_deleted.empty()) {
    ENDURE_ASSIGN_OR_RETURN(
        auto del,
        db_->Cached(
            "DELETE FROM timers WHERE fire_time = ?1 AND run_id = ?2 AND kind = ?3 AND ref = ?4"));
    for (const TimerKey& key : t.timers_deleted) {
      del->Bind(1, ToUnixNanos(key.fire_time)).BindRef(2, key.run_id.value());
      del->Bind(3, key.kind).Bind(4, key.ref);
      ENDURE_RETURN_IF_ERROR(del->Run());
    }
  }
  if (t.timers_created.empty()) return Status::Ok();
  ENDURE_ASSIGN_OR_RETURN(
      auto ins,
      db_->Cached(
          "INSERT INTO timers (fire_time, run_id, kind, ref, namespace_id, workflow_id, payload) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (const TimerRow& timer : t.timers_created) {
    ins->Bind(1, ToUnixNanos(timer.fire_time)).BindRef(2, timer.run_id.value());
    ins->Bind(3, timer.kind).Bind(4, timer.ref).BindRef(5, timer.namespace_id.value());
    ins->BindRef(6, timer.workflow_id.value()).BindBlobRef(7, timer.payload);
    Status status = ins->Run();
    if (!status.ok()) {
      return status.WithContext("creating timer for run '" + timer.run_id.value() + "'");
    }
  }
  return Status::Ok();
}

Status TransitionWriter::WriteVisibility(const VisibilityRecord& v,
                                         const EncodedTransition& encoded, bool created) {
  std::optional<int64_t> close_time;
  if (v.close_time) close_time = ToUnixNanos(*v.close_time);
  // Other transitions update a run that exists: try that first. The identity and start of a run
  // never change, so they stay out of the SET list, which spares the indexes on them.
  if (!created) {
    ENDURE_ASSIGN_OR_RETURN(
        auto update,
        db_->Cached("UPDATE visibility SET task_queue = ?2, status = ?3, execution_time = ?4, "
                    "close_time = ?5, history_length = ?6, history_size_bytes = ?7, memo = ?8, "
                    "search_attributes = ?9, search_attributes_json = ?10 WHERE run_id = ?1"));
    update->BindRef(1, v.run_id.value()).BindRef(2, v.task_queue).Bind(3, v.status);
    update->Bind(4, ToUnixNanos(v.execution_time)).BindTime(5, close_time);
    update->Bind(6, v.history_length).Bind(7, v.history_size_bytes);
    update->BindBlobRef(8, encoded.memo).BindBlobRef(9, encoded.search_attributes);
    update->BindRef(10, v.search_attributes_json);
    ENDURE_RETURN_IF_ERROR(update->Run());
    if (db_->ChangesInLastStatement() == 1) return Status::Ok();
  }
  ENDURE_ASSIGN_OR_RETURN(
      auto insert,
      db_->Cached("INSERT INTO visibility (run_id, namespace_id, workflow_id, workflow_type, "
                  "task_queue, status, start_time, execution_time, close_time, history_length, "
                  "history_size_bytes, memo, search_attributes, search_attributes_json) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
  insert->BindRef(1, v.run_id.value()).BindRef(2, v.namespace_id.value());
  insert->BindRef(3, v.workflow_id.value()).BindRef(4, v.workflow_type);
  insert->BindRef(5, v.task_queue).Bind(6, v.status);
  insert->Bind(7, ToUnixNanos(v.start_time)).Bind(8, ToUnixNanos(v.execution_time));
  insert->BindTime(9, close_time);
  insert->Bind(10, v.history_length).Bind(11, v.history_size_bytes);
  insert->BindBlobRef(12, encoded.memo).BindBlobRef(13, encoded.search_attributes);
  insert->BindRef(14, v.search_attributes_json);
  return insert->Run();
}

}  // namespace endure::storage
