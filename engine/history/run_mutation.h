// RunMutation: one state transition of one run, built up and then handed to the store.
//
// Every event written goes through Append, which gives it the next id and applies it to the
// run's state (state_builder.h), so the state in memory is always the fold of what will be in
// history. Events that must wait for the workflow task in flight go through Buffer. Task rows
// and timer rows created and deleted alongside, and the execution row with the run's pending
// state, become one storage::Transition in Finish; the timers kept in memory instead, and the
// fire times of the rows, are left in timer_changes() for the timer queue.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/history/state_builder.h"
#include "engine/history/timer_changes.h"
#include "engine/history/timer_kinds.h"
#include "storage/records.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::engine::history {

using temporal::api::enums::v1::EventType;

class RunMutation {
 public:
  RunMutation(MutableState* state, TimePoint now);

  MutableState& state() { return *state_; }
  TimePoint now() const { return now_; }
  int64_t now_nanos() const { return now_.time_since_epoch().count(); }

  // A new event of `type` stamped with this mutation's time, to fill in and Append or Buffer.
  HistoryEvent NewEvent(EventType type) const;
  // Writes the event with the next event id and applies it to the state; returns the id.
  int64_t Append(HistoryEvent event);
  // Holds the event back until the workflow task in flight ends.
  void Buffer(HistoryEvent event);
  // Appends the event, or buffers it while a workflow task is started.
  void AppendOrBuffer(HistoryEvent event);
  const std::vector<HistoryEvent>& events() const { return transition_.events; }

  void AddTask(storage::TaskKind kind, const std::string& task_queue, int64_t ref);
  void DeleteTask(const storage::TaskKey& key) { transition_.tasks_deleted.push_back(key); }
  // Takes back a task this mutation created: it is handed out within the same transition.
  void WithdrawTask(storage::TaskKind kind, int64_t ref);
  const std::vector<storage::TaskRow>& tasks_created() const { return transition_.tasks_created; }

  // Arms a timer: a row of the timers table, or one kept in memory (KeptInMemory).
  void ArmTimer(TimerKind kind, int64_t ref, int32_t attempt, int64_t fire_time);
  // Deletes the armed timers `match` selects.
  void DisarmTimers(const std::function<bool(const endure::history::ArmedTimer&)>& match);
  void DisarmAllTimers();
  // Deletes a row of the timers table whose kind is now kept in memory: a timeout armed before
  // schema version 5, found in the table when it fired.
  void DeleteTimerRow(const storage::TimerKey& key);
  // What the transition does to timers, complete once Finish has run.
  TimerChanges& timer_changes() { return timer_changes_; }

  void SetCurrent(storage::CurrentExecutionWrite current) {
    transition_.current = std::move(current);
  }
  // Refreshes the run's visibility row (at start, close and search-attribute changes).
  void UpdateVisibility() { visibility_ = true; }

  // The run this one continues as: its first transition commits with this one. The closing run
  // then leaves the current-run pointer to it.
  void LinkNewRun(storage::Transition first, std::shared_ptr<MutableState> state,
                  std::vector<storage::TaskRow> tasks, TimerChanges timers,
                  std::vector<HistoryEvent> events);
  bool continues() const { return !linked_.empty(); }
  struct LinkedRun {
    std::shared_ptr<MutableState> state;
    std::vector<storage::TaskRow> tasks;
    TimerChanges timers;
    std::vector<HistoryEvent> events;
  };
  // The runs linked, for installing them once committed (Finish keeps their transitions).
  std::vector<LinkedRun>& linked_runs() { return linked_runs_; }

  // The transition taking the run from `db_version` (0 for a new run) to db_version + 1.
  storage::Transition Finish(int64_t db_version);

 private:
  MutableState* state_;
  TimePoint now_;
  bool visibility_ = false;
  storage::Transition transition_;
  TimerChanges timer_changes_;
  std::vector<storage::Transition> linked_;
  std::vector<LinkedRun> linked_runs_;
};

// The visibility row of a run in this state.
storage::VisibilityRecord VisibilityOf(const MutableState& state);

}  // namespace endure::engine::history
