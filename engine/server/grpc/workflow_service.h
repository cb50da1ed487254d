// WorkflowServiceAdapter: temporal.api.workflowservice.v1.WorkflowService over the Frontend.
//
// Each method hands the request to the frontend operation of the same name and answers from its
// callback; nothing here decides anything. Methods the frontend does not serve are left to the
// generated base, which answers UNIMPLEMENTED.
#pragma once

#include "engine/frontend/frontend.h"
#include "engine/server/metrics/server_metrics.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace endure::engine::server {

class WorkflowServiceAdapter final : public wsv1::WorkflowService::CallbackService {
 public:
  WorkflowServiceAdapter(Frontend* frontend, ServerMetrics* metrics)
      : frontend_(frontend), metrics_(metrics) {}

#define ENDURE_RPC(Name)                                               \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context, \
                                 const wsv1::Name##Request* request,   \
                                 wsv1::Name##Response* response) override
  // Namespaces and the server.
  ENDURE_RPC(RegisterNamespace);
  ENDURE_RPC(DescribeNamespace);
  ENDURE_RPC(ListNamespaces);
  ENDURE_RPC(GetSystemInfo);
  ENDURE_RPC(GetClusterInfo);
  // Workflows.
  ENDURE_RPC(StartWorkflowExecution);
  ENDURE_RPC(SignalWithStartWorkflowExecution);
  ENDURE_RPC(SignalWorkflowExecution);
  ENDURE_RPC(RequestCancelWorkflowExecution);
  ENDURE_RPC(TerminateWorkflowExecution);
  ENDURE_RPC(DescribeWorkflowExecution);
  ENDURE_RPC(GetWorkflowExecutionHistory);
  ENDURE_RPC(GetWorkflowExecutionHistoryReverse);
  ENDURE_RPC(ResetStickyTaskQueue);
  ENDURE_RPC(UpdateWorkflowExecution);
  ENDURE_RPC(PollWorkflowExecutionUpdate);
  ENDURE_RPC(QueryWorkflow);
  ENDURE_RPC(ExecuteMultiOperation);
  // Visibility.
  ENDURE_RPC(ListWorkflowExecutions);
  ENDURE_RPC(CountWorkflowExecutions);
  ENDURE_RPC(GetSearchAttributes);
  // Workflow and activity tasks.
  ENDURE_RPC(PollWorkflowTaskQueue);
  ENDURE_RPC(RespondWorkflowTaskCompleted);
  ENDURE_RPC(RespondWorkflowTaskFailed);
  ENDURE_RPC(RespondQueryTaskCompleted);
  ENDURE_RPC(PollActivityTaskQueue);
  ENDURE_RPC(RecordActivityTaskHeartbeat);
  ENDURE_RPC(RecordActivityTaskHeartbeatById);
  ENDURE_RPC(RespondActivityTaskCompleted);
  ENDURE_RPC(RespondActivityTaskCompletedById);
  ENDURE_RPC(RespondActivityTaskFailed);
  ENDURE_RPC(RespondActivityTaskFailedById);
  ENDURE_RPC(RespondActivityTaskCanceled);
  ENDURE_RPC(RespondActivityTaskCanceledById);
  // Workers.
  ENDURE_RPC(ShutdownWorker);
  ENDURE_RPC(DescribeTaskQueue);
#undef ENDURE_RPC

 private:
  Frontend* const frontend_;
  ServerMetrics* const metrics_;
};

}  // namespace endure::engine::server
