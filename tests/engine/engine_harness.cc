#include "tests/engine/engine_harness.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <limits>

#include "engine/history/durations.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;

template <typename Response, typename Start>
Result<Response> Call(Start&& start) {
  return Await<Response>(std::function<void(Callback<Response>)>(std::forward<Start>(start)));
}

temporal::api::common::v1::WorkflowExecution Execution(const std::string& workflow_id) {
  temporal::api::common::v1::WorkflowExecution e;
  e.set_workflow_id(workflow_id);
  return e;
}

}  // namespace

temporal::api::common::v1::Payloads JsonPayloads(const std::string& json) {
  temporal::api::common::v1::Payloads p;
  auto* payload = p.add_payloads();
  (*payload->mutable_metadata())["encoding"] = "json/plain";
  payload->set_data(json);
  return p;
}

EngineHarness::EngineHarness(bool reopen_between_steps)
    : reopen_between_steps_(reopen_between_steps) {
  Open();
}

EngineHarness::~EngineHarness() {
  frontend_.reset();
  store_.reset();
}

void EngineHarness::Open() {
  storage::StoreOptions options;
  options.path = db_path();
  options.durability = storage::Durability::kNormal;
  options.env = &env_;
  options.before_batch_for_testing = [this] {
    std::function<void()> hook;
    {
      std::lock_guard lock(before_batch_mu_);
      hook = before_batch_;
    }
    if (hook) hook();
  };
  auto store = storage::Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  FrontendOptions frontend_options;
  frontend_options.store = store_.get();
  frontend_options.env = &env_;
  frontend_options.timer_thread = false;
  auto frontend = Frontend::Open(frontend_options);
  ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
  frontend_ = std::move(frontend).value();
}

void EngineHarness::Reopen() {
  frontend_.reset();
  store_.reset();
  Open();
}

void EngineHarness::Step() {
  for (const auto& workflow_id : workflow_ids_) {
    auto current = store_->GetCurrentExecution(
        store_->GetNamespaceByName("default")->id, WorkflowId(workflow_id));
    ASSERT_TRUE(current.ok()) << current.status().ToString();
    auto cached = frontend_->history()->CachedStateForTesting(current->run_id);
    auto rebuilt = frontend_->history()->RebuildStateForTesting(current->run_id);
    ASSERT_TRUE(cached.ok() && rebuilt.ok());
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(*rebuilt, *cached))
        << "the state in memory of " << workflow_id << " is not the state rebuilt from the store:\n"
        << diff;
  }
  if (reopen_between_steps_) Reopen();
}

void EngineHarness::Advance(std::chrono::nanoseconds d) {
  env_.Advance(d);
  frontend_->history()->FireDueTimers();
}

wsv1::StartWorkflowExecutionRequest EngineHarness::StartRequest(const std::string& workflow_id) const {
  wsv1::StartWorkflowExecutionRequest r;
  r.set_namespace_("default");
  r.set_workflow_id(workflow_id);
  r.mutable_workflow_type()->set_name("OrderWorkflow");
  r.mutable_task_queue()->set_name(kTaskQueue);
  *r.mutable_input() = JsonPayloads(R"({"order":1})");
  r.set_identity("client@test");
  r.set_request_id("request-" + workflow_id);
  return r;
}

Result<wsv1::StartWorkflowExecutionResponse> EngineHarness::Start(
    const wsv1::StartWorkflowExecutionRequest& r) {
  auto response = Call<wsv1::StartWorkflowExecutionResponse>(
      [&](auto done) { frontend_->StartWorkflowExecution(r, done); });
  if (response.ok() &&
      std::find(workflow_ids_.begin(), workflow_ids_.end(), r.workflow_id()) == workflow_ids_.end()) {
    workflow_ids_.push_back(r.workflow_id());
  }
  return response;
}

std::string EngineHarness::Start(const std::string& workflow_id) {
  auto response = Start(StartRequest(workflow_id));
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? response->run_id() : "";
}

Status EngineHarness::Signal(const std::string& workflow_id, const std::string& name,
                             const std::string& request_id) {
  wsv1::SignalWorkflowExecutionRequest r;
  r.set_namespace_("default");
  *r.mutable_workflow_execution() = Execution(workflow_id);
  r.set_signal_name(name);
  r.set_request_id(request_id);
  *r.mutable_input() = JsonPayloads(R"("go")");
  r.set_identity("client@test");
  return Call<wsv1::SignalWorkflowExecutionResponse>(
             [&](auto done) { frontend_->SignalWorkflowExecution(r, done); })
      .status();
}

Status EngineHarness::RequestCancel(const std::string& workflow_id) {
  wsv1::RequestCancelWorkflowExecutionRequest r;
  r.set_namespace_("default");
  *r.mutable_workflow_execution() = Execution(workflow_id);
  r.set_identity("client@test");
  r.set_reason("no longer needed");
  return Call<wsv1::RequestCancelWorkflowExecutionResponse>(
             [&](auto done) { frontend_->RequestCancelWorkflowExecution(r, done); })
      .status();
}

Status EngineHarness::Terminate(const std::string& workflow_id, const std::string& reason) {
  wsv1::TerminateWorkflowExecutionRequest r;
  r.set_namespace_("default");
  *r.mutable_workflow_execution() = Execution(workflow_id);
  r.set_reason(reason);
  r.set_identity("client@test");
  return Call<wsv1::TerminateWorkflowExecutionResponse>(
             [&](auto done) { frontend_->TerminateWorkflowExecution(r, done); })
      .status();
}

Result<wsv1::DescribeWorkflowExecutionResponse> EngineHarness::Describe(
    const std::string& workflow_id) {
  wsv1::DescribeWorkflowExecutionRequest r;
  r.set_namespace_("default");
  *r.mutable_execution() = Execution(workflow_id);
  return Call<wsv1::DescribeWorkflowExecutionResponse>(
      [&](auto done) { frontend_->DescribeWorkflowExecution(r, done); });
}

Result<wsv1::GetWorkflowExecutionHistoryResponse> EngineHarness::GetHistory(
    const wsv1::GetWorkflowExecutionHistoryRequest& r, std::chrono::milliseconds wait) {
  return Call<wsv1::GetWorkflowExecutionHistoryResponse>([&](auto done) {
    frontend_->GetWorkflowExecutionHistory(r, AlarmClock::Clock::now() + wait, done);
  });
}

std::vector<HistoryEvent> EngineHarness::Events(const std::string& workflow_id) {
  std::vector<HistoryEvent> events;
  wsv1::GetWorkflowExecutionHistoryRequest r;
  r.set_namespace_("default");
  *r.mutable_execution() = Execution(workflow_id);
  r.set_maximum_page_size(3);  // Small pages: every read also walks the page tokens.
  do {
    auto page = GetHistory(r);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    for (const auto& e : page->history().events()) events.push_back(e);
    r.set_next_page_token(page->next_page_token());
  } while (!r.next_page_token().empty());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_id(), static_cast<int64_t>(i + 1)) << "history is not dense";
  }
  return events;
}

std::vector<std::string> EngineHarness::EventTypes(const std::string& workflow_id) {
  std::vector<std::string> types;
  for (const auto& e : Events(workflow_id)) {
    types.push_back(enums::EventType_Name(e.event_type()).substr(std::string("EVENT_TYPE_").size()));
  }
  return types;
}

wsv1::PollWorkflowTaskQueueResponse EngineHarness::PollWorkflowTask(
    const std::string& queue, std::chrono::milliseconds wait, bool sticky) {
  wsv1::PollWorkflowTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(queue);
  r.mutable_task_queue()->set_kind(sticky ? enums::TASK_QUEUE_KIND_STICKY
                                          : enums::TASK_QUEUE_KIND_NORMAL);
  if (sticky) r.mutable_task_queue()->set_normal_name(kTaskQueue);
  r.set_identity("worker@test");
  PollOptions options;
  options.deadline = AlarmClock::Clock::now() + wait;
  auto response = Call<wsv1::PollWorkflowTaskQueueResponse>(
      [&](auto done) { frontend_->PollWorkflowTaskQueue(r, options, done); });
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? *response : wsv1::PollWorkflowTaskQueueResponse();
}

template <typename Request, typename Response>
EngineHarness::WaitingPoll<Response> EngineHarness::StartPoll(
    void (Frontend::*poll_queue)(const Request&, PollOptions, Callback<Response>),
    const std::string& queue, bool in_process) {
  Request r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(queue);
  r.set_identity("waiting-worker@test");
  WaitingPoll<Response> poll;
  auto answer = std::make_shared<std::promise<Result<Response>>>();
  poll.response = answer->get_future();
  PollOptions options{AlarmClock::Clock::now() + std::chrono::seconds(30), poll.cancel};
  options.in_process = in_process;
  (frontend_.get()->*poll_queue)(
      r, options, [answer](Result<Response> response) { answer->set_value(std::move(response)); });
  return poll;
}

EngineHarness::WaitingPoll<wsv1::PollWorkflowTaskQueueResponse>
EngineHarness::StartWorkflowTaskPoll(const std::string& queue, bool in_process) {
  return StartPoll<wsv1::PollWorkflowTaskQueueRequest, wsv1::PollWorkflowTaskQueueResponse>(
      &Frontend::PollWorkflowTaskQueue, queue, in_process);
}

EngineHarness::WaitingPoll<wsv1::PollActivityTaskQueueResponse>
EngineHarness::StartActivityTaskPoll(const std::string& queue) {
  return StartPoll<wsv1::PollActivityTaskQueueRequest, wsv1::PollActivityTaskQueueResponse>(
      &Frontend::PollActivityTaskQueue, queue);
}

void EngineHarness::SetBeforeBatch(std::function<void()> hook) {
  std::lock_guard lock(before_batch_mu_);
  before_batch_ = std::move(hook);
}

Result<wsv1::RespondWorkflowTaskCompletedResponse> EngineHarness::RespondCompleted(
    const wsv1::RespondWorkflowTaskCompletedRequest& r) {
  return Call<wsv1::RespondWorkflowTaskCompletedResponse>(
      [&](auto done) { frontend_->RespondWorkflowTaskCompleted(r, done); });
}

Status EngineHarness::CompleteWorkflowTask(const std::string& token, std::vector<Command> commands,
                                           const std::string& sticky_queue) {
  wsv1::RespondWorkflowTaskCompletedRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  r.set_identity("worker@test");
  for (auto& c : commands) *r.add_commands() = std::move(c);
  if (!sticky_queue.empty()) {
    auto* sticky = r.mutable_sticky_attributes();
    sticky->mutable_worker_task_queue()->set_name(sticky_queue);
    sticky->mutable_worker_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
    sticky->mutable_worker_task_queue()->set_normal_name(kTaskQueue);
    sticky->mutable_schedule_to_start_timeout()->set_seconds(10);
  }
  return RespondCompleted(r).status();
}

Status EngineHarness::FailWorkflowTask(const std::string& token) {
  wsv1::RespondWorkflowTaskFailedRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  r.set_cause(enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
  r.mutable_failure()->set_message("workflow code threw");
  r.set_identity("worker@test");
  return Call<wsv1::RespondWorkflowTaskFailedResponse>(
             [&](auto done) { frontend_->RespondWorkflowTaskFailed(r, done); })
      .status();
}

wsv1::PollActivityTaskQueueResponse EngineHarness::PollActivityTask(const std::string& queue,
                                                                    std::chrono::milliseconds wait) {
  wsv1::PollActivityTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(queue);
  r.set_identity("activity-worker@test");
  PollOptions options;
  options.deadline = AlarmClock::Clock::now() + wait;
  auto response = Call<wsv1::PollActivityTaskQueueResponse>(
      [&](auto done) { frontend_->PollActivityTaskQueue(r, options, done); });
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? *response : wsv1::PollActivityTaskQueueResponse();
}

Status EngineHarness::CompleteActivity(const std::string& token, const std::string& result_json) {
  wsv1::RespondActivityTaskCompletedRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  *r.mutable_result() = JsonPayloads(result_json);
  r.set_identity("activity-worker@test");
  return Call<wsv1::RespondActivityTaskCompletedResponse>(
             [&](auto done) { frontend_->RespondActivityTaskCompleted(r, done); })
      .status();
}

Status EngineHarness::FailActivity(const std::string& token, const std::string& message,
                                   bool non_retryable) {
  wsv1::RespondActivityTaskFailedRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  r.mutable_failure()->set_message(message);
  auto* info = r.mutable_failure()->mutable_application_failure_info();
  info->set_type("OrderError");
  info->set_non_retryable(non_retryable);
  r.set_identity("activity-worker@test");
  return Call<wsv1::RespondActivityTaskFailedResponse>(
             [&](auto done) { frontend_->RespondActivityTaskFailed(r, done); })
      .status();
}

Result<wsv1::RecordActivityTaskHeartbeatResponse> EngineHarness::Heartbeat(
    const std::string& token, const std::string& details_json) {
  wsv1::RecordActivityTaskHeartbeatRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  *r.mutable_details() = JsonPayloads(details_json);
  r.set_identity("activity-worker@test");
  return Call<wsv1::RecordActivityTaskHeartbeatResponse>(
      [&](auto done) { frontend_->RecordActivityTaskHeartbeat(r, done); });
}

Status EngineHarness::CancelActivity(const std::string& token) {
  wsv1::RespondActivityTaskCanceledRequest r;
  r.set_namespace_("default");
  r.set_task_token(token);
  r.set_identity("activity-worker@test");
  return Call<wsv1::RespondActivityTaskCanceledResponse>(
             [&](auto done) { frontend_->RespondActivityTaskCanceled(r, done); })
      .status();
}

Command ScheduleActivity(const std::string& activity_id, const std::string& type,
                         std::chrono::seconds start_to_close, std::chrono::seconds heartbeat,
                         int32_t maximum_attempts) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* a = c.mutable_schedule_activity_task_command_attributes();
  a->set_activity_id(activity_id);
  a->mutable_activity_type()->set_name(type);
  a->mutable_task_queue()->set_name(kTaskQueue);
  *a->mutable_input() = JsonPayloads(R"({"step":")" + activity_id + R"("})");
  a->mutable_start_to_close_timeout()->set_seconds(start_to_close.count());
  if (heartbeat.count() > 0) a->mutable_heartbeat_timeout()->set_seconds(heartbeat.count());
  if (maximum_attempts > 0) a->mutable_retry_policy()->set_maximum_attempts(maximum_attempts);
  return c;
}

Command RequestCancelActivity(int64_t scheduled_event_id) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
  c.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
      scheduled_event_id);
  return c;
}

Command StartTimer(const std::string& timer_id, std::chrono::seconds after) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  auto* a = c.mutable_start_timer_command_attributes();
  a->set_timer_id(timer_id);
  a->mutable_start_to_fire_timeout()->set_seconds(after.count());
  return c;
}

Command CancelTimer(const std::string& timer_id) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_CANCEL_TIMER);
  c.mutable_cancel_timer_command_attributes()->set_timer_id(timer_id);
  return c;
}

Command CompleteWorkflow(const std::string& result_json) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  *c.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
      JsonPayloads(result_json);
  return c;
}

Command FailWorkflow(const std::string& message) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  c.mutable_fail_workflow_execution_command_attributes()->mutable_failure()->set_message(message);
  return c;
}

Command CancelWorkflow() {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
  c.mutable_cancel_workflow_execution_command_attributes();
  return c;
}

Command RecordMarker(const std::string& name) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  c.mutable_record_marker_command_attributes()->set_marker_name(name);
  return c;
}

Command UpsertSearchAttribute(const std::string& name, const std::string& json) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  auto* fields = c.mutable_upsert_workflow_search_attributes_command_attributes()
                     ->mutable_search_attributes()
                     ->mutable_indexed_fields();
  (*fields)[name] = JsonPayloads(json).payloads(0);
  return c;
}

Command ModifyMemo(const std::string& name, const std::string& json) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES);
  auto* fields = c.mutable_modify_workflow_properties_command_attributes()
                     ->mutable_upserted_memo()
                     ->mutable_fields();
  (*fields)[name] = JsonPayloads(json).payloads(0);
  return c;
}

}  // namespace endure::engine::testing
