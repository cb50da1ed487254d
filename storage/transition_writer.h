// Applies Transitions to the write connection. Used only by the group-commit writer's thread.
//
// Apply() runs inside a transaction that the caller opened and checks every condition of the
// transition before or while writing; on any non-OK status the caller rolls back to the
// savepoint it took, so a failed transition leaves nothing behind.
#pragma once

#include "storage/base/status.h"
#include "storage/records.h"
#include "storage/sqlite/connection.h"

namespace endure::storage {

class TransitionWriter {
 public:
  explicit TransitionWriter(sqlite::Connection* db) : db_(db) {}

  Status Apply(const Transition& t);

 private:
  Status WriteNamespace(const NamespaceRecord& ns);
  // Checks the execution's condition and returns the run's next_event_id before this transition.
  Result<EventId> WriteExecution(const ExecutionWrite& write);
  Status WriteCurrent(const CurrentExecutionWrite& write);
  Status AppendHistory(const ExecutionRecord& record, EventId previous_next_event_id,
                       const Transition& t);
  Status WriteTasks(const Transition& t);
  Status WriteTimers(const Transition& t);
  Status WriteVisibility(const VisibilityRecord& v);

  sqlite::Connection* db_;
  std::string scratch_;  // Reused serialization buffer: the writer is single-threaded.
};

}  // namespace endure::storage
