// Client: what a host does with workflows — start, signal, query, cancel, terminate, describe,
// list, wait for a result, fetch a history, signal-with-start — over a Service, so the same
// code drives the engine in this process or a server over gRPC.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/client/service.h"
#include "runtime/workflow/workflow.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::runtime {

struct StartWorkflowOptions {
  std::string id;
  std::string task_queue;
  std::chrono::milliseconds execution_timeout{0};
  std::chrono::milliseconds run_timeout{0};
  std::chrono::milliseconds task_timeout{0};
  std::optional<RetryPolicy> retry_policy;
  temporal::api::enums::v1::WorkflowIdReusePolicy id_reuse_policy =
      temporal::api::enums::v1::WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED;
  temporal::api::enums::v1::WorkflowIdConflictPolicy id_conflict_policy =
      temporal::api::enums::v1::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED;
  Json memo = Json::object();               // Key -> value.
  Json search_attributes = Json::object();  // Key -> value (registered or predefined keys).
  // Eager start: when a Worker of this process serves the task queue over the same Service and
  // has a free slot, the server starts the first workflow task with the run and the worker runs
  // it at once, with no trip through matching. Otherwise the start is an ordinary one.
  bool request_eager_start = false;
};

struct WorkflowHandle {
  std::string workflow_id;
  std::string run_id;
};

struct WorkflowDescription {
  std::string workflow_id;
  std::string run_id;
  std::string type;
  std::string task_queue;
  std::string status;  // "Running", "Completed", "Failed", ... as Temporal's CLI prints them.
  std::chrono::system_clock::time_point start_time;
  std::optional<std::chrono::system_clock::time_point> close_time;
  int64_t history_length = 0;
  Json memo = Json::object();
};

class Client {
 public:
  Client(std::shared_ptr<Service> service, std::string namespace_name);

  // A server over gRPC at `address` (host:port), without TLS.
  static Client Connect(const std::string& address, std::string namespace_name = "default");
  static Result<Client> Connect(const std::string& address, std::string namespace_name,
                                const TlsOptions& tls);
  // As JARVIS configures it: TEMPORAL_HOST (default 127.0.0.1), TEMPORAL_PORT (7233),
  // TEMPORAL_NAMESPACE (default), TLS from TEMPORAL_TLS_* (TlsFromEnvironment);
  // TEMPORAL_ADDRESS (host:port) wins over host and port.
  static Result<Client> FromEnvironment();

  Result<WorkflowHandle> StartWorkflow(const std::string& type, const Json& input,
                                       const StartWorkflowOptions& options);
  Result<WorkflowHandle> SignalWithStart(const std::string& type, const Json& input,
                                         const StartWorkflowOptions& options,
                                         const std::string& signal, const Json& signal_input);
  Status Signal(const WorkflowHandle& w, const std::string& name, const Json& input = nullptr);
  Result<Json> Query(const WorkflowHandle& w, const std::string& name, const Json& input = nullptr);
  // Sends an update and waits for its outcome: the handler's result, or an error carrying the
  // validator's rejection or the handler's failure.
  Result<Json> Update(const WorkflowHandle& w, const std::string& name,
                      const Json& input = nullptr);
  Status Cancel(const WorkflowHandle& w, const std::string& reason = "");
  Status Terminate(const WorkflowHandle& w, const std::string& reason = "");
  Result<WorkflowDescription> Describe(const WorkflowHandle& w);
  Result<std::vector<WorkflowDescription>> List(const std::string& query = "");
  // Waits for the run (following continue-as-new) to close; its result if it completed, else
  // an error naming how it closed and why.
  Result<Json> GetResult(const WorkflowHandle& w,
                         std::chrono::milliseconds timeout = std::chrono::hours(24));
  Result<temporal::api::history::v1::History> FetchHistory(const WorkflowHandle& w);

  const std::string& namespace_name() const { return namespace_; }
  Service& service() { return *service_; }

 private:
  std::shared_ptr<Service> service_;
  std::string namespace_;
};

}  // namespace endure::runtime
