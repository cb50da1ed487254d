// Scenarios of the runs the engine keeps in memory: an open run stays between its operations; a
// closed one leaves as soon as nothing holds it, and whatever reads it afterwards finds it in
// the store. A workflow task's events leave memory with the task, and a later task that needs
// them again reads them from the store.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using namespace std::chrono_literals;
using Types = std::vector<std::string>;
using std::chrono::milliseconds;

class RunCacheScenarios : public ::testing::Test {
 protected:
  size_t Cached() { return h.frontend().history()->CachedRunsForTesting(); }

  // The run is released just after the operation that closed it answers: wait for that.
  bool CachedBecomes(size_t n) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(1ms)) {
      if (Cached() == n) return true;
    }
    return Cached() == n;
  }

  // Runs the workflow's first task to its completion.
  void Complete(const std::string& workflow_id) {
    auto task = h.PollWorkflowTask();
    ASSERT_EQ(task.workflow_execution().workflow_id(), workflow_id);
    ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("\"done\"")}).ok());
  }

  // The task carries the stored events from `first_id` to its own start, as they are stored.
  static void ExpectStoredEvents(const wsv1::PollWorkflowTaskQueueResponse& task,
                                 const std::vector<HistoryEvent>& stored, int64_t first_id) {
    const auto& events = task.history().events();
    ASSERT_EQ(events.size(), task.started_event_id() - first_id + 1);
    for (int i = 0; i < events.size(); ++i) {
      const auto& expected = stored[static_cast<size_t>(first_id - 1 + i)];
      EXPECT_EQ(events[i].SerializeAsString(), expected.SerializeAsString())
          << "event " << expected.event_id();
    }
  }

  EngineHarness h{false};
};

TEST_F(RunCacheScenarios, AClosedRunLeavesMemoryAndIsReadFromTheStore) {
  h.Start("cached-1");
  h.Start("cached-2");
  EXPECT_EQ(Cached(), 2u);

  Complete("cached-1");
  ASSERT_TRUE(CachedBecomes(1)) << Cached() << " runs in memory";
  h.Step();  // The open run in memory is the one the store holds.

  // Everything that reads the closed run afterwards finds it in the store.
  auto described = h.Describe("cached-1");
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
  EXPECT_EQ(h.EventTypes("cached-1"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
  Status signalled = h.Signal("cached-1", "late");
  EXPECT_EQ(signalled.code(), StatusCode::kNotFound) << signalled.ToString();
  EXPECT_TRUE(CachedBecomes(1)) << "a closed run loaded again to be read leaves again";

  Complete("cached-2");
  EXPECT_TRUE(CachedBecomes(0));
}

TEST_F(RunCacheScenarios, AClientWaitingForTheResultGetsItAsTheRunLeaves) {
  h.Start("cached-3");
  wsv1::GetWorkflowExecutionHistoryRequest wait;
  wait.set_namespace_("default");
  wait.mutable_execution()->set_workflow_id("cached-3");
  wait.set_wait_new_event(true);
  wait.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
  auto result = std::async(std::launch::async, [&] { return h.GetHistory(wait); });
  Complete("cached-3");
  auto closed = result.get();
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_EQ(closed->history().events_size(), 1);
  EXPECT_EQ(closed->history()
                .events(0)
                .workflow_execution_completed_event_attributes()
                .result()
                .payloads(0)
                .data(),
            "\"done\"");
  EXPECT_TRUE(CachedBecomes(0));

  // Asked again once the run has left, the result comes from the store.
  auto again = h.GetHistory(wait);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->history().events_size(), 1);
  EXPECT_EQ(again->history().events(0).event_type(),
            enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
}

TEST_F(RunCacheScenarios, ATasksEventsLeaveMemoryWithItAndAreReadAgainFromTheStore) {
  h.Start("kept");
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  ExpectStoredEvents(task, h.Events("kept"), 1);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-k-sticky").ok());

  // The sticky worker is sent what is new since its last task.
  EXPECT_TRUE(h.PollWorkflowTask("worker-k-sticky", milliseconds(10), true).task_token().empty());
  ASSERT_TRUE(h.Signal("kept", "first").ok());
  task = h.PollWorkflowTask("worker-k-sticky", milliseconds(500), true);
  ASSERT_FALSE(task.task_token().empty());
  ExpectStoredEvents(task, h.Events("kept"), task.previous_started_event_id() + 1);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-k-sticky").ok());

  // Without its sticky worker, the next task goes to the normal queue with the whole history,
  // most of which left memory with the tasks before: all of it, from the store.
  wsv1::ShutdownWorkerRequest shutdown;
  shutdown.set_namespace_("default");
  shutdown.set_sticky_task_queue("worker-k-sticky");
  ASSERT_TRUE(h.frontend().ShutdownWorker(shutdown).ok());
  ASSERT_TRUE(h.Signal("kept", "second").ok());
  task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.previous_started_event_id(), 7);
  ExpectStoredEvents(task, h.Events("kept"), 1);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("\"done\"")}).ok());
  h.Step();
}

}  // namespace
}  // namespace endure::engine::testing
