// Frontend: Temporal's WorkflowService API over the engine, in process.
//
// Methods take and return Temporal's own request and response messages
// (temporal.api.workflowservice.v1.*). Errors are Status values whose codes are gRPC's and which
// carry, where the SDKs decode them, Temporal's error details (Status::detail()). The gRPC and
// HTTP adapters and the in-process C++ client all call this one surface. Each operation lives in
// its own file (register_namespace.cc, ...); this class only dispatches.
//
// Namespace and system operations answer at once (they return their result). Workflow
// operations are asynchronous: they take a callback that runs once the outcome is durable
// (on a store thread; it must not block), so that one caller thread can keep many operations
// in flight and their transitions share group commits. Await() (await.h) waits for one.
// Polls and history long polls wait up to their deadline; a poll whose caller has gone
// (PollOptions::cancelled) stops waiting at once and never takes a task.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/common/alarm_clock.h"
#include "engine/common/cancel_signal.h"
#include "engine/history/history_engine.h"
#include "engine/matching/matching.h"
#include "engine/namespaces/namespace_registry.h"
#include "storage/base/env.h"
#include "storage/base/status.h"
#include "storage/store.h"
#include "engine/visibility/search_attributes.h"
#include "temporal/api/operatorservice/v1/request_response.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine {

namespace wsv1 = temporal::api::workflowservice::v1;
namespace osv1 = temporal::api::operatorservice::v1;

struct FrontendOptions {
  storage::Store* store = nullptr;  // Must outlive the frontend.
  Env* env = Env::Default();
  // Namespaces that must exist besides `default` (the dev server's --namespace flags).
  std::vector<std::string> namespaces;
  // Durable timers fire on a thread of the engine's own; tests on a manual clock turn it off
  // and call history()->FireDueTimers().
  bool timer_thread = true;
  size_t cache_capacity = 10'000;  // Runs kept in memory.
  // Direct dispatch (docs/engine.md): a task scheduled while a poll waits is started for it in
  // the same transition. Off, every task goes through a task row and a second transition.
  bool direct_dispatch = true;
  std::chrono::milliseconds max_poll_wait = std::chrono::seconds(60);
  std::chrono::milliseconds history_long_poll = std::chrono::seconds(20);
};

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct PollOptions {
  AlarmClock::Clock::time_point deadline = AlarmClock::Clock::time_point::max();
  // Cancelled by the caller's transport when the call ends early: a waiting poll then ends at
  // once, and a poll takes no task after it.
  std::shared_ptr<CancelSignal> cancelled;
  // The poller runs in this process (the embedded worker): no crash can lose a workflow task's
  // start and leave the poller holding the task, since the poller dies with it. Such a poll is
  // handed a task from the backlog as soon as its start is submitted, and runs it while the start
  // commits, instead of waiting a commit first. Activity tasks still wait for their start.
  bool in_process = false;
};

class Frontend {
 public:
  // Opens the frontend over a store; `default` and options.namespaces exist when it returns.
  static Result<std::unique_ptr<Frontend>> Open(FrontendOptions options);

  Result<wsv1::RegisterNamespaceResponse> RegisterNamespace(
      const wsv1::RegisterNamespaceRequest& request);
  Result<wsv1::DescribeNamespaceResponse> DescribeNamespace(
      const wsv1::DescribeNamespaceRequest& request);
  Result<wsv1::ListNamespacesResponse> ListNamespaces(const wsv1::ListNamespacesRequest& request);
  Result<wsv1::GetSystemInfoResponse> GetSystemInfo(const wsv1::GetSystemInfoRequest& request);
  Result<wsv1::GetClusterInfoResponse> GetClusterInfo(const wsv1::GetClusterInfoRequest& request);

  // Workflows (workflow_operations.cc).
  void StartWorkflowExecution(const wsv1::StartWorkflowExecutionRequest& request,
                              Callback<wsv1::StartWorkflowExecutionResponse> done);
  void SignalWithStartWorkflowExecution(
      const wsv1::SignalWithStartWorkflowExecutionRequest& request,
      Callback<wsv1::SignalWithStartWorkflowExecutionResponse> done);
  void SignalWorkflowExecution(const wsv1::SignalWorkflowExecutionRequest& request,
                               Callback<wsv1::SignalWorkflowExecutionResponse> done);
  void RequestCancelWorkflowExecution(const wsv1::RequestCancelWorkflowExecutionRequest& request,
                                      Callback<wsv1::RequestCancelWorkflowExecutionResponse> done);
  void TerminateWorkflowExecution(const wsv1::TerminateWorkflowExecutionRequest& request,
                                  Callback<wsv1::TerminateWorkflowExecutionResponse> done);
  void DescribeWorkflowExecution(const wsv1::DescribeWorkflowExecutionRequest& request,
                                 Callback<wsv1::DescribeWorkflowExecutionResponse> done);
  void GetWorkflowExecutionHistory(const wsv1::GetWorkflowExecutionHistoryRequest& request,
                                   AlarmClock::Clock::time_point deadline,
                                   Callback<wsv1::GetWorkflowExecutionHistoryResponse> done);

  void GetWorkflowExecutionHistoryReverse(
      const wsv1::GetWorkflowExecutionHistoryReverseRequest& request,
      Callback<wsv1::GetWorkflowExecutionHistoryReverseResponse> done);
  void ResetStickyTaskQueue(const wsv1::ResetStickyTaskQueueRequest& request,
                            Callback<wsv1::ResetStickyTaskQueueResponse> done);
  void UpdateWorkflowExecution(const wsv1::UpdateWorkflowExecutionRequest& request,
                               AlarmClock::Clock::time_point deadline,
                               Callback<wsv1::UpdateWorkflowExecutionResponse> done);
  void PollWorkflowExecutionUpdate(const wsv1::PollWorkflowExecutionUpdateRequest& request,
                                   AlarmClock::Clock::time_point deadline,
                                   Callback<wsv1::PollWorkflowExecutionUpdateResponse> done);
  // Update-with-start (multi_operation.cc).
  void ExecuteMultiOperation(const wsv1::ExecuteMultiOperationRequest& request,
                             AlarmClock::Clock::time_point deadline,
                             Callback<wsv1::ExecuteMultiOperationResponse> done);
  void QueryWorkflow(const wsv1::QueryWorkflowRequest& request,
                     AlarmClock::Clock::time_point deadline,
                     Callback<wsv1::QueryWorkflowResponse> done);

  // Not in Temporal's API: loads a closed run's recorded history (a JSON history file) as a new
  // closed run of `workflow_id` (empty: the id the history names); answers its run id.
  void ImportWorkflowExecution(const std::string& namespace_name, const std::string& workflow_id,
                               const temporal::api::history::v1::History& history,
                               Callback<std::string> done);

  // Visibility (visibility_operations.cc).
  void ListWorkflowExecutions(const wsv1::ListWorkflowExecutionsRequest& request,
                              Callback<wsv1::ListWorkflowExecutionsResponse> done);
  void CountWorkflowExecutions(const wsv1::CountWorkflowExecutionsRequest& request,
                               Callback<wsv1::CountWorkflowExecutionsResponse> done);
  Result<wsv1::GetSearchAttributesResponse> GetSearchAttributes(
      const wsv1::GetSearchAttributesRequest& request);
  // OperatorService: custom search attributes.
  Result<osv1::AddSearchAttributesResponse> AddSearchAttributes(
      const osv1::AddSearchAttributesRequest& request);
  Result<osv1::RemoveSearchAttributesResponse> RemoveSearchAttributes(
      const osv1::RemoveSearchAttributesRequest& request);
  Result<osv1::ListSearchAttributesResponse> ListSearchAttributes(
      const osv1::ListSearchAttributesRequest& request);

  // Workflow tasks (task_operations.cc).
  void PollWorkflowTaskQueue(const wsv1::PollWorkflowTaskQueueRequest& request,
                             PollOptions options,
                             Callback<wsv1::PollWorkflowTaskQueueResponse> done);
  void RespondWorkflowTaskCompleted(const wsv1::RespondWorkflowTaskCompletedRequest& request,
                                    Callback<wsv1::RespondWorkflowTaskCompletedResponse> done);
  // The same for a caller that hands the request over: it is not copied. (A name of its own, so
  // that &Frontend::RespondWorkflowTaskCompleted still names one method.)
  void RespondWorkflowTaskCompletedShared(
      std::shared_ptr<const wsv1::RespondWorkflowTaskCompletedRequest> request,
      Callback<wsv1::RespondWorkflowTaskCompletedResponse> done);
  void RespondWorkflowTaskFailed(const wsv1::RespondWorkflowTaskFailedRequest& request,
                                 Callback<wsv1::RespondWorkflowTaskFailedResponse> done);
  void RespondQueryTaskCompleted(const wsv1::RespondQueryTaskCompletedRequest& request,
                                 Callback<wsv1::RespondQueryTaskCompletedResponse> done);

  // Activity tasks (task_operations.cc).
  void PollActivityTaskQueue(const wsv1::PollActivityTaskQueueRequest& request,
                             PollOptions options,
                             Callback<wsv1::PollActivityTaskQueueResponse> done);
  void RecordActivityTaskHeartbeat(const wsv1::RecordActivityTaskHeartbeatRequest& request,
                                   Callback<wsv1::RecordActivityTaskHeartbeatResponse> done);
  void RecordActivityTaskHeartbeatById(
      const wsv1::RecordActivityTaskHeartbeatByIdRequest& request,
      Callback<wsv1::RecordActivityTaskHeartbeatByIdResponse> done);
  void RespondActivityTaskCompleted(const wsv1::RespondActivityTaskCompletedRequest& request,
                                    Callback<wsv1::RespondActivityTaskCompletedResponse> done);
  void RespondActivityTaskCompletedById(
      const wsv1::RespondActivityTaskCompletedByIdRequest& request,
      Callback<wsv1::RespondActivityTaskCompletedByIdResponse> done);
  void RespondActivityTaskFailed(const wsv1::RespondActivityTaskFailedRequest& request,
                                 Callback<wsv1::RespondActivityTaskFailedResponse> done);
  void RespondActivityTaskFailedById(const wsv1::RespondActivityTaskFailedByIdRequest& request,
                                     Callback<wsv1::RespondActivityTaskFailedByIdResponse> done);
  void RespondActivityTaskCanceled(const wsv1::RespondActivityTaskCanceledRequest& request,
                                   Callback<wsv1::RespondActivityTaskCanceledResponse> done);
  void RespondActivityTaskCanceledById(
      const wsv1::RespondActivityTaskCanceledByIdRequest& request,
      Callback<wsv1::RespondActivityTaskCanceledByIdResponse> done);

  // Workers (worker_operations.cc).
  Result<wsv1::ShutdownWorkerResponse> ShutdownWorker(const wsv1::ShutdownWorkerRequest& request);
  Result<wsv1::DescribeTaskQueueResponse> DescribeTaskQueue(
      const wsv1::DescribeTaskQueueRequest& request);

  // Ends waiting polls empty and stops timers; later polls end at once.
  void Shutdown();

  history::HistoryEngine* history() { return history_.get(); }
  matching::Matching* matching() { return matching_.get(); }

  ~Frontend();

 private:
  Frontend(FrontendOptions options, std::unique_ptr<NamespaceRegistry> namespaces,
           std::unique_ptr<visibility::SearchAttributes> search_attributes, std::string cluster_id);

  // A poll in progress: matched to tasks until one can be started, or its deadline passes.
  template <typename Request, typename Response>
  struct Poll {
    std::shared_ptr<const storage::NamespaceRecord> ns;
    Request request;
    PollOptions options;
    Callback<Response> done;
  };
  using WorkflowPoll = Poll<wsv1::PollWorkflowTaskQueueRequest, wsv1::PollWorkflowTaskQueueResponse>;
  using ActivityPoll = Poll<wsv1::PollActivityTaskQueueRequest, wsv1::PollActivityTaskQueueResponse>;
  void PollWorkflowTasks(std::shared_ptr<const WorkflowPoll> poll);
  void PollActivityTasks(std::shared_ptr<const ActivityPoll> poll);

  storage::Store* store_;
  std::unique_ptr<NamespaceRegistry> namespaces_;
  std::unique_ptr<visibility::SearchAttributes> search_attributes_;
  const std::string cluster_id_;  // Made once per database, kept in its cluster metadata.
  std::unique_ptr<AlarmClock> alarms_;
  std::unique_ptr<matching::Matching> matching_;
  std::unique_ptr<history::HistoryEngine> history_;
};

}  // namespace endure::engine
