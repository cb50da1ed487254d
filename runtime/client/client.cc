#include "runtime/client/client.h"

#include "runtime/client/eager_start.h"
#include "runtime/proto_time.h"
#include "runtime/workflow/retry_policy.h"
#include "storage/base/uuid.h"
#include "storage/visibility/visibility_query.h"

#include "runtime/payloads.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

WorkflowDescription FromInfo(const temporal::api::workflow::v1::WorkflowExecutionInfo& info) {
  WorkflowDescription d;
  d.workflow_id = info.execution().workflow_id();
  d.run_id = info.execution().run_id();
  d.type = info.type().name();
  d.task_queue = info.task_queue();
  d.status = std::string(storage::visibility::ExecutionStatusName(info.status()));
  d.start_time = TimeOf(info.start_time());
  if (info.has_close_time()) d.close_time = TimeOf(info.close_time());
  d.history_length = info.history_length();
  for (const auto& [key, payload] : info.memo().fields()) {
    auto value = FromPayload(payload);
    d.memo[key] = value.ok() ? *value : Json(nullptr);
  }
  return d;
}

template <typename Request>
void FillStart(Request& r, const std::string& ns, const std::string& type, const Json& input,
               const StartWorkflowOptions& o) {
  r.set_namespace_(ns);
  r.set_workflow_id(o.id);
  r.mutable_workflow_type()->set_name(type);
  r.mutable_task_queue()->set_name(o.task_queue);
  *r.mutable_input() = ToPayloads(input);
  r.set_request_id(NewUuid(Env::Default()));
  r.set_identity("endure-cpp-client");
  if (o.execution_timeout.count() > 0) {
    SetDuration(r.mutable_workflow_execution_timeout(), o.execution_timeout);
  }
  if (o.run_timeout.count() > 0) SetDuration(r.mutable_workflow_run_timeout(), o.run_timeout);
  if (o.task_timeout.count() > 0) SetDuration(r.mutable_workflow_task_timeout(), o.task_timeout);
  if (o.retry_policy) *r.mutable_retry_policy() = ToProto(*o.retry_policy);
  r.set_workflow_id_reuse_policy(o.id_reuse_policy);
  r.set_workflow_id_conflict_policy(o.id_conflict_policy);
  for (const auto& [key, value] : o.memo.items()) {
    (*r.mutable_memo()->mutable_fields())[key] = ToPayload(value);
  }
  for (const auto& [key, value] : o.search_attributes.items()) {
    (*r.mutable_search_attributes()->mutable_indexed_fields())[key] = ToPayload(value);
  }
}

}  // namespace

Client::Client(std::shared_ptr<Service> service, std::string namespace_name)
    : service_(std::move(service)), namespace_(std::move(namespace_name)) {}

Client Client::Connect(const std::string& address, std::string namespace_name) {
  return Client(std::shared_ptr<Service>(RemoteService(address)), std::move(namespace_name));
}

Result<Client> Client::Connect(const std::string& address, std::string namespace_name,
                               const TlsOptions& tls) {
  ENDURE_ASSIGN_OR_RETURN(auto service, RemoteService(address, tls));
  return Client(std::shared_ptr<Service>(std::move(service)), std::move(namespace_name));
}

Result<Client> Client::FromEnvironment() {
  return Connect(AddressFromEnvironment(), NamespaceFromEnvironment(), TlsFromEnvironment());
}

Result<WorkflowHandle> Client::StartWorkflow(const std::string& type, const Json& input,
                                             const StartWorkflowOptions& options) {
  if (options.id.empty()) return InvalidArgument("StartWorkflowOptions.id is required");
  if (options.task_queue.empty()) {
    return InvalidArgument("StartWorkflowOptions.task_queue is required");
  }
  wsv1::StartWorkflowExecutionRequest r;
  FillStart(r, namespace_, type, input, options);
  EagerWorkflowTarget* worker =
      options.request_eager_start
          ? ReserveEagerTarget(service_.get(), namespace_, options.task_queue)
          : nullptr;
  r.set_request_eager_execution(worker != nullptr);
  auto started = service_->StartWorkflowExecution(r);
  if (worker != nullptr) {
    if (started.ok() && started->has_eager_workflow_task()) {
      worker->RunEagerTask(std::move(*started->mutable_eager_workflow_task()));
    } else {
      worker->ReleaseEagerSlot();  // Refused, or the run exists already: matching serves it.
    }
  }
  if (!started.ok()) return started.status();
  return WorkflowHandle{options.id, started->run_id()};
}

Result<WorkflowHandle> Client::SignalWithStart(const std::string& type, const Json& input,
                                               const StartWorkflowOptions& options,
                                               const std::string& signal,
                                               const Json& signal_input) {
  wsv1::SignalWithStartWorkflowExecutionRequest r;
  FillStart(r, namespace_, type, input, options);
  r.set_signal_name(signal);
  *r.mutable_signal_input() = ToPayloads(signal_input);
  ENDURE_ASSIGN_OR_RETURN(auto started, service_->SignalWithStartWorkflowExecution(r));
  return WorkflowHandle{options.id, started.run_id()};
}

Status Client::Signal(const WorkflowHandle& w, const std::string& name, const Json& input) {
  wsv1::SignalWorkflowExecutionRequest r;
  r.set_namespace_(namespace_);
  r.mutable_workflow_execution()->set_workflow_id(w.workflow_id);
  r.mutable_workflow_execution()->set_run_id(w.run_id);
  r.set_signal_name(name);
  *r.mutable_input() = ToPayloads(input);
  r.set_request_id(NewUuid(Env::Default()));
  r.set_identity("endure-cpp-client");
  return service_->SignalWorkflowExecution(r).status();
}

Result<Json> Client::Query(const WorkflowHandle& w, const std::string& name, const Json& input) {
  wsv1::QueryWorkflowRequest r;
  r.set_namespace_(namespace_);
  r.mutable_execution()->set_workflow_id(w.workflow_id);
  r.mutable_execution()->set_run_id(w.run_id);
  r.mutable_query()->set_query_type(name);
  *r.mutable_query()->mutable_query_args() = ToPayloads(input);
  ENDURE_ASSIGN_OR_RETURN(auto answer, service_->QueryWorkflow(r));
  if (answer.has_query_rejected()) {
    return FailedPrecondition(
        "query rejected: the workflow is " +
        std::string(storage::visibility::ExecutionStatusName(answer.query_rejected().status())));
  }
  return FromPayloads(answer.query_result());
}

Result<Json> Client::Update(const WorkflowHandle& w, const std::string& name, const Json& input) {
  wsv1::UpdateWorkflowExecutionRequest r;
  r.set_namespace_(namespace_);
  r.mutable_workflow_execution()->set_workflow_id(w.workflow_id);
  r.mutable_workflow_execution()->set_run_id(w.run_id);
  r.mutable_wait_policy()->set_lifecycle_stage(
      enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  auto* request = r.mutable_request();
  request->mutable_meta()->set_update_id(NewUuid(Env::Default()));
  request->mutable_meta()->set_identity("endure-cpp-client");
  request->mutable_input()->set_name(name);
  *request->mutable_input()->mutable_args() = ToPayloads(input);
  // The server answers when the update completes or its wait ends; ask again until it has.
  for (int attempt = 0; attempt < 100; ++attempt) {
    ENDURE_ASSIGN_OR_RETURN(auto response, service_->UpdateWorkflowExecution(r));
    if (response.outcome().has_success()) return FromPayloads(response.outcome().success());
    if (response.outcome().has_failure()) {
      const auto& f = response.outcome().failure();
      const std::string type =
          f.has_application_failure_info() ? f.application_failure_info().type() : "";
      return Aborted("update " + name + " failed" + (type.empty() ? "" : " (" + type + ")") + ": " +
                     f.message());
    }
  }
  return Status(StatusCode::kDeadlineExceeded, "update " + name + " did not complete");
}

Status Client::Cancel(const WorkflowHandle& w, const std::string& reason) {
  wsv1::RequestCancelWorkflowExecutionRequest r;
  r.set_namespace_(namespace_);
  r.mutable_workflow_execution()->set_workflow_id(w.workflow_id);
  r.mutable_workflow_execution()->set_run_id(w.run_id);
  r.set_reason(reason);
  r.set_request_id(NewUuid(Env::Default()));
  r.set_identity("endure-cpp-client");
  return service_->RequestCancelWorkflowExecution(r).status();
}

Status Client::Terminate(const WorkflowHandle& w, const std::string& reason) {
  wsv1::TerminateWorkflowExecutionRequest r;
  r.set_namespace_(namespace_);
  r.mutable_workflow_execution()->set_workflow_id(w.workflow_id);
  r.mutable_workflow_execution()->set_run_id(w.run_id);
  r.set_reason(reason);
  r.set_identity("endure-cpp-client");
  return service_->TerminateWorkflowExecution(r).status();
}

Result<WorkflowDescription> Client::Describe(const WorkflowHandle& w) {
  wsv1::DescribeWorkflowExecutionRequest r;
  r.set_namespace_(namespace_);
  r.mutable_execution()->set_workflow_id(w.workflow_id);
  r.mutable_execution()->set_run_id(w.run_id);
  ENDURE_ASSIGN_OR_RETURN(auto described, service_->DescribeWorkflowExecution(r));
  return FromInfo(described.workflow_execution_info());
}

Result<std::vector<WorkflowDescription>> Client::List(const std::string& query) {
  std::vector<WorkflowDescription> out;
  std::string token;
  do {
    wsv1::ListWorkflowExecutionsRequest r;
    r.set_namespace_(namespace_);
    r.set_query(query);
    r.set_page_size(1000);
    r.set_next_page_token(token);
    ENDURE_ASSIGN_OR_RETURN(auto page, service_->ListWorkflowExecutions(r));
    for (const auto& info : page.executions()) out.push_back(FromInfo(info));
    token = page.next_page_token();
  } while (!token.empty());
  return out;
}

Result<Json> Client::GetResult(const WorkflowHandle& w, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  std::string run_id = w.run_id;
  while (std::chrono::steady_clock::now() < give_up) {
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_(namespace_);
    r.mutable_execution()->set_workflow_id(w.workflow_id);
    r.mutable_execution()->set_run_id(run_id);
    r.set_wait_new_event(true);
    r.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    ENDURE_ASSIGN_OR_RETURN(auto page, service_->GetWorkflowExecutionHistory(r));
    if (page.history().events_size() == 0) continue;  // The long poll's wait ended: ask again.
    const auto& close = page.history().events(0);
    if (close.has_workflow_execution_continued_as_new_event_attributes()) {
      run_id = close.workflow_execution_continued_as_new_event_attributes().new_execution_run_id();
      continue;
    }
    if (close.has_workflow_execution_completed_event_attributes()) {
      const auto& a = close.workflow_execution_completed_event_attributes();
      if (!a.new_execution_run_id().empty()) {
        run_id = a.new_execution_run_id();
        continue;
      }
      return FromPayloads(a.result());
    }
    if (close.has_workflow_execution_failed_event_attributes()) {
      const auto& f = close.workflow_execution_failed_event_attributes().failure();
      std::string type =
          f.has_application_failure_info() ? f.application_failure_info().type() : "";
      return Aborted("workflow failed" + (type.empty() ? "" : " (" + type + ")") + ": " +
                     f.message());
    }
    if (close.has_workflow_execution_terminated_event_attributes()) {
      return Aborted("workflow terminated: " +
                     close.workflow_execution_terminated_event_attributes().reason());
    }
    if (close.has_workflow_execution_canceled_event_attributes()) {
      return Aborted("workflow canceled");
    }
    return Aborted("workflow timed out");
  }
  return Status(StatusCode::kDeadlineExceeded, "the workflow did not close in time");
}

Result<temporal::api::history::v1::History> Client::FetchHistory(const WorkflowHandle& w) {
  temporal::api::history::v1::History history;
  std::string token;
  do {
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_(namespace_);
    r.mutable_execution()->set_workflow_id(w.workflow_id);
    r.mutable_execution()->set_run_id(w.run_id);
    r.set_next_page_token(token);
    ENDURE_ASSIGN_OR_RETURN(auto page, service_->GetWorkflowExecutionHistory(r));
    for (auto& e : *page.mutable_history()->mutable_events()) *history.add_events() = std::move(e);
    token = page.next_page_token();
  } while (!token.empty());
  return history;
}

}  // namespace endure::runtime
