// RemoteService: the Service over a Temporal server's gRPC API.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/client/service.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace endure::runtime {
namespace {

// Long polls carry a deadline past the server's longest wait (60 s), as Temporal's SDKs do.
constexpr std::chrono::seconds kLongPollDeadline{70};
constexpr std::chrono::seconds kCallDeadline{30};

class Remote final : public Service {
 public:
  Remote(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
         const std::string& server_name)
      : address_(address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(128 << 20);
    args.SetMaxSendMessageSize(128 << 20);
    if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
    stub_ = wsv1::WorkflowService::NewStub(grpc::CreateCustomChannel(address, credentials, args));
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
  ENDURE_REMOTE(UpdateWorkflowExecution, kLongPollDeadline)
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

Result<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) return InvalidArgument(what + " " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

std::string AddressFromEnvironment() {
  const std::string address = Env("TEMPORAL_ADDRESS");
  if (!address.empty()) return address;
  const std::string host = Env("TEMPORAL_HOST");
  const std::string port = Env("TEMPORAL_PORT");
  return (host.empty() ? "127.0.0.1" : host) + ":" + (port.empty() ? "7233" : port);
}

std::string NamespaceFromEnvironment() {
  const std::string ns = Env("TEMPORAL_NAMESPACE");
  return ns.empty() ? "default" : ns;
}

TlsOptions TlsFromEnvironment() {
  TlsOptions tls;
  const std::string enabled = Env("TEMPORAL_TLS_ENABLED");
  tls.enabled = enabled == "true" || enabled == "1" || enabled == "TRUE" || enabled == "True";
  tls.cert_path = Env("TEMPORAL_TLS_CERT");
  tls.key_path = Env("TEMPORAL_TLS_KEY");
  tls.ca_path = Env("TEMPORAL_TLS_CA");
  tls.server_name = Env("TEMPORAL_TLS_SERVER_NAME");
  return tls;
}

Result<std::unique_ptr<Service>> RemoteService(const std::string& address, const TlsOptions& tls) {
  if (!tls.enabled) {
    return std::unique_ptr<Service>(
        std::make_unique<Remote>(address, grpc::InsecureChannelCredentials(), ""));
  }
  grpc::SslCredentialsOptions ssl;
  if (!tls.ca_path.empty()) {
    ENDURE_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(tls.ca_path, "TLS CA"));
  }
  if (tls.cert_path.empty() != tls.key_path.empty()) {
    return InvalidArgument("TLS needs both a client certificate and its key, or neither");
  }
  if (!tls.cert_path.empty()) {
    ENDURE_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(tls.cert_path, "TLS certificate"));
    ENDURE_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(tls.key_path, "TLS key"));
  }
  return std::unique_ptr<Service>(
      std::make_unique<Remote>(address, grpc::SslCredentials(ssl), tls.server_name));
}

std::unique_ptr<Service> RemoteService(const std::string& address) {
  return std::make_unique<Remote>(address, grpc::InsecureChannelCredentials(), "");
}

}  // namespace endure::runtime
