#include "tools/workflow/workflow_actions.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <iostream>

#include "storage/base/uuid.h"
#include "tools/workflow/payloads.h"

namespace endure::tools {
namespace {

namespace enums = temporal::api::enums::v1;

// "10s", "1.5m", "2h", "500ms", or a bare number of seconds.
Result<google::protobuf::Duration> ParseDuration(const std::string& text, const std::string& flag) {
  size_t end = 0;
  double value = 0;
  try {
    value = std::stod(text, &end);
  } catch (...) {
    return InvalidArgument(flag + ": '" + text + "' is not a duration such as 30s, 5m or 1h");
  }
  const std::string unit = text.substr(end);
  double seconds = 0;
  if (unit.empty() || unit == "s") {
    seconds = value;
  } else if (unit == "ms") {
    seconds = value / 1000;
  } else if (unit == "m") {
    seconds = value * 60;
  } else if (unit == "h") {
    seconds = value * 3600;
  } else if (unit == "d") {
    seconds = value * 86400;
  } else {
    return InvalidArgument(flag + ": '" + text + "' is not a duration such as 30s, 5m or 1h");
  }
  if (seconds < 0) return InvalidArgument(flag + ": '" + text + "' is negative");
  google::protobuf::Duration d;
  d.set_seconds(static_cast<int64_t>(seconds));
  d.set_nanos(static_cast<int32_t>((seconds - static_cast<double>(d.seconds())) * 1e9));
  return d;
}

// Temporal's CLI spells enum values in PascalCase ("RejectDuplicate"); the full constant name
// works too.
Result<int> ParseEnum(const google::protobuf::EnumDescriptor* e, const std::string& prefix,
                      const std::string& text, const std::string& flag) {
  std::string constant;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 &&
        std::islower(static_cast<unsigned char>(text[i - 1]))) {
      constant += '_';
    }
    constant += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (constant.rfind(prefix, 0) != 0) constant = prefix + constant;
  const auto* value = e->FindValueByName(constant);
  if (value == nullptr || value->number() == 0) {
    std::string names;
    for (int i = 1; i < e->value_count(); ++i) {
      std::string pascal;
      bool upper = true;
      for (char c : e->value(i)->name().substr(prefix.size())) {
        if (c == '_') {
          upper = true;
          continue;
        }
        pascal += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        upper = false;
      }
      names += (names.empty() ? "" : ", ") + pascal;
    }
    return InvalidArgument(flag + ": '" + text + "' is not one of " + names);
  }
  return value->number();
}

Status Require(const std::string& value, const std::string& flag) {
  if (value.empty()) return InvalidArgument(flag + " is required");
  return Status::Ok();
}

void PrintJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  std::cout << out;
}

Result<std::string> Start(Connection& c, const WorkflowFlags& f) {
  ENDURE_RETURN_IF_ERROR(Require(f.workflow_id, "--workflow-id"));
  ENDURE_RETURN_IF_ERROR(Require(f.type, "--type"));
  ENDURE_RETURN_IF_ERROR(Require(f.task_queue, "--task-queue"));
  wsv1::StartWorkflowExecutionRequest r;
  r.set_namespace_(c.namespace_());
  r.set_workflow_id(f.workflow_id);
  r.mutable_workflow_type()->set_name(f.type);
  r.mutable_task_queue()->set_name(f.task_queue);
  r.set_identity("endure-cli");
  r.set_request_id(NewUuid(Env::Default()));
  if (!f.input.empty()) {
    ENDURE_ASSIGN_OR_RETURN(*r.mutable_input(), PayloadsFromJson(f.input, "--input"));
  }
  if (!f.execution_timeout.empty()) {
    ENDURE_ASSIGN_OR_RETURN(*r.mutable_workflow_execution_timeout(),
                            ParseDuration(f.execution_timeout, "--execution-timeout"));
  }
  if (!f.run_timeout.empty()) {
    ENDURE_ASSIGN_OR_RETURN(*r.mutable_workflow_run_timeout(),
                            ParseDuration(f.run_timeout, "--run-timeout"));
  }
  if (!f.task_timeout.empty()) {
    ENDURE_ASSIGN_OR_RETURN(*r.mutable_workflow_task_timeout(),
                            ParseDuration(f.task_timeout, "--task-timeout"));
  }
  if (!f.id_reuse_policy.empty()) {
    ENDURE_ASSIGN_OR_RETURN(
        int policy, ParseEnum(enums::WorkflowIdReusePolicy_descriptor(),
                              "WORKFLOW_ID_REUSE_POLICY_", f.id_reuse_policy, "--id-reuse-policy"));
    r.set_workflow_id_reuse_policy(static_cast<enums::WorkflowIdReusePolicy>(policy));
  }
  if (!f.id_conflict_policy.empty()) {
    ENDURE_ASSIGN_OR_RETURN(int policy, ParseEnum(enums::WorkflowIdConflictPolicy_descriptor(),
                                                  "WORKFLOW_ID_CONFLICT_POLICY_",
                                                  f.id_conflict_policy, "--id-conflict-policy"));
    r.set_workflow_id_conflict_policy(static_cast<enums::WorkflowIdConflictPolicy>(policy));
  }
  ENDURE_ASSIGN_OR_RETURN(auto memo, NamedPayloads(f.memo, "--memo"));
  for (auto& [key, payload] : memo) (*r.mutable_memo()->mutable_fields())[key] = payload;
  ENDURE_ASSIGN_OR_RETURN(auto attributes,
                          NamedPayloads(f.search_attributes, "--search-attribute"));
  for (auto& [key, payload] : attributes) {
    (*r.mutable_search_attributes()->mutable_indexed_fields())[key] = payload;
  }
  wsv1::StartWorkflowExecutionResponse response;
  ENDURE_RETURN_IF_ERROR(
      FromGrpc(c.stub().StartWorkflowExecution(c.Context().get(), r, &response), c.address()));
  return response.run_id();
}

}  // namespace

int Fail(const Status& status) {
  std::cerr << "endure: " << status.message() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int RunStart(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  auto run_id = Start(*c, f);
  if (!run_id.ok()) return Fail(run_id.status());
  if (f.output == "json") {
    std::cout << "{\n  \"workflowId\": \"" << f.workflow_id << "\",\n  \"runId\": \"" << *run_id
              << "\",\n  \"namespace\": \"" << c->namespace_() << "\"\n}\n";
  } else {
    std::cout << "Running execution:\n  WorkflowId  " << f.workflow_id << "\n  RunId       "
              << *run_id << "\n  Type        " << f.type << "\n  Namespace   " << c->namespace_()
              << "\n  TaskQueue   " << f.task_queue << "\n";
  }
  return 0;
}

int RunExecute(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  auto run_id = Start(*c, f);
  if (!run_id.ok()) return Fail(run_id.status());
  if (f.output != "json") {
    std::cout << "Running execution: WorkflowId " << f.workflow_id << ", RunId " << *run_id << "\n";
  }
  return WaitAndPrintResult(*c, f, f.workflow_id, *run_id);
}

int RunSignal(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  for (const auto& [value, flag] :
       {std::pair{&f.workflow_id, "--workflow-id"}, std::pair{&f.name, "--name"}}) {
    if (Status s = Require(*value, flag); !s.ok()) return Fail(s);
  }
  wsv1::SignalWorkflowExecutionRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_workflow_execution()->set_workflow_id(f.workflow_id);
  r.mutable_workflow_execution()->set_run_id(f.run_id);
  r.set_signal_name(f.name);
  r.set_identity("endure-cli");
  r.set_request_id(NewUuid(Env::Default()));
  auto input = PayloadsFromJson(f.input, "--input");
  if (!input.ok()) return Fail(input.status());
  if (!f.input.empty()) *r.mutable_input() = *input;
  wsv1::SignalWorkflowExecutionResponse response;
  Status s =
      FromGrpc(c->stub().SignalWorkflowExecution(c->Context().get(), r, &response), c->address());
  if (!s.ok()) return Fail(s);
  if (f.output != "json")
    std::cout << "Signal '" << f.name << "' sent to " << f.workflow_id << "\n";
  return 0;
}

int RunQuery(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  for (const auto& [value, flag] :
       {std::pair{&f.workflow_id, "--workflow-id"}, std::pair{&f.name, "--name"}}) {
    if (Status s = Require(*value, flag); !s.ok()) return Fail(s);
  }
  wsv1::QueryWorkflowRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_execution()->set_workflow_id(f.workflow_id);
  r.mutable_execution()->set_run_id(f.run_id);
  r.mutable_query()->set_query_type(f.name);
  auto input = PayloadsFromJson(f.input, "--input");
  if (!input.ok()) return Fail(input.status());
  if (!f.input.empty()) *r.mutable_query()->mutable_query_args() = *input;
  wsv1::QueryWorkflowResponse response;
  Status s = FromGrpc(c->stub().QueryWorkflow(c->Context().get(), r, &response), c->address());
  if (!s.ok()) return Fail(s);
  if (response.has_query_rejected()) {
    return Fail(FailedPrecondition(
        "query rejected: the workflow's status is " +
        enums::WorkflowExecutionStatus_Name(response.query_rejected().status())));
  }
  if (f.output == "json") {
    PrintJson(response);
  } else {
    std::cout << PayloadsText(response.query_result()) << "\n";
  }
  return 0;
}

int RunUpdate(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  for (const auto& [value, flag] :
       {std::pair{&f.workflow_id, "--workflow-id"}, std::pair{&f.name, "--name"}}) {
    if (Status s = Require(*value, flag); !s.ok()) return Fail(s);
  }
  wsv1::UpdateWorkflowExecutionRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_workflow_execution()->set_workflow_id(f.workflow_id);
  r.mutable_workflow_execution()->set_run_id(f.run_id);
  r.mutable_wait_policy()->set_lifecycle_stage(
      enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  auto* request = r.mutable_request();
  request->mutable_meta()->set_update_id(f.update_id.empty() ? NewUuid(Env::Default()) : f.update_id);
  request->mutable_meta()->set_identity("endure-cli");
  request->mutable_input()->set_name(f.name);
  auto input = PayloadsFromJson(f.input, "--input");
  if (!input.ok()) return Fail(input.status());
  if (!f.input.empty()) *request->mutable_input()->mutable_args() = *input;
  wsv1::UpdateWorkflowExecutionResponse response;
  Status s = FromGrpc(
      c->stub().UpdateWorkflowExecution(c->Context(std::chrono::seconds(70)).get(), r, &response),
      c->address());
  if (!s.ok()) return Fail(s);
  if (f.output == "json") {
    PrintJson(response);
    return response.outcome().has_failure() ? 1 : 0;
  }
  if (response.outcome().has_failure()) {
    return Fail(Status(StatusCode::kFailedPrecondition,
                       "update failed: " + response.outcome().failure().message()));
  }
  std::cout << PayloadsText(response.outcome().success()) << "\n";
  return 0;
}

int RunCancel(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  if (Status s = Require(f.workflow_id, "--workflow-id"); !s.ok()) return Fail(s);
  wsv1::RequestCancelWorkflowExecutionRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_workflow_execution()->set_workflow_id(f.workflow_id);
  r.mutable_workflow_execution()->set_run_id(f.run_id);
  r.set_identity("endure-cli");
  r.set_request_id(NewUuid(Env::Default()));
  r.set_reason(f.reason);
  wsv1::RequestCancelWorkflowExecutionResponse response;
  Status s = FromGrpc(c->stub().RequestCancelWorkflowExecution(c->Context().get(), r, &response),
                      c->address());
  if (!s.ok()) return Fail(s);
  if (f.output != "json") std::cout << "Cancellation requested for " << f.workflow_id << "\n";
  return 0;
}

int RunTerminate(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  if (Status s = Require(f.workflow_id, "--workflow-id"); !s.ok()) return Fail(s);
  wsv1::TerminateWorkflowExecutionRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_workflow_execution()->set_workflow_id(f.workflow_id);
  r.mutable_workflow_execution()->set_run_id(f.run_id);
  r.set_identity("endure-cli");
  r.set_reason(f.reason);
  wsv1::TerminateWorkflowExecutionResponse response;
  Status s = FromGrpc(c->stub().TerminateWorkflowExecution(c->Context().get(), r, &response),
                      c->address());
  if (!s.ok()) return Fail(s);
  if (f.output != "json") std::cout << "Terminated " << f.workflow_id << "\n";
  return 0;
}

}  // namespace endure::tools
