// WorkflowRun: one workflow run's code driven by its history — the executor behind the worker
// and the replayer alike.
//
// ApplyEvents takes history events in order, a whole history or the events a new workflow task
// brings. Events that resolve something (a timer fired, an activity completed, a signal) resolve
// it; at each WorkflowTaskStarted the history shows was completed, or the last one when the
// events end there, the workflow code runs (an activation) until it waits on something
// unresolved, and the commands it makes are queued. Each command event history recorded after a
// WorkflowTaskCompleted must then match the oldest queued command: the same kind and the same
// key (timer id, activity id and type). A mismatch is non-determinism: the code no longer does
// what it did when the history was written.
//
// Thread-safety: none; a run is driven by one thread at a time.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "runtime/workflow/workflow.h"
#include "storage/base/status.h"
#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/api/protocol/v1/message.pb.h"
#include "temporal/api/update/v1/message.pb.h"

namespace endure::runtime {

using temporal::api::command::v1::Command;
using temporal::api::history::v1::HistoryEvent;

// The status code of a non-determinism error (its message names the event, what history
// recorded and what the code produced).
inline constexpr StatusCode kNonDeterminism = StatusCode::kFailedPrecondition;

// A local activity the workflow code scheduled, for the worker to run (local_activities.cc).
struct LocalActivityRequest {
  uint64_t seq = 0;
  std::string activity_type;
  Json input;
  LocalActivityOptions options;
};

// How a local activity ended: a result, or the failure of its last attempt.
struct LocalActivityOutcome {
  uint64_t seq = 0;
  int attempt = 1;
  std::optional<Json> result;
  std::string failure_message;
  std::string failure_type;
  bool non_retryable = false;
};

// The events ApplyEvents takes, without copying them: a vector's (what a worker gathers from a
// task and its pages) or a History's own (what the replayer is given).
class HistoryEvents {
 public:
  HistoryEvents(const std::vector<HistoryEvent>& events)  // NOLINT: converts on purpose.
      : contiguous_(events.data()), size_(events.size()) {}
  HistoryEvents(const google::protobuf::RepeatedPtrField<HistoryEvent>& events)  // NOLINT
      : pointers_(events.data()), size_(static_cast<size_t>(events.size())) {}
  const HistoryEvent& operator[](size_t i) const {
    return contiguous_ != nullptr ? contiguous_[i] : *pointers_[i];
  }
  size_t size() const { return size_; }

 private:
  const HistoryEvent* contiguous_ = nullptr;
  const HistoryEvent* const* pointers_ = nullptr;
  size_t size_ = 0;
};

class WorkflowRun {
 public:
  WorkflowRun(WorkflowFunction function, WorkflowInfo info);
  ~WorkflowRun();
  WorkflowRun(const WorkflowRun&) = delete;
  WorkflowRun& operator=(const WorkflowRun&) = delete;

  // Returns the commands of the activation run for the last event when the events end with a
  // WorkflowTaskStarted (the task to answer); none otherwise. An error fails the workflow task:
  // non-determinism (kNonDeterminism), or workflow code that threw something other than a
  // Temporal failure (kInternal). `updates` are the update requests the task carries (its
  // protocol messages); the answers to them come from TakeMessages().
  Result<std::vector<Command>> ApplyEvents(
      HistoryEvents events, const std::vector<temporal::api::protocol::v1::Message>& updates = {});

  // The protocol messages (update acceptances, rejections, responses) of the last activation,
  // to send with its commands.
  std::vector<temporal::api::protocol::v1::Message> TakeMessages() { return std::move(messages_); }

  // The local activities the last activation is waiting for. The worker runs them, then hands
  // their outcomes to ResolveLocalActivities, which records them, runs the activation on and
  // returns the commands it adds (and more local activities may follow).
  std::vector<LocalActivityRequest> TakeLocalActivities();
  Result<std::vector<Command>> ResolveLocalActivities(
      const std::vector<LocalActivityOutcome>& outcomes);

  // Answers a query from the run's current state.
  Result<Json> Query(const std::string& name, const Json& input);

  // Commands made but not yet seen in history; a replay that ends with some left is
  // non-deterministic too (the code does more than history recorded).
  Status CheckAllCommandsRecorded() const;

  bool finished() const { return completion_made_; }
  int64_t last_event_id() const { return last_event_id_; }

 private:
  friend class WorkflowContext;

  struct Condition {
    std::function<bool()> predicate;
    std::shared_ptr<FutureState<Unit>> state;
    uint64_t canceller = 0;
  };
  struct QueuedCommand {
    Command command;
    // Runs when history records the command, with the id of its event.
    std::function<void(int64_t event_id)> recorded;
  };
  struct Signal {
    std::string name;
    Json input;
  };
  // Something scheduled and waited for, by the event that recorded it (0 until recorded).
  template <typename T>
  struct Op {
    std::string id;    // Timer id, activity id or child workflow id.
    std::string type;  // Activity or workflow type.
    std::shared_ptr<FutureState<T>> state;
    int64_t event_id = 0;
    bool cancelled = false;
    uint64_t canceller = 0;
  };

  void AddCommand(Command command, std::function<void(int64_t)> recorded);
  // Removes a command of this activation that has not been sent (a cancelled schedule).
  void DropUnsentCommand(const std::function<bool(const Command&)>& match);
  Status Activate(const HistoryEvent& started, bool replaying);
  // Runs ready code, signals, updates and conditions until nothing moves (the activation's
  // body; more of it after local activities resolve).
  void RunUntilBlocked();
  Status MatchCommandEvent(const HistoryEvent& event);
  Status ApplyResolution(const HistoryEvent& event);  // workflow_events.cc
  void DispatchSignals();
  // Runs the updates whose handlers exist; returns whether any ran (workflow_updates.cc).
  bool DispatchUpdates();
  void RejectUnhandledUpdates();
  // The updates a replayed workflow task accepted, found ahead in history.
  void UpdatesAcceptedAfter(HistoryEvents events, size_t started_index);
  bool CheckConditions();
  Status FinishIfDone();

  // Cancellation: what is cancellable registers how to cancel it, and unregisters once done.
  uint64_t AddCanceller(std::function<void()> cancel);
  void RemoveCanceller(uint64_t id);
  void CancelAll();
  bool Cancellable() const { return non_cancellable_depth_ == 0; }

  WorkflowFunction function_;
  WorkflowInfo info_;
  WorkflowContext context_;
  Scheduler scheduler_;
  std::mt19937_64 random_;
  std::chrono::system_clock::time_point now_{};
  Json input_;
  std::optional<Task<Json>> main_;
  bool completion_made_ = false;
  int64_t last_event_id_ = 0;
  bool replaying_ = false;

  bool cancel_requested_ = false;
  bool cancel_delivered_ = false;
  int non_cancellable_depth_ = 0;
  uint64_t next_canceller_ = 1;
  std::map<uint64_t, std::function<void()>> cancellers_;

  uint64_t next_timer_ = 1;
  uint64_t next_activity_ = 1;
  uint64_t next_child_ = 1;
  uint64_t next_local_activity_ = 1;
  struct LocalActivity {
    LocalActivityRequest request;
    std::shared_ptr<Op<Json>> op;
  };
  std::deque<LocalActivity> local_waiting_;  // Scheduled, not yet resolved, in order.
  // The local activity markers of history, by sequence number: replaying, outcomes come from
  // them instead of from running the activity.
  std::map<uint64_t, temporal::api::history::v1::MarkerRecordedEventAttributes> recorded_local_;
  // Notes what a marker of history tells ahead of time: a patch, a local activity's outcome.
  void NoteMarker(const HistoryEvent& marker);
  // Replaying: resolves the waiting local activities from their markers; returns whether any.
  bool ResolveRecordedLocalActivities();
  void ResolveLocalActivity(LocalActivity& la, const LocalActivityOutcome& outcome);
  std::deque<QueuedCommand> queued_;
  std::vector<Command> activation_commands_;
  std::map<int64_t, std::shared_ptr<Op<Unit>>> timers_;      // By TimerStarted event id.
  std::map<int64_t, std::shared_ptr<Op<Json>>> activities_;  // By ActivityTaskScheduled id.
  std::map<int64_t, std::shared_ptr<Op<Json>>> children_;    // By the initiated event id.
  std::map<int64_t, std::shared_ptr<Op<Unit>>> externals_;   // By the initiated event id.
  std::vector<Condition> conditions_;
  std::deque<Signal> signals_;
  std::map<std::string, std::function<void(const Json&)>> signal_handlers_;
  std::map<std::string, std::function<Json(const Json&)>> query_handlers_;
  struct UpdateHandler {
    std::function<Json(const Json&)> handler;
    std::function<Task<Json>(const Json&)> async_handler;
    std::function<void(const Json&)> validator;
  };
  // Coroutines of async update handlers in flight; finished ones are dropped.
  std::vector<Task<void>> update_tasks_;
  Task<void> RunAsyncUpdate(std::function<Task<Json>(const Json&)> handler, Json args,
                            std::string update_id, temporal::api::update::v1::Request request);
  void DropFinishedUpdateTasks();
  std::map<std::string, UpdateHandler> update_handlers_;
  struct PendingUpdate {
    temporal::api::update::v1::Request request;
    std::string message_id;
    int64_t sequencing_event_id = 0;
    bool replayed = false;  // Accepted when history was written: no validator, no rejection.
  };
  std::deque<PendingUpdate> updates_;
  void Reject(const PendingUpdate& pending, temporal::api::failure::v1::Failure failure);
  std::vector<temporal::api::protocol::v1::Message> messages_;
  // Once the workflow function has returned, its locals (which handlers capture) are gone:
  // queries are answered from what each handler answered at its co_return.
  std::optional<std::map<std::string, Json>> final_answers_;
  void TakeFinalAnswers();
  std::set<std::string> recorded_patches_;  // Patch ids of the markers history holds.
  std::map<std::string, bool> patches_;     // What patched() answered, per id.
};

}  // namespace endure::runtime
