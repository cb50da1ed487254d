// Local activities end to end, embedded, with no sticky cache so that every workflow task
// replays the history first: outcomes recorded as markers and read back instead of running
// again, retries inside the task, failures reaching the workflow, replay and its checks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "runtime/client/client.h"
#include "runtime/engine.h"
#include "runtime/replay/replayer.h"
#include "runtime/worker/worker.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "tests/runtime/test_backend.h"
#include "tests/storage/store_test_util.h"

namespace endure::runtime {
namespace {

using namespace std::chrono_literals;
namespace enums = temporal::api::enums::v1;

std::atomic<int> echo_runs{0};
std::atomic<int> flaky_runs{0};

// Two local activities around a timer; a query reads what the first returned.
Task<Json> LocalSteps(WorkflowContext& ctx, Json input) {
  Json first = co_await ctx.execute_local_activity("echo", input);
  ctx.on_query("first", [&](const Json&) { return first; });
  co_await ctx.sleep(20ms);
  Json second = co_await ctx.execute_local_activity("echo", "second");
  Json result = {{"first", first}, {"second", second}};
  co_return result;
}

// The same steps with the second one moved to an activity task: not what history recorded.
Task<Json> ChangedSteps(WorkflowContext& ctx, Json input) {
  Json first = co_await ctx.execute_local_activity("echo", input);
  co_await ctx.sleep(20ms);
  ActivityOptions options;
  options.start_to_close_timeout = 10s;
  Json second = co_await ctx.execute_activity("echo", "second", options);
  Json result = {{"first", first}, {"second", second}};
  co_return result;
}

Task<Json> Retried(WorkflowContext& ctx, Json) {
  LocalActivityOptions options;
  options.retry_policy = RetryPolicy{.initial_interval = 10ms, .maximum_attempts = 5};
  co_return co_await ctx.execute_local_activity("flaky", nullptr, options);
}

Task<Json> FailsForGood(WorkflowContext& ctx, Json) {
  std::string caught;
  try {
    co_await ctx.execute_local_activity("refuse", nullptr);
  } catch (const ActivityError& e) {
    caught = e.cause_type() + (e.non_retryable() ? "/non-retryable" : "/retryable");
  }
  co_return caught;
}

// Two branches at once: the local activity resolves only once both are blocked, live and
// replaying alike, so the timer of the second branch is always made first.
Task<Json> Branch(Future<Json> la) { co_return co_await la; }
Task<Json> Concurrent(WorkflowContext& ctx, Json) {
  Task<Json> branch = Branch(ctx.execute_local_activity("echo", "la"));
  Future<void> timer = ctx.sleep(10ms);
  Json la = co_await branch;
  co_await timer;
  co_return la;
}

class LocalActivityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status opened = backend_.Open(dir_.File("endure.db"), /*remote=*/false);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    client_ = std::make_unique<Client>(backend_.client());
    worker_ = std::make_unique<Worker>(
        backend_.service().get(), WorkerOptions{.task_queue = "local", .max_cached_workflows = 0});
    worker_->RegisterWorkflow("LocalSteps", LocalSteps);
    worker_->RegisterWorkflow("Retried", Retried);
    worker_->RegisterWorkflow("FailsForGood", FailsForGood);
    worker_->RegisterWorkflow("Concurrent", Concurrent);
    worker_->RegisterActivity("echo", [](ActivityContext&, const Json& v) {
      echo_runs.fetch_add(1);
      return v;
    });
    worker_->RegisterActivity("flaky", [](ActivityContext& ctx, const Json&) {
      flaky_runs.fetch_add(1);
      if (ctx.info().attempt < 3) throw ApplicationError("not yet", "Flaky");
      return Json(ctx.info().attempt);
    });
    worker_->RegisterActivity("refuse", [](ActivityContext&, const Json&) -> Json {
      throw ApplicationError("never", "Refused", /*non_retryable=*/true);
    });
    ASSERT_TRUE(worker_->Start().ok());
    echo_runs = 0;
    flaky_runs = 0;
  }
  void TearDown() override {
    worker_.reset();
    backend_.Close();
  }

  WorkflowHandle Start(const std::string& type, const std::string& id, const Json& input) {
    auto w = client_->StartWorkflow(type, input, {.id = id, .task_queue = "local"});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : WorkflowHandle{id, ""};
  }

  int CountEvents(const temporal::api::history::v1::History& history, enums::EventType type) {
    int n = 0;
    for (const auto& e : history.events()) n += e.event_type() == type ? 1 : 0;
    return n;
  }

  storage::testing::TempDir dir_;
  test_support::TestBackend backend_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(LocalActivityTest, RecordsMarkersAndNeverRunsAnActivityTwice) {
  const auto w = Start("LocalSteps", "steps", "first");
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (Json{{"first", "first"}, {"second", "second"}}));
  // Each task replayed the history (no cache), yet each activity ran once.
  EXPECT_EQ(echo_runs.load(), 2);
  EXPECT_GE(worker_->full_history_replays(), 2u);

  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(CountEvents(*history, enums::EVENT_TYPE_MARKER_RECORDED), 2);
  EXPECT_EQ(CountEvents(*history, enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 0);
  Status replay = ReplayHistory(LocalSteps, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
  EXPECT_EQ(echo_runs.load(), 2);  // Replay reads the markers.

  Status changed = ReplayHistory(ChangedSteps, *history);
  EXPECT_EQ(changed.code(), kNonDeterminism);
  EXPECT_NE(changed.message().find("MARKER_RECORDED"), std::string::npos) << changed.ToString();
}

TEST_F(LocalActivityTest, RetriesInsideTheTaskByItsPolicy) {
  const auto w = Start("Retried", "retried", nullptr);
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 3);
  EXPECT_EQ(flaky_runs.load(), 3);
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(CountEvents(*history, enums::EVENT_TYPE_MARKER_RECORDED), 1);
  EXPECT_TRUE(ReplayHistory(Retried, *history).ok());
}

TEST_F(LocalActivityTest, NonRetryableFailureReachesTheWorkflow) {
  const auto w = Start("FailsForGood", "fails", nullptr);
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "Refused/non-retryable");
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  Status replay = ReplayHistory(FailsForGood, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
}

TEST_F(LocalActivityTest, ResolvesOnceTheCodeIsBlockedLiveAndReplaying) {
  const auto w = Start("Concurrent", "concurrent", nullptr);
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "la");
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  // The timer was made before the local activity's marker, in one task.
  int timer_at = 0, marker_at = 0;
  for (const auto& e : history->events()) {
    if (e.event_type() == enums::EVENT_TYPE_TIMER_STARTED) timer_at = e.event_id();
    if (e.event_type() == enums::EVENT_TYPE_MARKER_RECORDED) marker_at = e.event_id();
  }
  EXPECT_GT(marker_at, timer_at);
  Status replay = ReplayHistory(Concurrent, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
}

}  // namespace
}  // namespace endure::runtime
