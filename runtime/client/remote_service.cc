// RemoteService: the Service over a Temporal server's gRPC API.
#include <grpcpp/grpcpp.h>

#include <chrono>

#include "runtime/client/service.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace endure::runtime {
namespace {

// Long polls carry a deadline past the server's longest wait (60 s), as Temporal's SDKs do.
constexpr std::chrono::seconds kLongPollDeadline{70};
constexpr std::chrono::seconds kCallDeadline{30};

class Remote final : public Service {
 public:
  explicit Remote(const std::string& address) : address_(address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(128 << 20);
    args.SetMaxSendMessageSize(128 << 20);
    stub_ = wsv1::WorkflowService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }

#define ENDURE_REMOTE(Name, deadline)                                                         \
  Result<wsv1::Name##Response> Name(const wsv1::Name##Request& request) override {            \
    grpc::ClientContext context;                                                              \
    context.set_deadline(std::chrono::system_clock::now() + deadline);                        \
    context.AddMetadata("temporal-namespace", request.namespace_());                          \
    context.AddMetadata("client-name", "endure-cpp");                                         \
    context.AddMetadata("client-version", "0.1.0");                                           \
    wsv1::Name##Response response;                                                            \
    grpc::Status s = stub_->Name(&context, request, &response);                               \
    if (!s.ok()) {                                                                            \
      return Status(                                                                          \
          static_cast<StatusCode>(s.error_code()),                                            \
          s.error_message().empty() ? "call to " + address_ + " failed" : s.error_message()); \
    }                                                                                         \
    return response;                                                                          \
  }
  ENDURE_REMOTE(StartWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(SignalWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(SignalWithStartWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(QueryWorkflow, kLongPollDeadline)
  ENDURE_REMOTE(RequestCancelWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(TerminateWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(DescribeWorkflowExecution, kCallDeadline)
  ENDURE_REMOTE(GetWorkflowExecutionHistory, kLongPollDeadline)
  ENDURE_REMOTE(ListWorkflowExecutions, kCallDeadline)
  ENDURE_REMOTE(RespondWorkflowTaskCompleted, kCallDeadline)
  ENDURE_REMOTE(RespondWorkflowTaskFailed, kCallDeadline)
  ENDURE_REMOTE(RespondQueryTaskCompleted, kCallDeadline)
  ENDURE_REMOTE(RecordActivityTaskHeartbeat, kCallDeadline)
  ENDURE_REMOTE(RespondActivityTaskCompleted, kCallDeadline)
  ENDURE_REMOTE(RespondActivityTaskFailed, kCallDeadline)
  ENDURE_REMOTE(RespondActivityTaskCanceled, kCallDeadline)
  ENDURE_REMOTE(ShutdownWorker, kCallDeadline)
#undef ENDURE_REMOTE

  Result<wsv1::PollWorkflowTaskQueueResponse> PollWorkflowTaskQueue(
      const wsv1::PollWorkflowTaskQueueRequest& request,
      std::shared_ptr<engine::CancelSignal> cancel) override {
    return Poll(request, cancel, &wsv1::WorkflowService::Stub::PollWorkflowTaskQueue);
  }
  Result<wsv1::PollActivityTaskQueueResponse> PollActivityTaskQueue(
      const wsv1::PollActivityTaskQueueRequest& request,
      std::shared_ptr<engine::CancelSignal> cancel) override {
    return Poll(request, cancel, &wsv1::WorkflowService::Stub::PollActivityTaskQueue);
  }

 private:
  // A poll the worker cancels is cancelled on the wire; the server then hands it no task.
  template <typename Request, typename Response>
  Result<Response> Poll(const Request& request, const std::shared_ptr<engine::CancelSignal>& cancel,
                        grpc::Status (wsv1::WorkflowService::Stub::*call)(grpc::ClientContext*,
                                                                          const Request&,
                                                                          Response*)) {
    auto context = std::make_shared<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kLongPollDeadline);
    context->AddMetadata("temporal-namespace", request.namespace_());
    context->AddMetadata("client-name", "endure-cpp");
    if (cancel) cancel->OnCancel([context] { context->TryCancel(); });
    Response response;
    grpc::Status s = (stub_.get()->*call)(context.get(), request, &response);
    if (cancel) cancel->OnCancel([] {});  // The call is over: nothing left to cancel.
    if (s.error_code() == grpc::StatusCode::CANCELLED) return Response();
    if (!s.ok()) return Status(static_cast<StatusCode>(s.error_code()), s.error_message());
    return response;
  }

  std::string address_;
  std::unique_ptr<wsv1::WorkflowService::Stub> stub_;
};

}  // namespace

std::unique_ptr<Service> RemoteService(const std::string& address) {
  return std::make_unique<Remote>(address);
}

}  // namespace endure::runtime
