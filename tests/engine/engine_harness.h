// EngineHarness: the engine in process over a SQLite file, on a manual clock, driven like a
// client and a scripted worker would drive it, for the scenario tests.
//
// Between the steps of a scenario, Step() checks that every run's state in memory is the state
// rebuilt from the store, and, when the harness reopens between steps, closes the engine and
// the store and opens them again from the file: a scenario must produce the same history
// either way.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/frontend/await.h"
#include "engine/frontend/frontend.h"
#include "storage/base/manual_env.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine::testing {

namespace wsv1 = temporal::api::workflowservice::v1;
namespace osv1 = temporal::api::operatorservice::v1;
using temporal::api::command::v1::Command;
using temporal::api::history::v1::HistoryEvent;

inline constexpr char kTaskQueue[] = "orders";

class EngineHarness {
 public:
  explicit EngineHarness(bool reopen_between_steps);
  ~EngineHarness();

  Frontend& frontend() { return *frontend_; }
  ManualEnv& env() { return env_; }
  storage::Store& store() { return *store_; }
  // The store's database file.
  std::string db_path() const { return dir_.File("endure.db"); }

  // Closes the engine and the store, and opens both again from the file.
  void Reopen();
  // Between two steps of a scenario (see above).
  void Step();
  // Moves the clock and fires the timers that came due.
  void Advance(std::chrono::nanoseconds d);

  // Client calls.
  wsv1::StartWorkflowExecutionRequest StartRequest(const std::string& workflow_id) const;
  Result<wsv1::StartWorkflowExecutionResponse> Start(const wsv1::StartWorkflowExecutionRequest& r);
  std::string Start(const std::string& workflow_id);  // Fails the test on error.
  Status Signal(const std::string& workflow_id, const std::string& name,
                const std::string& request_id = "");
  Status RequestCancel(const std::string& workflow_id);
  Status Terminate(const std::string& workflow_id, const std::string& reason);
  Result<wsv1::DescribeWorkflowExecutionResponse> Describe(const std::string& workflow_id);
  Result<wsv1::GetWorkflowExecutionHistoryResponse> GetHistory(
      const wsv1::GetWorkflowExecutionHistoryRequest& r,
      std::chrono::milliseconds wait = std::chrono::seconds(5));

  // The run's whole history, and its event types without the EVENT_TYPE_ prefix.
  std::vector<HistoryEvent> Events(const std::string& workflow_id);
  std::vector<std::string> EventTypes(const std::string& workflow_id);

  // Worker calls. A poll that finds nothing within `wait` returns the empty response.
  wsv1::PollWorkflowTaskQueueResponse PollWorkflowTask(
      const std::string& queue = kTaskQueue,
      std::chrono::milliseconds wait = std::chrono::milliseconds(500), bool sticky = false);
  Status CompleteWorkflowTask(const std::string& token, std::vector<Command> commands,
                              const std::string& sticky_queue = "");
  Result<wsv1::RespondWorkflowTaskCompletedResponse> RespondCompleted(
      const wsv1::RespondWorkflowTaskCompletedRequest& r);
  Status FailWorkflowTask(const std::string& token);
  wsv1::PollActivityTaskQueueResponse PollActivityTask(
      const std::string& queue = kTaskQueue,
      std::chrono::milliseconds wait = std::chrono::milliseconds(500));
  Status CompleteActivity(const std::string& token, const std::string& result_json);
  Status FailActivity(const std::string& token, const std::string& message,
                      bool non_retryable = false);
  Result<wsv1::RecordActivityTaskHeartbeatResponse> Heartbeat(const std::string& token,
                                                              const std::string& details_json);
  Status CancelActivity(const std::string& token);

  // A poll left waiting while the scenario goes on; `cancel` ends it as a caller going away
  // would.
  template <typename Response>
  struct WaitingPoll {
    std::future<Result<Response>> response;
    std::shared_ptr<CancelSignal> cancel = std::make_shared<CancelSignal>();
  };
  // `in_process`: the poll is an in-process worker's (PollOptions::in_process).
  WaitingPoll<wsv1::PollWorkflowTaskQueueResponse> StartWorkflowTaskPoll(
      const std::string& queue = kTaskQueue, bool in_process = false);
  WaitingPoll<wsv1::PollActivityTaskQueueResponse> StartActivityTaskPoll(
      const std::string& queue = kTaskQueue);

  // Runs `hook` on the store's writer thread each time it wakes to commit (nullptr: nothing).
  void SetBeforeBatch(std::function<void()> hook);

 private:
  void Open();
  template <typename Request, typename Response>
  WaitingPoll<Response> StartPoll(void (Frontend::*poll_queue)(const Request&, PollOptions,
                                                               Callback<Response>),
                                  const std::string& queue, bool in_process = false);

  const bool reopen_between_steps_;
  storage::testing::TempDir dir_;
  ManualEnv env_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Frontend> frontend_;
  std::vector<std::string> workflow_ids_;  // Started through the harness: checked by Step().
  std::mutex before_batch_mu_;
  std::function<void()> before_batch_;
};

// Commands as a scripted worker writes them.
Command ScheduleActivity(const std::string& activity_id, const std::string& type,
                         std::chrono::seconds start_to_close,
                         std::chrono::seconds heartbeat = std::chrono::seconds(0),
                         int32_t maximum_attempts = 0);
Command RequestCancelActivity(int64_t scheduled_event_id);
Command StartTimer(const std::string& timer_id, std::chrono::seconds after);
Command CancelTimer(const std::string& timer_id);
Command CompleteWorkflow(const std::string& result_json);
Command FailWorkflow(const std::string& message);
Command CancelWorkflow();
Command RecordMarker(const std::string& name);
Command UpsertSearchAttribute(const std::string& name, const std::string& json);
Command ModifyMemo(const std::string& name, const std::string& json);

temporal::api::common::v1::Payloads JsonPayloads(const std::string& json);

}  // namespace endure::engine::testing
