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

// The blobs of a transition, serialized by the submitting thread so that the writer thread
// only writes. `history` is the wire form of a temporal.api.history.v1.History holding the
// transition's events.
struct EncodedTransition {
  std::vector<int64_t> event_ids;  // What the writer checks the events by: it holds only these.
  std::string history;
  std::string memo;
  std::string search_attributes;
  std::vector<EncodedTransition> linked;  // Of Transition::linked, in order.
};
EncodedTransition Encode(const Transition& t);

class TransitionWriter {
 public:
  explicit TransitionWriter(sqlite::Connection* db) : db_(db) {}

  // Reads the task id sequence; once, before the first Apply.
  Status LoadSequences();
  // Applies `t`; fills `committed` with the ids given to its tasks.
  Status Apply(const Transition& t, const EncodedTransition& encoded, Committed* committed);
  // Stores the sequence if ids were handed out since the last durable save; inside the
  // transaction, just before COMMIT. SequencesCommitted() reports that the COMMIT succeeded.
  Status SaveSequences();
  void SequencesCommitted() { sequences_dirty_ = false; }

 private:
  Status WriteNamespace(const NamespaceRecord& ns);
  // Writes the execution row if its condition holds; returns the run's next_event_id before
  // this transition, which appends `appended` events.
  Result<EventId> WriteExecution(const ExecutionWrite& write, size_t appended);
  Status ExplainExecutionConflict(const ExecutionWrite& write, EventId previous_next);
  Status WriteCurrent(const CurrentExecutionWrite& write);
  Status AppendHistory(const ExecutionRecord& record, EventId previous_next_event_id,
                       const EncodedTransition& encoded);
  // Applies one transition, not its linked ones; appends its task ids to committed.
  Status ApplyOne(const Transition& t, const EncodedTransition& encoded, Committed* committed);
  Status WriteTasks(const Transition& t, Committed* committed);
  Status WriteSearchAttribute(const SearchAttributeRecord& attribute);
  Status WriteTimers(const Transition& t);
  // `created`: the run's execution row was inserted by this transition, so it has no
  // visibility row yet.
  Status WriteVisibility(const VisibilityRecord& v, const EncodedTransition& encoded, bool created);

  sqlite::Connection* db_;
  int64_t next_task_id_ = 0;
  bool sequences_dirty_ = false;
};

}  // namespace endure::storage
