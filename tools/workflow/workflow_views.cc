#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <iomanip>
#include <iostream>

#include "storage/visibility/visibility_query.h"
#include "tools/workflow/history_json.h"
#include "tools/workflow/payloads.h"
#include "tools/workflow/workflow_actions.h"

namespace endure::tools {
namespace {

namespace enums = temporal::api::enums::v1;
namespace hv1 = temporal::api::history::v1;
using google::protobuf::util::TimeUtil;

std::string Json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 && t.nanos() == 0 ? "" : TimeUtil::ToString(t);
}

// Reads the whole history of a run, page by page.
Result<hv1::History> FetchHistory(Connection& c, const std::string& workflow_id,
                                  const std::string& run_id) {
  hv1::History history;
  std::string token;
  do {
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_(c.namespace_());
    r.mutable_execution()->set_workflow_id(workflow_id);
    r.mutable_execution()->set_run_id(run_id);
    r.set_next_page_token(token);
    wsv1::GetWorkflowExecutionHistoryResponse response;
    ENDURE_RETURN_IF_ERROR(FromGrpc(
        c.stub().GetWorkflowExecutionHistory(c.Context().get(), r, &response), c.address()));
    for (auto& event : *response.mutable_history()->mutable_events()) {
      *history.add_events() = std::move(event);
    }
    token = response.next_page_token();
  } while (!token.empty());
  return history;
}

// One line per event: id, time, type, and the attributes as compact JSON.
void PrintEvents(const hv1::History& history) {
  google::protobuf::util::JsonPrintOptions options;
  for (const auto& event : history.events()) {
    hv1::HistoryEvent attributes = event;
    attributes.clear_event_id();
    attributes.clear_event_time();
    attributes.clear_event_type();
    attributes.clear_task_id();
    attributes.clear_version();
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(attributes, &json, options);
    std::string type = enums::EventType_Name(event.event_type()).substr(sizeof("EVENT_TYPE_") - 1);
    std::cout << std::setw(5) << event.event_id() << "  " << Time(event.event_time()) << "  "
              << type << "  " << json << "\n";
  }
}

}  // namespace

int WaitAndPrintResult(Connection& c, const WorkflowFlags& f, const std::string& workflow_id,
                       const std::string& first_run_id) {
  std::string run_id = first_run_id;
  for (;;) {
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_(c.namespace_());
    r.mutable_execution()->set_workflow_id(workflow_id);
    r.mutable_execution()->set_run_id(run_id);
    r.set_wait_new_event(true);
    r.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    wsv1::GetWorkflowExecutionHistoryResponse response;
    std::string token;
    do {
      r.set_next_page_token(token);
      Status s = FromGrpc(c.stub().GetWorkflowExecutionHistory(
                              c.Context(std::chrono::seconds(30)).get(), r, &response),
                          c.address());
      if (!s.ok()) return Fail(s);
      token = response.next_page_token();
    } while (response.history().events_size() == 0 && !token.empty());
    if (response.history().events_size() == 0) return Fail(Internal("no close event in history"));
    const hv1::HistoryEvent& close = response.history().events(0);
    if (close.has_workflow_execution_continued_as_new_event_attributes()) {
      run_id = close.workflow_execution_continued_as_new_event_attributes().new_execution_run_id();
      continue;
    }
    if (close.has_workflow_execution_completed_event_attributes() &&
        !close.workflow_execution_completed_event_attributes().new_execution_run_id().empty()) {
      run_id = close.workflow_execution_completed_event_attributes().new_execution_run_id();
      continue;  // A cron or retry run follows.
    }
    if (f.output == "json") {
      std::cout << Json(close);
    } else if (close.has_workflow_execution_completed_event_attributes()) {
      std::cout << "Status: Completed\nResult: "
                << PayloadsText(close.workflow_execution_completed_event_attributes().result())
                << "\n";
    } else if (close.has_workflow_execution_failed_event_attributes()) {
      std::cout << "Status: Failed\nFailure: "
                << close.workflow_execution_failed_event_attributes().failure().message() << "\n";
    } else if (close.has_workflow_execution_timed_out_event_attributes()) {
      std::cout << "Status: TimedOut\n";
    } else if (close.has_workflow_execution_canceled_event_attributes()) {
      std::cout << "Status: Canceled\n";
    } else if (close.has_workflow_execution_terminated_event_attributes()) {
      std::cout << "Status: Terminated\nReason: "
                << close.workflow_execution_terminated_event_attributes().reason() << "\n";
    }
    return close.has_workflow_execution_completed_event_attributes() ? 0 : 1;
  }
}

int RunResult(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  if (f.workflow_id.empty()) return Fail(InvalidArgument("--workflow-id is required"));
  return WaitAndPrintResult(*c, f, f.workflow_id, f.run_id);
}

int RunDescribe(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  if (f.workflow_id.empty()) return Fail(InvalidArgument("--workflow-id is required"));
  wsv1::DescribeWorkflowExecutionRequest r;
  r.set_namespace_(c->namespace_());
  r.mutable_execution()->set_workflow_id(f.workflow_id);
  r.mutable_execution()->set_run_id(f.run_id);
  wsv1::DescribeWorkflowExecutionResponse response;
  Status s =
      FromGrpc(c->stub().DescribeWorkflowExecution(c->Context().get(), r, &response), c->address());
  if (!s.ok()) return Fail(s);
  if (f.output == "json") {
    std::cout << Json(response);
    return 0;
  }
  const auto& info = response.workflow_execution_info();
  std::cout << "Execution Info:\n"
            << "  WorkflowId          " << info.execution().workflow_id() << "\n"
            << "  RunId               " << info.execution().run_id() << "\n"
            << "  Type                " << info.type().name() << "\n"
            << "  Namespace           " << c->namespace_() << "\n"
            << "  TaskQueue           " << info.task_queue() << "\n"
            << "  Status              " << storage::visibility::ExecutionStatusName(info.status())
            << "\n"
            << "  StartTime           " << Time(info.start_time()) << "\n"
            << "  CloseTime           " << Time(info.close_time()) << "\n"
            << "  HistoryLength       " << info.history_length() << "\n"
            << "  HistorySize         " << info.history_size_bytes() << " bytes\n";
  for (const auto& [key, payload] : info.memo().fields()) {
    std::cout << "  Memo " << key << " = " << PayloadText(payload) << "\n";
  }
  for (const auto& [key, payload] : info.search_attributes().indexed_fields()) {
    std::cout << "  SearchAttribute " << key << " = " << PayloadText(payload) << "\n";
  }
  if (response.pending_activities_size() > 0) {
    std::cout << "Pending Activities: " << response.pending_activities_size() << "\n";
    for (const auto& a : response.pending_activities()) {
      std::cout << "  " << a.activity_id() << "  " << a.activity_type().name() << "  attempt "
                << a.attempt() << "\n";
    }
  }
  if (response.pending_children_size() > 0) {
    std::cout << "Pending Child Workflows: " << response.pending_children_size() << "\n";
  }
  return 0;
}

int RunList(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  std::vector<temporal::api::workflow::v1::WorkflowExecutionInfo> runs;
  std::string token;
  do {
    wsv1::ListWorkflowExecutionsRequest r;
    r.set_namespace_(c->namespace_());
    r.set_query(f.query);
    r.set_page_size(f.limit > 0 ? std::min(f.limit, 1000) : 1000);
    r.set_next_page_token(token);
    wsv1::ListWorkflowExecutionsResponse response;
    Status s =
        FromGrpc(c->stub().ListWorkflowExecutions(c->Context().get(), r, &response), c->address());
    if (!s.ok()) return Fail(s.WithContext("--query"));
    for (auto& run : *response.mutable_executions()) {
      if (f.limit > 0 && static_cast<int>(runs.size()) >= f.limit) break;
      runs.push_back(std::move(run));
    }
    token = response.next_page_token();
  } while (!token.empty() && (f.limit <= 0 || static_cast<int>(runs.size()) < f.limit));
  if (f.output == "json") {
    wsv1::ListWorkflowExecutionsResponse all;
    for (auto& run : runs) *all.add_executions() = std::move(run);
    std::cout << Json(all);
    return 0;
  }
  std::cout << std::left << std::setw(16) << "Status" << std::setw(40) << "WorkflowId"
            << std::setw(28) << "Type"
            << "StartTime\n";
  for (const auto& run : runs) {
    std::cout << std::left << std::setw(16)
              << storage::visibility::ExecutionStatusName(run.status()) << std::setw(40)
              << run.execution().workflow_id() << std::setw(28) << run.type().name()
              << Time(run.start_time()) << "\n";
  }
  return 0;
}

int RunCount(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  wsv1::CountWorkflowExecutionsRequest r;
  r.set_namespace_(c->namespace_());
  r.set_query(f.query);
  wsv1::CountWorkflowExecutionsResponse response;
  Status s =
      FromGrpc(c->stub().CountWorkflowExecutions(c->Context().get(), r, &response), c->address());
  if (!s.ok()) return Fail(s.WithContext("--query"));
  if (f.output == "json") {
    std::cout << Json(response);
    return 0;
  }
  std::cout << "Total: " << response.count() << "\n";
  for (const auto& group : response.groups()) {
    std::string value = group.group_values_size() ? PayloadText(group.group_values(0)) : "";
    std::cout << "  " << value << ": " << group.count() << "\n";
  }
  return 0;
}

int RunShow(const WorkflowFlags& f) {
  auto c = Connection::Open(f.connection);
  if (!c.ok()) return Fail(c.status());
  if (f.workflow_id.empty()) return Fail(InvalidArgument("--workflow-id is required"));
  auto history = FetchHistory(*c, f.workflow_id, f.run_id);
  if (!history.ok()) return Fail(history.status());
  if (f.output == "json") {
    std::cout << HistoryToJson(*history);
  } else {
    PrintEvents(*history);
  }
  return 0;
}

}  // namespace endure::tools
