// The C++ SDK end to end: a Worker running C++ workflows and activities, and a Client's start,
// describe, query, signal, list and result, both against the engine in this process (Engine)
// and against a dev server over gRPC; then the replayer over the history a run wrote, including
// the non-determinism a changed workflow is caught by.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "runtime/client/client.h"
#include "runtime/client/service.h"
#include "runtime/engine.h"
#include "runtime/payloads.h"
#include "runtime/replay/replayer.h"
#include "runtime/worker/worker.h"
#include "runtime/workflow/workflow_run.h"
#include "tests/runtime/test_backend.h"
#include "tests/storage/store_test_util.h"

namespace endure::runtime {
namespace {

using namespace std::chrono_literals;
namespace enums = temporal::api::enums::v1;

ActivityOptions Quick() {
  ActivityOptions o;
  o.start_to_close_timeout = 10s;
  return o;
}

// Greets (activity), naps (timer), waits for `go` (signal), and answers `progress` (query).
Task<Json> Greeter(WorkflowContext& ctx, Json input) {
  std::string stage = "greeting";
  bool go = false;
  ctx.on_query("progress", [&](const Json&) { return Json{{"stage", stage}}; });
  ctx.on_signal("go", [&](const Json& v) { go = v.get<bool>(); });
  Json greeting = co_await ctx.execute_activity("hello", input, Quick());
  stage = "napping";
  co_await ctx.sleep(50ms);
  stage = "waiting";
  co_await ctx.wait_condition([&] { return go; });
  co_return Json{{"greeting", greeting}, {"id", ctx.uuid4().size()}};
}

// The same workflow with its timer moved before its activity: a different program.
Task<Json> GreeterChanged(WorkflowContext& ctx, Json input) {
  bool go = false;
  ctx.on_signal("go", [&](const Json& v) { go = v.get<bool>(); });
  co_await ctx.sleep(50ms);
  Json greeting = co_await ctx.execute_activity("hello", input, Quick());
  co_await ctx.wait_condition([&] { return go; });
  co_return Json{{"greeting", greeting}, {"id", ctx.uuid4().size()}};
}

Json Hello(ActivityContext& ctx, const Json& name) {
  ctx.heartbeat({{"step", 1}});
  return "Hello, " + name.get<std::string>() + "!";
}

// Runs the fixture's workflows either embedded (Engine) or against a dev server over gRPC.
class WorkflowTest : public ::testing::TestWithParam<bool> {
 protected:
  bool remote() const { return GetParam(); }

  void SetUp() override {
    Status opened = backend_.Open(dir_.File("endure.db"), remote());
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    service_ = backend_.service();
    client_ = std::make_unique<Client>(backend_.client());
  }
  void TearDown() override {
    worker_.reset();
    client_.reset();
    service_.reset();
    backend_.Close();
  }

  void StartWorker(size_t cache, bool eager_activities = true) {
    WorkerOptions options;
    options.task_queue = "greetings";
    options.max_cached_workflows = cache;
    options.eager_activities = eager_activities;
    worker_ = std::make_unique<Worker>(service_.get(), options);
    worker_->RegisterWorkflow("Greeter", Greeter);
    worker_->RegisterActivity("hello", Hello);
    ASSERT_TRUE(worker_->Start().ok());
  }

  WorkflowHandle Start(const std::string& id, bool eager = false) {
    StartWorkflowOptions options;
    options.id = id;
    options.task_queue = "greetings";
    options.memo = {{"owner", "jarvis"}};
    options.request_eager_start = eager;
    auto started = client_->StartWorkflow("Greeter", "Ada", options);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? *started : WorkflowHandle{id, ""};
  }

  // Waits until the query answers `stage`.
  void AwaitStage(const WorkflowHandle& w, const std::string& stage) {
    for (int i = 0; i < 500; ++i) {
      auto progress = client_->Query(w, "progress");
      if (progress.ok() && (*progress)["stage"] == stage) return;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "the workflow never reached " << stage;
  }

  storage::testing::TempDir dir_;
  test_support::TestBackend backend_;
  std::shared_ptr<Service> service_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Worker> worker_;
};

INSTANTIATE_TEST_SUITE_P(EmbeddedAndRemote, WorkflowTest, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Remote" : "Embedded"; });

TEST_P(WorkflowTest, RunsActivityTimerSignalAndQuery) {
  StartWorker(100);
  const WorkflowHandle w = Start("greet-1");
  AwaitStage(w, "waiting");
  auto described = client_->Describe(w);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->status, "Running");
  EXPECT_EQ(described->memo["owner"], "jarvis");
  ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["greeting"], "Hello, Ada!");
  EXPECT_EQ((*result)["id"], 36);
  // The activity came back in the completion of the task that scheduled it.
  EXPECT_EQ(worker_->eager_activities_run(), 1u);
  // After completion the query still answers, from the history replayed.
  auto progress = client_->Query(w, "progress");
  ASSERT_TRUE(progress.ok()) << progress.status().ToString();
  EXPECT_EQ((*progress)["stage"], "waiting");
  auto listed = client_->List("WorkflowType = 'Greeter' AND ExecutionStatus = 'Completed'");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].workflow_id, "greet-1");
}

TEST_P(WorkflowTest, WithoutACacheEveryTaskReplaysTheWholeHistory) {
  StartWorker(0);
  const WorkflowHandle w = Start("greet-2");
  AwaitStage(w, "waiting");
  ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  ASSERT_TRUE(client_->GetResult(w).ok());
  EXPECT_GE(worker_->full_history_replays(), worker_->workflow_tasks_completed());
  EXPECT_GE(worker_->workflow_tasks_completed(), 3u);
}

TEST_P(WorkflowTest, WithoutEagerActivitiesTheyGoThroughMatching) {
  StartWorker(100, /*eager_activities=*/false);
  const WorkflowHandle w = Start("greet-5");
  AwaitStage(w, "waiting");
  ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["greeting"], "Hello, Ada!");
  EXPECT_EQ(worker_->eager_activities_run(), 0u);
}

TEST_P(WorkflowTest, AnEagerStartRunsTheFirstTaskOnThisProcessWorker) {
  StartWorker(100);
  const WorkflowHandle w = Start("greet-6", /*eager=*/true);
  AwaitStage(w, "waiting");
  EXPECT_EQ(worker_->eager_workflow_tasks_run(), 1u);
  ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["greeting"], "Hello, Ada!");
  // A start on a queue no worker here serves is an ordinary one.
  StartWorkflowOptions elsewhere;
  elsewhere.id = "greet-7";
  elsewhere.task_queue = "nobody-here";
  elsewhere.request_eager_start = true;
  auto other = client_->StartWorkflow("Greeter", "Bob", elsewhere);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(worker_->eager_workflow_tasks_run(), 1u);
}

TEST_P(WorkflowTest, ReplaysItsHistoryAndCatchesAChangedWorkflow) {
  StartWorker(100);
  const WorkflowHandle w = Start("greet-3");
  AwaitStage(w, "waiting");
  ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  ASSERT_TRUE(client_->GetResult(w).ok());
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());

  Status same = ReplayHistory(Greeter, *history);
  EXPECT_TRUE(same.ok()) << same.ToString();

  Status changed = ReplayHistory(GreeterChanged, *history);
  ASSERT_EQ(changed.code(), kNonDeterminism) << changed.ToString();
  // Event 5 is the ActivityTaskScheduled the first workflow task recorded; the changed code
  // starts a timer there instead.
  EXPECT_NE(changed.message().find("event 5"), std::string::npos) << changed.message();
  EXPECT_NE(changed.message().find("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"), std::string::npos)
      << changed.message();
  EXPECT_NE(changed.message().find("COMMAND_TYPE_START_TIMER"), std::string::npos)
      << changed.message();
}

TEST_P(WorkflowTest, TwoWorkersShareATaskQueue) {
  StartWorker(100);
  auto second = std::make_unique<Worker>(service_.get(), WorkerOptions{.task_queue = "greetings"});
  second->RegisterWorkflow("Greeter", Greeter);
  second->RegisterActivity("hello", Hello);
  ASSERT_TRUE(second->Start().ok());
  std::vector<WorkflowHandle> runs;
  for (int i = 0; i < 20; ++i) runs.push_back(Start("shared-" + std::to_string(i)));
  for (const auto& w : runs) AwaitStage(w, "waiting");
  for (const auto& w : runs) ASSERT_TRUE(client_->Signal(w, "go", true).ok());
  for (const auto& w : runs) {
    auto result = client_->GetResult(w);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ((*result)["greeting"], "Hello, Ada!");
  }
  EXPECT_GT(worker_->workflow_tasks_completed(), 0u);
  EXPECT_GT(second->workflow_tasks_completed(), 0u);
  second->Shutdown();
}

TEST_P(WorkflowTest, ActivityFailuresReachTheWorkflowAndFailIt) {
  WorkerOptions options;
  options.task_queue = "greetings";
  worker_ = std::make_unique<Worker>(service_.get(), options);
  worker_->RegisterWorkflow("Strict", [](WorkflowContext& ctx, Json input) -> Task<Json> {
    ActivityOptions o = Quick();
    o.retry_policy = RetryPolicy{.initial_interval = 10ms, .maximum_attempts = 5};
    try {
      co_await ctx.execute_activity("refuse", input, o);
    } catch (const ActivityError& e) {
      throw ApplicationError(std::string("gave up: ") + e.what(), e.cause_type(), true);
    }
    co_return nullptr;
  });
  worker_->RegisterActivity("refuse", [](ActivityContext& ctx, const Json&) -> Json {
    if (ctx.info().attempt < 2) throw std::runtime_error("flaky");
    throw ApplicationError("not allowed", "PolicyViolation", /*non_retryable=*/true);
  });
  ASSERT_TRUE(worker_->Start().ok());
  StartWorkflowOptions start;
  start.id = "strict-1";
  start.task_queue = "greetings";
  auto w = client_->StartWorkflow("Strict", nullptr, start);
  ASSERT_TRUE(w.ok());
  auto result = client_->GetResult(*w);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("PolicyViolation"), std::string::npos)
      << result.status().ToString();
  EXPECT_NE(result.status().message().find("gave up: not allowed"), std::string::npos)
      << result.status().ToString();
}

std::atomic<int> slow_task_runs{0};

// Its first workflow task outlasts the task timeout, once.
Task<Json> SlowFirstTask(WorkflowContext& ctx, Json) {
  if (slow_task_runs.fetch_add(1) == 0) std::this_thread::sleep_for(1500ms);
  co_await ctx.sleep(10ms);
  co_return "done";
}

// The server times out a workflow task the worker holds too long and retries it; the worker's
// late completion (sent without waiting for its answer) is refused, and the run's cached state
// with it, while the retry, replayed from the whole history, carries the run to its end.
TEST_P(WorkflowTest, ALateWorkflowTaskIsRefusedAndItsRetryFinishesTheRun) {
  slow_task_runs = 0;
  WorkerOptions options;
  options.task_queue = "greetings";
  worker_ = std::make_unique<Worker>(service_.get(), options);
  worker_->RegisterWorkflow("SlowFirstTask", SlowFirstTask);
  ASSERT_TRUE(worker_->Start().ok());
  StartWorkflowOptions start;
  start.id = "slow-1";
  start.task_queue = "greetings";
  start.task_timeout = 1s;
  auto w = client_->StartWorkflow("SlowFirstTask", nullptr, start);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto result = client_->GetResult(*w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "done");
  EXPECT_GE(worker_->full_history_replays(), 2u);
  auto history = client_->FetchHistory(*w);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  int timed_out = 0;
  for (const auto& e : history->events()) {
    timed_out += e.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
  }
  EXPECT_EQ(timed_out, 1);
  worker_->Shutdown();  // Waits for the late completion's answer.
  EXPECT_EQ(slow_task_runs.load(), 2);
}

}  // namespace
}  // namespace endure::runtime
