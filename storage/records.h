// The rows of Endure's store and the Transition that changes them.
//
// A Transition is one state transition of the system: the events appended to one run's history,
// that run's execution row, the current-run pointer, task and timer rows created or deleted, and
// the visibility row. The store applies a transition wholly or not at all, and only when its
// conditions hold (see ExecutionWrite and CurrentExecutionWrite). The store interprets none of
// the blobs it keeps except history, which is Temporal's own HistoryEvent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/base/env.h"
#include "storage/base/ids.h"
#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/api/namespace/v1/message.pb.h"

namespace endure::storage {

struct NamespaceRecord {
  NamespaceId id;
  temporal::api::namespace_::v1::NamespaceInfo info;  // info.name() is the unique name.
  temporal::api::namespace_::v1::NamespaceConfig config;
};

struct ExecutionRecord {
  NamespaceId namespace_id;
  WorkflowId workflow_id;
  RunId run_id;
  int64_t db_version = 0;     // Incremented by every transition of this run; starts at 1.
  EventId next_event_id = 1;  // One past the last event in history.
  int status = 0;             // temporal.api.enums.v1.WorkflowExecutionStatus
  std::string state;          // The engine's mutable-state snapshot.
  // How many of the run's armed timers the engine keeps in memory rather than in the timers
  // table; it reads the runs where this is not 0 when it starts (ReadRunsWithTimersInMemory).
  int64_t timers_in_memory = 0;
};

struct CurrentExecutionRecord {
  NamespaceId namespace_id;
  WorkflowId workflow_id;
  RunId run_id;
  int status = 0;  // The run's, read from its execution row; not written with this record.
  std::string create_request_id;
};

enum class TaskKind : int { kWorkflow = 1, kActivity = 2, kQuery = 3 };

// A task row's primary key. Tasks are an outbox: a transition creates them, and matching
// deletes each by this key once it has handed the task over (or found it obsolete).
struct TaskKey {
  NamespaceId namespace_id;
  std::string task_queue;
  TaskKind kind = TaskKind::kWorkflow;
  int64_t task_id = 0;
  friend bool operator==(const TaskKey&, const TaskKey&) = default;
};

struct TaskRow {
  int64_t task_id = 0;  // Assigned by the store at commit: increases in commit order per store.
  NamespaceId namespace_id;
  std::string task_queue;
  TaskKind kind = TaskKind::kWorkflow;
  WorkflowId workflow_id;
  RunId run_id;
  int64_t ref = 0;  // The scheduled event id, or the query's sequence number.
  TimePoint create_time;
  std::string payload;

  TaskKey key() const { return {namespace_id, task_queue, kind, task_id}; }
};

// A timer row's primary key: the engine that created a timer knows when it fires, so it can
// delete it without a second index.
struct TimerKey {
  TimePoint fire_time;
  RunId run_id;
  int kind = 0;
  int64_t ref = 0;
  friend bool operator==(const TimerKey&, const TimerKey&) = default;
};

struct TimerRow {
  TimePoint fire_time;
  NamespaceId namespace_id;
  WorkflowId workflow_id;
  RunId run_id;
  int kind = 0;     // Defined by the engine (user timer, activity timeout, ...).
  int64_t ref = 0;  // The event id the timer belongs to.
  std::string payload;

  TimerKey key() const { return {fire_time, run_id, kind, ref}; }
};

struct VisibilityRecord {
  NamespaceId namespace_id;
  WorkflowId workflow_id;
  RunId run_id;
  std::string workflow_type;
  std::string task_queue;
  int status = 0;
  TimePoint start_time;
  TimePoint execution_time;
  std::optional<TimePoint> close_time;
  int64_t history_length = 0;
  int64_t history_size_bytes = 0;
  temporal::api::common::v1::Memo memo;
  temporal::api::common::v1::SearchAttributes search_attributes;
  // The custom search attributes as the visibility queries read them (a JSON object).
  std::string search_attributes_json = "{}";
};

// A custom search attribute of a namespace and its type (temporal.api.enums.v1.IndexedValueType);
// in a Transition, type 0 removes it.
struct SearchAttributeRecord {
  NamespaceId namespace_id;
  std::string name;
  int type = 0;
};

// Writes a run's execution row. expected_db_version is the version the caller read: 0 means the
// run must not exist yet. The record's db_version must be greater than expected_db_version.
struct ExecutionWrite {
  ExecutionRecord record;
  int64_t expected_db_version = 0;
};

// Points the workflow id at a run. expected_run_id is the current run the caller read; nullopt
// means the workflow id must have no current run yet.
struct CurrentExecutionWrite {
  CurrentExecutionRecord record;
  std::optional<RunId> expected_run_id;
};

// What a committed transition reports back: the ids given to its tasks_created, in order.
struct Committed {
  std::vector<int64_t> task_ids;
  // The transition's events (not those of its linked transitions), handed back once they are
  // written, so that a caller that keeps them in memory need not copy them before submitting.
  std::vector<temporal::api::history::v1::HistoryEvent> events;
};

struct Transition {
  std::optional<ExecutionWrite> execution;
  std::optional<CurrentExecutionWrite> current;
  // Appended as one batch to execution->record.run_id's history. The first event's id must be
  // the run's previous next_event_id; ids are dense; record.next_event_id is one past the last.
  std::vector<temporal::api::history::v1::HistoryEvent> events;
  std::vector<TaskKey> tasks_deleted;  // Deletions are applied before creations.
  std::vector<TaskRow> tasks_created;  // Their task_id is assigned by the store.
  std::vector<TimerKey> timers_deleted;
  std::vector<TimerRow> timers_created;
  std::optional<VisibilityRecord> visibility;
  std::optional<NamespaceRecord> namespace_upsert;
  // Cluster metadata entries (name -> value) to insert or replace.
  std::map<std::string, std::string> cluster_metadata;
  // Transitions applied right after this one, in the same SQLite transaction and with the same
  // outcome (the first transition of the run a closing run continues as). Committed::task_ids
  // lists this transition's task ids, then theirs, in order.
  std::vector<Transition> linked;
  std::vector<SearchAttributeRecord> search_attributes;  // Registered or (type 0) removed.
};

}  // namespace endure::storage
