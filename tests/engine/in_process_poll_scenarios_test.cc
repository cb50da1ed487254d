// Scenarios of a poller in the engine's own process (the embedded worker, PollOptions::in_process):
// it is handed a workflow task from the backlog as soon as the task's start is submitted, and
// runs it while the start commits, where a poller in another process waits for the commit. Its
// completion waits for the start; a start that fails to commit takes the task back.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "storage/sqlite/connection.h"
#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

using namespace std::chrono_literals;
using Types = std::vector<std::string>;

// Holds the store's writer each time it wakes to commit, until Release.
class WriterGate {
 public:
  explicit WriterGate(EngineHarness& h) : h_(h) {
    h_.SetBeforeBatch([this] {
      std::unique_lock lock(mu_);
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    });
  }
  ~WriterGate() {
    Release();
    h_.SetBeforeBatch(nullptr);
  }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  // Whether the writer is waiting at the gate (within five seconds).
  bool Holding() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 5s, [this] { return held_; });
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    changed_.notify_all();
  }

 private:
  EngineHarness& h_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  bool released_ = false;
};

class InProcessPollScenarios : public ::testing::Test {
 protected:
  uint64_t Transitions() { return h.store().writer_stats().transitions; }

  EngineHarness h{false};
};

TEST_F(InProcessPollScenarios, TheTaskIsHandedOverBeforeItsStartCommits) {
  h.Start("in-process-1");  // No poll waits: the task goes to the backlog.
  const uint64_t before = Transitions();
  WriterGate gate(h);
  auto poll = h.StartWorkflowTaskPoll(kTaskQueue, /*in_process=*/true);
  ASSERT_EQ(poll.response.wait_for(5s), std::future_status::ready);
  ASSERT_TRUE(gate.Holding());
  EXPECT_EQ(Transitions(), before) << "the start committed before the task was handed over";
  auto task = poll.response.get();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->started_event_id(), 3);
  ASSERT_EQ(task->history().events_size(), 3);
  EXPECT_EQ(task->history().events(2).workflow_task_started_event_attributes().identity(),
            "waiting-worker@test");

  // The completion waits for the start to commit, then commits after it.
  auto completed = std::async(std::launch::async, [&] {
    return h.CompleteWorkflowTask(task->task_token(), {CompleteWorkflow("\"done\"")});
  });
  EXPECT_EQ(completed.wait_for(200ms), std::future_status::timeout);
  gate.Release();
  ASSERT_TRUE(completed.get().ok());
  EXPECT_EQ(h.EventTypes("in-process-1"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
}

TEST_F(InProcessPollScenarios, APollerElsewhereWaitsForTheCommit) {
  h.Start("in-process-2");
  WriterGate gate(h);
  auto poll = h.StartWorkflowTaskPoll(kTaskQueue, /*in_process=*/false);
  ASSERT_TRUE(gate.Holding());
  EXPECT_EQ(poll.response.wait_for(200ms), std::future_status::timeout);
  gate.Release();
  auto task = poll.response.get();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->started_event_id(), 3);
}

TEST_F(InProcessPollScenarios, AStartThatFailsToCommitTakesTheTaskBack) {
  const std::string run_id = h.Start("in-process-3");
  // Another writer moves the run on in the file, behind the engine's back, so the start's
  // transition no longer applies and fails when it commits.
  {
    auto db =
        storage::sqlite::Connection::Open(h.db_path(), storage::sqlite::OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Exec("UPDATE executions SET db_version = db_version + 1 WHERE run_id = '" +
                           run_id + "'")
                    .ok());
  }
  auto poll = h.StartWorkflowTaskPoll(kTaskQueue, /*in_process=*/true);
  auto handed = poll.response.get();
  ASSERT_TRUE(handed.ok()) << handed.status().ToString();
  ASSERT_EQ(handed->started_event_id(), 3);

  // Its start never committed: the completion is refused, and the task is polled again.
  EXPECT_FALSE(h.CompleteWorkflowTask(handed->task_token(), {CompleteWorkflow("1")}).ok());
  auto again = h.PollWorkflowTask(kTaskQueue, 5000ms);
  ASSERT_FALSE(again.task_token().empty());
  EXPECT_EQ(again.started_event_id(), 3);
  ASSERT_TRUE(h.CompleteWorkflowTask(again.task_token(), {CompleteWorkflow("2")}).ok());
  EXPECT_EQ(h.EventTypes("in-process-3"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
}

}  // namespace
}  // namespace endure::engine::testing
