#include "engine/server/grpc/workflow_service.h"

#include <chrono>
#include <string_view>

#include "engine/server/grpc/unary_call.h"

namespace endure::engine::server {
namespace {

using std::chrono::milliseconds;

// Answers leave this much of the client's deadline unused, so that an empty poll or an empty
// long-poll page arrives before the client gives up on the call.
constexpr milliseconds kDeadlineMargin{1000};

template <typename Request, typename Response>
grpc::ServerUnaryReactor* Sync(Frontend* frontend, ServerMetrics* metrics,
                               grpc::CallbackServerContext* context, std::string_view method,
                               const Request* request, Response* response,
                               Result<Response> (Frontend::*op)(const Request&)) {
  auto* call = new UnaryCall(context, method, metrics);
  call->Done(response)((frontend->*op)(*request));
  return call;
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* Async(Frontend* frontend, ServerMetrics* metrics,
                                grpc::CallbackServerContext* context, std::string_view method,
                                const Request* request, Response* response,
                                void (Frontend::*op)(const Request&, Callback<Response>)) {
  auto* call = new UnaryCall(context, method, metrics);
  (frontend->*op)(*request, call->Done(response));
  return call;
}

// Operations that wait (long polls, queries, updates) until the client's deadline at most.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* Waiting(
    Frontend* frontend, ServerMetrics* metrics, grpc::CallbackServerContext* context,
    std::string_view method, const Request* request, Response* response,
    void (Frontend::*op)(const Request&, AlarmClock::Clock::time_point, Callback<Response>)) {
  auto* call = new UnaryCall(context, method, metrics);
  (frontend->*op)(*request, call->Deadline(kDeadlineMargin), call->Done(response));
  return call;
}

// Task polls also end at once, taking no task, when the worker cancels them.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* TaskPoll(Frontend* frontend, ServerMetrics* metrics,
                                   grpc::CallbackServerContext* context, std::string_view method,
                                   const Request* request, Response* response,
                                   void (Frontend::*op)(const Request&, PollOptions,
                                                        Callback<Response>)) {
  auto* call = new UnaryCall(context, method, metrics);
  (frontend->*op)(*request, call->Poll(kDeadlineMargin), call->Done(response));
  return call;
}

}  // namespace

#define ENDURE_SERVE(Kind, Name)                                                               \
  grpc::ServerUnaryReactor* WorkflowServiceAdapter::Name(grpc::CallbackServerContext* context, \
                                                         const wsv1::Name##Request* request,   \
                                                         wsv1::Name##Response* response) {     \
    return Kind(frontend_, metrics_, context, #Name, request, response, &Frontend::Name);      \
  }

ENDURE_SERVE(Sync, RegisterNamespace)
ENDURE_SERVE(Sync, DescribeNamespace)
ENDURE_SERVE(Sync, ListNamespaces)
ENDURE_SERVE(Sync, GetSystemInfo)
ENDURE_SERVE(Sync, GetClusterInfo)

ENDURE_SERVE(Async, StartWorkflowExecution)
ENDURE_SERVE(Async, SignalWithStartWorkflowExecution)
ENDURE_SERVE(Async, SignalWorkflowExecution)
ENDURE_SERVE(Async, RequestCancelWorkflowExecution)
ENDURE_SERVE(Async, TerminateWorkflowExecution)
ENDURE_SERVE(Async, DescribeWorkflowExecution)
ENDURE_SERVE(Waiting, GetWorkflowExecutionHistory)
ENDURE_SERVE(Async, GetWorkflowExecutionHistoryReverse)
ENDURE_SERVE(Async, ResetStickyTaskQueue)
ENDURE_SERVE(Waiting, UpdateWorkflowExecution)
ENDURE_SERVE(Waiting, PollWorkflowExecutionUpdate)
ENDURE_SERVE(Waiting, QueryWorkflow)
ENDURE_SERVE(Waiting, ExecuteMultiOperation)

ENDURE_SERVE(Async, ListWorkflowExecutions)
ENDURE_SERVE(Async, CountWorkflowExecutions)
ENDURE_SERVE(Sync, GetSearchAttributes)

ENDURE_SERVE(TaskPoll, PollWorkflowTaskQueue)
ENDURE_SERVE(Async, RespondWorkflowTaskCompleted)
ENDURE_SERVE(Async, RespondWorkflowTaskFailed)
ENDURE_SERVE(Async, RespondQueryTaskCompleted)
ENDURE_SERVE(TaskPoll, PollActivityTaskQueue)
ENDURE_SERVE(Async, RecordActivityTaskHeartbeat)
ENDURE_SERVE(Async, RecordActivityTaskHeartbeatById)
ENDURE_SERVE(Async, RespondActivityTaskCompleted)
ENDURE_SERVE(Async, RespondActivityTaskCompletedById)
ENDURE_SERVE(Async, RespondActivityTaskFailed)
ENDURE_SERVE(Async, RespondActivityTaskFailedById)
ENDURE_SERVE(Async, RespondActivityTaskCanceled)
ENDURE_SERVE(Async, RespondActivityTaskCanceledById)

ENDURE_SERVE(Sync, ShutdownWorker)
ENDURE_SERVE(Sync, DescribeTaskQueue)

#undef ENDURE_SERVE

}  // namespace endure::engine::server
