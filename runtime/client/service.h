// Service: the WorkflowService calls the C++ SDK makes, the one interface through which the
// runtime reaches a Temporal server. EmbeddedService calls an in-process engine (a Frontend);
// RemoteService calls any Temporal-compatible server over gRPC. Calls block their thread (the
// worker's pollers and the client's callers have threads of their own), and answer with the
// server's Status.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/common/cancel_signal.h"
#include "storage/base/status.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine {
class Frontend;
}

namespace endure::runtime {

namespace wsv1 = temporal::api::workflowservice::v1;

class Service {
 public:
  virtual ~Service() = default;

#define ENDURE_SERVICE_CALL(Name) \
  virtual Result<wsv1::Name##Response> Name(const wsv1::Name##Request& request) = 0
  ENDURE_SERVICE_CALL(StartWorkflowExecution);
  ENDURE_SERVICE_CALL(SignalWorkflowExecution);
  ENDURE_SERVICE_CALL(SignalWithStartWorkflowExecution);
  ENDURE_SERVICE_CALL(QueryWorkflow);
  ENDURE_SERVICE_CALL(UpdateWorkflowExecution);
  ENDURE_SERVICE_CALL(RequestCancelWorkflowExecution);
  ENDURE_SERVICE_CALL(TerminateWorkflowExecution);
  ENDURE_SERVICE_CALL(DescribeWorkflowExecution);
  ENDURE_SERVICE_CALL(GetWorkflowExecutionHistory);
  ENDURE_SERVICE_CALL(ListWorkflowExecutions);

  ENDURE_SERVICE_CALL(RespondWorkflowTaskCompleted);
  ENDURE_SERVICE_CALL(RespondWorkflowTaskFailed);
  ENDURE_SERVICE_CALL(RespondQueryTaskCompleted);

  ENDURE_SERVICE_CALL(RecordActivityTaskHeartbeat);
  ENDURE_SERVICE_CALL(RespondActivityTaskCompleted);
  ENDURE_SERVICE_CALL(RespondActivityTaskFailed);
  ENDURE_SERVICE_CALL(RespondActivityTaskCanceled);
  ENDURE_SERVICE_CALL(ShutdownWorker);
#undef ENDURE_SERVICE_CALL

  // Completions whose answer a worker does not wait for: `done` gets the outcome once the call
  // ends, on whichever thread ends it. The embedded service returns at once, and `done` runs
  // when the completion is durable; a remote one makes the blocking call, then runs `done`.
#define ENDURE_SERVICE_SEND(Name)                                                          \
  virtual void Name##Then(wsv1::Name##Request request, std::function<void(Status)> done) { \
    done(Name(request).status());                                                          \
  }
  ENDURE_SERVICE_SEND(RespondWorkflowTaskCompleted)
  ENDURE_SERVICE_SEND(RespondActivityTaskCompleted)
#undef ENDURE_SERVICE_SEND

  // Task polls wait up to a minute for a task; `cancel` ends the wait at once (a worker
  // shutting down), answering an empty response, and the poll then takes no task.
  virtual Result<wsv1::PollWorkflowTaskQueueResponse> PollWorkflowTaskQueue(
      const wsv1::PollWorkflowTaskQueueRequest& request,
      std::shared_ptr<engine::CancelSignal> cancel) = 0;
  virtual Result<wsv1::PollActivityTaskQueueResponse> PollActivityTaskQueue(
      const wsv1::PollActivityTaskQueueRequest& request,
      std::shared_ptr<engine::CancelSignal> cancel) = 0;
};

// The engine in this process. `frontend` must outlive the service.
std::unique_ptr<Service> EmbeddedService(engine::Frontend* frontend);

// TLS for a remote server: the client certificate and key (mutual TLS, as Temporal Cloud
// and most production clusters ask), the roots to trust (empty: the system's), and the name to
// check the server's certificate against (empty: the address's host).
struct TlsOptions {
  bool enabled = false;
  std::string cert_path;
  std::string key_path;
  std::string ca_path;
  std::string server_name;
};

// Where a server is, as Temporal's tools read the environment: TEMPORAL_ADDRESS (host:port),
// else TEMPORAL_HOST (default 127.0.0.1) and TEMPORAL_PORT (default 7233).
std::string AddressFromEnvironment();
// TEMPORAL_NAMESPACE, else "default".
std::string NamespaceFromEnvironment();

// TlsOptions from TEMPORAL_TLS_ENABLED (true/1), TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,
// TEMPORAL_TLS_CA and TEMPORAL_TLS_SERVER_NAME.
TlsOptions TlsFromEnvironment();

// A server at `address` (host:port) over gRPC. A TLS file that cannot be read is an error.
Result<std::unique_ptr<Service>> RemoteService(const std::string& address, const TlsOptions& tls);
// Without TLS.
std::unique_ptr<Service> RemoteService(const std::string& address);

}  // namespace endure::runtime
