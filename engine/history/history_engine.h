// HistoryEngine: Temporal's history service in process.
//
// It owns every run's mutable state (through RunCache) and turns requests, task completions and
// fired timers into transitions of the store: events appended to history, task rows for
// matching, durable timers, the execution and visibility rows. Each operation runs with the run
// held (one operation per run at a time), submits its transition and answers once the
// transition is durable; transitions of different runs share group commits. After a commit the
// tasks it created go to matching and its timers to the timer queue.
//
// The operations are spread over files by subject: start_workflow.cc and new_runs.cc (starts,
// conflict policies, continue-as-new, retries, cron), external_requests.cc (signal, cancel,
// terminate, describe, reset sticky), workflow_tasks.cc, workflow_task_started.cc,
// workflow_task_completed.cc, commands.cc and external_commands.cc, activity_tasks.cc,
// timers_fired.cc, transfers.cc (work on other runs), query_workflow.cc, updates.cc and
// history_reads.cc.
//
// Callbacks run on the store's acknowledger thread (or the caller's, for errors found before
// any write) and must not block.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <optional>

#include "engine/common/alarm_clock.h"
#include "engine/history/durations.h"
#include "engine/history/query_registry.h"
#include "engine/history/run_cache.h"
#include "engine/history/run_mutation.h"
#include "engine/history/task_token.h"
#include "engine/history/timer_queue.h"
#include "engine/history/update_registry.h"
#include "engine/matching/matching.h"
#include "engine/namespaces/namespace_registry.h"
#include "engine/visibility/search_attributes.h"
#include "storage/store.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine::history {

namespace wsv1 = temporal::api::workflowservice::v1;

// The started_event_id of an activity's closing event whose ActivityTaskStarted is written just
// before it, in the same batch, and has no id yet.
inline constexpr int64_t kStartedInThisBatch = -1;

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct HistoryOptions {
  storage::Store* store = nullptr;
  Env* env = Env::Default();
  NamespaceRegistry* namespaces = nullptr;
  matching::Matching* matching = nullptr;
  AlarmClock* alarms = nullptr;
  visibility::SearchAttributes* search_attributes = nullptr;
  size_t cache_capacity = 10'000;  // Runs kept in memory.
  // Durable timers: fired by a thread of the engine's own, or only by FireDueTimers (tests on a
  // manual clock).
  bool timer_thread = true;
  // Tasks scheduled while a poll waits are started for it in the same transition (see
  // DirectDispatch).
  bool direct_dispatch = true;
  std::chrono::milliseconds history_long_poll = std::chrono::seconds(20);
  int64_t history_page_size = 256;    // Events per page when the request names no size.
  int64_t blob_size_limit = 2 << 20;  // Bytes per payload field.
  int64_t suggest_continue_as_new_events = 4096;
  int64_t suggest_continue_as_new_bytes = 4 << 20;
};

class HistoryEngine {
 public:
  explicit HistoryEngine(HistoryOptions options);
  ~HistoryEngine();
  HistoryEngine(const HistoryEngine&) = delete;
  HistoryEngine& operator=(const HistoryEngine&) = delete;

  // Workflow life cycle.
  void StartWorkflow(const storage::NamespaceRecord& ns,
                     const wsv1::StartWorkflowExecutionRequest& request,
                     Callback<wsv1::StartWorkflowExecutionResponse> done);
  void SignalWithStart(const storage::NamespaceRecord& ns,
                       const wsv1::SignalWithStartWorkflowExecutionRequest& request,
                       Callback<wsv1::SignalWithStartWorkflowExecutionResponse> done);
  void Signal(const storage::NamespaceRecord& ns,
              const wsv1::SignalWorkflowExecutionRequest& request,
              Callback<wsv1::SignalWorkflowExecutionResponse> done);
  void RequestCancel(const storage::NamespaceRecord& ns,
                     const wsv1::RequestCancelWorkflowExecutionRequest& request,
                     Callback<wsv1::RequestCancelWorkflowExecutionResponse> done);
  void Terminate(const storage::NamespaceRecord& ns,
                 const wsv1::TerminateWorkflowExecutionRequest& request,
                 Callback<wsv1::TerminateWorkflowExecutionResponse> done);
  void Describe(const storage::NamespaceRecord& ns,
                const wsv1::DescribeWorkflowExecutionRequest& request,
                Callback<wsv1::DescribeWorkflowExecutionResponse> done);
  void GetHistory(const storage::NamespaceRecord& ns,
                  const wsv1::GetWorkflowExecutionHistoryRequest& request,
                  AlarmClock::Clock::time_point deadline,
                  Callback<wsv1::GetWorkflowExecutionHistoryResponse> done);

  void GetHistoryReverse(const storage::NamespaceRecord& ns,
                         const wsv1::GetWorkflowExecutionHistoryReverseRequest& request,
                         Callback<wsv1::GetWorkflowExecutionHistoryReverseResponse> done);
  // Forgets the run's sticky queue: its next workflow task goes to the normal queue.
  void ResetStickyTaskQueue(const storage::NamespaceRecord& ns,
                            const wsv1::ResetStickyTaskQueueRequest& request,
                            Callback<wsv1::ResetStickyTaskQueueResponse> done);

  // Imports a closed run's recorded history as a new closed run of `workflow_id` (empty: the id
  // the history names), current for its workflow id unless one is running (import_history.cc).
  void ImportHistory(const storage::NamespaceRecord& ns, std::string workflow_id,
                     std::vector<HistoryEvent> events, Callback<RunId> done);

  // Workflow tasks. A matched task whose start cannot be recorded because the task is obsolete
  // (its run moved on) answers nullopt, and its row is deleted. The poll is answered once the
  // start is durable, or, for a poller in this process (`in_process`), as soon as the start is
  // submitted (see PollOptions::in_process).
  void RecordWorkflowTaskStarted(const storage::TaskRow& task,
                                 const wsv1::PollWorkflowTaskQueueRequest& poll, bool in_process,
                                 Callback<std::optional<wsv1::PollWorkflowTaskQueueResponse>> done);
  // Shared, not copied: the request (its commands and their payloads) is kept until the
  // completion commits, and a caller that already keeps it alive passes it without a copy.
  void RespondWorkflowTaskCompleted(
      const storage::NamespaceRecord& ns,
      std::shared_ptr<const wsv1::RespondWorkflowTaskCompletedRequest> request,
      Callback<wsv1::RespondWorkflowTaskCompletedResponse> done);
  void RespondWorkflowTaskFailed(const storage::NamespaceRecord& ns,
                                 const wsv1::RespondWorkflowTaskFailedRequest& request,
                                 Callback<wsv1::RespondWorkflowTaskFailedResponse> done);

  // Activity tasks.
  void RecordActivityTaskStarted(const storage::TaskRow& task,
                                 const wsv1::PollActivityTaskQueueRequest& poll,
                                 Callback<std::optional<wsv1::PollActivityTaskQueueResponse>> done);
  // The activity a request names: by task token, or (the *ById requests) by workflow, run and
  // activity id, meaning its current attempt.
  struct ActivityRef {
    RunId run_id;
    WorkflowId workflow_id;
    int64_t scheduled_event_id = 0;  // 0: look up activity_id.
    int32_t attempt = 0;             // 0: the current attempt.
    std::string activity_id;
  };
  void RecordActivityTaskHeartbeat(const storage::NamespaceRecord& ns, ActivityRef ref,
                                   const temporal::api::common::v1::Payloads& details,
                                   Callback<wsv1::RecordActivityTaskHeartbeatResponse> done);
  void RespondActivityTaskCompleted(const storage::NamespaceRecord& ns, ActivityRef ref,
                                    const temporal::api::common::v1::Payloads& result,
                                    const std::string& identity, Callback<bool> done);
  void RespondActivityTaskFailed(const storage::NamespaceRecord& ns, ActivityRef ref,
                                 const temporal::api::failure::v1::Failure& failure,
                                 const temporal::api::common::v1::Payloads* last_heartbeat_details,
                                 const std::string& identity, Callback<bool> done);
  void RespondActivityTaskCanceled(const storage::NamespaceRecord& ns, ActivityRef ref,
                                   const temporal::api::common::v1::Payloads& details,
                                   const std::string& identity, Callback<bool> done);
  // The ActivityRef of a task token from an activity poll (INVALID_ARGUMENT for any other).
  static Result<ActivityRef> ActivityRefFromToken(const storage::NamespaceRecord& ns,
                                                  const std::string& token);
  // The ActivityRef of a *ById request, resolving an empty run id to the current run.
  Result<ActivityRef> ActivityRefById(const storage::NamespaceRecord& ns,
                                      const std::string& workflow_id, const std::string& run_id,
                                      const std::string& activity_id);

  // Queries (query_workflow.cc). QueryWorkflow waits for a worker's answer until `deadline`.
  void QueryWorkflow(const storage::NamespaceRecord& ns, const wsv1::QueryWorkflowRequest& request,
                     AlarmClock::Clock::time_point deadline,
                     Callback<wsv1::QueryWorkflowResponse> done);
  // A legacy query task matched to a poller: its poll response, or nullopt when the query is no
  // longer waiting.
  static bool IsQueryTask(const storage::TaskRow& task);
  void RecordQueryTaskStarted(const storage::TaskRow& task,
                              const wsv1::PollWorkflowTaskQueueRequest& poll,
                              Callback<std::optional<wsv1::PollWorkflowTaskQueueResponse>> done);
  void RespondQueryTaskCompleted(const storage::NamespaceRecord& ns,
                                 const wsv1::RespondQueryTaskCompletedRequest& request,
                                 Callback<wsv1::RespondQueryTaskCompletedResponse> done);

  // Updates (updates.cc). Both wait until the stage the request asks for, or `deadline`.
  void UpdateWorkflow(const storage::NamespaceRecord& ns,
                      const wsv1::UpdateWorkflowExecutionRequest& request,
                      AlarmClock::Clock::time_point deadline,
                      Callback<wsv1::UpdateWorkflowExecutionResponse> done);
  void PollUpdate(const storage::NamespaceRecord& ns,
                  const wsv1::PollWorkflowExecutionUpdateRequest& request,
                  AlarmClock::Clock::time_point deadline,
                  Callback<wsv1::PollWorkflowExecutionUpdateResponse> done);

  // Fires every durable timer due at the clock's now, and waits until they have fired.
  void FireDueTimers();

  // Stops the timer thread and waits for the operations in flight.
  void Shutdown();

  // For tests: the state of a run as the engine holds it, and as rebuilt from the store.
  Result<MutableState> CachedStateForTesting(const RunId& run_id);
  Result<MutableState> RebuildStateForTesting(const RunId& run_id);
  // For tests: how many runs are in memory.
  size_t CachedRunsForTesting() { return runs_.size(); }

 private:
  using LeasePtr = RunCache::LeasePtr;

  // A workflow task just started for a worker: what its response is built from.
  struct StartedWorkflowTask {
    bool sticky = false;     // Taken from the run's sticky queue: only new events are sent.
    bool transient = false;  // A retry whose events are not written until it completes.
    int64_t started_event_id = 0;
  };
  // A task started for a waiting poll in the transition that scheduled it (direct dispatch).
  struct DirectDispatch {
    matching::ClaimedPoll poll;
    storage::TaskKind kind = storage::TaskKind::kWorkflow;
    int64_t ref = 0;  // The workflow task's or the activity's scheduled event id.
    int32_t attempt = 0;
    StartedWorkflowTask workflow_task;  // For a workflow task.
  };

  // Another workflow on whose behalf a signal or cancel request is made (its Initiated event).
  struct ExternalSender {
    temporal::api::common::v1::WorkflowExecution execution;
    int64_t initiated_event_id = 0;
    bool child_workflow_only = false;  // The target must be a child of the sender.
  };
  void SignalFrom(const storage::NamespaceRecord& ns,
                  const wsv1::SignalWorkflowExecutionRequest& request,
                  std::optional<ExternalSender> sender,
                  Callback<wsv1::SignalWorkflowExecutionResponse> done);
  void RequestCancelFrom(const storage::NamespaceRecord& ns,
                         const wsv1::RequestCancelWorkflowExecutionRequest& request,
                         std::optional<ExternalSender> sender,
                         Callback<wsv1::RequestCancelWorkflowExecutionResponse> done);
  // The parent of a child workflow being started.
  struct ParentRef {
    std::string namespace_name;
    std::string namespace_id;
    temporal::api::common::v1::WorkflowExecution execution;
    int64_t initiated_event_id = 0;
    temporal::api::common::v1::WorkflowExecution root;
  };

  // Starting runs (start_workflow.cc): a new run, with the signal of a signal-with-start written
  // right after WorkflowExecutionStarted; and what a start does when the id is taken by a
  // running workflow (its WorkflowIdConflictPolicy).
  struct StartSignal {
    std::string name;
    temporal::api::common::v1::Payloads input;
    temporal::api::common::v1::Header header;
  };
  // What the first transition of a run needs (new_runs.cc).
  struct RunStart {
    std::string namespace_id;
    std::string workflow_id;
    std::string run_id;
    std::string request_id;
    temporal::api::history::v1::WorkflowExecutionStartedEventAttributes started;
    Nanos backoff{0};  // Before the first workflow task.
    std::optional<StartSignal> signal;
    std::optional<RunId> previous_run;  // The current run it replaces (closed, or closing now).
    // Eager workflow start: the first workflow task is started in the same transition, for the
    // worker of this identity, and returned with the start (only when it begins at once).
    std::optional<std::string> eager_identity;
    // Otherwise a poll waiting on the queue may get the first workflow task started for it
    // (direct dispatch). Not for a run linked to its predecessor's transition, whose state joins
    // the cache only through that commit.
    bool dispatch = false;
  };
  struct NewRun {
    std::optional<StartedWorkflowTask> eager;  // The first workflow task, started eagerly.
    std::vector<DirectDispatch> dispatched;    // Or started for a waiting poll.
    std::shared_ptr<MutableState> state;
    storage::Transition transition;
    std::vector<storage::TaskRow> tasks;
    TimerChanges timers;
  };
  NewRun BuildNewRun(RunStart start, TimePoint now);
  // How a closing run continues: who asked, and the wait before the next run's first task.
  struct ContinuedAs {
    temporal::api::enums::v1::ContinueAsNewInitiator initiator =
        temporal::api::enums::v1::CONTINUE_AS_NEW_INITIATOR_WORKFLOW;
    Nanos backoff{0};
  };
  // The run `s` continues as: its Started attributes carried over, as Temporal carries them.
  RunStart SuccessorOf(const MutableState& s, ContinuedAs how);
  // Links the successor's first transition to the closing run's mutation.
  void ContinueAs(RunMutation& m, RunStart next);
  // The retry of a run that failed or timed out with `failure`, if its retry policy allows one;
  // *state is the retry state to write into the closing event either way.
  std::optional<RunStart> RetryOfRun(const MutableState& s,
                                     const temporal::api::failure::v1::Failure& failure,
                                     TimePoint now, temporal::api::enums::v1::RetryState* state);

  // The next run of a cron workflow that closed with `result` or `failure`, if it has a schedule.
  std::optional<RunStart> CronSuccessor(const MutableState& s, TimePoint now,
                                        const temporal::api::common::v1::Payloads* result,
                                        const temporal::api::failure::v1::Failure* failure);

  // Starts a run, or answers as Temporal's id reuse and conflict policies say. `read_current`:
  // read the workflow id's current run before writing (see start_workflow.cc).
  void StartRun(const storage::NamespaceRecord& ns,
                const wsv1::StartWorkflowExecutionRequest& request,
                std::optional<StartSignal> signal,
                Callback<wsv1::StartWorkflowExecutionResponse> done,
                std::optional<ParentRef> parent = std::nullopt, bool read_current = false);
  void OnConflict(const storage::NamespaceRecord& ns,
                  const wsv1::StartWorkflowExecutionRequest& request,
                  std::optional<StartSignal> signal, const storage::CurrentExecutionRecord& current,
                  Callback<wsv1::StartWorkflowExecutionResponse> done);

  // Resolves the run a request names: the given run, or the workflow's current run.
  Result<RunId> ResolveRun(const storage::NamespaceRecord& ns,
                           const temporal::api::common::v1::WorkflowExecution& execution);
  // Holds `run_id` and runs `op` with its state, after checking that it belongs to `ns` and
  // `workflow_id` (NOT_FOUND otherwise, as for a run that does not exist).
  void WithRun(const storage::NamespaceRecord& ns, const RunId& run_id,
               const std::string& workflow_id, std::function<void(Result<LeasePtr>)> op);
  // WithRun for the run `execution` names, which must be open (NOT_FOUND otherwise).
  void WithOpenRun(const storage::NamespaceRecord& ns,
                   const temporal::api::common::v1::WorkflowExecution& execution,
                   std::function<void(Result<LeasePtr>)> op);
  // Holds the token's run; NOT_FOUND "Workflow task not found." unless the token names its
  // started workflow task, this attempt.
  void WithStartedWorkflowTask(const endure::history::TaskToken& token,
                               std::function<void(Result<LeasePtr>)> op);
  // A matched task whose run could not be loaded: dropped when the run is gone (OK: the task is
  // obsolete), else given back to matching (the error).
  Status DropOrRequeue(const storage::TaskRow& task, const Status& load_error);
  // Submits the mutation's transition; on success hands its tasks to matching and its timers to
  // the timer queue, then calls done (with the lease still held).
  void Commit(LeasePtr lease, RunMutation& mutation, std::function<void(Status)> done);
  // Submits a transition to the store, counted until its callback has run (Shutdown waits).
  void Submit(storage::Transition transition, std::function<void(Result<storage::Committed>)> done);
  // Fills in the visibility row's JSON of search attributes, if the transition writes one.
  void RenderVisibility(storage::Transition& t);
  // Deletes the rows of tasks found obsolete.
  void DropTask(const storage::TaskRow& task);

  // Starting a scheduled workflow task for a worker (workflow_task_started.cc), from a poll or
  // within the start of its run (eager workflow start), and the task that worker is given.
  StartedWorkflowTask StartWorkflowTask(RunMutation& m, const std::string& identity);
  // `kept`: the run's cached history, if the cache holds it; the response moves its events out
  // of it when it holds them all (else they are read from the store). `uncommitted`: events
  // after `kept` not yet durable, for a response made before its start commits; then the
  // task's events must all be in memory and fit one page (see HistoryInMemory), since the store
  // cannot be read for them yet.
  Result<wsv1::PollWorkflowTaskQueueResponse> WorkflowTaskResponse(
      const MutableState& run, KeptHistory* kept, const StartedWorkflowTask& started,
      const std::vector<HistoryEvent>* uncommitted = nullptr);
  // Whether the task's response can take its history from `kept` and `uncommitted` alone, in
  // one page.
  bool HistoryInMemory(const MutableState& run, const KeptHistory* kept,
                       const std::vector<HistoryEvent>& uncommitted,
                       const StartedWorkflowTask& started) const;

  // Direct dispatch (direct_dispatch.cc): the tasks a mutation schedules, each started within
  // it for a poll waiting on its queue (see DirectDispatch), and answered once the transition is
  // durable. DispatchToWaitingPolls comes last, once the mutation holds all else it writes.
  std::vector<DirectDispatch> DispatchToWaitingPolls(RunMutation& m);
  // Once committed, with the run still held: the answers to the claimed polls, to give after the
  // run is released.
  std::vector<std::function<void()>> AnswersOf(std::vector<DirectDispatch> dispatched,
                                               const MutableState& s, KeptHistory* kept);
  // The transition failed: the claimed polls end empty, and their pollers poll again.
  static void ReleaseDispatched(std::vector<DirectDispatch>& dispatched);
  // A started task whose poller was gone before it was answered.
  void TimeOutUndeliveredWorkflowTask(const RunId& run_id, int64_t scheduled_event_id,
                                      int32_t attempt);
  void ReturnUndeliveredActivity(const RunId& run_id, int64_t scheduled_event_id, int32_t attempt);

  // Life-cycle steps shared by the operations (workflow_tasks.cc).
  void ScheduleWorkflowTask(RunMutation& m);
  void ScheduleRetryOfWorkflowTask(RunMutation& m, int32_t attempt);
  void FlushBufferedEvents(RunMutation& m);
  // Events from outside the workflow task (signals, cancel requests, activity and timer
  // results): written followed by a new workflow task, or buffered while one is started.
  void AddWorkflowEvents(RunMutation& m, std::vector<HistoryEvent> events);
  void CloseRun(RunMutation& m);
  // Ends a started workflow task with WorkflowTaskFailed(FORCE_CLOSE_COMMAND) before the run is
  // closed from outside (terminate, run timeout).
  void ForceCloseWorkflowTask(RunMutation& m, const std::string& identity);

  // Updates (updates.cc).
  struct UpdateProgress {
    temporal::api::update::v1::UpdateRef ref;
    temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage stage;
    temporal::api::update::v1::Outcome outcome;
  };
  // What a completion did to updates, told to their callers once it is durable.
  struct UpdateEffects {
    std::vector<std::string> accepted;
    std::vector<std::pair<std::string, temporal::api::update::v1::Outcome>> completed;
  };
  void WaitForUpdate(const LeasePtr& lease, const std::string& update_id,
                     temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage until,
                     AlarmClock::Clock::time_point deadline, bool admit,
                     const temporal::api::update::v1::Request* request,
                     Callback<UpdateProgress> done);
  void AttachUpdates(const MutableState& s, int64_t started_event_id,
                     wsv1::PollWorkflowTaskQueueResponse* r);
  void ApplyUpdateEffects(const RunId& run, const UpdateEffects& effects);
  // What a completion did besides its events, told once it is durable.
  struct CompletionEffects {
    UpdateEffects updates;
    // Activities started at once for the completing worker (eager execution), in command order.
    std::vector<int64_t> eager_activities;
  };
  void AbortUpdatesIfClosed(const MutableState& s);

  // Commands (commands.cc). nullopt, or why the workflow task fails.
  struct CommandFailure {
    temporal::api::enums::v1::WorkflowTaskFailedCause cause;
    std::string message;
    // The failure also terminates the run (a payload over the blob size limit: a retry of the
    // task would carry it again).
    bool terminates = false;
  };
  // Workflow task ends (workflow_task_completed.cc).
  std::optional<CommandFailure> CompleteWorkflowTask(
      RunMutation& m, const wsv1::RespondWorkflowTaskCompletedRequest& request,
      CompletionEffects* effects);
  std::optional<CommandFailure> ApplyUpdateMessage(
      RunMutation& m, const temporal::api::protocol::v1::Message& message, UpdateEffects* effects);
  void FailWorkflowTask(RunMutation& m, temporal::api::enums::v1::WorkflowTaskFailedCause cause,
                        const temporal::api::failure::v1::Failure& failure,
                        const std::string& identity,
                        std::optional<temporal::api::enums::v1::TimeoutType> timeout);
  std::optional<CommandFailure> ApplyCommand(RunMutation& m,
                                             const temporal::api::command::v1::Command& command,
                                             int64_t completed_event_id, bool* needs_new_task,
                                             std::vector<int64_t>* eager_activities);
  // Commands on other workflows (external_commands.cc) and the transfers that carry them out
  // (transfers.cc).
  std::optional<CommandFailure> ApplyExternalCommand(
      RunMutation& m, const temporal::api::command::v1::Command& command, int64_t completed_id);
  static bool IsTransfer(int timer_kind);
  // `done(settled)`: false when the transfer could not be carried out or recorded now (a read or
  // a commit failed), and its timer must be tried again.
  void RunTransfer(LeasePtr lease, const endure::history::ArmedTimer& timer,
                   std::function<void(bool)> done);
  // Disarms the transfer's timer on `run_id` (if still armed) and writes its outcome there.
  void RecordTransferOutcome(const RunId& run_id, const endure::history::ArmedTimer& timer,
                             std::function<void(RunMutation&)> write,
                             std::function<void(bool)> done);
  Result<HistoryEvent> EventOf(const LeasePtr& lease, int64_t event_id);

  // Activity steps (activity_tasks.cc).
  void DispatchActivityAttempt(RunMutation& m, int64_t scheduled_event_id);
  // Records the current attempt as started by `identity` and arms its start-to-close and
  // heartbeat timers.
  void StartActivityAttempt(RunMutation& m, int64_t scheduled_event_id,
                            const std::string& identity);
  // The task a worker runs for the activity's current (started) attempt.
  static wsv1::PollActivityTaskQueueResponse ActivityTaskOf(const MutableState& s,
                                                            int64_t scheduled_event_id,
                                                            const std::string& namespace_name);
  // Ends an attempt that failed or timed out: retries it, or closes the activity with `failure`.
  void FailActivityAttempt(RunMutation& m, int64_t scheduled_event_id,
                           const temporal::api::failure::v1::Failure& failure,
                           const std::string& identity, bool timed_out);
  // Writes the lazily written ActivityTaskStarted and then `closing`, together.
  void CloseActivity(RunMutation& m, int64_t scheduled_event_id, HistoryEvent closing);
  void ActivityOperation(const storage::NamespaceRecord& ns, ActivityRef ref,
                         std::function<Status(RunMutation&, int64_t scheduled_event_id)> apply,
                         Callback<bool> done);

  // Sends the run's waiting queries as legacy query tasks when no workflow task will carry them.
  void DispatchQueryTasksIfIdle(const MutableState& s);
  // A query task row of the run on `queue` (no id or payload yet).
  static storage::TaskRow RowFor(const MutableState& s, const std::string& queue);

  // Timers (timers_fired.cc).
  void FireTimer(const storage::TimerRow& row, bool stored, std::function<void(bool)> done);
  // The timers kept in memory (KeptInMemory) that the runs in the store have armed.
  Result<std::vector<storage::TimerRow>> TimersKeptInMemory();
  void FireWorkflowTaskTimeout(RunMutation& m, const endure::history::ArmedTimer& timer);
  void FireActivityTimeout(RunMutation& m, const endure::history::ArmedTimer& timer);

  // Long polls on history (history_reads.cc): called after every commit of a run. Polls that
  // wait for the close event alone (a client waiting for a result) wake only once `closed`,
  // and are answered with `close_event` when the commit that closed the run hands it over.
  void NotifyHistoryWatchers(const RunId& run_id, bool closed = true,
                             const HistoryEvent* close_event = nullptr);

  HistoryOptions options_;
  RunCache runs_;
  QueryRegistry queries_;
  UpdateRegistry updates_;
  std::atomic<int64_t> next_query_task_{1};
  std::unique_ptr<TimerQueue> timers_;

  std::mutex in_flight_mu_;
  std::condition_variable in_flight_done_;
  int64_t in_flight_ = 0;

  struct Watcher;
  std::mutex watchers_mu_;
  bool shutting_down_ = false;  // Guarded by watchers_mu_: long polls no longer wait.
  std::unordered_multimap<RunId, std::shared_ptr<Watcher>> watchers_;
};

}  // namespace endure::engine::history
