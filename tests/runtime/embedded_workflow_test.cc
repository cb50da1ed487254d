// The C++ SDK end to end in one process: a Worker running a C++ workflow and activity against the
// engine (EmbeddedService), a client's start, query, signal and result, and the replayer over
// the history that run wrote, including the non-determinism a changed workflow is caught by.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "engine/frontend/frontend.h"
#include "runtime/client/service.h"
#include "runtime/payloads.h"
#include "runtime/replay/replayer.h"
#include "runtime/worker/worker.h"
#include "runtime/workflow/workflow_run.h"
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

class EmbeddedWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions store_options;
    store_options.path = dir_.File("endure.db");
    auto store = storage::Store::Open(store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    engine::FrontendOptions options;
    options.store = store_.get();
    auto frontend = engine::Frontend::Open(options);
    ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
    frontend_ = std::move(*frontend);
    service_ = EmbeddedService(frontend_.get());
  }
  void TearDown() override {
    worker_.reset();
    if (frontend_) frontend_->Shutdown();
  }

  void StartWorker(size_t cache) {
    WorkerOptions options;
    options.task_queue = "greetings";
    options.max_cached_workflows = cache;
    worker_ = std::make_unique<Worker>(service_.get(), options);
    worker_->RegisterWorkflow("Greeter", Greeter);
    worker_->RegisterActivity("hello", Hello);
    ASSERT_TRUE(worker_->Start().ok());
  }

  std::string Start(const std::string& id) {
    wsv1::StartWorkflowExecutionRequest r;
    r.set_namespace_("default");
    r.set_workflow_id(id);
    r.mutable_workflow_type()->set_name("Greeter");
    r.mutable_task_queue()->set_name("greetings");
    *r.mutable_input() = ToPayloads("Ada");
    r.set_request_id(id);
    auto started = service_->StartWorkflowExecution(r);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? started->run_id() : "";
  }

  Result<Json> Query(const std::string& id, const std::string& name) {
    wsv1::QueryWorkflowRequest r;
    r.set_namespace_("default");
    r.mutable_execution()->set_workflow_id(id);
    r.mutable_query()->set_query_type(name);
    ENDURE_ASSIGN_OR_RETURN(auto answer, service_->QueryWorkflow(r));
    return FromPayloads(answer.query_result());
  }

  void Signal(const std::string& id, const std::string& name, const Json& value) {
    wsv1::SignalWorkflowExecutionRequest r;
    r.set_namespace_("default");
    r.mutable_workflow_execution()->set_workflow_id(id);
    r.set_signal_name(name);
    *r.mutable_input() = ToPayloads(value);
    ASSERT_TRUE(service_->SignalWorkflowExecution(r).ok());
  }

  temporal::api::history::v1::History History(const std::string& id) {
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_("default");
    r.mutable_execution()->set_workflow_id(id);
    auto page = service_->GetWorkflowExecutionHistory(r);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->history() : temporal::api::history::v1::History();
  }

  // Waits for the run's close event.
  temporal::api::history::v1::HistoryEvent Close(const std::string& id) {
    for (int i = 0; i < 10; ++i) {
      wsv1::GetWorkflowExecutionHistoryRequest r;
      r.set_namespace_("default");
      r.mutable_execution()->set_workflow_id(id);
      r.set_wait_new_event(true);
      r.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
      auto page = service_->GetWorkflowExecutionHistory(r);
      if (page.ok() && page->history().events_size() > 0) return page->history().events(0);
    }
    ADD_FAILURE() << "the workflow did not close";
    return {};
  }

  // Waits until the query answers `stage`.
  void AwaitStage(const std::string& id, const std::string& stage) {
    for (int i = 0; i < 500; ++i) {
      auto progress = Query(id, "progress");
      if (progress.ok() && (*progress)["stage"] == stage) return;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "the workflow never reached " << stage;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<engine::Frontend> frontend_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(EmbeddedWorkflowTest, RunsActivityTimerSignalAndQuery) {
  StartWorker(100);
  Start("greet-1");
  AwaitStage("greet-1", "waiting");
  Signal("greet-1", "go", true);
  const auto close = Close("greet-1");
  ASSERT_TRUE(close.has_workflow_execution_completed_event_attributes()) << close.DebugString();
  auto result = FromPayloads(close.workflow_execution_completed_event_attributes().result());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)["greeting"], "Hello, Ada!");
  EXPECT_EQ((*result)["id"], 36);
  // After completion the query still answers, from the history replayed.
  auto progress = Query("greet-1", "progress");
  ASSERT_TRUE(progress.ok()) << progress.status().ToString();
  EXPECT_EQ((*progress)["stage"], "waiting");
}

TEST_F(EmbeddedWorkflowTest, WithoutACacheEveryTaskReplaysTheWholeHistory) {
  StartWorker(0);
  Start("greet-2");
  AwaitStage("greet-2", "waiting");
  Signal("greet-2", "go", true);
  ASSERT_TRUE(Close("greet-2").has_workflow_execution_completed_event_attributes());
  EXPECT_GE(worker_->full_history_replays(), worker_->workflow_tasks_completed());
  EXPECT_GE(worker_->workflow_tasks_completed(), 3u);
}

TEST_F(EmbeddedWorkflowTest, ReplaysItsHistoryAndCatchesAChangedWorkflow) {
  StartWorker(100);
  Start("greet-3");
  AwaitStage("greet-3", "waiting");
  Signal("greet-3", "go", true);
  ASSERT_TRUE(Close("greet-3").has_workflow_execution_completed_event_attributes());
  const auto history = History("greet-3");

  Status same = ReplayHistory(Greeter, history);
  EXPECT_TRUE(same.ok()) << same.ToString();

  Status changed = ReplayHistory(GreeterChanged, history);
  ASSERT_EQ(changed.code(), kNonDeterminism) << changed.ToString();
  // Event 5 is the ActivityTaskScheduled the first workflow task recorded; the changed code
  // starts a timer there instead.
  EXPECT_NE(changed.message().find("event 5"), std::string::npos) << changed.message();
  EXPECT_NE(changed.message().find("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"), std::string::npos)
      << changed.message();
  EXPECT_NE(changed.message().find("COMMAND_TYPE_START_TIMER"), std::string::npos)
      << changed.message();
}

}  // namespace
}  // namespace endure::runtime
