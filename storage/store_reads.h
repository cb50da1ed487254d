// Read queries of the store, each on a connection the caller owns for the duration of the call.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "storage/base/status.h"
#include "storage/records.h"
#include "storage/sqlite/connection.h"

namespace endure::storage {

// The state of a database at a glance (`endure db status`).
struct StoreSummary {
  int schema_version = 0;
  int64_t namespaces = 0;
  int64_t executions = 0;
  int64_t open_executions = 0;
  int64_t history_batches = 0;
  int64_t history_events = 0;
  int64_t tasks = 0;
  int64_t timers = 0;
  int64_t file_bytes = 0;
};

namespace reads {

Result<NamespaceRecord> GetNamespaceByName(sqlite::Connection& db, const std::string& name);
Result<NamespaceRecord> GetNamespaceById(sqlite::Connection& db, const NamespaceId& id);
Result<std::vector<NamespaceRecord>> ListNamespaces(sqlite::Connection& db);

Result<ExecutionRecord> GetExecution(sqlite::Connection& db, const RunId& run_id);
// Runs whose timers_in_memory is not 0, with run_id > after, in run_id order.
Result<std::vector<ExecutionRecord>> ReadRunsWithTimersInMemory(sqlite::Connection& db,
                                                                const RunId& after, size_t limit);
Result<CurrentExecutionRecord> GetCurrentExecution(sqlite::Connection& db,
                                                   const NamespaceId& namespace_id,
                                                   const WorkflowId& workflow_id);

// Events with first_event_id <= id < next_event_id, at most max_events of them, in order.
Result<std::vector<temporal::api::history::v1::HistoryEvent>> ReadHistory(sqlite::Connection& db,
                                                                          const RunId& run_id,
                                                                          EventId first_event_id,
                                                                          EventId next_event_id,
                                                                          size_t max_events);

// Tasks of one queue and kind with task_id > after_task_id, oldest first.
Result<std::vector<TaskRow>> ReadTasks(sqlite::Connection& db, const NamespaceId& namespace_id,
                                       const std::string& task_queue, TaskKind kind,
                                       int64_t after_task_id, size_t limit);

// Timers due at or before `until`, earliest first.
Result<std::vector<TimerRow>> ReadDueTimers(sqlite::Connection& db, TimePoint until, size_t limit);
// The earliest fire time of any timer later than `after`, if there is one.
Result<std::optional<TimePoint>> NextTimerFireTime(sqlite::Connection& db, TimePoint after);

Result<VisibilityRecord> GetVisibility(sqlite::Connection& db, const RunId& run_id);

// A page of runs matching a visibility query (Temporal's list filter, storage/visibility/),
// ordered as the query says or newest first; `custom` gives the types of the namespace's custom
// search attributes. INVALID_ARGUMENT names the position of a malformed query.
struct VisibilityQuery {
  NamespaceId namespace_id;
  std::string query;
  std::function<std::optional<int>(const std::string& name)> custom;  // IndexedValueType
  size_t limit = 1000;
  int64_t offset = 0;
};
Result<std::vector<VisibilityRecord>> ListVisibility(sqlite::Connection& db,
                                                     const VisibilityQuery& q);
// How many runs match; with "GROUP BY ExecutionStatus", how many per status.
struct VisibilityCount {
  int64_t total = 0;
  std::vector<std::pair<int, int64_t>> by_status;  // (status, count), when grouped.
  bool grouped = false;
};
Result<VisibilityCount> CountVisibility(sqlite::Connection& db, const VisibilityQuery& q);

Result<std::vector<SearchAttributeRecord>> ListSearchAttributes(sqlite::Connection& db);

// The value of a cluster metadata entry, if it was ever written.
Result<std::optional<std::string>> GetClusterMetadata(sqlite::Connection& db,
                                                      const std::string& name);

Result<StoreSummary> Summarize(sqlite::Connection& db);

}  // namespace reads
}  // namespace endure::storage
